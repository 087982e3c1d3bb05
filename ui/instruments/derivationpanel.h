#pragma once

#include "backgroundjob.h"
#include "derivation.h"
#include "instruments.h"
#include "snapshot.h"

#include <QWidget>

class QLabel;
class QSpinBox;
class QTextBrowser;

namespace gradlens {

// How the gradient is obtained, step by step, with live numbers for one entry (k, c): the terms of the
// entry-wise sum (largest first), the matrix form's two terms, their sum, the analytic value of the selected
// formula and a numerical estimate. A teaching mistake is shown at the step of the derivation it breaks.
// The numbers follow descent; clicking a cell of an n×r heatmap selects its entry.
class DerivationPanel : public QWidget {
    Q_OBJECT
public:
    explicit DerivationPanel(QWidget *parent = nullptr);

    void setSnapshot(const SnapshotPointer &snapshot);
    void selectEntry(int row, int column); // 0-based
    bool isBusy() const { return m_job.isBusy(); }
    QString text() const; // the panel's text, as shown (for tests)

    struct Result {
        SnapshotPointer snapshot;
        EntryDerivation derivation;
        EntryDetail detail;
    };
    const Result &result() const { return m_result; }

signals:
    void computed();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void compute();
    void show(const Result &result);
    QString derivationSteps(GradientVariant variant, Convention convention) const;
    QString numbers(const Result &result) const;

    QSpinBox *m_row, *m_column;
    QTextBrowser *m_text;
    BackgroundJob m_job;
    SnapshotPointer m_snapshot;
    Result m_result;
};

} // namespace gradlens
