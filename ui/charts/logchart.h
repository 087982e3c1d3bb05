#pragma once

#include <QChartView>
#include <QList>
#include <QPointF>

#include <cmath>

class QLogValueAxis;
class QValueAxis;
class QXYSeries;

namespace gradlens {

// Sets a log axis to whole powers of ten around [low, high] (both > 0), labelled every 10^k decades with k
// chosen so that at most maxLabels labels appear: one label per decade over twenty decades would not fit,
// and Qt would elide every one of them. Exponents are kept within ±300.
void setLogRange(QLogValueAxis *axis, double low, double high, int maxLabels = 8);
// Every text of a chart in the given font (titles bold): Qt Charts do not follow the widget's font, so
// presentation mode's larger text reaches charts through this.
void applyChartFont(QChart *chart, const QFont &font);
// How many labels of a log axis fit along a plot area of that size, at the axis' label font.
int logLabelRoom(const QLogValueAxis *axis, const QRectF &plotArea);

// A chart of values against iteration, on a logarithmic y-axis (positive values) or on a fixed linear one.
// Points are buffered and handed to the series in one replace() per flush(), and the axes follow the data
// in coarse steps: no animation, no flicker.
class LogChart : public QChartView {
    Q_OBJECT
public:
    LogChart(const QString &title, const QString &yLabel, QWidget *parent = nullptr);
    // A linear y-axis fixed at [low, high] instead (e.g. the Taylor slope, 0 … 4).
    void useLinearYAxis(double low, double high);
    // A dashed horizontal line at y (e.g. the slopes 1 and 2), named in the legend unless name is empty.
    void addReferenceLine(const QString &name, double y, const QColor &color);

    // markers: draw each point too (for sparse series, where a single point would not show as a line)
    int addLineSeries(const QString &name, const QColor &color, bool markers = false);
    int addScatterSeries(const QString &name, const QColor &color);
    // Keeps a series out of the legend (when the title already names it).
    void hideFromLegend(int series);
    // Non-positive and non-finite values cannot sit on a log axis: they are skipped (and counted).
    void append(int series, double x, double y);
    void flush();
    void clear();
    // Back in the history to x: each series keeps its points up to x, and the whole previous curve stays
    // drawn faintly behind it (the branch a new run from x is compared with).
    void rewind(double x);
    QList<QPointF> branchPoints(int series) const { return m_branchPoints.value(series); }

    QList<QPointF> points(int series) const { return m_points.value(series); }
    // Where the title, the axes' labels and the legend fit at the current font without being elided.
    QSize minimumSizeHint() const override;
    int skippedPoints() const { return m_skipped; }

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    int add(QXYSeries *series, const QColor &color);
    void updateXRange(); // the x-axis and the reference lines to [0, m_xEnd]
    void updateXTicks(); // fewer x labels on a narrow chart, so that none is elided
    void updateYRange(); // whole decades around the data, labelled as often as the height allows

    QValueAxis *m_x;
    QLogValueAxis *m_y;
    QValueAxis *m_linearY = nullptr;
    QList<QXYSeries *> m_references; // follow the x-axis
    QList<QXYSeries *> m_series;
    QList<QList<QPointF>> m_points;
    QList<QXYSeries *> m_branches; // per series: its previous branch, faint, or null
    QList<QList<QPointF>> m_branchPoints;
    QList<bool> m_markers; // always draw the points (otherwise only while the series is short)
    double m_xEnd = 10;
    double m_yMin = HUGE_VAL, m_yMax = -HUGE_VAL; // of the data shown
    bool m_dirty = false;
    int m_skipped = 0;
};

} // namespace gradlens
