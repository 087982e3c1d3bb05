#include "bottomtabs.h"

#include "chartpanel.h"
#include "derivationpanel.h"
#include "landscapepanel.h"
#include "logchart.h"
#include "profilepanel.h"
#include "racepanel.h"
#include "sweeppanel.h"
#include "taylorpanel.h"

namespace gradlens {

BottomTabs::BottomTabs(QWidget *parent)
    : QTabWidget(parent)
    , m_charts(new ChartPanel)
    , m_taylor(new TaylorPanel)
    , m_sweep(new SweepPanel)
    , m_profile(new ProfilePanel)
    , m_derivation(new DerivationPanel)
    , m_race(new RacePanel)
    , m_landscape(new LandscapePanel) {
    addTab(m_charts, tr("Descent"));
    addTab(m_taylor, tr("Taylor test"));
    setTabToolTip(Taylor, tr("Is the gradient consistent with f? Slope 2 yes, slope 1 no"));
    addTab(m_sweep, tr("Step sweep"));
    setTabToolTip(Sweep, tr("Which step h makes finite differences most accurate"));
    addTab(m_profile, tr("Line profile"));
    setTabToolTip(Profile, tr("The loss along −G: a quartic, with Armijo's trial steps"));
    addTab(m_derivation, tr("Derivation"));
    setTabToolTip(Derivation, tr("How the gradient is obtained, with the numbers of one entry"));
    addTab(m_race, tr("Race"));
    setTabToolTip(Race,
                  tr("Several optimizers from the current γ: who gets lowest, in how many evaluations"));
    addTab(m_landscape, tr("Landscape"));
    setTabToolTip(Landscape, tr("f on a plane through γ, with the path descent took"));
    connect(m_race, &InstrumentPanel::busyChanged, this,
            [this](bool busy) { emit longWorkChanged(busy ? tr("Racing") : QString()); });
}

void BottomTabs::selectEntry(int row, int column) {
    m_derivation->selectEntry(row, column);
}

void BottomTabs::cancel() {
    m_race->cancel();
}

void BottomTabs::setSnapshot(const SnapshotPointer &snapshot) {
    m_charts->append(*snapshot);
    for (InstrumentPanel *panel :
         std::initializer_list<InstrumentPanel *>{m_taylor, m_sweep, m_profile, m_race})
        panel->setSnapshot(snapshot);
    m_landscape->follow(snapshot);
    m_landscape->setSnapshot(snapshot);
    m_derivation->setSnapshot(snapshot);
}

void BottomTabs::setDescentOptions(const DescentOptions &options) {
    m_race->setDescentOptions(options);
}

bool BottomTabs::isBusy() const {
    return m_taylor->isBusy() || m_sweep->isBusy() || m_profile->isBusy() || m_race->isBusy() ||
           m_landscape->isBusy() || m_derivation->isBusy();
}

QList<Figure> BottomTabs::figures() const {
    QList<Figure> list;
    const char *chartNames[] = {"chart-loss", "chart-deviation", "chart-gradient-norm", "chart-taylor-slope",
                                "chart-factor"};
    for (int k = 0; k < int(std::size(chartNames)); ++k)
        list << chartFigure(m_charts->charts()[k]->chart(), m_charts->charts()[k],
                            QLatin1String(chartNames[k]));
    const std::pair<InstrumentPanel *, const char *> instruments[] = {{m_taylor, "taylor-test"},
                                                                      {m_sweep, "step-sweep"},
                                                                      {m_profile, "line-profile"},
                                                                      {m_race, "race"},
                                                                      {m_landscape, "landscape"}};
    for (const auto &[panel, name] : instruments)
        list << chartFigure(panel->chart(), panel->figure(), QLatin1String(name));
    return list;
}

} // namespace gradlens
