#pragma once

#include "figures.h"
#include "snapshot.h"

#include <QTabWidget>

namespace gradlens {

class ChartPanel;
class DerivationPanel;
class LandscapePanel;
class ProfilePanel;
class RacePanel;
class SweepPanel;
class TaylorPanel;
struct DescentOptions;

// The tabs below the heatmaps: the descent charts, the instruments (Taylor test, step sweep, line profile,
// race, landscape) and the derivation. Every snapshot goes to each of them; each computes on its own.
class BottomTabs : public QTabWidget {
    Q_OBJECT
public:
    enum Tab { Descent, Taylor, Sweep, Profile, Derivation, Race, Landscape };
    explicit BottomTabs(QWidget *parent = nullptr);

    void setSnapshot(const SnapshotPointer &snapshot);
    void setDescentOptions(const DescentOptions &options); // the race's runners start from these
    bool isBusy() const;
    void selectEntry(int row, int column); // the derivation's entry (k, c), 0-based
    void cancel();                         // long work under way (a race)
    QList<Figure> figures() const;         // the charts, with their data

    ChartPanel *charts() const { return m_charts; }
    TaylorPanel *taylor() const { return m_taylor; }
    SweepPanel *sweep() const { return m_sweep; }
    ProfilePanel *profile() const { return m_profile; }
    DerivationPanel *derivation() const { return m_derivation; }

signals:
    void longWorkChanged(const QString &what); // "Racing" while a race runs, empty when it ends

private:
    ChartPanel *m_charts;
    TaylorPanel *m_taylor;
    SweepPanel *m_sweep;
    ProfilePanel *m_profile;
    DerivationPanel *m_derivation;
    RacePanel *m_race;
    LandscapePanel *m_landscape;
};

} // namespace gradlens
