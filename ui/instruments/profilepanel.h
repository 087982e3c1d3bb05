#pragma once

#include "instrumentpanel.h"
#include "instruments.h"

class QValueAxis;

namespace gradlens {

// The line profile φ(t) = f(γ − tG), a quartic: the curve, the step descent took last, Armijo's trial steps
// from the learning rate, and the exact minimiser.
class ProfilePanel : public InstrumentPanel {
    Q_OBJECT
public:
    explicit ProfilePanel(QWidget *parent = nullptr);

    struct Result {
        LineProfile profile;
        std::vector<double> trials; // Armijo's trial steps, the last accepted
        std::vector<QPointF> curve; // φ sampled over the shown range
        double lastStep = 0, range = 0;
    };
    const Result &result() const { return m_result; }

protected:
    void start(const SnapshotPointer &snapshot) override;
    void redraw() override { show(m_result); }

private:
    void show(const Result &result);

    QValueAxis *m_x, *m_y;
    Result m_result;
};

} // namespace gradlens
