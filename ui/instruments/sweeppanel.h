#pragma once

#include "instrumentpanel.h"
#include "instruments.h"

class QLogValueAxis;

namespace gradlens {

// The step-size sweep on log-log axes: max deviation against h for forward, central and complex step, each
// method's automatic h marked, and a caption on truncation against rounding.
class SweepPanel : public InstrumentPanel {
    Q_OBJECT
public:
    explicit SweepPanel(QWidget *parent = nullptr);
    const SweepResult &result() const { return m_result; }

protected:
    void start(const SnapshotPointer &snapshot) override;
    void redraw() override { show(m_result); }

private:
    void show(const SweepResult &result);

    QLogValueAxis *m_x, *m_y;
    SweepResult m_result;
};

} // namespace gradlens
