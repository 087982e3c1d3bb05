#pragma once

#include "backgroundjob.h"
#include "instruments.h"
#include "snapshot.h"

#include <QDialog>

class QLabel;
class QTableWidget;

namespace gradlens {

// Everything about one entry γ_kc of the gradient: the analytic value, each numerical estimate with its
// step, f(γ ± h e_kc), the absolute and relative error, and whether finite differences can resolve it.
// Non-modal: clicking another cell shows that one.
class EntryDetailDialog : public QDialog {
    Q_OBJECT
public:
    explicit EntryDetailDialog(QWidget *parent = nullptr);

    void showEntry(const SnapshotPointer &snapshot, int row, int column);
    bool isBusy() const { return m_job.isBusy(); }
    const EntryDetail &detail() const { return m_detail; }
    QTableWidget *table() const { return m_table; }

signals:
    void computed();

private:
    void display(const EntryDetail &detail);

    QLabel *m_summary;
    QTableWidget *m_table;
    BackgroundJob m_job; // the latest click wins
    EntryDetail m_detail;
    GradientVariant m_variant = GradientVariant::Correct;
};

} // namespace gradlens
