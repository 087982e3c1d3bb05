#pragma once

#include "instrumentpanel.h"
#include "race.h"

#include <vector>

class QAction;
class QComboBox;
class QLineEdit;
class QLogValueAxis;
class QSpinBox;
class QToolButton;
class QValueAxis;

namespace gradlens {

// Several optimizers from the current γ, one after the other (core race on a pool thread, cancellable):
// their losses overlaid on a log axis against iterations, evaluations of f and ∇f, or seconds, and a
// caption that names who got there in the fewest evaluations, with a table of each run's totals.
class RacePanel : public InstrumentPanel {
    Q_OBJECT
public:
    enum class XAxis { Iterations, Evaluations, Seconds };

    explicit RacePanel(QWidget *parent = nullptr);
    // The window's options (convention, variant, learning rate, the optimizers' parameters): each run takes
    // them with its own optimizer and the race's iteration limit and tolerance.
    void setDescentOptions(const DescentOptions &options);
    std::vector<DescentOptions> runOptions() const; // one per chosen optimizer, in the list's order
    void setChosen(const std::vector<OptimizerKind> &optimizers);
    void setXAxis(XAxis axis);
    const std::vector<RaceRun> &result() const { return m_result; }

protected:
    void start(const SnapshotPointer &snapshot) override;
    void redraw() override { show(m_result); }

private:
    void show(const std::vector<RaceRun> &runs);

    void updateChoiceText(); // "Optimizers (5)"

    std::vector<std::pair<OptimizerKind, QAction *>> m_choices;
    QToolButton *m_chooser;
    QSpinBox *m_iterations;
    QLineEdit *m_tolerance;
    QComboBox *m_xAxis;
    QValueAxis *m_x;
    QLogValueAxis *m_y;
    DescentOptions m_options;
    std::vector<RaceRun> m_result;
    QString m_userGradient; // the user's gradient the window uses, which the race does not (empty: none)
};

} // namespace gradlens
