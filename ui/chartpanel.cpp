#include "chartpanel.h"

#include "logchart.h"

#include <QHBoxLayout>

namespace gradlens {

ChartPanel::ChartPanel(QWidget *parent) : QWidget(parent) {
    m_loss = new LogChart(tr("Loss"), tr("f"));
    m_lossSeries = m_loss->addLineSeries(tr("f(γ)"), QColor(0x21, 0x66, 0xac));
    m_deviation = new LogChart(tr("Max deviation, analytic − numeric"), tr("max |Δ|"));
    m_informativeSeries = m_deviation->addLineSeries(tr("max |Δ|"), QColor(0xb2, 0x18, 0x2b), true);
    m_uninformativeSeries =
        m_deviation->addScatterSeries(tr("below rounding"), QColor(0x80, 0x80, 0x80));
    m_gradient = new LogChart(tr("Gradient norm"), tr("‖G‖"));
    m_gradientSeries = m_gradient->addLineSeries(tr("‖∂f/∂γ‖"), QColor(0x1b, 0x9e, 0x77));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_loss);
    layout->addWidget(m_deviation);
    layout->addWidget(m_gradient);
}

void ChartPanel::clear() {
    m_loss->clear();
    m_deviation->clear();
    m_gradient->clear();
}

void ChartPanel::append(const Snapshot &snapshot) {
    for (const IterationRecord &record : snapshot.newRecords) {
        m_loss->append(m_lossSeries, record.iteration, record.loss);
        m_gradient->append(m_gradientSeries, record.iteration, record.gradientNorm);
    }
    for (const DeviationPoint &point : snapshot.newDeviations)
        m_deviation->append(point.informative ? m_informativeSeries : m_uninformativeSeries, point.iteration,
                            point.maxAbsolute);
    m_loss->flush();
    m_deviation->flush();
    m_gradient->flush();
}

} // namespace gradlens
