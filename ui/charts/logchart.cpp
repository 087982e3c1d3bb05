#include "logchart.h"

#include <QFontMetricsF>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace gradlens {

namespace {

// Painting a long run point by point costs more with every frame. Above kMaxDisplayed points the series
// shows, for each of kMaxDisplayed / 2 buckets of consecutive points, the lowest and the highest, in order:
// the curve looks the same and no spike is lost.
constexpr qsizetype kMaxDisplayed = 2000;
// Vertical room one y-axis label needs, with its gap, in heights of the label font.
constexpr double kLabelHeightsPerYLabel = 1.9;
// A legend entry's marker and gap, in heights of the legend font; the chart's frame and margins, in pixels.
constexpr double kLegendMarkerHeights = 2.0;
constexpr int kChartFramePixels = 40;

QList<QPointF> forDisplay(const QList<QPointF> &points) {
    if (points.size() <= kMaxDisplayed)
        return points;
    const qsizetype buckets = kMaxDisplayed / 2;
    QList<QPointF> shown;
    shown.reserve(kMaxDisplayed + 1);
    for (qsizetype b = 0; b < buckets; ++b) {
        const qsizetype first = b * points.size() / buckets, last = (b + 1) * points.size() / buckets;
        qsizetype low = first, high = first;
        for (qsizetype k = first; k < last; ++k) {
            if (points[k].y() < points[low].y())
                low = k;
            if (points[k].y() > points[high].y())
                high = k;
        }
        shown.append(points[std::min(low, high)]);
        if (low != high)
            shown.append(points[std::max(low, high)]);
    }
    if (shown.back() != points.back())
        shown.append(points.back());
    return shown;
}

} // namespace

void setLogRange(QLogValueAxis *axis, double low, double high, int maxLabels) {
    const double first = std::max(-300.0, std::floor(std::log10(low)));
    const double last = std::min(300.0, std::ceil(std::log10(high)));
    const int step = std::max(1, static_cast<int>(std::ceil((last - first) / std::max(1, maxLabels - 1))));
    const double start = std::max(-300.0, std::floor(first / step) * step);
    const double end = std::min(300.0, std::max(std::ceil(last / step) * step, start + step));
    const double base = std::pow(10.0, step);
    if (axis->base() != base)
        axis->setBase(base);
    axis->setMinorTickCount(0);
    if (axis->min() != std::pow(10.0, start) || axis->max() != std::pow(10.0, end))
        axis->setRange(std::pow(10.0, start), std::pow(10.0, end));
}

void applyChartFont(QChart *chart, const QFont &font) {
    QFont bold = font;
    bold.setBold(true);
    chart->setTitleFont(bold);
    chart->legend()->setFont(font);
    for (QAbstractAxis *axis : chart->axes()) {
        axis->setLabelsFont(font);
        axis->setTitleFont(bold);
    }
}

int logLabelRoom(const QLogValueAxis *axis, const QRectF &plotArea) {
    const QFontMetricsF metrics(axis->labelsFont());
    const double pitch = axis->orientation() == Qt::Horizontal
                             ? 1.5 * metrics.horizontalAdvance(QStringLiteral("1e-08"))
                             : kLabelHeightsPerYLabel * metrics.height();
    const double length = axis->orientation() == Qt::Horizontal ? plotArea.width() : plotArea.height();
    return std::max(3, int(length / pitch));
}

LogChart::LogChart(const QString &title, const QString &yLabel, QWidget *parent)
    : QChartView(parent) {
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_x = new QValueAxis;
    m_x->setTitleText(tr("iteration"));
    m_x->setLabelFormat(QStringLiteral("%d"));
    m_x->setTickType(QValueAxis::TicksDynamic);
    m_x->setTickAnchor(0);
    m_x->setTickInterval(2);
    m_x->setRange(0, 10);
    m_y = new QLogValueAxis;
    m_y->setTitleText(yLabel);
    m_y->setBase(10);
    m_y->setLabelFormat(QStringLiteral("%.0e"));
    m_y->setRange(1e-3, 1);
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);
    setChart(chart);
    applyChartFont(chart, font());
    setRenderHint(QPainter::Antialiasing);
}

QSize LogChart::minimumSizeHint() const {
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics metrics(font()), boldMetrics(bold);
    int legendWidth = 0;
    for (QXYSeries *series : m_series)
        if (chart()->legend()->markers(series).value(0) &&
            chart()->legend()->markers(series).value(0)->isVisible())
            legendWidth +=
                metrics.horizontalAdvance(series->name()) + int(kLegendMarkerHeights * metrics.height());
    for (const QXYSeries *line : m_references)
        if (!line->name().isEmpty())
            legendWidth +=
                metrics.horizontalAdvance(line->name()) + int(kLegendMarkerHeights * metrics.height());
    const int width = std::max({boldMetrics.horizontalAdvance(chart()->title()) + 2 * metrics.height(),
                                legendWidth + metrics.height(), 13 * metrics.height()});
    // The frame and margins, then about eleven lines: title, legend, x labels and title, and a plot tall
    // enough for three y labels.
    return {width, kChartFramePixels + 11 * metrics.height()};
}

void LogChart::useLinearYAxis(double low, double high) {
    m_linearY = new QValueAxis;
    m_linearY->setTitleText(m_y->titleText());
    m_linearY->setRange(low, high);
    m_linearY->setTickCount(int(std::lround(high - low)) + 1);
    m_linearY->setLabelFormat(QStringLiteral("%.0f"));
    chart()->removeAxis(m_y);
    delete m_y;
    m_y = nullptr;
    chart()->addAxis(m_linearY, Qt::AlignLeft);
}

void LogChart::addReferenceLine(const QString &name, double y, const QColor &color) {
    auto *line = new QLineSeries;
    line->setName(name);
    chart()->addSeries(line);
    line->attachAxis(m_x);
    line->attachAxis(m_linearY ? static_cast<QAbstractAxis *>(m_linearY) : m_y);
    line->setPen(QPen(color, 1.5, Qt::DashLine));
    line->replace({QPointF(0, y), QPointF(m_xEnd, y)}); // (ends far outside the range were not drawn)
    if (name.isEmpty()) // explained elsewhere (the series' name, a tooltip): no room in a narrow legend
        for (QLegendMarker *marker : chart()->legend()->markers(line))
            marker->setVisible(false);
    m_references.append(line);
}

int LogChart::add(QXYSeries *series, const QColor &color) {
    series->setColor(color);
    chart()->addSeries(series);
    series->attachAxis(m_x);
    series->attachAxis(m_linearY ? static_cast<QAbstractAxis *>(m_linearY) : m_y);
    m_series.append(series);
    m_points.append(QList<QPointF>());
    m_branches.append(nullptr);
    m_branchPoints.append(QList<QPointF>());
    m_markers.append(true);
    return static_cast<int>(m_series.size()) - 1;
}

int LogChart::addLineSeries(const QString &name, const QColor &color, bool markers) {
    auto *series = new QLineSeries;
    series->setName(name);
    const int index = add(series, color);
    series->setPen(QPen(color, 2.5));
    series->setPointsVisible(markers);
    m_markers[index] = markers;
    return index;
}

int LogChart::addScatterSeries(const QString &name, const QColor &color) {
    auto *series = new QScatterSeries;
    series->setName(name);
    series->setMarkerSize(9);
    series->setBorderColor(color);
    return add(series, color);
}

void LogChart::hideFromLegend(int series) {
    for (QLegendMarker *marker : chart()->legend()->markers(m_series[series]))
        marker->setVisible(false);
}

void LogChart::append(int series, double x, double y) {
    if (!std::isfinite(y) || (!m_linearY && !(y > 0))) {
        ++m_skipped;
        return;
    }
    m_points[series].append(QPointF(x, y));
    m_dirty = true;
}

void LogChart::flush() {
    if (!m_dirty)
        return;
    m_dirty = false;
    double xMax = 1, yMin = HUGE_VAL, yMax = -HUGE_VAL;
    for (int s = 0; s < m_series.size(); ++s) {
        m_series[s]->replace(forDisplay(m_points[s]));
        if (!m_markers[s]) // a line of one or two points is hard to see: mark the points of short series
            m_series[s]->setPointsVisible(m_points[s].size() < 12);
        if (m_branches[s])
            m_branches[s]->replace(forDisplay(m_branchPoints[s]));
        for (const auto *points : {&m_points[s], &m_branchPoints[s]})
            for (const QPointF &point : *points) {
                xMax = std::max(xMax, point.x());
                yMin = std::min(yMin, point.y());
                yMax = std::max(yMax, point.y());
            }
    }
    // Axes change in coarse steps (x: 1, 2, 5 × 10^k; y: whole decades, at least two), because every change
    // of range re-lays out the whole chart, which costs more than the new points.
    double xEnd = 10;
    for (double decade = 10; xEnd < xMax; decade *= 10)
        for (double factor : {2.0, 5.0, 10.0})
            if (xEnd < xMax)
                xEnd = factor * decade;
    if (m_xEnd != xEnd) {
        m_xEnd = xEnd;
        updateXRange();
    }
    if (yMin <= yMax) {
        m_yMin = yMin;
        m_yMax = yMax;
        updateYRange();
    }
}

void LogChart::updateYRange() {
    if (!m_y || !(m_yMin <= m_yMax))
        return;
    // At least two decades, and as many labels as the plot's height has room for.
    const double lowExponent = std::floor(std::log10(m_yMin));
    const double highExponent = std::max(std::ceil(std::log10(m_yMax)), lowExponent + 2);
    setLogRange(m_y, std::pow(10.0, lowExponent), std::pow(10.0, highExponent),
                logLabelRoom(m_y, chart()->plotArea()));
}

void LogChart::rewind(double x) {
    for (int s = 0; s < m_series.size(); ++s) {
        if (!m_branches[s]) {
            auto *branch = new QLineSeries;
            QColor faint = m_series[s]->color();
            faint.setAlphaF(0.35);
            chart()->addSeries(branch);
            branch->attachAxis(m_x);
            branch->attachAxis(m_linearY ? static_cast<QAbstractAxis *>(m_linearY) : m_y);
            branch->setPen(QPen(faint, 1.5, Qt::DashLine));
            for (QLegendMarker *marker : chart()->legend()->markers(branch))
                marker->setVisible(false);
            m_branches[s] = branch;
        }
        // The faint curve is the furthest one: scrubbing back and forth along it does not shorten it.
        const bool longer = !m_points[s].isEmpty() && (m_branchPoints[s].isEmpty() ||
                                                       m_points[s].back().x() > m_branchPoints[s].back().x());
        if (longer)
            m_branchPoints[s] = m_points[s];
        m_points[s].erase(std::remove_if(m_points[s].begin(), m_points[s].end(),
                                         [x](const QPointF &point) { return point.x() > x; }),
                          m_points[s].end());
    }
    m_dirty = true;
}

void LogChart::clear() {
    for (int s = 0; s < m_series.size(); ++s) {
        m_points[s].clear();
        m_branchPoints[s].clear();
        if (m_branches[s])
            m_branches[s]->clear();
        m_series[s]->clear();
    }
    m_skipped = 0;
    m_dirty = false;
    m_xEnd = 10;
    updateXRange();
}

void LogChart::changeEvent(QEvent *event) {
    QChartView::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        applyChartFont(chart(), font());
        setMinimumSize(minimumSizeHint());
        updateXTicks();
        updateYRange();
    }
}

void LogChart::resizeEvent(QResizeEvent *event) {
    QChartView::resizeEvent(event);
    // QChartView sets its minimum size to the chart's own, which lets titles and labels be elided.
    setMinimumSize(minimumSizeHint());
    updateXTicks();
    updateYRange();
}

void LogChart::updateXRange() {
    m_x->setRange(0, m_xEnd);
    for (QXYSeries *line : m_references)
        line->replace({QPointF(0, line->at(0).y()), QPointF(m_xEnd, line->at(0).y())});
    updateXTicks();
}

void LogChart::updateXTicks() {
    // Five intervals where each label has room (about 45 px for "10000" and its gap), else two.
    const int intervals = width() >= 250 ? 5 : 2;
    const double interval = m_xEnd / intervals;
    if (m_x->tickInterval() != interval)
        m_x->setTickInterval(interval);
}

} // namespace gradlens
