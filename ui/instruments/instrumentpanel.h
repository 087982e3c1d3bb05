#pragma once

#include "backgroundjob.h"
#include "snapshot.h"

#include <QWidget>

#include <type_traits>

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
// says in words what the chart shows. Computations run on a pool thread from the latest snapshot (the latest
// request wins); the tab recomputes when it is shown and its result is older than the snapshot.
class InstrumentPanel : public QWidget {
    Q_OBJECT
public:
    explicit InstrumentPanel(const QString &buttonText, QWidget *parent = nullptr);

    void setSnapshot(const SnapshotPointer &snapshot); // recomputes at once if visible and stale
    void compute();
    void cancel(); // the computation under way stops and its result is dropped
    bool isBusy() const { return m_job.isBusy(); }
    QString caption() const;
    QChart *chart() const;
    QString legendText() const;                  // the legend below the chart, as rich text
    QWidget *figure() const { return m_figure; } // the chart with its legend

signals:
    void computed();
    void busyChanged(bool busy); // a computation started, or ended (delivered, dropped or cancelled)

protected:
    void showEvent(QShowEvent *event) override;
    // Starts the computation for snapshot (non-null): through run().
    virtual void start(const SnapshotPointer &snapshot) = 0;
    // work() -> Result on a pool thread, then show(Result) here, the legend updated and computed() sent.
    // Long work takes the job's cancel predicate instead, work(const CancelPredicate &), and polls it.
    template <typename Work, typename Show> void run(Work work, Show show) {
        m_job.request(
            [work](const CancelPredicate &cancelled) {
                if constexpr (std::is_invocable_v<const Work &, const CancelPredicate &>)
                    return work(cancelled);
                else
                    return work();
            },
            [this, show](const auto &result) {
                show(result);
                finished();
            });
    }
    // Draws the last result again (after a resize: how many axis labels fit has changed).
    virtual void redraw() = 0;
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void setCaption(const QString &text);
    QHBoxLayout *controls() const { return m_controls; }
    // The column of the button and the caption, for controls that need rows of their own (before index 1:
    // below the button, above the caption).
    QBoxLayout *sideColumn() const { return m_side; }

    SnapshotPointer m_snapshot;

private:
    void finished(); // the result is on the chart: the legend follows
    void updateLegend();
    void fitToFont(); // minimum sizes that hold the chart's texts at the current font
    void arrange();   // the caption beside the chart, or below it when the panel is narrow

    QPushButton *m_button;
    QLabel *m_legend;
    QBoxLayout *m_layout;
    QScrollArea *m_scroll;
    QLabel *m_caption;
    QChartView *m_view;
    QWidget *m_figure;
    QHBoxLayout *m_controls;
    QBoxLayout *m_side;
    BackgroundJob m_job;
    SnapshotPointer m_computedFor; // the snapshot of the result shown or being computed
    bool m_drawn = false;          // a result is on the chart
    bool m_redrawPending = false;  // a redraw is queued after a resize
};

} // namespace gradlens
