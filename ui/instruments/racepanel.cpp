#include "racepanel.h"

#include "descentpanel.h"
#include "logchart.h"

#include <QChart>
#include <QComboBox>
#include <QDoubleValidator>
#include <QFormLayout>
#include <QLineEdit>
#include <QLineSeries>
#include <QLocale>
#include <QLogValueAxis>
#include <QMenu>
#include <QSpinBox>
#include <QToolButton>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <optional>

namespace gradlens {

namespace {

// The race's optimizers in the order they are offered, and the ones ticked at first: the three line
// searches and the three accelerated methods (fixed step needs a tuned rate to mean anything).
constexpr OptimizerKind kOffered[] = {
    OptimizerKind::GradientDescent, OptimizerKind::Armijo, OptimizerKind::Exact, OptimizerKind::Momentum,
    OptimizerKind::Nesterov,        OptimizerKind::Adam,   OptimizerKind::LBFGS};
constexpr OptimizerKind kDefaultChosen[] = {OptimizerKind::Armijo, OptimizerKind::Momentum,
                                            OptimizerKind::Nesterov, OptimizerKind::Adam,
                                            OptimizerKind::LBFGS};

// One colour per optimizer (Okabe–Ito, readable by colour-blind eyes and on a projector).
QColor colorOf(OptimizerKind kind) {
    static const QColor colors[] = {QColor(0x99, 0x99, 0x99), QColor(0xe6, 0x9f, 0x00),
                                    QColor(0x56, 0xb4, 0xe9), QColor(0x00, 0x9e, 0x73),
                                    QColor(0xcc, 0x79, 0xa7), QColor(0xd5, 0x5e, 0x00),
                                    QColor(0x00, 0x72, 0xb2)};
    return colors[int(kind)];
}

OptimizerKind kindOf(const RaceRun &run) {
    return parseOptimizer(run.optimizer).value_or(OptimizerKind::GradientDescent);
}

double xOf(const RaceRun &run, std::size_t k, RacePanel::XAxis axis) {
    switch (axis) {
    case RacePanel::XAxis::Iterations:
        return run.records[k].iteration;
    case RacePanel::XAxis::Evaluations:
        return double(run.records[k].functionEvaluations + run.records[k].gradientEvaluations);
    case RacePanel::XAxis::Seconds:
        return run.seconds[k];
    }
    return 0;
}

// Evaluations (f and ∇f) a run spent to come within 0.1 % of the best decrease any run made, if it did.
std::optional<std::int64_t> evaluationsToTarget(const RaceRun &run, double target) {
    for (const IterationRecord &record : run.records)
        if (record.loss <= target)
            return record.functionEvaluations + record.gradientEvaluations;
    return std::nullopt;
}

QString number(double value) {
    return QLocale::c().toString(value, 'g', 4).replace(QLatin1Char('-'), QChar(0x2212));
}

} // namespace

RacePanel::RacePanel(QWidget *parent)
    : InstrumentPanel(tr("Run race"), parent) {
    // A menu of checkable optimizers: one row, where seven checkboxes took four.
    auto *menu = new QMenu(this);
    for (OptimizerKind kind : kOffered) {
        QAction *action = menu->addAction(optimizerLabel(kind));
        action->setCheckable(true);
        action->setToolTip(optimizerDescription(kind));
        action->setChecked(std::find(std::begin(kDefaultChosen), std::end(kDefaultChosen), kind) !=
                           std::end(kDefaultChosen));
        connect(action, &QAction::toggled, this, &RacePanel::updateChoiceText);
        m_choices.emplace_back(kind, action);
    }
    menu->setToolTipsVisible(true);
    m_chooser = new QToolButton;
    m_chooser->setMenu(menu);
    m_chooser->setPopupMode(QToolButton::InstantPopup);
    m_chooser->setToolTip(tr("The optimizers that race, one after the other from the same γ"));
    updateChoiceText();
    controls()->addWidget(m_chooser);
    m_iterations = new QSpinBox;
    m_iterations->setRange(1, 100000);
    m_iterations->setValue(200);
    m_iterations->setToolTip(tr("Each optimizer stops after this many iterations"));
    m_tolerance = new QLineEdit(QStringLiteral("1e-6"));
    m_tolerance->setValidator(new QDoubleValidator(0, 1, 12, m_tolerance));
    m_tolerance->setToolTip(tr("Converged when ‖G‖ ≤ this · ‖G‖ at the start (0: off)"));
    m_xAxis = new QComboBox;
    m_xAxis->addItem(tr("iterations"), int(XAxis::Iterations));
    m_xAxis->addItem(tr("evaluations of f and ∇f"), int(XAxis::Evaluations));
    m_xAxis->addItem(tr("seconds"), int(XAxis::Seconds));
    m_xAxis->setToolTip(tr("What the loss is plotted against: an L-BFGS iteration can cost several "
                           "evaluations, an Armijo one several f's"));
    auto *form = new QFormLayout;
    form->addRow(tr("Iterations"), m_iterations);
    form->addRow(tr("Rel. tolerance"), m_tolerance);
    form->addRow(tr("Against"), m_xAxis);
    sideColumn()->insertLayout(1, form);
    connect(m_xAxis, &QComboBox::currentIndexChanged, this, [this] { show(m_result); });

    chart()->setTitle(tr("Loss of each optimizer from the same γ"));
    m_x = new QValueAxis;
    m_x->setLabelFormat(QStringLiteral("%.4g"));
    m_y = new QLogValueAxis;
    m_y->setBase(10);
    m_y->setLabelFormat(QStringLiteral("%.0e"));
    m_y->setTitleText(tr("loss"));
    chart()->addAxis(m_x, Qt::AlignBottom);
    chart()->addAxis(m_y, Qt::AlignLeft);
    setCaption(tr("Choose two or more <b>Optimizers</b> and press <b>Run race</b>."));
}

void RacePanel::updateChoiceText() {
    const auto chosen = std::count_if(m_choices.begin(), m_choices.end(),
                                      [](const auto &choice) { return choice.second->isChecked(); });
    m_chooser->setText(tr("Optimizers (%1)").arg(chosen));
}

void RacePanel::setDescentOptions(const DescentOptions &options) {
    m_options = options;
}

std::vector<DescentOptions> RacePanel::runOptions() const {
    std::vector<DescentOptions> runs;
    bool ok = false;
    const double tolerance = QLocale::c().toDouble(m_tolerance->text(), &ok);
    for (const auto &[kind, action] : m_choices)
        if (action->isChecked()) {
            DescentOptions options = m_options;
            options.optimizer = kind;
            options.maxIterations = m_iterations->value();
            options.relativeTolerance = ok ? tolerance : 0.0;
            runs.push_back(options);
        }
    return runs;
}

void RacePanel::setChosen(const std::vector<OptimizerKind> &optimizers) {
    for (const auto &[kind, action] : m_choices)
        action->setChecked(std::find(optimizers.begin(), optimizers.end(), kind) != optimizers.end());
}

void RacePanel::setXAxis(XAxis axis) {
    m_xAxis->setCurrentIndex(m_xAxis->findData(int(axis)));
}

void RacePanel::start(const SnapshotPointer &snapshot) {
    m_userGradient = snapshot->gradientSource;
    Problem problem = *snapshot->problem; // from the γ shown, not the generation's start
    problem.gamma = snapshot->gamma;
    run([problem = std::move(problem),
         runs = runOptions()](const CancelPredicate &cancelled) { return race(problem, runs, cancelled); },
        [this](const std::vector<RaceRun> &result) { show(result); });
}

void RacePanel::show(const std::vector<RaceRun> &runs) {
    m_result = runs;
    chart()->removeAllSeries();
    const auto axis = XAxis(m_xAxis->currentData().toInt());
    m_x->setTitleText(m_xAxis->currentText());
    double xMax = 0, yMin = HUGE_VAL, yMax = 0, best = HUGE_VAL;
    for (const RaceRun &run : runs) {
        auto *series = new QLineSeries;
        series->setName(optimizerLabel(kindOf(run)));
        QList<QPointF> points; // handed over in one replace(): a long race has many records
        points.reserve(qsizetype(run.records.size()));
        for (std::size_t k = 0; k < run.records.size(); ++k) {
            const double loss = run.records[k].loss;
            if (!(loss > 0) || !std::isfinite(loss)) // a log axis holds positive, finite values only
                continue;
            points.append(QPointF(xOf(run, k, axis), loss));
            xMax = std::max(xMax, xOf(run, k, axis));
            yMin = std::min(yMin, loss);
            yMax = std::max(yMax, loss);
        }
        series->replace(points);
        chart()->addSeries(series);
        series->attachAxis(m_x);
        series->attachAxis(m_y);
        series->setPen(QPen(colorOf(kindOf(run)), 2.5));
        if (std::isfinite(run.summary.finalLoss))
            best = std::min(best, run.summary.finalLoss);
    }
    if (yMax > 0) {
        m_x->setRange(0, xMax > 0 ? xMax : 1);
        m_x->setTickCount(std::clamp(int(chart()->plotArea().width() / (6 * fontMetrics().height())), 2, 6));
        // A decade of room below: the lowest curve sits on a labelled line, not on the unlabelled edge.
        setLogRange(m_y, yMin / 10, yMax, logLabelRoom(m_y, chart()->plotArea()));
    }
    if (runs.empty()) {
        setCaption(tr("Choose two or more <b>Optimizers</b> and press <b>Run race</b>."));
        return;
    }
    // Who came within 0.1 % of the best decrease in the fewest evaluations: the cost that matters when f
    // is dear, whatever an iteration means to each optimizer.
    const double start = runs.front().records.empty() ? best : runs.front().records.front().loss;
    const double target = best + 1e-3 * std::max(start - best, 0.0);
    const RaceRun *winner = nullptr;
    std::int64_t fewest = 0;
    QStringList lines;
    for (const RaceRun &run : runs) {
        const auto spent = evaluationsToTarget(run, target);
        if (spent && (!winner || *spent < fewest)) {
            winner = &run;
            fewest = *spent;
        }
        // One line per run (a table would not fit the caption's column at a projector's text size).
        lines
            << tr("<span style='color:%1'>■</span> <b>%2</b>: %3 iterations, %4 evaluations, final loss %5; "
                  "within 0.1 %: %6")
                   .arg(colorOf(kindOf(run)).name(), optimizerLabel(kindOf(run)))
                   .arg(run.summary.iterations)
                   .arg(run.summary.functionEvaluations + run.summary.gradientEvaluations)
                   .arg(number(run.summary.finalLoss),
                        spent ? tr("after %1 evaluations").arg(*spent) : tr("never"));
    }
    const QString verdict =
        winner ? tr("<b>%1</b> won in evaluations: it came within 0.1 % of the best decrease after %2 "
                    "evaluations of f and ∇f.")
                     .arg(optimizerLabel(kindOf(*winner)))
                     .arg(fewest)
               : tr("No optimizer made a decrease.");
    // A user's program would run thousands of times in a race: the race takes the selected formula.
    const QString formulaNote =
        m_userGradient.isEmpty() ? QString()
                                 : tr("<p>The race follows the selected formula, not your gradient (%1).</p>")
                                       .arg(m_userGradient.toHtmlEscaped());
    setCaption(formulaNote +
               tr("<p>%1</p><p>%2</p>"
                  "<p>Evaluations count f and ∇f apart (a fused pass is one of each): Armijo's trials are f "
                  "only, L-BFGS's line search may take several of each.</p>")
                   .arg(verdict, lines.join(QStringLiteral("<br>"))));
}

} // namespace gradlens
