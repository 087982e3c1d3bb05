// gradlens: the desktop application. With --screenshot it renders the window after K descent steps on the
// demo problem (or on --R/--P/--gamma files), saves it as PNG and exits; this works offscreen.
#include "checkpanel.h"
#include "descentcontroller.h"
#include "descentrecorder.h"
#include "figures.h"
#include "heatmappanel.h"
#include "heatmapwidget.h"
#include "mainwindow.h"
#include "messagebar.h"
#include "sessiondocument.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QRegularExpression>
#include <QTimer>

#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

using namespace gradlens;

namespace {

// Bounds of --size: a screenshot larger than 8K would need gigabytes for one image (and 99999 × 99999 made Qt
// crash); smaller than 320 × 240 leaves no room for the panels.
constexpr int kMinimumShotWidth = 320, kMinimumShotHeight = 240;
constexpr int kMaximumShotWidth = 7680, kMaximumShotHeight = 4320;

int fail(const QString &message) {
    std::fprintf(stderr, "gradlens: error: %s\n", qPrintable(message));
    return 2;
}

// What the command line asks for, checked before any window system is touched.
struct LaunchOptions {
    bool takeScreenshot = false;
    QString screenshotFile;
    int steps = 0;
    int at = -1; // --at K: after the steps, show iteration K of the history
    QSize size;
    std::optional<GradientVariant> variant;
    int tab = 0;
    bool tabGiven = false;
    bool presentation = false;
    QString gradientFile;
    std::optional<GradientProgramOptions> gradientProgram;
    std::vector<std::pair<MatrixRole, QString>> files;
    QString sessionFile;     // a .gradlens to open first
    int scene = 0;           // --scene K: then show its scene K (1-based)
    QString exportDirectory; // --export-dir: every figure as SVG, PNG and CSV
    QString recordPath;      // --record: descent as a GIF (or PNG frames into a folder)
    int recordEvery = 1, recordFrames = 30;
    int recordTarget = 0; // 0–2 the heatmaps, 3 the window
    bool batch() const { return takeScreenshot || !exportDirectory.isEmpty() || !recordPath.isEmpty(); }
};

// Qt's own options (QGuiApplication's), accepted here so that the check below does not refuse them; the
// application object reads them later.
QList<QCommandLineOption> qtOwnOptions() {
    QList<QCommandLineOption> options;
    for (const char *name :
         {"platform", "platformpluginpath", "platformtheme", "plugin", "qwindowgeometry", "qwindowicon",
          "qwindowtitle", "session", "display", "geometry", "style", "stylesheet", "qmljsdebugger"})
        options << QCommandLineOption(QString::fromLatin1(name), QString(), QStringLiteral("value"));
    for (const char *name : {"reverse", "nograb", "dograb", "sync", "widgetcount", "testability"})
        options << QCommandLineOption(QString::fromLatin1(name));
    for (QCommandLineOption &option : options)
        option.setFlags(QCommandLineOption::HiddenFromHelp);
    return options;
}

// Parses and checks the arguments without a display. Returns the exit status when the program should stop
// here (help, version, or an error: 2), nothing when the window should open.
std::optional<int> parseLaunchOptions(int argc, char *argv[], LaunchOptions &launch) {
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);

    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addPositionalArgument(QStringLiteral("session"),
                                 QStringLiteral("A session file (.gradlens) to open."),
                                 QStringLiteral("[lesson.gradlens]"));
    parser.setApplicationDescription(
        QStringLiteral("Gradient Lens: see the residual and the gradient, step descent, "
                       "check gradients."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help and exit."));
    const QCommandLineOption version({QStringLiteral("v"), QStringLiteral("version")},
                                     QStringLiteral("Show the version and exit."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Render the window to FILE.png and exit."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption steps(QStringLiteral("steps"),
                                   QStringLiteral("Descent steps before the screenshot (0)."),
                                   QStringLiteral("K"), QStringLiteral("0"));
    const QCommandLineOption size(
        QStringLiteral("size"),
        QStringLiteral("Window size for the screenshot, %1x%2 to %3x%4 (1600x1000).")
            .arg(kMinimumShotWidth)
            .arg(kMinimumShotHeight)
            .arg(kMaximumShotWidth)
            .arg(kMaximumShotHeight),
        QStringLiteral("WxH"), QStringLiteral("1600x1000"));
    const QCommandLineOption r(QStringLiteral("R"), QStringLiteral("Read R from FILE."),
                               QStringLiteral("FILE"));
    const QCommandLineOption p(QStringLiteral("P"), QStringLiteral("Read P from FILE."),
                               QStringLiteral("FILE"));
    const QCommandLineOption gamma(QStringLiteral("gamma"), QStringLiteral("Read γ from FILE."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption variant(
        QStringLiteral("variant"),
        QStringLiteral("Gradient formula: %1.").arg(QString::fromStdString(gradientVariantChoices())),
        QStringLiteral("V"), QStringLiteral("correct"));
    const QCommandLineOption tab(
        QStringLiteral("tab"),
        QStringLiteral("Bottom tab to show: descent, taylor, sweep, profile, derivation, race or landscape."),
        QStringLiteral("NAME"), QStringLiteral("descent"));
    const QCommandLineOption at(QStringLiteral("at"),
                                QStringLiteral("After the steps, go back to iteration K of the history."),
                                QStringLiteral("K"));
    const QCommandLineOption presentation(QStringLiteral("presentation"),
                                          QStringLiteral("Start in presentation mode (larger text; F11)."));
    const QCommandLineOption gradient(
        QStringLiteral("gradient"),
        QStringLiteral("Check your gradient from FILE (n×r, at γ) instead of a formula."),
        QStringLiteral("FILE"));
    const QCommandLineOption gradientCmd(
        QStringLiteral("gradient-cmd"),
        QStringLiteral("Use your program as the gradient (run with R P γ OUT appended; see gradlens-cli)."),
        QStringLiteral("COMMAND"));
    const QCommandLineOption gradientTimeout(QStringLiteral("gradient-timeout"),
                                             QStringLiteral("Seconds one run of the program may take (60)."),
                                             QStringLiteral("SECONDS"), QStringLiteral("60"));
    const QCommandLineOption gradientFormat(
        QStringLiteral("gradient-format"),
        QStringLiteral("Files exchanged with the program: npy, csv or mtx."), QStringLiteral("FORMAT"),
        QStringLiteral("npy"));
    const QCommandLineOption scene(QStringLiteral("scene"),
                                   QStringLiteral("With a session file: show its scene K (1 is the first)."),
                                   QStringLiteral("K"));
    const QCommandLineOption exportDir(
        QStringLiteral("export-dir"),
        QStringLiteral(
            "Write every heatmap and chart as SVG, PNG (twice its size) and CSV into DIR, and exit."),
        QStringLiteral("DIR"));
    const QCommandLineOption record(
        QStringLiteral("record"),
        QStringLiteral(
            "After the steps, record descent into FILE.gif (or PNG frames into a folder) and exit."),
        QStringLiteral("FILE"));
    const QCommandLineOption recordEvery(QStringLiteral("record-every"),
                                         QStringLiteral("Descent steps between two recorded frames (1)."),
                                         QStringLiteral("K"), QStringLiteral("1"));
    const QCommandLineOption recordFrames(QStringLiteral("record-frames"),
                                          QStringLiteral("Frames to record at most, 1 to 10000 (30)."),
                                          QStringLiteral("N"), QStringLiteral("30"));
    const QCommandLineOption recordWhat(
        QStringLiteral("record-what"),
        QStringLiteral("What to record: heatmap1, heatmap2, heatmap3 or window (heatmap1)."),
        QStringLiteral("WHAT"), QStringLiteral("heatmap1"));
    parser.addOptions({help,
                       version,
                       screenshot,
                       steps,
                       size,
                       r,
                       p,
                       gamma,
                       variant,
                       tab,
                       presentation,
                       at,
                       gradient,
                       gradientCmd,
                       gradientFormat,
                       gradientTimeout,
                       exportDir,
                       record,
                       recordEvery,
                       recordFrames,
                       recordWhat,
                       scene});
    parser.addOptions(qtOwnOptions());

    if (!parser.parse(arguments))
        return fail(parser.errorText() + QStringLiteral(" (see --help)"));
    if (parser.isSet(help)) {
        const QCoreApplication application(argc, argv); // helpText() names the program from it
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (parser.isSet(version)) {
        std::printf("gradlens %s\n", GRADLENS_VERSION);
        return 0;
    }
    if (parser.positionalArguments().size() > 1)
        return fail(QStringLiteral("unexpected argument \"%1\": one session file at most (see --help)")
                        .arg(parser.positionalArguments().at(1)));
    launch.sessionFile = parser.positionalArguments().value(0);
    if (!launch.sessionFile.isEmpty() &&
        !launch.sessionFile.endsWith(QStringLiteral(".gradlens"), Qt::CaseInsensitive))
        return fail(
            QStringLiteral("\"%1\" is not a session file (.gradlens); matrices open with --R, --P and "
                           "--gamma (see --help)")
                .arg(launch.sessionFile));

    bool stepsOk = false;
    launch.steps = parser.value(steps).toInt(&stepsOk);
    if (!stepsOk || launch.steps < 0)
        return fail(QStringLiteral("--steps needs a whole number ≥ 0, got \"%1\"").arg(parser.value(steps)));
    const auto sizeMatch =
        QRegularExpression(QStringLiteral("^(\\d{1,9})x(\\d{1,9})$")).match(parser.value(size));
    launch.size =
        sizeMatch.hasMatch() ? QSize(sizeMatch.captured(1).toInt(), sizeMatch.captured(2).toInt()) : QSize();
    if (launch.size.width() < kMinimumShotWidth || launch.size.width() > kMaximumShotWidth ||
        launch.size.height() < kMinimumShotHeight || launch.size.height() > kMaximumShotHeight)
        return fail(QStringLiteral("--size needs WxH from %1x%2 to %3x%4, e.g. 1600x1000, got \"%5\"")
                        .arg(kMinimumShotWidth)
                        .arg(kMinimumShotHeight)
                        .arg(kMaximumShotWidth)
                        .arg(kMaximumShotHeight)
                        .arg(parser.value(size)));

    launch.variant = parseGradientVariant(parser.value(variant).toStdString());
    if (!launch.variant)
        return fail(QStringLiteral("--variant must be one of %1; got \"%2\"")
                        .arg(QString::fromStdString(gradientVariantChoices()), parser.value(variant)));
    if (!parser.isSet(variant))
        launch.variant.reset();
    launch.tab = int(sessionTabNames().indexOf(parser.value(tab))); // (the bottom tabs, in order)
    launch.tabGiven = parser.isSet(tab);
    if (launch.tab < 0)
        return fail(
            QStringLiteral(
                "--tab must be descent, taylor, sweep, profile, derivation, race or landscape; got \"%1\"")
                .arg(parser.value(tab)));

    if (parser.isSet(gradient) && parser.isSet(gradientCmd))
        return fail(QStringLiteral("--gradient and --gradient-cmd exclude each other"));
    if (!parser.isSet(gradientCmd) && (parser.isSet(gradientFormat) || parser.isSet(gradientTimeout)))
        return fail(QStringLiteral("--%1 is for --gradient-cmd, which is not given")
                        .arg(parser.isSet(gradientFormat) ? QStringLiteral("gradient-format")
                                                          : QStringLiteral("gradient-timeout")));
    launch.gradientFile = parser.value(gradient);
    if (parser.isSet(gradientCmd)) {
        GradientProgramOptions program;
        program.commandLine = parser.value(gradientCmd);
        const auto format = parseExchangeFormat(parser.value(gradientFormat));
        if (!format)
            return fail(QStringLiteral("--gradient-format must be npy, csv or mtx; got \"%1\"")
                            .arg(parser.value(gradientFormat)));
        program.format = *format;
        bool timeoutOk = false;
        const double seconds = parser.value(gradientTimeout).toDouble(&timeoutOk);
        if (!timeoutOk || !(seconds >= 0.001 && seconds <= 86400))
            return fail(QStringLiteral("--gradient-timeout needs seconds from 0.001 to 86400, got \"%1\"")
                            .arg(parser.value(gradientTimeout)));
        program.timeoutMs = int(std::lround(seconds * 1000));
        launch.gradientProgram = program;
    }
    if (parser.isSet(at)) {
        bool atOk = false;
        launch.at = parser.value(at).toInt(&atOk);
        if (!atOk || launch.at < 0 || launch.at > launch.steps)
            return fail(QStringLiteral("--at needs an iteration from 0 to --steps (%1), got \"%2\"")
                            .arg(launch.steps)
                            .arg(parser.value(at)));
    }
    if (parser.isSet(scene)) {
        bool sceneOk = false;
        launch.scene = parser.value(scene).toInt(&sceneOk);
        if (!sceneOk || launch.scene < 1 || launch.sessionFile.isEmpty())
            return fail(QStringLiteral("--scene needs a session file and a scene number from 1, got \"%1\"")
                            .arg(parser.value(scene)));
    }
    launch.exportDirectory = parser.value(exportDir);
    launch.recordPath = parser.value(record);
    bool everyOk = false, framesOk = false;
    launch.recordEvery = parser.value(recordEvery).toInt(&everyOk);
    launch.recordFrames = parser.value(recordFrames).toInt(&framesOk);
    if (!everyOk || launch.recordEvery < 1 || launch.recordEvery > DescentRecorder::kMaxEverySteps)
        return fail(QStringLiteral("--record-every needs a whole number from 1 to %1, got \"%2\"")
                        .arg(DescentRecorder::kMaxEverySteps)
                        .arg(parser.value(recordEvery)));
    if (!framesOk || launch.recordFrames < 1 || launch.recordFrames > DescentRecorder::kMaxFrames)
        return fail(QStringLiteral("--record-frames needs a whole number from 1 to %1, got \"%2\"")
                        .arg(DescentRecorder::kMaxFrames)
                        .arg(parser.value(recordFrames)));
    launch.recordTarget = int(QStringList{QStringLiteral("heatmap1"), QStringLiteral("heatmap2"),
                                          QStringLiteral("heatmap3"), QStringLiteral("window")}
                                  .indexOf(parser.value(recordWhat)));
    if (launch.recordTarget < 0)
        return fail(QStringLiteral("--record-what must be heatmap1, heatmap2, heatmap3 or window; got \"%1\"")
                        .arg(parser.value(recordWhat)));
    launch.presentation = parser.isSet(presentation);
    launch.takeScreenshot = parser.isSet(screenshot);
    launch.screenshotFile = parser.value(screenshot);
    const QCommandLineOption *fileOptions[3] = {&r, &p, &gamma};
    for (int k = 0; k < 3; ++k)
        if (parser.isSet(*fileOptions[k]))
            launch.files.emplace_back(MatrixRole(k), parser.value(*fileOptions[k]));
    return std::nullopt;
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication::setOrganizationName(QStringLiteral("GradientLens"));
    QCoreApplication::setApplicationName(QStringLiteral("gradlens"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GRADLENS_VERSION));
    LaunchOptions launch;
    if (const auto status = parseLaunchOptions(argc, argv, launch))
        return *status;

    QApplication app(argc, argv);
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/gradlens.svg")));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.gradlens.GradientLens"));

    const bool takeScreenshot = launch.batch();
    MainWindow window(takeScreenshot ? MainWindow::Settings::Ignore : MainWindow::Settings::Remember);
    if (takeScreenshot)
        window.resize(launch.size);
    if (launch.variant)
        window.checkPanel()->setVariant(*launch.variant);
    if (launch.presentation)
        window.setPresentationMode(true);
    window.show();

    // The session first (and its scene), then the files, each once the window has settled.
    const auto afterSession = [&window, &launch](std::function<void()> next) {
        if (launch.sessionFile.isEmpty())
            return next();
        window.whenSettled([&window, &launch, next] {
            window.session()->open(launch.sessionFile);
            window.whenSettled([&window, &launch, next] {
                if (launch.scene > 0)
                    window.session()->showScene(launch.scene - 1);
                next();
            });
        });
    };

    // Files given on the command line replace the demo problem, one after the other.
    const std::vector<std::pair<MatrixRole, QString>> toOpen = launch.files;

    // Lives in main's frame for the whole event loop, so the steps can refer to it (a shared_ptr that held
    // itself leaked).
    std::function<void(std::size_t, std::function<void()>)> openNext;
    openNext = [&window, &toOpen, &openNext](std::size_t index, std::function<void()> done) {
        if (index == toOpen.size()) {
            done();
            return;
        }
        window.whenSettled([&window, &toOpen, &openNext, index, done] {
            // A file that failed stops the sequence, so that its message is the one left standing.
            if (index > 0 && window.messages()->kind() == MessageBar::Kind::Error) {
                done();
                return;
            }
            window.openMatrix(toOpen[index].first, toOpen[index].second);
            openNext(index + 1, done);
        });
    };

    if (!takeScreenshot) {
        afterSession([&] {
            openNext(0, [&window, launch] {
                window.whenSettled([&window, launch] {
                    if (!launch.gradientFile.isEmpty())
                        window.useGradientFile(launch.gradientFile);
                    else if (launch.gradientProgram)
                        window.useGradientProgram(*launch.gradientProgram);
                });
            });
        });
        return app.exec();
    }
    const QString target = launch.screenshotFile;
    int status = 0;
    afterSession([&] {
        openNext(0, [&] {
            window.whenSettled([&] {
                if ((!toOpen.empty() || !launch.sessionFile.isEmpty()) &&
                    window.messages()->kind() == MessageBar::Kind::Error &&
                    !window.messages()->text().isEmpty()) {
                    status = fail(window.messages()->text());
                    app.exit(status);
                    return;
                }
                if (!launch.gradientFile.isEmpty())
                    window.useGradientFile(launch.gradientFile);
                else if (launch.gradientProgram)
                    window.useGradientProgram(*launch.gradientProgram);
                window.whenSettled([&] {
                    // The user's gradient could not be had (a bad file, a failing program): say so and stop,
                    // rather than take steps that would each wait for it again.
                    const SnapshotPointer latest = window.controller()->latest();
                    const bool badFile =
                        !launch.gradientFile.isEmpty() && !window.checkPanel()->usesUserGradient();
                    if (badFile || (latest && latest->gradientFailed)) {
                        status = fail(window.messages()->text());
                        app.exit(status);
                        return;
                    }
                    window.controller()->step(launch.steps);
                    window.whenSettled([&] {
                        if (launch.at >= 0)
                            window.controller()->goToIteration(launch.at);
                        if (launch.tabGiven) // (otherwise the session's or scene's tab stays)
                            window.showTab(launch.tab);
                        window.whenSettled([&] {
                            // One more turn of the event loop so that every widget has painted the last
                            // snapshot.
                            QTimer::singleShot(50, &app, [&] {
                                if (!target.isEmpty() && !window.grab().save(target, "PNG"))
                                    status = fail(QStringLiteral("could not write %1").arg(target));
                                int written = 0;
                                if (status == 0 && !launch.exportDirectory.isEmpty())
                                    if (const Status exported = exportFigures(
                                            window.figures(), launch.exportDirectory, 2.0, &written);
                                        !exported)
                                        status = fail(QString::fromStdString(exported.message));
                                    else
                                        std::fprintf(stderr, "Exported %d figures to %s.\n", written,
                                                     qPrintable(launch.exportDirectory));
                                if (status != 0 || launch.recordPath.isEmpty())
                                    return app.exit(status);
                                DescentRecorder::Options options;
                                options.target =
                                    launch.recordTarget < 3
                                        ? static_cast<QWidget *>(
                                              window.heatmapPanel(launch.recordTarget)->heatmap())
                                        : &window;
                                options.everySteps = launch.recordEvery;
                                options.maxFrames = launch.recordFrames;
                                options.path = launch.recordPath;
                                options.pngSequence =
                                    !launch.recordPath.endsWith(QStringLiteral(".gif"), Qt::CaseInsensitive);
                                QObject::connect(window.recorder(), &DescentRecorder::finished, &app,
                                                 [&](const QString &message, bool ok) {
                                                     if (!ok)
                                                         status = fail(message);
                                                     else
                                                         std::fprintf(stderr, "%s\n", qPrintable(message));
                                                     app.exit(status);
                                                 });
                                window.recorder()->start(options);
                            });
                        });
                    });
                });
            });
        });
    });
    const int code = app.exec();
    return status != 0 ? status : code;
}
