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
#include <utility>

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

QLineEdit *numberField(const QString &toolTip) {
    auto *field = new QLineEdit;
    field->setToolTip(toolTip);
    return field;
}

} // namespace

QString optimizerLabel(OptimizerKind kind) {
    switch (kind) {
    case OptimizerKind::GradientDescent:
        return QObject::tr("Gradient descent");
    case OptimizerKind::Armijo:
        return QObject::tr("Armijo backtracking");
    case OptimizerKind::Exact:
        return QObject::tr("Exact line search");
    case OptimizerKind::Momentum:
        return QObject::tr("Momentum");
    case OptimizerKind::Nesterov:
        return QObject::tr("Nesterov");
    case OptimizerKind::Adam:
        return QObject::tr("Adam");
    case OptimizerKind::LBFGS:
        return QObject::tr("L-BFGS");
    }
    return {};
}

QString optimizerDescription(OptimizerKind kind) {
    switch (kind) {
    case OptimizerKind::GradientDescent:
        return QObject::tr("Gradient descent with a fixed step: γ ← γ − tG with the learning rate t "
                           "(decaying if step decay > 0)");
    case OptimizerKind::Armijo:
        return QObject::tr("Starts from the learning rate and halves the step until the loss falls enough");
    case OptimizerKind::Exact:
        return QObject::tr("Takes the minimiser of f(γ − tG), a quartic in t here: no learning rate");
    case OptimizerKind::Momentum:
        return QObject::tr("Heavy ball: a velocity v ← βv − tG carries past steps on, γ ← γ + v");
    case OptimizerKind::Nesterov:
        return QObject::tr("Momentum whose gradient is taken at the look-ahead point: steadier than heavy "
                           "ball");
    case OptimizerKind::Adam:
        return QObject::tr("Each entry's own step from running means of G (β₁) and G² (β₂); ε keeps the "
                           "division finite");
    case OptimizerKind::LBFGS:
        return QObject::tr("Quasi-Newton: a curvature estimate from the last m steps, with a Wolfe line "
                           "search");
    }
    return {};
}

DescentPanel::DescentPanel(QWidget *parent)
    : QGroupBox(tr("Descent"), parent) {
    auto *form = m_form = new QFormLayout(this);
    m_optimizer = new QComboBox;
    // Plain names, in the order a class meets them; each item's tooltip says what it does.
    for (OptimizerKind kind :
         {OptimizerKind::Armijo, OptimizerKind::GradientDescent, OptimizerKind::Exact,
          OptimizerKind::Momentum, OptimizerKind::Nesterov, OptimizerKind::Adam, OptimizerKind::LBFGS}) {
        m_optimizer->addItem(optimizerLabel(kind), int(kind));
        m_optimizer->setItemData(m_optimizer->count() - 1, optimizerDescription(kind), Qt::ToolTipRole);
    }
    m_optimizer->setToolTip(tr("How each step is taken; hover over an item to read what it does"));
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

    m_momentum = numberField(tr("β in [0, 1): how much of the previous step each step keeps (0.7 by "
                                "default; 0.9 took two to three times the iterations here)"));
    m_momentum->setObjectName(QStringLiteral("momentum"));
    m_adamBeta1 = numberField(tr("Adam's β₁ in [0, 1): memory of the running mean of G"));
    m_adamBeta1->setObjectName(QStringLiteral("adamBeta1"));
    m_adamBeta2 = numberField(tr("Adam's β₂ in [0, 1): memory of the running mean of G∘G"));
    m_adamBeta2->setObjectName(QStringLiteral("adamBeta2"));
    m_adamEpsilon = numberField(tr("Adam's ε > 0, added to √(mean of G²) so that no entry divides by 0"));
    m_adamEpsilon->setObjectName(QStringLiteral("adamEpsilon"));
    m_stepDecay = numberField(tr("The step after k steps is t₀ / (1 + k·decay); 0 keeps it fixed"));
    m_stepDecay->setObjectName(QStringLiteral("stepDecay"));
    m_lbfgsMemory = new QSpinBox;
    m_lbfgsMemory->setObjectName(QStringLiteral("lbfgsMemory"));
    m_lbfgsMemory->setRange(1, 1000);
    m_lbfgsMemory->setToolTip(tr("Correction pairs L-BFGS keeps: each costs two copies of γ"));
    m_refusal = new QLabel;
    m_refusal->setWordWrap(true);
    m_refusal->setStyleSheet(QStringLiteral("color: #b2182b"));
    m_refusal->hide();

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
    form->addRow(tr("Momentum β"), m_momentum);
    auto *adam = new QHBoxLayout;
    for (QLineEdit *field : {m_adamBeta1, m_adamBeta2, m_adamEpsilon})
        adam->addWidget(field);
    m_adamRow = adam;
    form->addRow(tr("β₁, β₂, ε"), adam);
    form->addRow(tr("Memory m"), m_lbfgsMemory);
    form->addRow(tr("Step decay"), m_stepDecay);
    form->addRow(m_refusal);
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

    connect(m_optimizer, &QComboBox::currentIndexChanged, this, [this] {
        showParametersOf(OptimizerKind(m_optimizer->currentData().toInt()));
        emit optionsChanged();
    });
    const std::pair<QLineEdit *, double DescentOptions::*> typedParameters[] = {
        {m_momentum, &DescentOptions::momentum},   {m_adamBeta1, &DescentOptions::adamBeta1},
        {m_adamBeta2, &DescentOptions::adamBeta2}, {m_adamEpsilon, &DescentOptions::adamEpsilon},
        {m_stepDecay, &DescentOptions::stepDecay},
    };
    for (const auto &[field, parameter] : typedParameters)
        connect(field, &QLineEdit::editingFinished, this,
                [this, field = field, parameter = parameter] { acceptTyped(field, parameter); });
    connect(m_lbfgsMemory, &QSpinBox::valueChanged, this, [this](int memory) {
        m_parameters.lbfgsMemory = memory;
        emit optionsChanged();
    });
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
    // The optimizer parameters as set or typed (m_parameters), and what the panel's other widgets own; the
    // settings it has no widget for (scaleStep, stepScaleFactor, relativeTolerance) are kept as set.
    DescentOptions options = m_parameters;
    options.optimizer = OptimizerKind(m_optimizer->currentData().toInt());
    options.learningRate = m_learningRate;
    options.maxIterations = m_iterations->value();
    bool ok = false;
    const double tolerance = QLocale::c().toDouble(m_tolerance->text(), &ok);
    options.gradientTolerance = ok ? tolerance : options.gradientTolerance;
    return options;
}

QString DescentPanel::refusal() const {
    return m_refusal->text();
}

void DescentPanel::acceptTyped(QLineEdit *field, double DescentOptions::*parameter) {
    bool ok = false;
    const double typed = QLocale::c().toDouble(field->text().trimmed(), &ok);
    DescentOptions candidate = options();
    candidate.*parameter = typed;
    const Status status = candidate.validate();
    if (!ok || !status) {
        m_refusal->setText(ok ? tr("Refused: %1").arg(QString::fromStdString(status.message))
                              : tr("Refused: “%1” is not a number").arg(field->text()));
        m_refusal->show();
        field->setText(formatNumber(m_parameters.*parameter));
        return;
    }
    m_refusal->clear();
    m_refusal->hide();
    if (m_parameters.*parameter == typed)
        return;
    m_parameters.*parameter = typed;
    field->setText(formatNumber(typed));
    emit optionsChanged();
}

void DescentPanel::showParametersOf(OptimizerKind kind) {
    const bool momentum = kind == OptimizerKind::Momentum || kind == OptimizerKind::Nesterov;
    const bool adam = kind == OptimizerKind::Adam;
    m_form->setRowVisible(m_momentum, momentum);
    m_form->setRowVisible(m_adamRow, adam);
    m_form->setRowVisible(m_lbfgsMemory, kind == OptimizerKind::LBFGS);
    m_form->setRowVisible(m_stepDecay, momentum || adam || kind == OptimizerKind::GradientDescent);
}

void DescentPanel::setOptions(const DescentOptions &options) {
    const QSignalBlocker blockOptimizer(m_optimizer), blockIterations(m_iterations),
        blockSlider(m_rateSlider), blockMemory(m_lbfgsMemory);
    m_optimizer->setCurrentIndex(m_optimizer->findData(int(options.optimizer)));
    m_learningRate = options.learningRate;
    m_rateField->setText(formatNumber(options.learningRate));
    m_rateSlider->setValue(static_cast<int>(std::lround(std::log10(options.learningRate) * 10.0)));
    m_iterations->setValue(options.maxIterations);
    m_tolerance->setText(formatNumber(options.gradientTolerance));
    m_parameters = options;
    m_momentum->setText(formatNumber(options.momentum));
    m_adamBeta1->setText(formatNumber(options.adamBeta1));
    m_adamBeta2->setText(formatNumber(options.adamBeta2));
    m_adamEpsilon->setText(formatNumber(options.adamEpsilon));
    m_stepDecay->setText(formatNumber(options.stepDecay));
    m_lbfgsMemory->setValue(options.lbfgsMemory);
    showParametersOf(options.optimizer);
}

void DescentPanel::setRunning(bool running) {
    m_run->setText(running ? tr("Pause") : tr("Run"));
    m_step->setEnabled(!running);
}

} // namespace gradlens
