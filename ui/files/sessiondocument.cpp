#include "sessiondocument.h"

#include "checkpanel.h"
#include "descentcontroller.h"
#include "descentpanel.h"
#include "fileactions.h"
#include "heatmappanel.h"
#include "mainwindow.h"
#include "messagebar.h"
#include "problemsource.h"

#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>

namespace gradlens {

namespace {

constexpr int kRecentFiles = 8;
const QString kSessionFilter = QStringLiteral("Gradient Lens sessions (*.gradlens);;All files (*)");

QString viewSymbolOf(ViewKind kind) {
    return QString::fromUtf8(viewSymbol(kind).data(), qsizetype(viewSymbol(kind).size()));
}

} // namespace

SessionDocument::SessionDocument(MainWindow *window, bool rememberRecent)
    : QObject(window)
    , m_window(window)
    , m_rememberRecent(rememberRecent)
    , m_captionBar(new QLabel) {
    m_captionBar->setWordWrap(true);
    m_captionBar->setTextFormat(Qt::RichText);
    m_captionBar->setToolTip(tr("The scene's caption; click to hide it"));
    m_captionBar->setStyleSheet(
        QStringLiteral("QLabel { background:#f7f7f7; color:#252525; border-left:4px solid "
                       "#4292c6; padding:4px 8px; }"));
    m_captionBar->setCursor(Qt::PointingHandCursor);
    m_captionBar->installEventFilter(this);
    m_captionBar->hide();
    setPath(QString());
}

void SessionDocument::setCaptionFont(const QFont &windowFont) {
    QFont caption = windowFont;
    caption.setPointSizeF(windowFont.pointSizeF() * 1.2);
    m_captionBar->setFont(caption); // (set here: a widget with a style sheet does not inherit it)
}

bool SessionDocument::eventFilter(QObject *watched, QEvent *event) {
    if (watched == m_captionBar && event->type() == QEvent::MouseButtonRelease)
        m_captionBar->hide();
    return QObject::eventFilter(watched, event);
}

void SessionDocument::addMenuEntries(QMenu *file, QMenu *scenes) {
    file->addAction(tr("&Open session…"), this, &SessionDocument::chooseAndOpen)
        ->setShortcut(QKeySequence::Open);
    QMenu *recent = file->addMenu(tr("Open &recent session"));
    connect(recent, &QMenu::aboutToShow, this, [this, recent] { fillRecentMenu(recent); });
    file->addAction(tr("&Save session"), this, &SessionDocument::saveOrAsk)->setShortcut(QKeySequence::Save);
    file->addAction(tr("Save session &as…"), this, &SessionDocument::chooseAndSave)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    scenes->addAction(tr("&Add scene (the current state)…"), this, [this] { addScene(); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    scenes->addAction(tr("&Next scene"), this, [this] { nextScene(1); })
        ->setShortcut(QKeySequence(Qt::Key_PageDown));
    scenes->addAction(tr("&Previous scene"), this, [this] { nextScene(-1); })
        ->setShortcut(QKeySequence(Qt::Key_PageUp));
}

void SessionDocument::setPath(const QString &path) {
    m_path = path;
    const QString name = path.isEmpty() ? tr("Untitled") : QFileInfo(path).fileName();
    m_window->setWindowTitle(tr("%1[*] — Gradient Lens").arg(name));
    m_window->setWindowModified(false);
}

void SessionDocument::markModified() {
    if (m_replayTo < 0)
        m_window->setWindowModified(true);
}

void SessionDocument::onNewGeneration() {
    m_history.clear();
}

void SessionDocument::onSnapshot(const Snapshot &snapshot) {
    if (snapshot.rewoundTo >= 0) // back in the history: the snapshot brings every record up to there
        m_history.clear();
    m_history.insert(m_history.end(), snapshot.newRecords.begin(), snapshot.newRecords.end());
    if (!snapshot.newRecords.empty() && snapshot.iteration > 0)
        markModified();
}

SessionSettings SessionDocument::currentSettings() const {
    SessionSettings settings;
    settings.setDescentOptions(m_window->descentPanel()->options());
    settings.convention = m_window->checkPanel()->convention();
    settings.variant = m_window->checkPanel()->variant();
    const CheckSettings check = m_window->checkPanel()->settings();
    settings.checkMethod = check.method;
    settings.checkStep = check.step;
    settings.checkEvery = check.everyIterations;
    settings.pauseOnFailure = check.pauseOnFailure;
    for (int k = 0; k < 3; ++k)
        settings.views << viewSymbolOf(m_window->heatmapPanel(k)->view());
    settings.tab = sessionTabNames().value(m_window->currentTab());
    return settings;
}

Session SessionDocument::capture() const {
    Session session = m_kept; // scenes and what a newer version wrote
    const SnapshotPointer snapshot = m_window->controller()->latest();
    if (!snapshot || !snapshot->problem)
        return session;
    const Problem &problem = *snapshot->problem;
    session.problem = {};
    session.problem.generator = m_window->problemSource()->recipe();
    session.problem.R = problem.R;
    session.problem.P = problem.P;
    session.problem.gammaStart = problem.gamma;
    session.problem.unknownFields = m_kept.problem.unknownFields;
    if (m_kept.problem.gammaStar.rows() == problem.n() && m_kept.problem.gammaStar.cols() == problem.r())
        session.problem.gammaStar = m_kept.problem.gammaStar;
    session.gamma = snapshot->gamma;
    session.history = m_history;
    while (!session.history.empty() && session.history.back().iteration > snapshot->iteration)
        session.history.pop_back(); // (records of a later iteration than the one shown: not this state's)
    const QJsonObject unknown = m_kept.settings.unknownFields;
    session.settings = currentSettings();
    session.settings.unknownFields = unknown;
    return session;
}

bool SessionDocument::save(const QString &path) {
    Session session = capture(); // (once: it copies R and P)
    if (const Status saved = saveSession(path, session); !saved) {
        m_window->messages()->showMessage(MessageBar::Kind::Error, QString::fromStdString(saved.message));
        return false;
    }
    m_kept = std::move(session);
    setPath(path);
    rememberRecent(path);
    m_window->messages()->showMessage(MessageBar::Kind::Information,
                                      tr("Saved the session (iteration %1, %2 scenes) to %3.")
                                          .arg(m_kept.history.empty() ? 0 : m_kept.history.back().iteration)
                                          .arg(m_kept.scenes.size())
                                          .arg(QDir::toNativeSeparators(path)));
    return true;
}

bool SessionDocument::chooseAndSave() {
    FileActions *files = m_window->fileActions();
    const QString name = m_path.isEmpty() ? QStringLiteral("lesson.gradlens") : QFileInfo(m_path).fileName();
    const QString path =
        files->chooseSavePath(tr("Save the session"), name, kSessionFilter, QStringLiteral("gradlens"));
    return !path.isEmpty() && save(path);
}

bool SessionDocument::saveOrAsk() {
    return m_path.isEmpty() ? chooseAndSave() : save(m_path);
}

bool SessionDocument::maySafelyClose() {
    if (m_path.isEmpty() || !m_window->isWindowModified())
        return true;
    const auto answer = QMessageBox::question(
        m_window, tr("Save the session?"),
        tr("%1 has changes that are not saved.").arg(QFileInfo(m_path).fileName()),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    return answer == QMessageBox::Discard || (answer == QMessageBox::Save && save(m_path));
}

void SessionDocument::chooseAndOpen() {
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Open a session"), m_window->fileActions()->lastDirectory(), kSessionFilter);
    if (!path.isEmpty())
        open(path);
}

void SessionDocument::open(const QString &path) {
    Session session;
    if (const Status loaded = loadSession(path, session); !loaded) {
        m_window->messages()->showMessage(MessageBar::Kind::Error, QString::fromStdString(loaded.message) +
                                                                       tr(" Nothing was changed."));
        return;
    }
    m_window->fileActions()->setLastDirectory(QFileInfo(path).absolutePath());
    m_kept = session;
    m_scene = -1;
    m_captionBar->hide();
    setPath(path);
    rememberRecent(path);
    apply(session);
}

void SessionDocument::apply(const Session &session) {
    applySettings(session.settings);
    Problem problem{session.problem.R, session.problem.P, session.problem.gammaStart};
    const int iterations = session.history.empty() ? 0 : session.history.back().iteration;
    m_savedIterate = session.gamma;
    if (iterations == 0 && session.gamma != session.problem.gammaStart)
        problem.gamma = session.gamma; // an iterate without a history to replay: start there
    m_window->problemSource()->adopt(problem, {}, session.problem.generator);
    if (iterations > 0) {
        // Replayed with the saved settings: descent is deterministic, so it lands on the saved iterate, and
        // the history can be gone back through as if it had been run here.
        m_replayTo = iterations;
        m_window->controller()->step(iterations);
        m_window->whenSettled([this] { finishReplay(); });
    } else {
        m_replayTo = -1;
        m_window->messages()->showMessage(MessageBar::Kind::Information,
                                          tr("Opened %1.").arg(QFileInfo(m_path).fileName()));
    }
}

void SessionDocument::finishReplay() {
    const int iterations = std::exchange(m_replayTo, -1);
    const SnapshotPointer latest = m_window->controller()->latest();
    const QString name = QFileInfo(m_path).fileName();
    if (!latest || !latest->problem)
        return;
    if (latest->gamma == m_savedIterate)
        m_window->messages()->showMessage(
            MessageBar::Kind::Information,
            tr("Opened %1 at iteration %2 (its history replayed, landing on the saved γ bit for bit).")
                .arg(name)
                .arg(iterations));
    else {
        // Made with another number of threads (the last bits of a sum differ), settings that changed along
        // the way, or the user's gradient: start from the saved iterate instead.
        Problem problem = *latest->problem;
        problem.gamma = m_savedIterate;
        m_window->problemSource()->adopt(problem, {}, std::nullopt);
        m_window->messages()->showMessage(MessageBar::Kind::Warning,
                                          tr("Opened %1 at its saved γ. Its %2 iterations could not be "
                                             "replayed bit for bit here (they were "
                                             "made elsewhere, with another number of threads, or with "
                                             "settings that changed along the way), "
                                             "so the history starts again from this γ.")
                                              .arg(name)
                                              .arg(iterations));
    }
    m_window->setWindowModified(false);
}

void SessionDocument::applySettings(const SessionSettings &settings) {
    m_window->descentPanel()->setOptions(settings.descentOptions());
    CheckPanel *check = m_window->checkPanel();
    check->setConvention(settings.convention);
    check->setVariant(settings.variant);
    check->setSettings(
        {settings.checkMethod, settings.checkStep, settings.checkEvery, settings.pauseOnFailure});
    for (int k = 0; k < 3 && k < settings.views.size(); ++k)
        if (const auto view = parseViewKind(settings.views[k].toStdString()))
            m_window->heatmapPanel(k)->setView(*view);
    if (const int tab = sessionTabNames().indexOf(settings.tab); tab >= 0)
        m_window->showTab(tab);
    m_window->applyOptions(); // the setters above are silent: descent must run (and replay) with these
}

void SessionDocument::addScene() {
    bool ok = false;
    const QString name =
        QInputDialog::getText(m_window, tr("Add scene"), tr("Name of the scene:"), QLineEdit::Normal,
                              tr("Scene %1").arg(m_kept.scenes.size() + 1), &ok);
    if (!ok)
        return;
    const QString caption = QInputDialog::getMultiLineText(
        m_window, tr("Add scene"), tr("Caption (shown when the scene comes up):"), QString(), &ok);
    if (!ok)
        return;
    addScene(name, caption);
}

void SessionDocument::addScene(const QString &name, const QString &caption) {
    const Session now = capture();
    SessionScene scene;
    scene.name = name.trimmed().isEmpty() ? tr("Scene %1").arg(m_kept.scenes.size() + 1) : name.trimmed();
    scene.caption = caption;
    scene.settings = now.settings;
    scene.gamma = now.gamma;
    if (m_kept.problem.R.size() == 0) // the first scene's problem is the session's
        m_kept.problem = now.problem;
    else if (m_kept.problem.R != now.problem.R || m_kept.problem.P != now.problem.P)
        scene.problem = now.problem; // a scene on another problem keeps it
    m_kept.scenes.push_back(scene);
    m_scene = int(m_kept.scenes.size()) - 1;
    m_window->setWindowModified(true);
    m_window->messages()->showMessage(
        MessageBar::Kind::Information,
        tr("Added scene %1 of %2: %3. Save the session to keep it; PgDn and PgUp "
           "step through the scenes.")
            .arg(m_scene + 1)
            .arg(m_kept.scenes.size())
            .arg(scene.name));
}

void SessionDocument::showScene(int index) {
    if (index < 0 || index >= int(m_kept.scenes.size()))
        return;
    m_scene = index;
    const SessionScene &scene = m_kept.scenes[std::size_t(index)];
    applySettings(scene.settings);
    const SessionProblem &source = scene.problem ? *scene.problem : m_kept.problem;
    m_window->problemSource()->adopt({source.R, source.P, scene.gamma}, {}, std::nullopt);
    QString text = tr("<b>Scene %1 of %2: %3</b>")
                       .arg(index + 1)
                       .arg(m_kept.scenes.size())
                       .arg(scene.name.toHtmlEscaped());
    if (!scene.caption.isEmpty())
        text += QStringLiteral("<br>") +
                scene.caption.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    m_captionBar->setText(text);
    m_captionBar->show();
}

void SessionDocument::nextScene(int delta) {
    if (m_kept.scenes.empty()) {
        m_window->messages()->showMessage(
            MessageBar::Kind::Information,
            tr("This session has no scenes: Scenes → Add scene captures the current "
               "state as one."));
        return;
    }
    showScene(std::clamp(m_scene + delta, 0, int(m_kept.scenes.size()) - 1));
}

void SessionDocument::rememberRecent(const QString &path) {
    if (!m_rememberRecent)
        return;
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("files/recentSessions")).toStringList();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kRecentFiles)
        recent.removeLast();
    settings.setValue(QStringLiteral("files/recentSessions"), recent);
}

void SessionDocument::fillRecentMenu(QMenu *menu) {
    menu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("files/recentSessions")).toStringList();
    for (int k = 0; k < recent.size(); ++k)
        menu->addAction(QStringLiteral("&%1 %2").arg(k + 1).arg(QDir::toNativeSeparators(recent[k])), this,
                        [this, path = recent[k]] { open(path); });
    if (recent.isEmpty())
        menu->addAction(tr("(none yet)"))->setEnabled(false);
}

void SessionDocument::openDropped(const QStringList &paths) {
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.suffix().compare(QStringLiteral("gradlens"), Qt::CaseInsensitive) == 0) {
            open(path);
            return;
        }
    }
    QStringList refused;
    for (const QString &path : paths) {
        const QString base = QFileInfo(path).completeBaseName();
        if (base.compare(QStringLiteral("R"), Qt::CaseInsensitive) == 0)
            m_window->openMatrix(MatrixRole::Target, path);
        else if (base.compare(QStringLiteral("P"), Qt::CaseInsensitive) == 0)
            m_window->openMatrix(MatrixRole::Weights, path);
        else if (base.compare(QStringLiteral("gamma"), Qt::CaseInsensitive) == 0 ||
                 base == QStringLiteral("γ"))
            m_window->openMatrix(MatrixRole::Gamma, path);
        else
            refused << QFileInfo(path).fileName();
    }
    if (!refused.isEmpty())
        m_window->messages()->showMessage(
            MessageBar::Kind::Warning,
            tr("Not opened: %1. Drop a session (.gradlens), or matrices named R, P and gamma (any format); "
               "others open from File → Open R, P or γ.")
                .arg(refused.join(QStringLiteral(", "))));
}

} // namespace gradlens
