#pragma once

#include "snapshot.h"

#include <QWidget>

class QChart;
class QLogValueAxis;
class QChartView;
class QLabel;
class QPushButton;
class QHBoxLayout;

namespace gradlens {

// Sets a log axis to whole powers around [low, high] (both > 0), with a base of 10^k chosen so that at most
// about eight labels fit: one label per decade over twenty decades would be unreadable.
void setLogRange(QLogValueAxis *axis, double low, double high);

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

signals:
    void computed();

protected:
    void showEvent(QShowEvent *event) override;
    // Starts the computation for snapshot (non-null) on a pool thread.
    virtual void start(const SnapshotPointer &snapshot) = 0;
    void setCaption(const QString &text);
    void finished(); // subclasses call this when their result is on the chart
    QHBoxLayout *controls() const { return m_controls; }

    SnapshotPointer m_snapshot;

private:
    QPushButton *m_button;
    QLabel *m_caption;
    QChartView *m_view;
    QHBoxLayout *m_controls;
    SnapshotPointer m_computedFor;
};

} // namespace gradlens
