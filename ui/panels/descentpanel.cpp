#include "descentpanel.h"

#include <QAction>
#include <QComboBox>
#include <QDoubleValidator>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>

#include <cmath>
#include <iterator>

namespace gradlens {

namespace {

// The slider covers 1e-8 … 10 in tenths of a decade.
constexpr int kSliderMinimum = -80, kSliderMaximum = 10;
// The speed slider's notches: steps per second, then 0 for as fast as it goes.
constexpr int kSpeeds[] = {1, 2, 3, 5, 10, 20, 30, 60, 0};
constexpr int kSpeedCount = int(std::size(kSpeeds));

QString formatNumber(double value) {
    return QLocale::c().toString(value, 'g', 6);
}

QToolButton *buttonFor(QAction *action) {
    auto *button = new QToolButton;
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    return button;
}

} // namespace

DescentPanel::DescentPanel(QWidget *parent)
    : QGroupBox(tr("Descent"), parent) {
    auto *form = new QFormLayout(this);
    m_optimizer = new QComboBox;
    m_optimizer->addItem(tr("Armijo backtracking"), int(OptimizerKind::Armijo));
    m_optimizer->addItem(tr("Gradient descent, fixed step"), int(OptimizerKind::GradientDescent));
    m_optimizer->addItem(tr("Exact line search"), int(OptimizerKind::Exact));
    m_optimizer->setToolTip(tr(
        "Fixed step uses the learning rate as is; Armijo starts from it and halves the step until the loss "
        "falls enough; the exact line search takes the minimiser of f(γ − tG), a quartic in t here"));
    m_rateSlider = new QSlider(Qt::Horizontal);
    m_rateSlider->setRange(kSliderMinimum, kSliderMaximum);
    m_rateSlider->setToolTip(tr("Learning rate, logarithmic: each notch is a tenth of a decade"));
    m_rateField = new QLineEdit;
    m_rateField->setValidator(new QDoubleValidator(1e-12, 1e6, 12, m_rateField));
    m_rateField->setMaximumWidth(90);
    m_rateField->setToolTip(tr("Learning rate (type a number, e.g. 1e-3, and press Enter)"));
    m_iterations = new QSpinBox;
    m_iterations->setRange(0, 10000000);
    m_iterations->setToolTip(tr("Run stops after this many iterations in total"));
    m_tolerance = new QLineEdit;
    m_tolerance->setValidator(new QDoubleValidator(0, 1e6, 12, m_tolerance));
    m_tolerance->setToolTip(tr("Converged when the gradient norm ‖G‖ is at or below this"));

    m_speedSlider = new QSlider(Qt::Horizontal);
    m_speedSlider->setRange(0, kSpeedCount - 1);
    m_speedSlider->setPageStep(1);
    m_speedSlider->setToolTip(tr("How fast a run steps, so that a class can watch it: from 1 step a second "
                                 "to as fast as it goes. It can change while running."));
    m_speedLabel = new QLabel;
    m_speedLabel->setMinimumWidth(m_speedLabel->fontMetrics().horizontalAdvance(tr("fastest")) + 4);
    auto *speed = new QHBoxLayout;
    speed->addWidget(m_speedSlider, 1);
    speed->addWidget(m_speedLabel);

    m_history = new QSlider(Qt::Horizontal);
    m_history->setRange(0, 0);
    m_history->setToolTip(
        tr("Every iteration so far: drag back to see an earlier one (heatmaps, charts and "
           "tabs follow); a step from there starts a new branch, the old curve stays faint"));
    m_historyLabel = new QLabel;
    auto *history = new QHBoxLayout;
    history->addWidget(m_history, 1);
    history->addWidget(m_historyLabel);

    auto *rate = new QHBoxLayout;
    rate->addWidget(m_rateSlider, 1);
    rate->addWidget(m_rateField);
    form->addRow(tr("Optimizer"), m_optimizer);
    form->addRow(tr("Learning rate"), rate);
    form->addRow(tr("Iterations"), m_iterations);
    form->addRow(tr("Tolerance"), m_tolerance);
    form->addRow(tr("Speed"), speed);
    form->addRow(tr("History"), history);

    m_step = new QAction(tr("Step →"), this);
    m_step->setShortcut(QKeySequence(Qt::Key_Right));
    m_step->setToolTip(tr("One descent step (→)"));
    m_stepBack = new QAction(tr("← Back"), this);
    m_stepBack->setShortcut(QKeySequence(Qt::Key_Left));
    m_stepBack->setToolTip(tr("One iteration back in the history (←)"));
    m_run = new QAction(tr("Run"), this);
    m_run->setShortcut(QKeySequence(Qt::Key_Space));
    m_run->setToolTip(tr("Run or pause descent (Space)"));
    m_reset = new QAction(tr("Reset"), this);
    m_reset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_reset->setToolTip(tr("Back to the starting γ; clears the charts (Ctrl+R)"));
    for (QAction *action : {m_step, m_stepBack, m_run, m_reset})
        action->setShortcutContext(Qt::WindowShortcut);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(buttonFor(m_stepBack));
    buttons->addWidget(buttonFor(m_step));
    buttons->addWidget(buttonFor(m_run));
    buttons->addWidget(buttonFor(m_reset));
    form->addRow(buttons);

    connect(m_optimizer, &QComboBox::currentIndexChanged, this, &DescentPanel::optionsChanged);
    connect(m_iterations, &QSpinBox::valueChanged, this, &DescentPanel::optionsChanged);
    connect(m_rateSlider, &QSlider::valueChanged, this,
            [this](int notch) { setLearningRate(std::pow(10.0, notch / 10.0), true); });
    connect(m_rateField, &QLineEdit::editingFinished, this, [this] {
        bool ok = false;
        const double typed = QLocale::c().toDouble(m_rateField->text(), &ok);
        if (ok && typed > 0)
            setLearningRate(typed, false);
        else
            m_rateField->setText(formatNumber(m_learningRate));
    });
    connect(m_tolerance, &QLineEdit::editingFinished, this, &DescentPanel::optionsChanged);
    connect(m_speedSlider, &QSlider::valueChanged, this, [this](int notch) {
        m_speedLabel->setText(kSpeeds[notch] == 0 ? tr("fastest") : tr("%1/s").arg(kSpeeds[notch]));
        emit speedChanged(kSpeeds[notch]);
    });
    // Dragging moves the label; the run goes there when the slider is let go (or moved with the keys).
    connect(m_history, &QSlider::valueChanged, this, [this](int iteration) {
        m_historyLabel->setText(tr("%1 / %2").arg(iteration).arg(m_history->maximum()));
        if (!m_history->isSliderDown())
            emit historyRequested(iteration);
    });
    connect(m_history, &QSlider::sliderReleased, this, [this] { emit historyRequested(m_history->value()); });
    showHistory(0, 0);
    setOptions(DescentOptions{});
    setStepsPerSecond(0);
    m_speedLabel->setText(tr("fastest"));
}

void DescentPanel::showHistory(int iteration, int furthest) {
    if (m_history->isSliderDown())
        return; // the user is dragging it
    const QSignalBlocker blocker(m_history);
    m_history->setRange(0, std::max(furthest, iteration));
    m_history->setValue(iteration);
    m_historyLabel->setText(tr("%1 / %2").arg(iteration).arg(m_history->maximum()));
    m_stepBack->setEnabled(iteration > 0);
}

int DescentPanel::stepsPerSecond() const {
    return kSpeeds[m_speedSlider->value()];
}

void DescentPanel::setStepsPerSecond(int stepsPerSecond) {
    // The nearest notch at or above the speed asked for (0, the fastest, is the last).
    int notch = kSpeedCount - 1;
    for (int k = 0; k < kSpeedCount - 1; ++k)
        if (stepsPerSecond > 0 && kSpeeds[k] >= stepsPerSecond) {
            notch = k;
            break;
        }
    m_speedSlider->setValue(notch);
}

void DescentPanel::setLearningRate(double rate, bool fromSlider) {
    m_learningRate = rate;
    m_rateField->setText(formatNumber(rate));
    if (!fromSlider) {
        const QSignalBlocker blocker(m_rateSlider);
        m_rateSlider->setValue(static_cast<int>(std::lround(std::log10(rate) * 10.0)));
    }
    emit optionsChanged();
}

DescentOptions DescentPanel::options() const {
    DescentOptions options;
    options.optimizer = OptimizerKind(m_optimizer->currentData().toInt());
    options.learningRate = m_learningRate;
    options.maxIterations = m_iterations->value();
    bool ok = false;
    const double tolerance = QLocale::c().toDouble(m_tolerance->text(), &ok);
    options.gradientTolerance = ok ? tolerance : options.gradientTolerance;
    return options;
}

void DescentPanel::setOptions(const DescentOptions &options) {
    const QSignalBlocker blockOptimizer(m_optimizer), blockIterations(m_iterations),
        blockSlider(m_rateSlider);
    m_optimizer->setCurrentIndex(m_optimizer->findData(int(options.optimizer)));
    m_learningRate = options.learningRate;
    m_rateField->setText(formatNumber(options.learningRate));
    m_rateSlider->setValue(static_cast<int>(std::lround(std::log10(options.learningRate) * 10.0)));
    m_iterations->setValue(options.maxIterations);
    m_tolerance->setText(formatNumber(options.gradientTolerance));
}

void DescentPanel::setRunning(bool running) {
    m_run->setText(running ? tr("Pause") : tr("Run"));
    m_step->setEnabled(!running);
}

} // namespace gradlens
