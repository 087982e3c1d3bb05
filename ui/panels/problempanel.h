#pragma once

#include "generators.h"

#include <QGroupBox>

class QComboBox;
class QDoubleSpinBox;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QSpinBox;

namespace gradlens {

// n, r, seed and the kinds of P and R; "Generate" and "Randomize γ".
class ProblemPanel : public QGroupBox {
    Q_OBJECT
public:
    explicit ProblemPanel(QWidget *parent = nullptr);

    GeneratorOptions options() const;
    void setOptions(const GeneratorOptions &options);
    // The problem in use: its size (shown in n and r) and where its matrices came from.
    void showProblem(Eigen::Index n, Eigen::Index r, const QString &source);
    // Matrices read but kept aside until the others of their size arrive; empty hides the line.
    void showHeld(const QString &description);
    QString sourceText() const;
    QString heldText() const;

signals:
    void generateRequested(const gradlens::GeneratorOptions &options);
    void randomizeGammaRequested(quint64 seed);
    void clearHeldRequested();

private:
    QSpinBox *m_n, *m_r, *m_seed;
    QComboBox *m_weightKind, *m_targetKind;
    QDoubleSpinBox *m_density, *m_noise;
    QLabel *m_source, *m_held;
    QPushButton *m_clearHeld;
    QHBoxLayout *m_heldRow;
};

} // namespace gradlens
