#pragma once

class QSettings;

namespace gradlens {

class CheckPanel;
class DescentPanel;
class ProblemPanel;

// The three control panels' settings under "problem/", "descent/" and "check/": restored at start (values
// that do not validate are ignored) and saved whenever they change.
void restorePanelSettings(const QSettings &settings, ProblemPanel *problemPanel, DescentPanel *descentPanel,
                          CheckPanel *checkPanel);
void savePanelSettings(QSettings &settings, const ProblemPanel *problemPanel,
                       const DescentPanel *descentPanel, const CheckPanel *checkPanel);

} // namespace gradlens
