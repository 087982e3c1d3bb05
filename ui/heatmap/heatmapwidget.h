#pragma once

#include "heatmaprender.h"

#include "backgroundjob.h"

#include <QWidget>

#include <memory>

namespace gradlens {

// A matrix as a heatmap: title with name and shape, colour bar with values, hover read-out (row, column,
// value), wheel zoom about the cursor, drag to pan, double-click (or 0) to see everything again.
// The image is built on a pool thread; when requests pile up, the latest one wins.
class HeatmapWidget : public QWidget {
    Q_OBJECT
public:
    explicit HeatmapWidget(QWidget *parent = nullptr);

    // Shows matrix (shared, never modified) under title; keeps the zoom when the shape is unchanged.
    void setMatrix(std::shared_ptr<const Eigen::MatrixXd> matrix, ViewScale scale, const QString &title);
    // Shown instead of a matrix, e.g. why there is no deviation to show.
    void setPlaceholder(const QString &title, const QString &text);
    // A line under the title, e.g. the precision guard's warning; empty hides it.
    void setNotice(const QString &notice);
    // The title opens a menu (titleClicked): it gets a ▾ and this tooltip.
    void setTitleMenuHint(const QString &tooltip);
    // What clicking a cell does, for the tooltip ("entry detail"); empty when a click does nothing.
    void setClickHint(const QString &hint);
    // A line across the colour bar at value, labelled (0: none), e.g. the check's threshold.
    void setColorBarMarker(double value, const QString &label);

    std::shared_ptr<const Eigen::MatrixXd> matrix() const { return m_matrix; }
    QRectF viewRegion() const { return m_view; } // visible cells: x columns, y rows
    void setViewRegion(const QRectF &region);
    void showEverything(); // the whole matrix, no zoom
    bool isRendering() const { return m_render.isBusy(); }
    const HeatmapImage &currentImage() const { return m_image; }
    QString readout() const { return m_readout; }
    // The cell under a widget position, or (−1, −1).
    QPoint cellAt(const QPointF &position) const;

    QSize sizeHint() const override { return {420, 420}; }
    QSize minimumSizeHint() const override { return {160, 160}; }

signals:
    void rendered(); // a new image is on screen
    void cellClicked(int row, int column);
    void titleClicked(const QPoint &globalPosition); // where the menu should open
    void hovered(const QString &readout);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    QRectF plotRect() const; // where the matrix region is drawn
    QRectF colorBarRect() const;
    QFont titleFont() const;
    QString titleText() const;  // the title, with the size where it fits on one line
    QString footerText() const; // the hover read-out, or how to read one
    QRectF textRect(const QFont &textFont, const QString &text, double top) const;
    QRectF titleRect() const, noticeRect() const, footerRect() const;
    QString plotToolTip() const;
    void requestRender();
    void updateReadout(const QPointF &position);
    void zoomAbout(const QPointF &position, double factor);
    QString formatValue(double value) const;

    std::shared_ptr<const Eigen::MatrixXd> m_matrix;
    ViewScale m_scale = ViewScale::Signed;
    QString m_title, m_placeholder, m_notice, m_readout, m_titleMenuHint, m_clickHint, m_markerLabel;
    double m_marker = 0;
    QRectF m_view;
    HeatmapImage m_image;
    BackgroundJob m_render;
    QPointF m_dragStart;
    QRectF m_dragView;
    bool m_dragging = false, m_dragged = false;
};

} // namespace gradlens
