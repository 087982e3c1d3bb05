#pragma once

#include "instrumentpanel.h"
#include "instruments.h"

class QComboBox;
class QLogValueAxis;

namespace gradlens {

// The Taylor remainder test on log-log axes: E(t) measured, the fitted window highlighted, reference lines
// of slope 2 and slope 1 through the window's first point, the rounding floor, and the verdict in words.
class TaylorPanel : public InstrumentPanel {
    Q_OBJECT
public:
    explicit TaylorPanel(QWidget *parent = nullptr);
    const TaylorResult &result() const { return m_result; }

protected:
    void start(const SnapshotPointer &snapshot) override;
    void redraw() override { show(m_result); }

private:
    void show(const TaylorResult &result);

    QComboBox *m_direction;
    QLogValueAxis *m_x, *m_y;
    TaylorResult m_result;
};

} // namespace gradlens
