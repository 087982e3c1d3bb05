#include "instrumentpanel.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLogValueAxis>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace gradlens {

void setLogRange(QLogValueAxis *axis, double low, double high) {
    const double first = std::floor(std::log10(low)), last = std::ceil(std::log10(high));
    const int step = std::max(1, static_cast<int>(std::ceil((last - first) / 8.0)));
    const double start = std::floor(first / step) * step, end = std::ceil(last / step) * step;
    axis->setBase(std::pow(10.0, step));
    axis->setMinorTickCount(0);
    axis->setRange(std::pow(10.0, start), std::pow(10.0, std::max(end, start + step)));
}

InstrumentPanel::InstrumentPanel(const QString &buttonText, QWidget *parent)
    : QWidget(parent) {
    m_button = new QPushButton(buttonText);
    m_button->setToolTip(tr("Compute for the current γ"));
    m_caption = new QLabel;
    m_caption->setWordWrap(true);
    m_caption->setTextFormat(Qt::RichText);
    m_caption->setMinimumWidth(260);
    m_caption->setMaximumWidth(420);
    m_caption->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_view = new QChartView(chart);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_controls = new QHBoxLayout;
    m_controls->addWidget(m_button);
    auto *side = new QVBoxLayout;
    side->addLayout(m_controls);
    side->addWidget(m_caption, 1);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);
    layout->addLayout(side);
    connect(m_button, &QPushButton::clicked, this, &InstrumentPanel::compute);
}

QChart *InstrumentPanel::chart() const {
    return m_view->chart();
}

QString InstrumentPanel::caption() const {
    return m_caption->text();
}

void InstrumentPanel::setCaption(const QString &text) {
    m_caption->setText(text);
}

void InstrumentPanel::setSnapshot(const SnapshotPointer &snapshot) {
    m_snapshot = snapshot;
    // While descent runs, snapshots arrive many times a second: recompute only once it rests.
    if (isVisible() && snapshot && !snapshot->running && snapshot != m_computedFor)
        compute();
}

void InstrumentPanel::compute() {
    if (!m_snapshot || !m_snapshot->problem || isBusy())
        return;
    m_computedFor = m_snapshot;
    m_button->setEnabled(false);
    start(m_snapshot);
}

void InstrumentPanel::finished() {
    m_button->setEnabled(true);
    emit computed();
    if (m_snapshot != m_computedFor && m_snapshot && !m_snapshot->running && isVisible())
        compute(); // a newer γ arrived meanwhile
}

void InstrumentPanel::showEvent(QShowEvent *event) {
    QWidget::showEvent(event);
    if (m_snapshot && m_snapshot != m_computedFor && !m_snapshot->running)
        compute();
}

} // namespace gradlens
