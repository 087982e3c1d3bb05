#include "taylorpanel.h"

#include "logchart.h"

#include <QChart>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>

#include <algorithm>
#include <cmath>

namespace gradlens {

namespace {

QLogValueAxis *logAxis(const QString &title) {
    auto *axis = new QLogValueAxis;
    axis->setTitleText(title);
    axis->setBase(10);
    axis->setLabelFormat(QStringLiteral("%.0e"));
    return axis;
}

} // namespace

TaylorPanel::TaylorPanel(QWidget *parent)
    : InstrumentPanel(tr("Run Taylor test"), parent) {
    m_direction = new QComboBox;
    m_direction->addItem(tr("random direction"), int(TaylorDirection::Random));
    m_direction->addItem(tr("along −G"), int(TaylorDirection::NegativeGradient));
    m_direction->setToolTip(tr("The direction D of E(t) = |f(γ + tD) − f(γ) − t⟨G, D⟩|"));
    controls()->addWidget(m_direction);
    connect(m_direction, &QComboBox::currentIndexChanged, this, &InstrumentPanel::compute);
    chart()->setTitle(tr("Taylor remainder E(t)")); // its formula heads the caption
    m_x = logAxis(tr("t"));
    m_y = logAxis(tr("E(t)"));
    chart()->addAxis(m_x, Qt::AlignBottom);
    chart()->addAxis(m_y, Qt::AlignLeft);
    setCaption(tr("Press <b>Run Taylor test</b>."));
}

void TaylorPanel::start(const SnapshotPointer &snapshot) {
    TaylorOptions options;
    options.variant = snapshot->variant;
    options.convention = snapshot->convention;
    options.direction = TaylorDirection(m_direction->currentData().toInt());
    run(
        [snapshot, options] {
            const ProblemView current{snapshot->problem->R, snapshot->problem->P, snapshot->gamma};
            return taylorTest(current, options);
        },
        [this](const TaylorResult &result) { show(result); });
}

void TaylorPanel::show(const TaylorResult &result) {
    m_result = result;
    chart()->removeAllSeries();
    auto add = [this](QXYSeries *series, const QString &name, const QPen &pen) {
        series->setName(name);
        chart()->addSeries(series);
        series->attachAxis(m_x);
        series->attachAxis(m_y);
        series->setPen(pen);
        return series;
    };
    double yMin = HUGE_VAL, yMax = 0;
    auto *measured = new QLineSeries;
    for (std::size_t k = 0; k < result.t.size(); ++k)
        if (result.error[k] > 0) {
            measured->append(result.t[k], result.error[k]);
            yMin = std::min(yMin, result.error[k]);
            yMax = std::max(yMax, result.error[k]);
        }
    add(measured, tr("E(t) measured"), QPen(QColor(0x21, 0x66, 0xac), 2.5));
    measured->setPointsVisible(true);
    if (result.windowEnd > result.windowBegin) {
        auto *window = new QLineSeries;
        for (int k = result.windowBegin; k < result.windowEnd; ++k)
            window->append(result.t[std::size_t(k)], result.error[std::size_t(k)]);
        add(window, tr("fitted window: slope %1").arg(result.slope, 0, 'f', 2),
            QPen(QColor(0xe6, 0x9f, 0x00), 7));
        // Reference lines through the window's first point, over the whole t range.
        const double t0 = result.t[std::size_t(result.windowBegin)],
                     e0 = result.error[std::size_t(result.windowBegin)];
        for (const auto &[slope, color, style] : {std::tuple{2.0, QColor(0x1b, 0x9e, 0x77), Qt::DashLine},
                                                  std::tuple{1.0, QColor(0xd9, 0x5f, 0x02), Qt::DotLine}}) {
            auto *reference = new QLineSeries;
            for (double t : {result.t.front(), result.t.back()}) {
                const double e = e0 * std::pow(t / t0, slope);
                reference->append(t, e);
            }
            add(reference, tr("slope %1 reference").arg(slope, 0, 'f', 0), QPen(color, 2, style));
        }
    }
    if (result.roundingFloor > 0) {
        auto *floor = new QLineSeries;
        floor->append(result.t.front(), result.roundingFloor);
        floor->append(result.t.back(), result.roundingFloor);
        add(floor, tr("rounding floor"), QPen(QColor(0x80, 0x80, 0x80), 1.5, Qt::DashDotLine));
        yMin = std::min(yMin, result.roundingFloor);
    }
    if (yMax > 0) {
        setLogRange(m_x, result.t.front(), result.t.back(), logLabelRoom(m_x, chart()->plotArea()));
        setLogRange(m_y, yMin / 10, yMax * 10, logLabelRoom(m_y, chart()->plotArea()));
    }
    const char *color = result.verdict == TaylorVerdict::Consistent ? "#1b7837"
                        : result.verdict == TaylorVerdict::Wrong    ? "#b2182b"
                                                                    : "#5a5a5a";
    setCaption(tr("<p><b style='color:%1'>%2</b></p>"
                  "<p>E(t) = |f(γ + tD) − f(γ) − t⟨G, D⟩|. With the right gradient the first-order term "
                  "cancels and E(t) falls like t²: slope 2 on "
                  "these axes. A wrong gradient leaves a term in t: slope 1. At the smallest t the curve "
                  "flattens at the rounding floor; at the largest, the t³ and t⁴ terms bend it up.</p>")
                   .arg(QLatin1String(color), QString::fromStdString(result.explanation).toHtmlEscaped()));
}

} // namespace gradlens
