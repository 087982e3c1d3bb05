// gradlens: the desktop application. With --screenshot it renders the window after K descent steps on the
// demo problem (or on --R/--P/--gamma files), saves it as PNG and exits; this works offscreen.
#include "checkpanel.h"
#include "descentcontroller.h"
#include "mainwindow.h"
#include "messagebar.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QRegularExpression>
#include <QTimer>

#include <cstdio>

using namespace gradlens;

int main(int argc, char *argv[]) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("GradientLens"));
    QApplication::setApplicationName(QStringLiteral("gradlens"));
    QApplication::setApplicationVersion(QStringLiteral(GRADLENS_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Gradient Lens: see the residual and the gradient, step descent, "
                       "check gradients."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Render the window to FILE.png and exit."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption steps(QStringLiteral("steps"),
                                   QStringLiteral("Descent steps before the screenshot (0)."),
                                   QStringLiteral("K"), QStringLiteral("0"));
    const QCommandLineOption size(QStringLiteral("size"),
                                  QStringLiteral("Window size for the screenshot (1600x1000)."),
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
    const QCommandLineOption tab(QStringLiteral("tab"),
                                 QStringLiteral("Bottom tab to show: descent, taylor, sweep or profile."),
                                 QStringLiteral("NAME"), QStringLiteral("descent"));
    parser.addOptions({screenshot, steps, size, r, p, gamma, variant, tab});
    parser.process(app);

    auto fail = [](const QString &message) {
        std::fprintf(stderr, "gradlens: error: %s\n", qPrintable(message));
        return 2;
    };
    bool stepsOk = false;
    const int stepCount = parser.value(steps).toInt(&stepsOk);
    if (!stepsOk || stepCount < 0)
        return fail(QStringLiteral("--steps needs a whole number ≥ 0, got \"%1\"").arg(parser.value(steps)));
    const auto sizeMatch = QRegularExpression(QStringLiteral("^(\\d+)x(\\d+)$")).match(parser.value(size));
    if (!sizeMatch.hasMatch())
        return fail(QStringLiteral("--size needs WxH, e.g. 1600x1000, got \"%1\"").arg(parser.value(size)));
    const QSize windowSize(sizeMatch.captured(1).toInt(), sizeMatch.captured(2).toInt());

    const auto chosenVariant = parseGradientVariant(parser.value(variant).toStdString());
    if (!chosenVariant)
        return fail(
            QStringLiteral("--variant must be one of %1; got \"%2\"")
                .arg(QString::fromStdString(gradientVariantChoices()), parser.value(variant)));
    const auto tabIndex = QStringList{QStringLiteral("descent"), QStringLiteral("taylor"),
                                      QStringLiteral("sweep"), QStringLiteral("profile")}
                              .indexOf(parser.value(tab));
    if (tabIndex < 0)
        return fail(QStringLiteral("--tab must be descent, taylor, sweep or profile; got \"%1\"")
                        .arg(parser.value(tab)));

    const bool takeScreenshot = parser.isSet(screenshot);
    MainWindow window(takeScreenshot ? MainWindow::Settings::Ignore : MainWindow::Settings::Remember);
    if (takeScreenshot)
        window.resize(windowSize);
    if (parser.isSet(variant))
        window.checkPanel()->setVariant(*chosenVariant);
    window.show();

    // Files given on the command line replace the demo problem, one after the other.
    QStringList files[3];
    const QCommandLineOption *fileOptions[3] = {&r, &p, &gamma};
    std::vector<std::pair<MatrixRole, QString>> toOpen;
    for (int k = 0; k < 3; ++k)
        if (parser.isSet(*fileOptions[k]))
            toOpen.emplace_back(MatrixRole(k), parser.value(*fileOptions[k]));

    auto openNext = std::make_shared<std::function<void(std::size_t, std::function<void()>)>>();
    *openNext = [&window, toOpen, openNext](std::size_t index, std::function<void()> done) {
        if (index == toOpen.size()) {
            done();
            return;
        }
        window.whenSettled([&window, toOpen, openNext, index, done] {
            window.openMatrix(toOpen[index].first, toOpen[index].second);
            (*openNext)(index + 1, done);
        });
    };

    if (!takeScreenshot) {
        (*openNext)(0, [] {});
        return app.exec();
    }
    const QString target = parser.value(screenshot);
    int status = 0;
    (*openNext)(0, [&] {
        window.whenSettled([&] {
            if (!toOpen.empty() && window.messages()->kind() == MessageBar::Kind::Error &&
                !window.messages()->text().isEmpty()) {
                status = fail(window.messages()->text());
                app.exit(status);
                return;
            }
            window.controller()->step(stepCount);
            window.whenSettled([&] {
                window.showTab(int(tabIndex));
                window.whenSettled([&] {
                    // One more turn of the event loop so that every widget has painted the last snapshot.
                    QTimer::singleShot(50, &app, [&] {
                        if (!window.grab().save(target, "PNG"))
                            status = fail(QStringLiteral("could not write %1").arg(target));
                        app.exit(status);
                    });
                });
            });
        });
    });
    const int code = app.exec();
    return status != 0 ? status : code;
}
