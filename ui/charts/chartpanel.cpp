#include "chartpanel.h"

#include "logchart.h"
#include "scrollarea.h"

#include <QGridLayout>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>

namespace gradlens {

ChartPanel::ChartPanel(QWidget *parent)
    : QWidget(parent) {
    m_loss = new LogChart(tr("Loss"), tr("f"));
    m_lossSeries = m_loss->addLineSeries(tr("f(γ)"), QColor(0x21, 0x66, 0xac));
    m_deviation = new LogChart(tr("Max |analytic − numeric|"), tr("max |Δ|"));
    m_informativeSeries = m_deviation->addLineSeries(tr("max |Δ|"), QColor(0xb2, 0x18, 0x2b), true);
    m_uninformativeSeries = m_deviation->addScatterSeries(tr("≤ rounding"), QColor(0x80, 0x80, 0x80));
    m_gradient = new LogChart(tr("Gradient norm"), tr("‖G‖"));
    m_gradientSeries = m_gradient->addLineSeries(tr("‖∂f/∂γ‖"), QColor(0x1b, 0x9e, 0x77));
    m_slope = new LogChart(tr("Taylor slope at the checks"), tr("slope"));
    m_slope->useLinearYAxis(0, 4);
    m_slopeSeries = m_slope->addLineSeries(tr("slope"), QColor(0x54, 0x27, 0x88), true);
    m_slope->hideFromLegend(m_slopeSeries); // the title says what the points are
    m_slope->addReferenceLine(tr("2 right"), 2.0, QColor(0x1b, 0x9e, 0x77));
    m_slope->addReferenceLine(tr("1 wrong"), 1.0, QColor(0xd9, 0x5f, 0x02));
    m_factor = new LogChart(tr("Factor γ"), tr("size"));
    m_distanceSeries = m_factor->addLineSeries(tr("to γ*"), QColor(0xd9, 0x5f, 0x02));
    m_largestSeries = m_factor->addLineSeries(tr("σ₁"), QColor(0x2c, 0x7f, 0xb8));
    m_smallestSeries = m_factor->addLineSeries(tr("σᵣ"), QColor(0x7f, 0xcd, 0xbb));
    m_factor->setToolTip(
        tr("σ₁, σᵣ: γ's largest and smallest singular values (f sees γ only through γγᵀ, whose eigenvalues "
           "are their squares)\nto γ*: for a planted problem, min over rotations Q of ‖γQ − γ*‖: zero when "
           "descent "
           "has found the planted answer."));
    // Iterations cost different amounts per optimizer: say where the cost is counted.
    m_loss->setToolTip(tr("The objective at every iteration, on a log scale.\nThe evaluations of f and ∇f "
                          "spent so far are in the status bar; the Race tab plots the loss against "
                          "evaluations and seconds."));
    m_deviation->setToolTip(
        tr("The largest |analytic − numeric| over all entries, at each gradient check.\n"
           "Grey points: a step changes f by less than its rounding error there, so finite "
           "differences cannot judge the gradient."));
    m_slope->setToolTip(
        tr("The slope of the Taylor remainder |f(γ + tD) − f(γ) − t⟨G, D⟩| against t, on "
           "log–log axes, at each check.\n2: the analytic gradient is right; 1: it is wrong."));
    m_gradient->setToolTip(
        tr("‖∂f/∂γ‖ at every iteration; descent stops when it falls below the tolerance."));
    // The charts sit in a grid that reflows with the width (four in a row, two by two, or one above the
    // other) and scrolls when the height is short: a chart never shrinks below the size where its texts
    // fit, so none is elided, on a projector's 1024 × 768 in large text too.
    m_grid = new QWidget;
    m_gridLayout = new QGridLayout(m_grid);
    m_gridLayout->setContentsMargins(0, 0, 0, 0);
    m_scroll = scrollingArea(m_grid);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_scroll);
    reflow();
}

void ChartPanel::resizeEvent(QResizeEvent *event) {
    QWidget::resizeEvent(event);
    reflow();
}

void ChartPanel::changeEvent(QEvent *event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        reflow();
}

void ChartPanel::reflow() {
    const LogChart *charts[] = {m_loss, m_deviation, m_slope, m_gradient, m_factor};
    constexpr int count = int(std::size(charts));
    QSize smallest;
    for (const LogChart *chart : charts)
        smallest = smallest.expandedTo(chart->minimumSizeHint());
    const int available = m_scroll->viewport()->width();
    const int columns = std::clamp(available / std::max(1, smallest.width()), 1, count);
    if (columns == m_columns)
        return;
    m_columns = columns;
    for (int k = 0; k < count; ++k) {
        m_gridLayout->removeWidget(const_cast<LogChart *>(charts[k]));
        m_gridLayout->addWidget(const_cast<LogChart *>(charts[k]), k / columns, k % columns);
    }
}

void ChartPanel::clear() {
    m_loss->clear();
    m_deviation->clear();
    m_gradient->clear();
    m_slope->clear();
    m_factor->clear();
}

void ChartPanel::append(const Snapshot &snapshot) {
    // Back in the history: the furthest curves stay faint; loss and ‖G‖ come again with the snapshot's
    // records (the whole history up to there), the checks' points up to there stay.
    if (snapshot.rewoundTo >= 0) {
        m_loss->rewind(-1);
        m_gradient->rewind(-1);
        m_deviation->rewind(snapshot.rewoundTo);
        m_slope->rewind(snapshot.rewoundTo);
        m_factor->rewind(snapshot.rewoundTo);
    }
    for (const IterationRecord &record : snapshot.newRecords) {
        m_loss->append(m_lossSeries, record.iteration, record.loss);
        m_gradient->append(m_gradientSeries, record.iteration, record.gradientNorm);
    }
    for (const DeviationPoint &point : snapshot.newDeviations) {
        m_deviation->append(point.informative ? m_informativeSeries : m_uninformativeSeries, point.iteration,
                            point.maxAbsolute);
        m_slope->append(m_slopeSeries, point.iteration, point.taylorSlope);
    }
    for (const FactorPoint &point : snapshot.newFactorPoints) {
        if (point.plantedDistance >= 0)
            m_factor->append(m_distanceSeries, point.iteration, point.plantedDistance);
        m_factor->append(m_largestSeries, point.iteration, point.largestSingularValue);
        m_factor->append(m_smallestSeries, point.iteration, point.smallestSingularValue);
    }
    m_loss->flush();
    m_deviation->flush();
    m_gradient->flush();
    m_slope->flush();
    m_factor->flush();
}

} // namespace gradlens
