#pragma once

#include "instrumentpanel.h"
#include "landscapeslice.h"

#include <QImage>

#include <memory>
#include <vector>

class QComboBox;
class QValueAxis;

namespace gradlens {

// What the landscape tab draws: f on the plane γ + a·D1 + b·D2 through the current γ, and the descent's
// path projected onto it.
struct LandscapeResult {
    SliceGrid grid;
    Eigen::MatrixXd D1, D2;       // n×r
    std::vector<PlanePoint> path; // the γ's the window saw, oldest first, on the plane
    QImage image;                 // the grid in colour (log of f − min) with contour lines, b upwards
    QString failure;              // why no plane could be made (a zero gradient), else empty
};

// A 2-D slice of the loss: a heatmap with contour lines from the core's 15 coefficients, the directions
// (−G and a random one, two random ones, or γ* − γ and a random one for a planted problem) and the extent
// chosen here, the path so far and the current γ (the origin). The path is the γ of each snapshot the window
// received while descent ran: not every iteration (snapshots are throttled), and forgotten on a new problem
// or reset, cut on going back.
class LandscapePanel : public InstrumentPanel {
    Q_OBJECT
public:
    static constexpr int kGridPoints = 201;

    explicit LandscapePanel(QWidget *parent = nullptr);
    // Every snapshot, running or not: keeps its γ for the path.
    void follow(const SnapshotPointer &snapshot);
    const LandscapeResult &result() const { return m_result; }
    double extent() const;
    // D1 from this kind (D2 is random) and the extent, among those the tab offers; recomputes.
    void setPlane(SliceDirection first, double extent);

protected:
    void start(const SnapshotPointer &snapshot) override;
    void redraw() override { show(m_result); }

private:
    void show(const LandscapeResult &result);

    QComboBox *m_directions, *m_extent;
    QValueAxis *m_a, *m_b;
    LandscapeResult m_result;
    quint64 m_generation = 0;
    std::vector<std::pair<int, std::shared_ptr<const Eigen::MatrixXd>>> m_path; // (iteration, γ)
};

} // namespace gradlens
