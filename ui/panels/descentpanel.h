#pragma once

#include "descent.h"

#include <QGroupBox>

class QLabel;

class QAction;
class QComboBox;
class QLineEdit;
class QSlider;
class QSpinBox;

namespace gradlens {

// Optimizer, learning rate (logarithmic slider with a numeric field), iteration limit and tolerance, and
// the Step (→), Run/Pause (Space) and Reset (Ctrl+R) actions, which the window also puts in its Run menu.
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

signals:
    void optionsChanged();
    void speedChanged(int stepsPerSecond);
    void historyRequested(int iteration); // the scrubber was moved there

private:
    void setLearningRate(double rate, bool fromSlider);

    QComboBox *m_optimizer;
    QSlider *m_rateSlider, *m_speedSlider, *m_history;
    QLabel *m_speedLabel, *m_historyLabel;
    QLineEdit *m_rateField, *m_tolerance;
    QSpinBox *m_iterations;
    QAction *m_step, *m_stepBack, *m_run, *m_reset;
    double m_learningRate = 1e-2;
};

} // namespace gradlens
