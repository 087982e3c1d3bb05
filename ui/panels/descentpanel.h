#pragma once

#include "descent.h"

#include <QGroupBox>

class QAction;
class QComboBox;
class QFormLayout;
class QLayout;
class QLabel;
class QLineEdit;
class QSlider;
class QSpinBox;

namespace gradlens {

// An optimizer's name in the window ("Armijo backtracking", "L-BFGS") and a sentence on what it does.
QString optimizerLabel(OptimizerKind kind);
QString optimizerDescription(OptimizerKind kind);

// Optimizer, learning rate (logarithmic slider with a numeric field), the selected optimizer's own
// parameters (the others' are hidden), iteration limit and tolerance, and the Step (→), Run/Pause (Space) and
// Reset (Ctrl+R) actions, which the window also puts in its Run menu.
class DescentPanel : public QGroupBox {
    Q_OBJECT
public:
    explicit DescentPanel(QWidget *parent = nullptr);

    DescentOptions options() const; // convention is left at its default: the check panel owns it
    void setOptions(const DescentOptions &options);
    void setRunning(bool running); // Run shows Pause while a run is under way
    // Steps per second while running, so that a class can watch descent; 0: as fast as it goes.
    int stepsPerSecond() const;
    void setStepsPerSecond(int stepsPerSecond);

    QAction *stepAction() const { return m_step; }
    QAction *stepBackAction() const { return m_stepBack; }
    // The history scrubber: where the run is and how far it has been.
    void showHistory(int iteration, int furthest);
    QAction *runAction() const { return m_run; }
    QAction *resetAction() const { return m_reset; }
    // Why the last typed parameter was refused (empty when it was accepted).
    QString refusal() const;

signals:
    void optionsChanged();
    void speedChanged(int stepsPerSecond);
    void historyRequested(int iteration); // the scrubber was moved there

private:
    void setLearningRate(double rate, bool fromSlider);
    // A typed parameter: applied when the options stay valid, otherwise refused with the core's reason and
    // the field shows the value in use again.
    void acceptTyped(QLineEdit *field, double DescentOptions::*parameter);
    void showParametersOf(OptimizerKind kind);

    QComboBox *m_optimizer;
    QSlider *m_rateSlider, *m_speedSlider, *m_history;
    QLabel *m_speedLabel, *m_historyLabel;
    QLineEdit *m_rateField, *m_tolerance;
    QSpinBox *m_iterations, *m_lbfgsMemory;
    QLineEdit *m_momentum, *m_adamBeta1, *m_adamBeta2, *m_adamEpsilon, *m_stepDecay;
    QFormLayout *m_form;
    QLayout *m_adamRow;
    QLabel *m_refusal;
    DescentOptions m_parameters; // the options as last set, the typed optimizer parameters in them
    QAction *m_step, *m_stepBack, *m_run, *m_reset;
    double m_learningRate = 1e-2;
};

} // namespace gradlens
