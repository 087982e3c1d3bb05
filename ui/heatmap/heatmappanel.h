#pragma once

#include "backgroundjob.h"
#include "snapshot.h"
#include "views.h"

#include <QWidget>

class QMenu;

namespace gradlens {

class HeatmapWidget;

// A heatmap with a selector of what it shows (M, ∂f/∂γ, deviation, R, P, γγᵀ, P∘M, γ, the two gradient
// terms). Views that need computing (γγᵀ, P∘M, the terms) are computed by the core on a pool thread.
class HeatmapPanel : public QWidget {
    Q_OBJECT
public:
    HeatmapPanel(ViewKind initial, QWidget *parent = nullptr);

    void showSnapshot(const SnapshotPointer &snapshot);
    ViewKind view() const;
    void setView(ViewKind kind);
    HeatmapWidget *heatmap() const { return m_heatmap; }
    bool isBusy() const; // computing or painting
    QString viewTitle() const;
    QString viewFileStem() const; // "residual", "gradient", … for exported files

signals:
    void cellClicked(gradlens::ViewKind view, int row, int column);

private:
    void refresh();

    QMenu *m_menu; // the views, opened from the heatmap's title
    ViewKind m_view;
    HeatmapWidget *m_heatmap;
    SnapshotPointer m_snapshot;
    BackgroundJob m_compute; // the views that need computing
};

} // namespace gradlens
