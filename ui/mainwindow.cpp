#include "mainwindow.h"

#include "chartpanel.h"
#include "checkpanel.h"
#include "descentcontroller.h"
#include "descentpanel.h"
#include "entrydetaildialog.h"
#include "heatmappanel.h"
#include "heatmapwidget.h"
#include "matrixio.h"
#include "messagebar.h"
#include "problempanel.h"
#include "profilepanel.h"
#include "savefile.h"
#include "statuspanel.h"
#include "sweeppanel.h"
#include "taylorpanel.h"

#include <QAction>
#include <QApplication>
#include <QBuffer>
#include <QCloseEvent>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace gradlens {

namespace {

const QString kMatrixFilter =
    QStringLiteral("Matrices (*.mtx *.csv *.tsv *.txt *.npy *.mat);;Matrix Market (*.mtx);;"
                   "Delimited text (*.csv *.tsv *.txt);;NumPy (*.npy);;MATLAB (*.mat);;All files (*)");

} // namespace

MainWindow::MainWindow(Settings settings, QWidget *parent)
    : QMainWindow(parent)
    , m_settings(settings) {
    setWindowTitle(tr("Gradient Lens"));
    m_controller = new DescentController(this);
    m_loader = new ProblemLoader(this);
    m_problemPanel = new ProblemPanel;
    m_descentPanel = new DescentPanel;
    m_checkPanel = new CheckPanel;
    m_heatmaps[0] = new HeatmapPanel(ViewKind::Residual);
    m_heatmaps[1] = new HeatmapPanel(ViewKind::Gradient);
    m_heatmaps[2] = new HeatmapPanel(ViewKind::Deviation);
    m_charts = new ChartPanel;
    m_taylor = new TaylorPanel;
    m_sweep = new SweepPanel;
    m_profile = new ProfilePanel;
    m_tabs = new QTabWidget;
    m_tabs->addTab(m_charts, tr("Descent"));
    m_tabs->addTab(m_taylor, tr("Taylor test"));
    m_tabs->addTab(m_sweep, tr("Step sweep"));
    m_tabs->addTab(m_profile, tr("Line profile"));
    m_tabs->setTabToolTip(1, tr("Is the gradient consistent with f? Slope 2 yes, slope 1 no"));
    m_tabs->setTabToolTip(2, tr("Which step h makes finite differences most accurate"));
    m_tabs->setTabToolTip(3, tr("The loss along −G: a quartic, with Armijo's trial steps"));
    m_entryDetail = new EntryDetailDialog(this);
    m_messages = new MessageBar;
    m_status = new StatusPanel;

    auto *controls = new QWidget;
    auto *controlsLayout = new QVBoxLayout(controls);
    controlsLayout->addWidget(m_problemPanel);
    controlsLayout->addWidget(m_descentPanel);
    controlsLayout->addWidget(m_checkPanel);
    controlsLayout->addStretch(1);
    auto *scroll = new QScrollArea;
    scroll->setWidget(controls);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(controls->sizeHint().width() + 20);
    scroll->setMaximumWidth(controls->sizeHint().width() + 60);

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
    rightLayout->addWidget(m_messages);
    rightLayout->addWidget(m_verticalSplitter, 1);
    auto *central = new QSplitter(Qt::Horizontal);
    central->addWidget(scroll);
    central->addWidget(right);
    central->setStretchFactor(1, 1);
    central->setChildrenCollapsible(false);
    setCentralWidget(central);
    statusBar()->addWidget(m_status, 1);
    statusBar()->setSizeGripEnabled(true);

    buildMenus();

    connect(m_problemPanel, &ProblemPanel::generateRequested, this, &MainWindow::generate);
    connect(m_problemPanel, &ProblemPanel::randomizeGammaRequested, this, [this](quint64 seed) {
        const auto problem = m_controller->problem();
        if (!problem)
            return;
        Problem next = *problem;
        next.gamma = generateGamma(problem->gamma.rows(), problem->gamma.cols(), seed);
        m_controller->setProblem(next);
    });
    connect(m_descentPanel, &DescentPanel::optionsChanged, this, &MainWindow::applyOptions);
    connect(m_checkPanel, &CheckPanel::settingsChanged, this, &MainWindow::applyOptions);
    connect(m_descentPanel->stepAction(), &QAction::triggered, m_controller,
            [this] { m_controller->step(1); });
    connect(m_descentPanel->runAction(), &QAction::triggered, m_controller, &DescentController::toggleRun);
    connect(m_descentPanel->resetAction(), &QAction::triggered, m_controller, &DescentController::reset);
    connect(m_checkPanel->checkAction(), &QAction::triggered, m_controller, &DescentController::checkNow);
    connect(m_controller, &DescentController::snapshotReady, this, &MainWindow::onSnapshot);
    for (HeatmapPanel *panel : m_heatmaps)
        connect(panel, &HeatmapPanel::cellClicked, this, [this](ViewKind view, int row, int column) {
            // Cells of n×r views are entries of γ: show everything about that entry of the gradient.
            const SnapshotPointer snapshot = m_controller->latest();
            if (snapshot && view != ViewKind::Residual && view != ViewKind::Target &&
                view != ViewKind::Weights && view != ViewKind::Outer && view != ViewKind::WeightedResidual)
                m_entryDetail->showEntry(snapshot, row, column);
        });
    connect(m_controller, &DescentController::generationStarted, m_charts, &ChartPanel::clear);
    connect(m_controller, &DescentController::runningChanged, m_descentPanel, &DescentPanel::setRunning);
    connect(m_controller, &DescentController::progress, m_status, &StatusPanel::setBusy);
    connect(m_controller, &DescentController::idle, this, [this] { m_status->setBusy(QString(), 0); });
    connect(m_controller, &DescentController::failed, this,
            [this](const QString &message) { m_messages->showMessage(MessageBar::Kind::Error, message); });
    connect(m_status, &StatusPanel::cancelRequested, this, [this] {
        m_controller->pause();
        m_loader->cancel();
        m_status->setBusy(QString(), 0);
    });
    connect(m_loader, &ProblemLoader::busyChanged, this,
            [this](bool busy) { m_status->setBusy(busy ? tr("Reading file") : QString(), -1); });
    connect(m_loader, &ProblemLoader::failed, this,
            [this](const QString &message) { m_messages->showMessage(MessageBar::Kind::Error, message); });
    connect(m_loader, &ProblemLoader::staged, this, [this](const QString &notice) {
        m_messages->showMessage(MessageBar::Kind::Information, notice);
    });
    connect(m_loader, &ProblemLoader::problemReady, this,
            [this](const Problem &problem, const QString &notice) {
                m_messages->showMessage(MessageBar::Kind::Information, notice);
                m_controller->setProblem(problem);
            });
    connect(&m_generator, &QFutureWatcher<GeneratedProblem>::finished, this, [this] {
        m_status->setBusy(QString(), 0);
        m_controller->setProblem(m_generator.result().problem);
    });

    if (m_settings == Settings::Remember)
        restoreSettings();
    applyOptions();
    generate(m_problemPanel->options());
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *generateAction =
        file->addAction(tr("&Generate problem"), this, [this] { generate(m_problemPanel->options()); });
    generateAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
    file->addSeparator();
    file->addAction(tr("Open &R…"), this, [this] { chooseAndOpen(MatrixRole::Target); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    file->addAction(tr("Open &P…"), this, [this] { chooseAndOpen(MatrixRole::Weights); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    file->addAction(tr("Open &γ…"), this, [this] { chooseAndOpen(MatrixRole::Gamma); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_3));
    file->addAction(tr("&Save matrices…"), this, &MainWindow::saveMatrices)->setShortcut(QKeySequence::Save);
    file->addAction(tr("Save s&creenshot…"), this, &MainWindow::saveScreenshot)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    file->addSeparator();
    file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("Show &everything"), this, [this] {
        for (HeatmapPanel *panel : m_heatmaps)
            panel->heatmap()->showEverything();
    });
    view->addSeparator();
    const QString tabNames[] = {tr("&Descent charts"), tr("&Taylor test"), tr("Step &sweep"),
                                tr("&Line profile")};
    for (int k = 0; k < 4; ++k)
        view->addAction(tabNames[k], this, [this, k] { showTab(k); })
            ->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + k)));
    view->addSeparator();
    QAction *presentation = view->addAction(tr("&Presentation mode (larger text)"));
    presentation->setCheckable(true);
    presentation->setShortcut(QKeySequence(Qt::Key_F11));
    connect(presentation, &QAction::toggled, this, [this](bool on) {
        QFont font = QApplication::font();
        font.setPointSizeF(on ? 15 : 10);
        QApplication::setFont(font);
        for (QWidget *widget : findChildren<QWidget *>())
            widget->setFont(font);
    });

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_descentPanel->stepAction());
    run->addAction(m_descentPanel->runAction());
    run->addAction(m_descentPanel->resetAction());
    run->addSeparator();
    run->addAction(m_checkPanel->checkAction());

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
    if (const Status valid = options.validate(); !valid) {
        m_messages->showMessage(MessageBar::Kind::Error, QString::fromStdString(valid.message));
        return;
    }
    if (m_generator.isRunning())
        return;
    m_status->setBusy(tr("Generating"), -1);
    m_generator.setFuture(QtConcurrent::run([options] { return generateProblem(options); }));
}

void MainWindow::openMatrix(MatrixRole role, const QString &path) {
    m_loader->open(role, path, m_controller->problem());
}

void MainWindow::chooseAndOpen(MatrixRole role) {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open %1").arg(roleName(role)), m_lastDirectory, kMatrixFilter);
    if (path.isEmpty())
        return;
    m_lastDirectory = QFileInfo(path).absolutePath();
    openMatrix(role, path);
}

void MainWindow::saveMatrices() {
    const SnapshotPointer snapshot = m_controller->latest();
    if (!snapshot || !snapshot->problem)
        return;
    const QString directory =
        QFileDialog::getExistingDirectory(this, tr("Save R, P and γ into"), m_lastDirectory);
    if (directory.isEmpty())
        return;
    m_lastDirectory = directory;
    const QDir dir(directory);
    // The three are one set: saveFiles renames them into place only when all three are written.
    const std::string texts[] = {toMatrixMarket(snapshot->problem->R), toMatrixMarket(snapshot->problem->P),
                                 toMatrixMarket(snapshot->gamma)};
    const char *names[] = {"R.mtx", "P.mtx", "gamma.mtx"};
    std::vector<FileBytes> files;
    for (int k = 0; k < 3; ++k)
        files.emplace_back(dir.filePath(QLatin1String(names[k])).toStdString(), texts[k]);
    if (const Status written = saveFiles(files); !written) {
        m_messages->showMessage(MessageBar::Kind::Error, QString::fromStdString(written.message));
        return;
    }
    m_messages->showMessage(MessageBar::Kind::Information,
                            tr("Saved R.mtx, P.mtx and gamma.mtx (γ at iteration %1) in %2.")
                                .arg(snapshot->iteration)
                                .arg(QDir::toNativeSeparators(directory)));
}

void MainWindow::saveScreenshot() {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save screenshot"), m_lastDirectory, tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    QByteArray png;
    QBuffer buffer(&png);
    if (!buffer.open(QIODevice::WriteOnly) || !grab().save(&buffer, "PNG")) {
        m_messages->showMessage(MessageBar::Kind::Error, tr("Could not encode the screenshot as PNG."));
        return;
    }
    if (const Status written =
            saveFile(path.toStdString(), std::string_view(png.constData(), std::size_t(png.size())));
        !written)
        m_messages->showMessage(MessageBar::Kind::Error, QString::fromStdString(written.message));
}

void MainWindow::showHelp() {
    QFile file(QStringLiteral(":/help/reading.html"));
    QString text = file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    QMessageBox box(QMessageBox::NoIcon, tr("Reading the views"), text, QMessageBox::Close, this);
    box.setTextFormat(Qt::RichText);
    box.exec();
}

void MainWindow::applyOptions() {
    DescentOptions options = m_descentPanel->options();
    options.convention = m_checkPanel->convention();
    options.variant = m_checkPanel->variant();
    m_controller->setDescentOptions(options);
    m_controller->setCheckSettings(m_checkPanel->settings());
}

void MainWindow::onSnapshot(const SnapshotPointer &snapshot) {
    for (HeatmapPanel *panel : m_heatmaps)
        panel->showSnapshot(snapshot);
    m_charts->append(*snapshot);
    for (InstrumentPanel *panel : std::initializer_list<InstrumentPanel *>{m_taylor, m_sweep, m_profile})
        panel->setSnapshot(snapshot);
    m_status->showSnapshot(*snapshot);
    if (snapshot->diverged)
        m_messages->showMessage(MessageBar::Kind::Warning, tr("Descent diverged: ") + snapshot->message);
    else if (!snapshot->message.isEmpty())
        m_messages->showMessage(snapshot->lastDeviation.failed ? MessageBar::Kind::Warning
                                                               : MessageBar::Kind::Information,
                                snapshot->message);
    else if (snapshot->variant == GradientVariant::DropTranspose && snapshot->symmetricProblem)
        m_messages->showMessage(
            MessageBar::Kind::Information,
            tr("P and R are symmetric, so Pᵀ∘Mᵀ equals P∘M: dropping the transpose term and doubling the "
               "other "
               "gives exactly the right gradient here, and every check passes. Generate a non-symmetric P "
               "(e.g. Dense Gaussian) to see this mistake."));
}

bool MainWindow::isSettled() const {
    if (m_controller->isBusy() || m_loader->isBusy() || m_generator.isRunning() || !m_controller->latest())
        return false;
    for (HeatmapPanel *panel : m_heatmaps)
        if (panel->isBusy())
            return false;
    return !m_taylor->isBusy() && !m_sweep->isBusy() && !m_profile->isBusy() && !m_entryDetail->isBusy();
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

void MainWindow::restoreSettings() {
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    m_heatmapSplitter->restoreState(settings.value(QStringLiteral("window/heatmaps")).toByteArray());
    m_verticalSplitter->restoreState(settings.value(QStringLiteral("window/vertical")).toByteArray());
    m_lastDirectory = settings.value(QStringLiteral("files/lastDirectory")).toString();
    GeneratorOptions problem = m_problemPanel->options();
    problem.n = settings.value(QStringLiteral("problem/n"), qlonglong(problem.n)).toLongLong();
    problem.r = settings.value(QStringLiteral("problem/r"), qlonglong(problem.r)).toLongLong();
    problem.seed = settings.value(QStringLiteral("problem/seed"), quint64(problem.seed)).toULongLong();
    problem.weightKind =
        WeightKind(settings.value(QStringLiteral("problem/weights"), int(problem.weightKind)).toInt());
    problem.maskDensity = settings.value(QStringLiteral("problem/density"), problem.maskDensity).toDouble();
    problem.targetKind =
        TargetKind(settings.value(QStringLiteral("problem/target"), int(problem.targetKind)).toInt());
    problem.noise = settings.value(QStringLiteral("problem/noise"), problem.noise).toDouble();
    if (problem.validate())
        m_problemPanel->setOptions(problem);
    DescentOptions descent = m_descentPanel->options();
    descent.optimizer =
        OptimizerKind(settings.value(QStringLiteral("descent/optimizer"), int(descent.optimizer)).toInt());
    descent.learningRate =
        settings.value(QStringLiteral("descent/learningRate"), descent.learningRate).toDouble();
    descent.maxIterations =
        settings.value(QStringLiteral("descent/iterations"), descent.maxIterations).toInt();
    descent.gradientTolerance =
        settings.value(QStringLiteral("descent/tolerance"), descent.gradientTolerance).toDouble();
    if (descent.validate())
        m_descentPanel->setOptions(descent);
    CheckSettings check = m_checkPanel->settings();
    check.method =
        DifferenceMethod(settings.value(QStringLiteral("check/method"), int(check.method)).toInt());
    check.step = settings.value(QStringLiteral("check/step"), check.step).toDouble();
    check.everyIterations = settings.value(QStringLiteral("check/every"), check.everyIterations).toInt();
    check.pauseOnFailure = settings.value(QStringLiteral("check/pauseOnFailure"), false).toBool();
    m_checkPanel->setSettings(check);
    m_checkPanel->setConvention(Convention(settings.value(QStringLiteral("check/convention"), 0).toInt()));
    m_checkPanel->setVariant(GradientVariant(settings.value(QStringLiteral("check/variant"), 0).toInt()));
}

void MainWindow::saveSettings() const {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/heatmaps"), m_heatmapSplitter->saveState());
    settings.setValue(QStringLiteral("window/vertical"), m_verticalSplitter->saveState());
    settings.setValue(QStringLiteral("files/lastDirectory"), m_lastDirectory);
    const GeneratorOptions problem = m_problemPanel->options();
    settings.setValue(QStringLiteral("problem/n"), qlonglong(problem.n));
    settings.setValue(QStringLiteral("problem/r"), qlonglong(problem.r));
    settings.setValue(QStringLiteral("problem/seed"), quint64(problem.seed));
    settings.setValue(QStringLiteral("problem/weights"), int(problem.weightKind));
    settings.setValue(QStringLiteral("problem/density"), problem.maskDensity);
    settings.setValue(QStringLiteral("problem/target"), int(problem.targetKind));
    settings.setValue(QStringLiteral("problem/noise"), problem.noise);
    const DescentOptions descent = m_descentPanel->options();
    settings.setValue(QStringLiteral("descent/optimizer"), int(descent.optimizer));
    settings.setValue(QStringLiteral("descent/learningRate"), descent.learningRate);
    settings.setValue(QStringLiteral("descent/iterations"), descent.maxIterations);
    settings.setValue(QStringLiteral("descent/tolerance"), descent.gradientTolerance);
    const CheckSettings check = m_checkPanel->settings();
    settings.setValue(QStringLiteral("check/method"), int(check.method));
    settings.setValue(QStringLiteral("check/step"), check.step);
    settings.setValue(QStringLiteral("check/every"), check.everyIterations);
    settings.setValue(QStringLiteral("check/pauseOnFailure"), check.pauseOnFailure);
    settings.setValue(QStringLiteral("check/convention"), int(m_checkPanel->convention()));
    settings.setValue(QStringLiteral("check/variant"), int(m_checkPanel->variant()));
}

void MainWindow::closeEvent(QCloseEvent *event) {
    m_controller->pause();
    if (m_settings == Settings::Remember)
        saveSettings();
    event->accept();
}

} // namespace gradlens
