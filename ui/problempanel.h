#pragma once

#include "generators.h"

#include <QGroupBox>

class QComboBox;
class QDoubleSpinBox;
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

signals:
    void generateRequested(const gradlens::GeneratorOptions &options);
    void randomizeGammaRequested(quint64 seed);

private:
    QSpinBox *m_n, *m_r, *m_seed;
    QComboBox *m_weightKind, *m_targetKind;
    QDoubleSpinBox *m_density, *m_noise;
};

} // namespace gradlens
