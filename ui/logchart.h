#pragma once

#include <QChartView>
#include <QList>
#include <QPointF>

class QLogValueAxis;
class QValueAxis;
class QXYSeries;

namespace gradlens {

// A chart of positive values against iteration on a logarithmic y-axis. Points are buffered and handed to
// the series in one replace() per flush(), and the axes follow the data: no animation, no flicker.
class LogChart : public QChartView {
    Q_OBJECT
public:
    LogChart(const QString &title, const QString &yLabel, QWidget *parent = nullptr);

    // markers: draw each point too (for sparse series, where a single point would not show as a line)
    int addLineSeries(const QString &name, const QColor &color, bool markers = false);
    int addScatterSeries(const QString &name, const QColor &color);
    // Non-positive and non-finite values cannot sit on a log axis: they are skipped (and counted).
    void append(int series, double x, double y);
    void flush();
    void clear();

    QList<QPointF> points(int series) const { return m_points.value(series); }
    int skippedPoints() const { return m_skipped; }

private:
    int add(QXYSeries *series, const QColor &color);

    QValueAxis *m_x;
    QLogValueAxis *m_y;
    QList<QXYSeries *> m_series;
    QList<QList<QPointF>> m_points;
    QList<bool> m_markers; // always draw the points (otherwise only while the series is short)
    bool m_dirty = false;
    int m_skipped = 0;
};

} // namespace gradlens
