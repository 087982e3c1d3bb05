#pragma once

#include "session.h"
#include "snapshot.h"

#include <QObject>
#include <QStringList>

class QLabel;
class QMenu;

namespace gradlens {

class MainWindow;

// The window's session file (.gradlens): File → Open, Save, Save As and Open Recent, a file given on the
// command line or dropped on the window. Saving captures the problem (its recipe when generated), every
// setting, the iterate and the history; opening applies them and replays the history from γ₀ (descent is
// deterministic), so going back works as before, and says if the replay did not land on the saved iterate
// bit for bit. Named scenes (settings, iterate, tab and views, a caption) are added from the current state;
// PgDn and PgUp step through them. The title shows the file and a mark while there are unsaved changes.
class SessionDocument : public QObject {
    Q_OBJECT
public:
    explicit SessionDocument(MainWindow *window, bool rememberRecent);

    void open(const QString &path);
    bool save(const QString &path); // false when it could not be written (the message says why)
    void chooseAndOpen();
    bool chooseAndSave(); // Save As
    bool saveOrAsk();     // Save: to the file in use, or Save As
    // Asks whether to save unsaved changes to a session file; false when the user cancels (stay open).
    bool maySafelyClose();
    void addScene(); // asks for a name and a caption
    void addScene(const QString &name, const QString &caption);
    void showScene(int index);
    void nextScene(int delta);
    // File: Open, Open Recent, Save, Save As; Scenes: Add, Next (PgDn), Previous (PgUp).
    void addMenuEntries(QMenu *file, QMenu *scenes);
    void fillRecentMenu(QMenu *menu);
    // Files dropped on the window: a session opens; matrices named R.*, P.* or gamma.* open as those.
    void openDropped(const QStringList &paths);

    // The scene's name and caption, in large type above the heatmaps while it is shown; a click hides it.
    QLabel *captionBar() const { return m_captionBar; }
    void setCaptionFont(const QFont &windowFont); // a size larger than the window's text

    Session capture() const;
    QString path() const { return m_path; }
    int sceneCount() const { return int(m_kept.scenes.size()); }
    int currentScene() const { return m_scene; }

    void onSnapshot(const Snapshot &snapshot);
    void onNewGeneration(); // a new problem or a reset: the history starts again
    void markModified();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void setPath(const QString &path);
    void apply(const Session &session);
    void applySettings(const SessionSettings &settings);
    SessionSettings currentSettings() const;
    void rememberRecent(const QString &path);
    void finishReplay();

    MainWindow *m_window;
    bool m_rememberRecent;
    QString m_path;
    Session m_kept;                         // what is kept from the file opened: scenes, unknown fields
    std::vector<IterationRecord> m_history; // of the current generation, as the snapshots bring it
    Eigen::MatrixXd m_savedIterate;         // while replaying: where the history should land
    int m_replayTo = -1;                    // the iteration the replay goes to; -1: not replaying
    int m_scene = -1;
    QLabel *m_captionBar;
};

} // namespace gradlens
