#pragma once

#include "snapshot.h"

#include <QWidget>

class QGridLayout;
class QScrollArea;

namespace gradlens {

class LogChart;

// Loss, max deviation (analytic against numeric), Taylor slope, gradient norm, and the factor (its singular
// values and, for a planted problem, the distance to γ* up to rotation) against iteration.
class ChartPanel : public QWidget {
    Q_OBJECT
public:
    explicit ChartPanel(QWidget *parent = nullptr);

    void clear();
    void append(const Snapshot &snapshot); // the snapshot's new records and deviation points

    LogChart *lossChart() const { return m_loss; }
    LogChart *deviationChart() const { return m_deviation; }
    LogChart *gradientChart() const { return m_gradient; }
    LogChart *slopeChart() const { return m_slope; }
    QList<LogChart *> charts() const { return {m_loss, m_deviation, m_gradient, m_slope, m_factor}; }

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void reflow(); // as many charts in a row as fit at their minimum size

    QScrollArea *m_scroll;
    QWidget *m_grid;
    QGridLayout *m_gridLayout;
    int m_columns = 0;
    LogChart *m_loss, *m_deviation, *m_gradient, *m_slope, *m_factor;
    int m_lossSeries, m_informativeSeries, m_uninformativeSeries, m_gradientSeries, m_slopeSeries;
    int m_distanceSeries, m_largestSeries, m_smallestSeries;
};

} // namespace gradlens
