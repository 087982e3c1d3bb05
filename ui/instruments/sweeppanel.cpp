#include "sweeppanel.h"

#include "logchart.h"

#include <QChart>
#include <QLineSeries>
#include <QLogValueAxis>

#include <algorithm>
#include <cmath>

namespace gradlens {

namespace {

const QColor kMethodColors[] = {QColor(0xd9, 0x5f, 0x02), QColor(0x21, 0x66, 0xac), QColor(0x1b, 0x9e, 0x77)};

QString methodLabel(std::size_t m) {
    return m == 0 ? QObject::tr("forward") : m == 1 ? QObject::tr("central") : QObject::tr("complex step");
}

QString scientific(double value) {
    return QString::number(value, 'e', 1).replace(QLatin1Char('-'), QChar(0x2212));
}

} // namespace

SweepPanel::SweepPanel(QWidget *parent)
    : InstrumentPanel(tr("Run step sweep"), parent) {
    chart()->setTitle(tr("Deviation against the step h"));
    for (QLogValueAxis **axis : {&m_x, &m_y}) {
        *axis = new QLogValueAxis;
        (*axis)->setBase(10);
        (*axis)->setLabelFormat(QStringLiteral("%.0e"));
    }
    m_x->setTitleText(tr("step h"));
    m_x->setReverse(true); // h shrinks to the right, as one reads a sweep
    m_y->setTitleText(tr("max |G_num − G|"));
    chart()->addAxis(m_x, Qt::AlignBottom);
    chart()->addAxis(m_y, Qt::AlignLeft);
    setCaption(tr("Press <b>Run step sweep</b>."));
}

void SweepPanel::start(const SnapshotPointer &snapshot) {
    SweepOptions options;
    options.variant = snapshot->variant;
    options.convention = snapshot->convention;
    run(
        [snapshot, options] {
            const ProblemView current{snapshot->problem->R, snapshot->problem->P, snapshot->gamma};
            return stepSweep(current, options);
        },
        [this](const SweepResult &result) { show(result); });
}

void SweepPanel::show(const SweepResult &result) {
    m_result = result;
    chart()->removeAllSeries();
    double yMin = HUGE_VAL, yMax = 0;
    for (std::size_t m = 0; m < SweepResult::kMethods.size(); ++m) {
        auto *series = new QLineSeries;
        series->setName(methodLabel(m));
        for (std::size_t k = 0; k < result.steps.size(); ++k)
            if (result.deviation[m][k] > 0) { // exactly 0 cannot sit on a log axis
                series->append(result.steps[k], result.deviation[m][k]);
                yMin = std::min(yMin, result.deviation[m][k]);
                yMax = std::max(yMax, result.deviation[m][k]);
            }
        chart()->addSeries(series);
        series->attachAxis(m_x);
        series->attachAxis(m_y);
        series->setPen(QPen(kMethodColors[m], 2.5));
        series->setPointsVisible(true);
    }
    if (yMax > 0) {
        setLogRange(m_x, result.steps.back(), result.steps.front(), logLabelRoom(m_x, chart()->plotArea()));
        setLogRange(m_y, yMin / 10, yMax, logLabelRoom(m_y, chart()->plotArea()));
        const double low = m_y->min(), high = m_y->max();
        // Each method's automatic step, where it falls inside the sweep.
        for (std::size_t m = 0; m < SweepResult::kMethods.size(); ++m) {
            const double h = result.defaultStep[m];
            if (h < result.steps.back() || h > result.steps.front())
                continue;
            auto *marker = new QLineSeries;
            marker->setName(tr("automatic h, %1").arg(methodLabel(m)));
            marker->append(h, low);
            marker->append(h, high);
            chart()->addSeries(marker);
            marker->attachAxis(m_x);
            marker->attachAxis(m_y);
            marker->setPen(QPen(kMethodColors[m], 1.5, Qt::DashLine));
        }
    }
    setCaption(
        tr("<p>Best: forward %1 at h = %2, central %3 at h = %4, complex step %5 (max |G| = %6).</p>"
           "<p>Read it from left to right. Large h: truncation error, falling like h (forward, slope 1) "
           "or h² (central, slope 2). Small h: rounding error, growing like 1/h, because f(γ ± h) − f(γ) "
           "subtracts nearly equal numbers. The bottom of the V is the best step. Complex step has no "
           "subtraction and stays at the rounding floor for every small h.</p>")
            .arg(scientific(result.bestDeviation[0]), scientific(result.bestStep[0]),
                 scientific(result.bestDeviation[1]), scientific(result.bestStep[1]),
                 scientific(result.bestDeviation[2]), scientific(result.scale)));
}

} // namespace gradlens
