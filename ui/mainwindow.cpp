#include "mainwindow.h"

#include "bottomtabs.h"
#include "chartpanel.h"
#include "checkpanel.h"
#include "controldocks.h"
#include "descentcontroller.h"
#include "descentpanel.h"
#include "descentrecorder.h"
#include "entrydetaildialog.h"
#include "fileactions.h"
#include "heatmappanel.h"
#include "heatmapwidget.h"
#include "messagebar.h"
#include "panelsettings.h"
#include "problempanel.h"
#include "problemsource.h"
#include "sessiondocument.h"
#include "statuspanel.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <iterator>

namespace gradlens {

namespace {

// Presentation mode's text, relative to the normal size: 10 pt becomes 15 pt.
constexpr double kPresentationScale = 1.5;

} // namespace

MainWindow::MainWindow(Settings settings, QWidget *parent)
    : QMainWindow(parent)
    , m_settings(settings) {
    setAcceptDrops(true); // a session, or matrices named R, P and gamma
    m_controller = new DescentController(this);
    m_problemPanel = new ProblemPanel;
    m_descentPanel = new DescentPanel;
    m_checkPanel = new CheckPanel;
    m_heatmaps[0] = new HeatmapPanel(ViewKind::Residual);
    m_heatmaps[1] = new HeatmapPanel(ViewKind::Gradient);
    m_heatmaps[2] = new HeatmapPanel(ViewKind::Deviation);
    m_tabs = new BottomTabs;
    m_entryDetail = new EntryDetailDialog(this);
    m_messages = new MessageBar;
    m_status = new StatusPanel;
    m_source = new ProblemSource({this, m_controller, m_problemPanel, m_messages, m_status}, this);
    m_files = new FileActions({this, m_controller, m_source->loader(), m_checkPanel, m_messages}, this);
    m_session = new SessionDocument(this, m_settings == Settings::Remember);

    m_docks = new ControlDocks(this);
    m_docks->add(tr("Problem"), m_problemPanel, "problemDock");
    m_docks->add(tr("Descent"), m_descentPanel, "descentDock");
    m_docks->add(tr("Gradient check"), m_checkPanel, "checkDock");

    m_heatmapSplitter = new QSplitter(Qt::Horizontal);
    for (HeatmapPanel *panel : m_heatmaps)
        m_heatmapSplitter->addWidget(panel);
    m_heatmapSplitter->setStretchFactor(0, 2);
    m_heatmapSplitter->setStretchFactor(1, 1);
    m_heatmapSplitter->setStretchFactor(2, 1);
    m_verticalSplitter = new QSplitter(Qt::Vertical);
    m_verticalSplitter->addWidget(m_heatmapSplitter);
    m_verticalSplitter->addWidget(m_tabs);
    m_verticalSplitter->setStretchFactor(0, 3);
    m_verticalSplitter->setStretchFactor(1, 2);

    auto *right = new QWidget;
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_session->captionBar());
    rightLayout->addWidget(m_messages);
    rightLayout->addWidget(m_verticalSplitter, 1);
    setCentralWidget(right);
    statusBar()->addWidget(m_status, 1);
    statusBar()->setSizeGripEnabled(true);

    m_normalFont = font();
    m_session->setCaptionFont(m_normalFont);
    buildMenus();
    m_docks->fitToContents();
    m_recorder = new DescentRecorder(
        m_controller, [this](std::function<void()> done) { whenSettled(done); }, this);
    m_files->setFigures([this] { return figures(); });

    connect(m_descentPanel, &DescentPanel::optionsChanged, this, &MainWindow::applyOptions);
    connect(m_descentPanel, &DescentPanel::speedChanged, m_controller, &DescentController::setStepsPerSecond);
    connect(m_checkPanel, &CheckPanel::settingsChanged, this, &MainWindow::applyOptions);
    connect(m_checkPanel, &CheckPanel::userGradientRequested, this,
            [this](CheckPanel::UserGradientKind kind) {
                if (kind == CheckPanel::UserGradientKind::File)
                    m_files->chooseGradientFile();
                else
                    m_files->chooseGradientProgram();
            });
    connect(m_descentPanel->stepAction(), &QAction::triggered, m_controller,
            [this] { m_controller->step(1); });
    connect(m_descentPanel->runAction(), &QAction::triggered, m_controller, &DescentController::toggleRun);
    connect(m_descentPanel->stepBackAction(), &QAction::triggered, m_controller,
            &DescentController::stepBack);
    connect(m_descentPanel, &DescentPanel::historyRequested, m_controller, &DescentController::goToIteration);
    connect(m_descentPanel->resetAction(), &QAction::triggered, m_controller, &DescentController::reset);
    connect(m_checkPanel->checkAction(), &QAction::triggered, m_controller, &DescentController::checkNow);
    connect(m_controller, &DescentController::snapshotReady, this, &MainWindow::onSnapshot);
    connect(m_controller, &DescentController::generationStarted, m_session,
            &SessionDocument::onNewGeneration);
    connect(m_descentPanel, &DescentPanel::optionsChanged, m_session, &SessionDocument::markModified);
    connect(m_checkPanel, &CheckPanel::settingsChanged, m_session, &SessionDocument::markModified);
    for (HeatmapPanel *panel : m_heatmaps)
        connect(panel, &HeatmapPanel::cellClicked, this, [this](ViewKind view, int row, int column) {
            // Cells of n×r views are entries of γ: show everything about that entry of the gradient.
            const SnapshotPointer snapshot = m_controller->latest();
            if (snapshot && isFactorShaped(view)) {
                m_tabs->selectEntry(row, column);
                m_entryDetail->showEntry(snapshot, row, column);
            }
        });
    connect(m_controller, &DescentController::generationStarted, m_tabs->charts(), &ChartPanel::clear);
    connect(m_controller, &DescentController::runningChanged, m_descentPanel, &DescentPanel::setRunning);
    connect(m_controller, &DescentController::progress, m_status, &StatusPanel::setBusy);
    connect(m_controller, &DescentController::idle, this, [this] { m_status->setBusy(QString(), 0); });
    connect(m_controller, &DescentController::failed, this,
            [this](const QString &message) { m_messages->showMessage(MessageBar::Kind::Error, message); });
    connect(m_recorder, &DescentRecorder::progress, m_status, &StatusPanel::setBusy);
    connect(m_recorder, &DescentRecorder::finished, m_messages, [this](const QString &message, bool ok) {
        m_messages->showMessage(ok ? MessageBar::Kind::Information : MessageBar::Kind::Error, message);
    });
    // A race can take long: the status bar shows it with its Cancel (Esc).
    connect(m_tabs, &BottomTabs::longWorkChanged, m_status,
            [this](const QString &what) { m_status->setBusy(what, -1); });
    connect(m_status, &StatusPanel::cancelRequested, this, [this] {
        m_recorder->cancel();
        m_controller->pause();
        m_source->loader()->cancel();
        m_tabs->cancel();
        m_status->setBusy(QString(), 0);
    });

    if (m_settings == Settings::Remember) {
        restoreSettings();
        // Written when they change (after a short pause), so that a killed session loses nothing.
        m_saveSettings = new QTimer(this);
        m_saveSettings->setSingleShot(true);
        m_saveSettings->setInterval(500);
        connect(m_saveSettings, &QTimer::timeout, this, &MainWindow::saveSettings);
        connect(m_descentPanel, &DescentPanel::optionsChanged, m_saveSettings, qOverload<>(&QTimer::start));
        connect(m_checkPanel, &CheckPanel::settingsChanged, m_saveSettings, qOverload<>(&QTimer::start));
        connect(m_problemPanel, &ProblemPanel::generateRequested, m_saveSettings,
                qOverload<>(&QTimer::start));
    }
    applyOptions();
    generate(m_problemPanel->options());
}

MainWindow::~MainWindow() = default;

void MainWindow::setPresentationMode(bool on) {
    if (on == m_presentation)
        return;
    m_presentation = on;
    // On the window (children inherit it) and its dialogs; the application's font stays as it was.
    QFont font = m_normalFont;
    if (on)
        font.setPointSizeF(m_normalFont.pointSizeF() * kPresentationScale);
    setFont(font);
    m_entryDetail->setFont(font);
    // Widgets with a style sheet do not inherit a font set later: set theirs (the caption a size larger).
    for (QWidget *styled : m_messages->findChildren<QWidget *>())
        styled->setFont(font);
    m_session->setCaptionFont(font);
    m_docks->setPresentation(on);
    m_presentationAction->setChecked(on);
}

void MainWindow::buildMenus() {
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *generateAction = file->addAction(tr("&Generate problem"), m_source,
                                              [this] { m_source->generateAsked(m_problemPanel->options()); });
    generateAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
    file->addSeparator();
    m_session->addMenuEntries(file, menuBar()->addMenu(tr("S&cenes")));
    file->addSeparator();
    m_files->addMenuEntries(file);
    file->addSeparator();
    file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("Show &everything"), this, [this] {
        for (HeatmapPanel *panel : m_heatmaps)
            panel->heatmap()->showEverything();
    });
    view->addSeparator();
    const QString tabNames[] = {tr("&Descent charts"), tr("&Taylor test"), tr("Step &sweep"),
                                tr("&Line profile"),   tr("De&rivation"),  tr("R&ace"),
                                tr("La&ndscape")};
    for (int k = 0; k < int(std::size(tabNames)); ++k)
        view->addAction(tabNames[k], this, [this, k] { showTab(k); })
            ->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + k)));
    view->addSeparator();
    for (QDockWidget *dock : m_docks->docks())
        view->addAction(dock->toggleViewAction());
    view->addSeparator();
    m_presentationAction = view->addAction(tr("&Presentation mode (larger text)"));
    m_presentationAction->setCheckable(true);
    m_presentationAction->setShortcut(QKeySequence(Qt::Key_F11));
    connect(m_presentationAction, &QAction::toggled, this, &MainWindow::setPresentationMode);

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_descentPanel->stepAction());
    run->addAction(m_descentPanel->stepBackAction());
    run->addAction(m_descentPanel->runAction());
    run->addAction(m_descentPanel->resetAction());
    run->addSeparator();
    run->addAction(m_checkPanel->checkAction());
    run->addSeparator();
    run->addAction(tr("Record descent as GIF or &PNGs…"), m_files,
                   [this] {
                       QList<QPair<QString, QWidget *>> recordable;
                       for (HeatmapPanel *panel : m_heatmaps)
                           recordable.append({tr("Heatmap: %1").arg(panel->viewTitle()), panel->heatmap()});
                       recordable.append({tr("The whole window"), this});
                       m_files->recordDescent(m_recorder, recordable);
                   })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Reading the views"), this, &MainWindow::showHelp)
        ->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&About Gradient Lens"), this, [this] {
        QMessageBox::about(
            this, tr("About Gradient Lens"),
            tr("<h3>Gradient Lens %1</h3><p>Explore f(γ) = ‖R − P∘(γγᵀ)‖²<sub>F</sub>, its gradient "
               "2(P∘M + Pᵀ∘Mᵀ)γ and how numerical gradients agree with it.</p>")
                .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::generate(const GeneratorOptions &options) {
    m_source->generate(options);
}

void MainWindow::openMatrix(MatrixRole role, const QString &path) {
    m_files->openMatrix(role, path);
}

void MainWindow::useGradientFile(const QString &path) {
    m_files->useGradientFile(path);
}

void MainWindow::useGradientProgram(const GradientProgramOptions &options) {
    m_files->useGradientProgram(options);
}

void MainWindow::showHelp() {
    QFile file(QStringLiteral(":/help/reading.html"));
    QString text = file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    QMessageBox box(QMessageBox::NoIcon, tr("Reading the views"), text, QMessageBox::Close, this);
    box.setTextFormat(Qt::RichText);
    box.exec();
}

void MainWindow::applyOptions() {
    if (!m_checkPanel->usesUserGradient())
        m_files->formulaChosen();
    DescentOptions options = m_descentPanel->options();
    options.convention = m_checkPanel->convention();
    options.variant = m_checkPanel->variant();
    m_controller->setDescentOptions(options);
    m_tabs->setDescentOptions(options);
    m_controller->setCheckSettings(m_checkPanel->settings());
}

void MainWindow::onSnapshot(const SnapshotPointer &snapshot) {
    for (HeatmapPanel *panel : m_heatmaps)
        panel->showSnapshot(snapshot);
    m_tabs->setSnapshot(snapshot);
    m_descentPanel->showHistory(snapshot->iteration, snapshot->furthestIteration);
    m_status->showSnapshot(*snapshot);
    m_messages->describe(*snapshot);
    m_session->onSnapshot(*snapshot);
}

bool MainWindow::isSettled() const {
    if (m_controller->isBusy() || m_source->isBusy() || m_files->isBusy() || !m_controller->latest())
        return false;
    for (HeatmapPanel *panel : m_heatmaps)
        if (panel->isBusy())
            return false;
    return !m_tabs->isBusy() && !m_entryDetail->isBusy();
}

QList<Figure> MainWindow::figures() const {
    QList<Figure> list;
    for (int k = 0; k < 3; ++k)
        list << heatmapFigure(m_heatmaps[k]->heatmap(),
                              QStringLiteral("heatmap%1-%2").arg(k + 1).arg(m_heatmaps[k]->viewFileStem()),
                              m_heatmaps[k]->viewTitle());
    list << m_tabs->figures();
    return list;
}

void MainWindow::whenSettled(const std::function<void()> &done) {
    auto *timer = new QTimer(this);
    timer->setInterval(20);
    connect(timer, &QTimer::timeout, this, [this, timer, done] {
        if (!isSettled())
            return;
        timer->stop();
        timer->deleteLater();
        done();
    });
    timer->start();
}

void MainWindow::showTab(int index) {
    m_tabs->setCurrentIndex(index);
}

int MainWindow::currentTab() const {
    return m_tabs->currentIndex();
}

ChartPanel *MainWindow::charts() const {
    return m_tabs->charts();
}
TaylorPanel *MainWindow::taylorPanel() const {
    return m_tabs->taylor();
}
SweepPanel *MainWindow::sweepPanel() const {
    return m_tabs->sweep();
}
ProfilePanel *MainWindow::profilePanel() const {
    return m_tabs->profile();
}
DerivationPanel *MainWindow::derivationPanel() const {
    return m_tabs->derivation();
}

void MainWindow::restoreSettings() {
    QSettings settings;
    restoreWindowLayout(settings, this, {m_heatmapSplitter, m_verticalSplitter});
    m_files->setLastDirectory(settings.value(QStringLiteral("files/lastDirectory")).toString());
    restorePanelSettings(settings, m_problemPanel, m_descentPanel, m_checkPanel);
}

void MainWindow::saveSettings() const {
    QSettings settings;
    saveWindowLayout(settings, this, {m_heatmapSplitter, m_verticalSplitter});
    settings.setValue(QStringLiteral("files/lastDirectory"), m_files->lastDirectory());
    savePanelSettings(settings, m_problemPanel, m_descentPanel, m_checkPanel);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event) {
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event) {
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    m_session->openDropped(paths);
    event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent *event) {
    if (m_settings == Settings::Remember && !m_session->maySafelyClose())
        return event->ignore();
    m_controller->pause();
    if (m_settings == Settings::Remember)
        saveSettings();
    event->accept();
}

} // namespace gradlens
