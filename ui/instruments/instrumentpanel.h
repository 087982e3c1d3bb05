#pragma once

#include "snapshot.h"

#include <QWidget>

class QChart;
class QLogValueAxis;
class QChartView;
class QLabel;
class QPushButton;
class QBoxLayout;
class QHBoxLayout;
class QScrollArea;

namespace gradlens {

// The frame of an instrument tab: a Compute button, controls of the instrument, a chart and a caption that
// says in words what the chart shows. Computations run on a pool thread from the latest snapshot; the tab
// recomputes when it is shown and its result is older than the snapshot.
class InstrumentPanel : public QWidget {
    Q_OBJECT
public:
    explicit InstrumentPanel(const QString &buttonText, QWidget *parent = nullptr);

    void setSnapshot(const SnapshotPointer &snapshot); // recomputes at once if visible and stale
    void compute();
    virtual bool isBusy() const = 0;
    QString caption() const;
    QChart *chart() const;
    QString legendText() const; // the legend below the chart, as rich text

signals:
    void computed();

protected:
    void showEvent(QShowEvent *event) override;
    // Starts the computation for snapshot (non-null) on a pool thread.
    virtual void start(const SnapshotPointer &snapshot) = 0;
    // Draws the last result again (after a resize: how many axis labels fit has changed).
    virtual void redraw() = 0;
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void setCaption(const QString &text);
    void finished(); // subclasses call this when their result is on the chart (it updates the legend)
    QHBoxLayout *controls() const { return m_controls; }

    SnapshotPointer m_snapshot;

private:
    void updateLegend();
    void fitToFont(); // minimum sizes that hold the chart's texts at the current font
    void arrange();   // the caption beside the chart, or below it when the panel is narrow

    QPushButton *m_button;
    QLabel *m_legend;
    QBoxLayout *m_layout;
    QScrollArea *m_scroll;
    QLabel *m_caption;
    QChartView *m_view;
    QHBoxLayout *m_controls;
    SnapshotPointer m_computedFor;
    bool m_drawn = false;         // a result is on the chart
    bool m_redrawPending = false; // a redraw is queued after a resize
};

} // namespace gradlens
