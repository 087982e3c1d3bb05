#include "heatmapwidget.h"

#include "colormap.h"
#include "figures.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace gradlens {

namespace {

constexpr double kMinimumCellsVisible = 4.0;

QString withTrueMinus(QString text) {
    return text.replace(QLatin1Char('-'), QChar(0x2212));
}

} // namespace

HeatmapWidget::HeatmapWidget(QWidget *parent)
    : QWidget(parent)
    , m_render(this, BackgroundJob::Superseded::Show) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setToolTip(plotToolTip());
}

void HeatmapWidget::setMatrix(std::shared_ptr<const Eigen::MatrixXd> matrix, ViewScale scale,
                              const QString &title) {
    const bool sameShape =
        m_matrix && matrix && m_matrix->rows() == matrix->rows() && m_matrix->cols() == matrix->cols();
    m_matrix = std::move(matrix);
    m_scale = scale;
    m_title = title;
    m_placeholder.clear();
    if (!sameShape && m_matrix)
        m_view = QRectF(0, 0, static_cast<double>(m_matrix->cols()), static_cast<double>(m_matrix->rows()));
    if (!sameShape)
        m_image = {};
    requestRender();
    update();
}

void HeatmapWidget::setPlaceholder(const QString &title, const QString &text) {
    m_title = title;
    m_placeholder = text;
    m_matrix.reset();
    m_image = {};
    m_readout.clear();
    update();
}

void HeatmapWidget::setNotice(const QString &notice) {
    if (notice == m_notice)
        return;
    m_notice = notice;
    update();
}

void HeatmapWidget::setViewRegion(const QRectF &region) {
    if (!m_matrix)
        return;
    const double columns = static_cast<double>(m_matrix->cols()),
                 rows = static_cast<double>(m_matrix->rows());
    QRectF view = region;
    view.setWidth(std::clamp(view.width(), std::min(kMinimumCellsVisible, columns), columns));
    view.setHeight(std::clamp(view.height(), std::min(kMinimumCellsVisible, rows), rows));
    view.moveLeft(std::clamp(view.left(), 0.0, columns - view.width()));
    view.moveTop(std::clamp(view.top(), 0.0, rows - view.height()));
    if (view == m_view)
        return;
    m_view = view;
    requestRender();
    update();
}

QFont HeatmapWidget::titleFont() const {
    QFont bold = font();
    bold.setBold(true);
    return bold;
}

QString HeatmapWidget::titleText() const {
    // The size goes first when the panel is narrow (a projector's 1280 × 800): the name matters more.
    const QString menu = m_titleMenuHint.isEmpty() || isExporting(this) ? QString() : QStringLiteral(" ▾");
    if (!m_matrix)
        return m_title + menu;
    const QString sized =
        m_title + QStringLiteral("  (%1×%2)").arg(m_matrix->rows()).arg(m_matrix->cols()) + menu;
    return QFontMetrics(titleFont()).horizontalAdvance(sized) <= width() - 8 ? sized : m_title + menu;
}

QString HeatmapWidget::plotToolTip() const {
    QString tip = tr("Wheel: zoom · drag: pan · double-click or 0: show everything");
    if (!m_clickHint.isEmpty())
        tip += QStringLiteral(" · click: ") + m_clickHint;
    return tip;
}

void HeatmapWidget::setClickHint(const QString &hint) {
    m_clickHint = hint;
    setToolTip(plotToolTip());
}

void HeatmapWidget::setColorBarMarker(double value, const QString &label) {
    m_marker = value;
    m_markerLabel = label;
    update();
}

void HeatmapWidget::setTitleMenuHint(const QString &tooltip) {
    m_titleMenuHint = tooltip;
    update();
}

QString HeatmapWidget::footerText() const {
    if (isExporting(this)) // a figure: no hint about the mouse, no readout of where it happened to be
        return QString();
    return m_readout.isEmpty() ? tr("hover for values · wheel to zoom") : m_readout;
}

// Texts wrap onto more lines where the panel is narrow, rather than being elided.
QRectF HeatmapWidget::textRect(const QFont &textFont, const QString &text, double top) const {
    const QRect bounds = QFontMetrics(textFont).boundingRect(QRect(4, 0, std::max(20, width() - 8), 10000),
                                                             Qt::TextWordWrap | Qt::AlignLeft, text);
    return QRectF(4, top, std::max(20, width() - 8), bounds.height() + 2);
}

QRectF HeatmapWidget::titleRect() const {
    return textRect(titleFont(), titleText(), 2);
}

QRectF HeatmapWidget::noticeRect() const {
    return m_notice.isEmpty() ? QRectF(4, titleRect().bottom(), 0, 0)
                              : textRect(font(), m_notice, titleRect().bottom());
}

QRectF HeatmapWidget::footerRect() const {
    // Sized for the longer of the hint and the read-out, so that hovering does not move the plot.
    const QRectF hint = textRect(font(), tr("hover for values · wheel to zoom"), 0);
    const QRectF readout = textRect(font(), m_readout, 0);
    const QRectF size = readout.height() > hint.height() ? readout : hint;
    return QRectF(4, height() - size.height() - 2, size.width(), size.height());
}

QRectF HeatmapWidget::colorBarRect() const {
    const QFontMetrics metrics(font());
    const double labelWidth = metrics.horizontalAdvance(QStringLiteral("−8.888e−88")) + 8;
    const double top = noticeRect().bottom() + metrics.height() * 0.5;
    const double bottom = footerRect().top() - metrics.height() * 0.3;
    return QRectF(width() - labelWidth - 18, top, 14, std::max(10.0, bottom - top));
}

QRectF HeatmapWidget::plotRect() const {
    const QRectF bar = colorBarRect();
    QRectF area(4, bar.top(), std::max(10.0, bar.left() - 14), bar.height());
    if (m_matrix && m_matrix->rows() == m_matrix->cols()) { // square matrices keep square cells
        const double side = std::min(area.width(), area.height());
        area = QRectF(area.left() + (area.width() - side) / 2, area.top(), side, side);
    }
    return area;
}

void HeatmapWidget::requestRender() {
    if (!m_matrix)
        return;
    HeatmapRequest request;
    request.matrix = m_matrix;
    request.scale = m_scale;
    const QRectF plot = plotRect();
    request.region =
        QRect(QPoint(static_cast<int>(std::floor(m_view.left())), static_cast<int>(std::floor(m_view.top()))),
              QPoint(static_cast<int>(std::ceil(m_view.right())) - 1,
                     static_cast<int>(std::ceil(m_view.bottom())) - 1));
    const double ratio = devicePixelRatioF();
    request.maxPixels = QSize(std::max(16, static_cast<int>(plot.width() * ratio)),
                              std::max(16, static_cast<int>(plot.height() * ratio)));
    m_render.request([request](const CancelPredicate &) { return renderHeatmap(request); },
                     [this](const HeatmapImage &image) {
                         m_image = image; // newer than what is on screen, even if a newer one is waiting
                         update();
                         emit rendered();
                     });
}

QPoint HeatmapWidget::cellAt(const QPointF &position) const {
    const QRectF plot = plotRect();
    if (!m_matrix || !plot.contains(position))
        return {-1, -1};
    const double column = m_view.left() + (position.x() - plot.left()) / plot.width() * m_view.width();
    const double row = m_view.top() + (position.y() - plot.top()) / plot.height() * m_view.height();
    const int c = std::clamp(static_cast<int>(column), 0, static_cast<int>(m_matrix->cols()) - 1);
    const int r = std::clamp(static_cast<int>(row), 0, static_cast<int>(m_matrix->rows()) - 1);
    return {c, r};
}

QString HeatmapWidget::formatValue(double value) const {
    if (std::isnan(value))
        return QStringLiteral("NaN");
    return withTrueMinus(QString::number(value, 'g', 4));
}

void HeatmapWidget::updateReadout(const QPointF &position) {
    const QPoint cell = cellAt(position);
    const QString text =
        cell.x() < 0 ? QString()
                     : tr("row %1, column %2: %3")
                           .arg(cell.y() + 1)
                           .arg(cell.x() + 1)
                           .arg(withTrueMinus(QString::number((*m_matrix)(cell.y(), cell.x()), 'g', 8)));
    if (text != m_readout) {
        m_readout = text;
        update();
        emit hovered(text);
    }
}

void HeatmapWidget::zoomAbout(const QPointF &position, double factor) {
    if (!m_matrix)
        return;
    const QRectF plot = plotRect();
    const double fx = std::clamp((position.x() - plot.left()) / plot.width(), 0.0, 1.0);
    const double fy = std::clamp((position.y() - plot.top()) / plot.height(), 0.0, 1.0);
    const double width = m_view.width() * factor, height = m_view.height() * factor;
    setViewRegion(QRectF(m_view.left() + fx * (m_view.width() - width),
                         m_view.top() + fy * (m_view.height() - height), width, height));
}

void HeatmapWidget::paintEvent(QPaintEvent *) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().window());
    const QFontMetrics metrics(font());
    painter.setFont(titleFont());
    painter.setPen(palette().windowText().color());
    painter.drawText(titleRect(), Qt::AlignLeft | Qt::TextWordWrap, titleText());
    painter.setFont(font());
    if (!m_notice.isEmpty()) {
        painter.setPen(QColor(0xb3, 0x58, 0x06));
        painter.drawText(noticeRect(), Qt::AlignLeft | Qt::TextWordWrap, m_notice);
        painter.setPen(palette().windowText().color());
    }

    const QRectF plot = plotRect();
    if (!m_placeholder.isEmpty() || !m_matrix) {
        painter.setPen(palette().placeholderText().color());
        painter.drawRect(plot.adjusted(0.5, 0.5, -0.5, -0.5));
        painter.drawText(plot.adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    if (!m_image.image.isNull()) {
        // The image covers m_image.region; place it where that region falls inside the current view.
        const QRectF region = m_image.region;
        const QRectF target(plot.left() + (region.left() - m_view.left()) / m_view.width() * plot.width(),
                            plot.top() + (region.top() - m_view.top()) / m_view.height() * plot.height(),
                            region.width() / m_view.width() * plot.width(),
                            region.height() / m_view.height() * plot.height());
        painter.save();
        painter.setClipRect(plot);
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter.drawImage(target, m_image.image);
        painter.restore();
    }
    painter.setPen(palette().mid().color());
    painter.drawRect(plot.adjusted(-0.5, -0.5, 0.5, 0.5));

    // Colour bar with tick labels.
    const QRectF bar = colorBarRect();
    const ColorMap &map = m_scale == ViewScale::Signed ? ColorMap::diverging() : ColorMap::sequential();
    QImage barImage(1, 256, QImage::Format_RGB32); // top row is the high end
    for (int y = 0; y < 256; ++y)
        barImage.setPixel(0, 255 - y, map.at(y / 255.0));
    painter.drawImage(bar, barImage);
    painter.setPen(palette().mid().color());
    painter.drawRect(bar);
    painter.setPen(palette().windowText().color());
    const ColorRange range = m_image.range;
    if (range.valid) {
        auto tick = [&](double position, const QString &label) {
            const double y = bar.bottom() - position * bar.height();
            painter.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 4, y));
            painter.drawText(QRectF(bar.right() + 6, y - metrics.height() / 2.0, width() - bar.right() - 6,
                                    metrics.height()),
                             Qt::AlignLeft | Qt::AlignVCenter, label);
        };
        if (m_scale == ViewScale::Signed) {
            // Round values (1, 2 or 5 × 10^k apart), about two on each side of zero, plus the extremes.
            const double span = range.high;
            const double magnitude = std::pow(10.0, std::floor(std::log10(span / 2)));
            double spacing = magnitude;
            for (double factor : {1.0, 2.0, 5.0, 10.0})
                if (span / (factor * magnitude) >= 1.5)
                    spacing = factor * magnitude;
            for (double value = -std::floor(span / spacing) * spacing; value <= span * (1 + 1e-12);
                 value += spacing) {
                const double clean = std::abs(value) < spacing * 1e-9 ? 0.0 : value;
                if (std::abs(std::abs(clean) - span) > 0.25 * spacing)
                    tick(colorPosition(clean, range, m_scale), formatValue(clean));
            }
            tick(1.0, formatValue(span));
            tick(0.0, formatValue(-span));
        } else {
            const int first = static_cast<int>(std::ceil(range.low)),
                      last = static_cast<int>(std::floor(range.high));
            const int stride = std::max(1, (last - first) / 5 + 1);
            for (int decade = last; decade >= first; decade -= stride)
                tick((decade - range.low) / (range.high - range.low),
                     withTrueMinus(QStringLiteral("1e%1").arg(decade)));
        }
        if (m_marker > 0) { // e.g. the check's threshold, across the bar
            const double y = bar.bottom() - colorPosition(m_marker, range, m_scale) * bar.height();
            painter.setPen(QPen(palette().windowText().color(), 2));
            painter.drawLine(QPointF(bar.left() - 4, y), QPointF(bar.right() + 4, y));
            painter.drawText(QRectF(bar.right() + 6, y - metrics.height() * 1.1, width() - bar.right() - 6,
                                    metrics.height()),
                             Qt::AlignLeft | Qt::AlignVCenter, m_markerLabel);
        }
    }
    if (m_image.nanCount > 0) {
        painter.fillRect(QRectF(bar.left(), bar.bottom() + 4, bar.width(), metrics.height() * 0.8),
                         QColor(ColorMap::nanColor()));
        painter.drawText(QPointF(bar.right() + 6, bar.bottom() + metrics.ascent() + 2), tr("NaN"));
    }
    painter.setPen(m_readout.isEmpty() ? palette().placeholderText().color()
                                       : palette().windowText().color());
    painter.drawText(footerRect(), Qt::AlignLeft | Qt::TextWordWrap, footerText());
}

void HeatmapWidget::resizeEvent(QResizeEvent *) {
    requestRender();
}

void HeatmapWidget::mouseMoveEvent(QMouseEvent *event) {
    if (m_dragging && m_matrix) {
        const QRectF plot = plotRect();
        const QPointF delta = event->position() - m_dragStart;
        if (delta.manhattanLength() > 3)
            m_dragged = true;
        setViewRegion(m_dragView.translated(-delta.x() / plot.width() * m_dragView.width(),
                                            -delta.y() / plot.height() * m_dragView.height()));
    }
    updateReadout(event->position());
    // Over a title that opens a menu: a hand, and the hint.
    const bool overMenu = !m_titleMenuHint.isEmpty() && titleRect().contains(event->position());
    setCursor(overMenu ? Qt::PointingHandCursor : Qt::ArrowCursor);
    setToolTip(overMenu ? m_titleMenuHint : plotToolTip());
}

void HeatmapWidget::mousePressEvent(QMouseEvent *event) {
    if (event->button() != Qt::LeftButton)
        return;
    if (!m_titleMenuHint.isEmpty() && titleRect().contains(event->position())) {
        emit titleClicked(mapToGlobal(titleRect().bottomLeft().toPoint()));
        return;
    }
    m_dragging = true;
    m_dragged = false;
    m_dragStart = event->position();
    m_dragView = m_view;
}

void HeatmapWidget::mouseReleaseEvent(QMouseEvent *event) {
    if (event->button() != Qt::LeftButton)
        return;
    m_dragging = false;
    const QPoint cell = cellAt(event->position());
    if (!m_dragged && cell.x() >= 0)
        emit cellClicked(cell.y(), cell.x());
}

void HeatmapWidget::showEverything() {
    if (m_matrix)
        setViewRegion(
            QRectF(0, 0, static_cast<double>(m_matrix->cols()), static_cast<double>(m_matrix->rows())));
}

void HeatmapWidget::mouseDoubleClickEvent(QMouseEvent *) {
    showEverything();
}

void HeatmapWidget::wheelEvent(QWheelEvent *event) {
    const double steps = event->angleDelta().y() / 120.0;
    zoomAbout(event->position(), std::pow(0.8, steps));
    event->accept();
}

void HeatmapWidget::keyPressEvent(QKeyEvent *event) {
    const QPointF centre = plotRect().center();
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomAbout(centre, 0.8);
        break;
    case Qt::Key_Minus:
        zoomAbout(centre, 1.25);
        break;
    case Qt::Key_0:
        showEverything();
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

void HeatmapWidget::leaveEvent(QEvent *) {
    if (!m_readout.isEmpty()) {
        m_readout.clear();
        update();
    }
}

} // namespace gradlens
