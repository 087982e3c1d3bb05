#pragma once

#include "figures.h"
#include "generators.h"
#include "gradientprogram.h"
#include "problemloader.h"
#include "snapshot.h"

#include <QFont>
#include <QMainWindow>

class QAction;
class QDockWidget;
class QSplitter;
class QTimer;
class QTabWidget;

#include <functional>

namespace gradlens {

class BottomTabs;
class ChartPanel;
class CheckPanel;
class ControlDocks;
class EntryDetailDialog;
class FileActions;
class InstrumentPanel;
class ProfilePanel;
class DerivationPanel;
class SweepPanel;
class TaylorPanel;
class DescentController;
class DescentPanel;
class DescentRecorder;
class HeatmapPanel;
class MessageBar;
class ProblemPanel;
class ProblemSource;
class SessionDocument;
class StatusPanel;

// Composes the panels, heatmaps, charts and the descent controller, and wires them; no arithmetic here.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // Settings::Ignore starts from the defaults and saves nothing (screenshots, tests).
    enum class Settings { Remember, Ignore };
    explicit MainWindow(Settings settings = Settings::Remember, QWidget *parent = nullptr);
    ~MainWindow() override;

    void generate(const GeneratorOptions &options);
    // Hands the panels' options (descent, convention, variant, checks) to descent and the instruments: the
    // panels' own setters are silent, so whoever sets them in code calls this after.
    void applyOptions();
    void openMatrix(MatrixRole role, const QString &path);
    // The user's gradient in place of the formula: a file's (n×r, at the current γ) or a program's.
    void useGradientFile(const QString &path);
    void useGradientProgram(const GradientProgramOptions &options);
    bool isSettled() const;        // nothing computing, loading or painting
    QList<Figure> figures() const; // every heatmap and chart, for export
    DescentRecorder *recorder() const { return m_recorder; }
    SessionDocument *session() const { return m_session; }
    FileActions *fileActions() const { return m_files; }
    ProblemSource *problemSource() const { return m_source; }
    int currentTab() const;
    // Calls done once isSettled() holds (checked on the event loop, never by blocking).
    void whenSettled(const std::function<void()> &done);

    DescentController *controller() const { return m_controller; }
    HeatmapPanel *heatmapPanel(int index) const { return m_heatmaps[index]; }
    ChartPanel *charts() const;
    MessageBar *messages() const { return m_messages; }
    StatusPanel *status() const { return m_status; }
    DescentPanel *descentPanel() const { return m_descentPanel; }
    CheckPanel *checkPanel() const { return m_checkPanel; }
    ProblemPanel *problemPanel() const { return m_problemPanel; }
    TaylorPanel *taylorPanel() const;
    SweepPanel *sweepPanel() const;
    ProfilePanel *profilePanel() const;
    DerivationPanel *derivationPanel() const;
    EntryDetailDialog *entryDetail() const { return m_entryDetail; }
    // The bottom tabs: 0 descent charts, 1 Taylor test, 2 step sweep, 3 line profile, 4 derivation, 5 race,
    // 6 landscape.
    void showTab(int index);
    // Larger text everywhere (charts too), the control panels as tabs: for a projector. F11 toggles it.
    void setPresentationMode(bool on);
    bool isPresentationMode() const { return m_presentation; }

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildMenus();
    void onSnapshot(const SnapshotPointer &snapshot);
    void showHelp();
    void restoreSettings();
    void saveSettings() const;

    Settings m_settings;
    DescentController *m_controller;
    ProblemPanel *m_problemPanel;
    DescentPanel *m_descentPanel;
    CheckPanel *m_checkPanel;
    HeatmapPanel *m_heatmaps[3];
    BottomTabs *m_tabs;
    EntryDetailDialog *m_entryDetail;
    MessageBar *m_messages;
    FileActions *m_files;
    ProblemSource *m_source;
    DescentRecorder *m_recorder;
    SessionDocument *m_session;
    StatusPanel *m_status;
    QSplitter *m_heatmapSplitter, *m_verticalSplitter;
    ControlDocks *m_docks;
    QAction *m_presentationAction = nullptr;
    QFont m_normalFont;
    bool m_presentation = false;
    QTimer *m_saveSettings = nullptr; // debounces saving the settings after a change
};

} // namespace gradlens
