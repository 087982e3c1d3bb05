#pragma once

#include <array>

class QMainWindow;
class QSettings;
class QSplitter;

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

// The window's geometry, its docks and its two splitters (heatmaps, then heatmaps against tabs) under
// "window/".
void restoreWindowLayout(const QSettings &settings, QMainWindow *window,
                         const std::array<QSplitter *, 2> &splitters);
void saveWindowLayout(QSettings &settings, const QMainWindow *window,
                      const std::array<QSplitter *, 2> &splitters);

} // namespace gradlens
