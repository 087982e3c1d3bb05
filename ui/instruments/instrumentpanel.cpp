#include "instrumentpanel.h"

#include "logchart.h"
#include "scrollarea.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLogValueAxis>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>
#include <QXYSeries>

#include <algorithm>
#include <cmath>

namespace gradlens {

InstrumentPanel::InstrumentPanel(const QString &buttonText, QWidget *parent)
    : QWidget(parent) {
    m_button = new QPushButton(buttonText);
    m_button->setToolTip(tr("Compute for the current γ"));
    m_caption = new QLabel;
    m_caption->setWordWrap(true);
    m_caption->setTextFormat(Qt::RichText);
    m_caption->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setVisible(false); // Qt's legend elides names it has no room for: m_legend wraps instead
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_view = new QChartView(chart);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_legend = new QLabel;
    m_legend->setWordWrap(true);
    m_legend->setTextFormat(Qt::RichText);
    m_legend->setAlignment(Qt::AlignHCenter);
    m_legend->setObjectName(QStringLiteral("legend"));
    m_figure = new QWidget; // the chart and its legend: what "export figure" draws
    auto *chartAndLegend = new QVBoxLayout(m_figure);
    chartAndLegend->setContentsMargins(0, 0, 0, 0);
    chartAndLegend->addWidget(m_view, 1);
    chartAndLegend->addWidget(m_legend);
    m_controls = new QHBoxLayout;
    m_controls->addWidget(m_button);
    auto *side = m_side = new QVBoxLayout;
    side->addLayout(m_controls);
    side->addWidget(m_caption, 1);
    // The caption stands beside the chart where there is room, below it where not; the whole scrolls
    // when even that is too tall (large text on a small projector).
    auto *content = new QWidget;
    m_layout = new QBoxLayout(QBoxLayout::LeftToRight, content);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->addWidget(m_figure, 1);
    m_layout->addLayout(side);
    m_scroll = scrollingArea(content);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_scroll);
    fitToFont();
    connect(m_button, &QPushButton::clicked, this, &InstrumentPanel::compute);
    connect(&m_job, &BackgroundJob::busyChanged, this, &InstrumentPanel::busyChanged);
    m_view->installEventFilter(this);
}

void InstrumentPanel::fitToFont() {
    // The chart never smaller than where its title and axis labels fit; the caption a readable column.
    const QFontMetrics metrics(font());
    QFont bold = font();
    bold.setBold(true);
    m_view->setMinimumSize(
        std::max(QFontMetrics(bold).horizontalAdvance(chart()->title()) + 3 * metrics.height(),
                 20 * metrics.height()),
        40 + 13 * metrics.height());
    m_caption->setMinimumWidth(18 * metrics.height());
    m_caption->setMaximumWidth(30 * metrics.height());
    arrange();
}

void InstrumentPanel::arrange() {
    const int besideWidth = m_view->minimumWidth() + m_caption->minimumWidth() + 12;
    const auto direction = width() >= besideWidth ? QBoxLayout::LeftToRight : QBoxLayout::TopToBottom;
    if (m_layout->direction() != direction)
        m_layout->setDirection(direction);
    m_caption->setMaximumWidth(direction == QBoxLayout::LeftToRight ? 30 * QFontMetrics(font()).height()
                                                                    : QWIDGETSIZE_MAX);
}

void InstrumentPanel::resizeEvent(QResizeEvent *event) {
    QWidget::resizeEvent(event);
    arrange();
}

void InstrumentPanel::changeEvent(QEvent *event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        fitToFont();
        applyChartFont(chart(), font());
        if (m_drawn)
            redraw();
    }
}

bool InstrumentPanel::eventFilter(QObject *watched, QEvent *event) {
    // Redrawn once the chart has laid out its new plot area, and once for a burst of resizes.
    if (watched == m_view && event->type() == QEvent::Resize && m_drawn && !m_redrawPending) {
        m_redrawPending = true;
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_redrawPending = false;
                redraw();
            },
            Qt::QueuedConnection);
    }
    return QWidget::eventFilter(watched, event);
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
    if (!m_snapshot || !m_snapshot->problem)
        return;
    m_computedFor = m_snapshot;
    m_button->setEnabled(false);
    start(m_snapshot);
}

void InstrumentPanel::cancel() {
    m_job.cancel();
    m_button->setEnabled(true);
}

QString InstrumentPanel::legendText() const {
    return m_legend->text();
}

void InstrumentPanel::updateLegend() {
    // One entry per named series: a glyph in its colour (a line, a dashed line or a dot) and the name, with
    // non-breaking spaces inside an entry so that the label wraps only between entries.
    QStringList entries;
    for (QAbstractSeries *series : chart()->series()) {
        const auto *xy = qobject_cast<QXYSeries *>(series);
        if (!xy || xy->name().isEmpty())
            continue;
        const bool dot = series->type() == QAbstractSeries::SeriesTypeScatter;
        const QColor color = dot ? xy->color() : xy->pen().color();
        const Qt::PenStyle style = xy->pen().style();
        const QString glyph = dot                      ? QStringLiteral("●")
                              : style == Qt::SolidLine ? QStringLiteral("━━")
                                                       : QStringLiteral("╍╍");
        QString name = xy->name().toHtmlEscaped();
        name.replace(QLatin1Char(' '), QStringLiteral("&nbsp;"));
        entries << QStringLiteral("<span style='color:%1'>%2</span>&nbsp;%3").arg(color.name(), glyph, name);
    }
    m_legend->setText(entries.join(QStringLiteral(" &nbsp; ")));
}

void InstrumentPanel::finished() {
    m_drawn = true;
    updateLegend();
    m_button->setEnabled(true);
    emit computed();
}

void InstrumentPanel::showEvent(QShowEvent *event) {
    QWidget::showEvent(event);
    applyChartFont(chart(), font()); // the subclasses' axes exist by now
    if (m_snapshot && m_snapshot != m_computedFor && !m_snapshot->running)
        compute();
}

} // namespace gradlens
