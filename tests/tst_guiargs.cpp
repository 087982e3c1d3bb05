// The desktop application's command line, checked without a display: --help, --version and every refusal
// must work before a window system is touched (help2man and package scripts run them headless).
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out, err;
};

// gradlens with no display at all: no X11, no Wayland, no platform chosen (unless `platform` is given).
Run gradlens(const QStringList &arguments, const QString &platform = {}) {
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        environment.remove(QString::fromLatin1(name));
    if (!platform.isEmpty())
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), platform);
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(GRADLENS_GUI_PATH), arguments);
    Run run;
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

} // namespace

class TestGuiArguments : public QObject {
    Q_OBJECT

private slots:
    void helpWithoutDisplay() {
        const Run run = gradlens({QStringLiteral("--help")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("--screenshot") && run.out.contains("--variant"), run.out.constData());
        QVERIFY2(!run.out.contains("platformpluginpath"), "Qt's own options stay out of the help");
        QVERIFY2(run.err.isEmpty(), run.err.constData());
    }

    void versionWithoutDisplay() {
        const Run run = gradlens({QStringLiteral("--version")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QByteArray("gradlens " GRADLENS_VERSION "\n"));
    }

    void refusedWithoutDisplay_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("unknown option") << QStringList{"--bogus"} << QByteArray("Unknown option 'bogus'");
        QTest::newRow("a matrix as the session") << QStringList{"stray.mtx"} << QByteArray("stray.mtx");
        QTest::newRow("program options without a program")
            << QStringList{"--gradient-timeout", "5"}
            << QByteArray("--gradient-timeout is for --gradient-cmd");
        QTest::newRow("two sessions") << QStringList{"a.gradlens", "b.gradlens"} << QByteArray("b.gradlens");
        QTest::newRow("missing value") << QStringList{"--steps"} << QByteArray("steps");
        QTest::newRow("steps negative") << QStringList{"--steps", "-3"} << QByteArray("--steps");
        QTest::newRow("steps not a number") << QStringList{"--steps", "many"} << QByteArray("--steps");
        QTest::newRow("size not WxH") << QStringList{"--size", "big"} << QByteArray("--size");
        QTest::newRow("size beyond 8K") << QStringList{"--size", "99999x99999"} << QByteArray("7680x4320");
        QTest::newRow("size overflowing int")
            << QStringList{"--size", "99999999999x100"} << QByteArray("--size");
        QTest::newRow("size too small") << QStringList{"--size", "10x10"} << QByteArray("320x240");
        QTest::newRow("variant unknown") << QStringList{"--variant", "nope"} << QByteArray("--variant");
        QTest::newRow("tab unknown") << QStringList{"--tab", "nope"} << QByteArray("--tab");
    }

    void refusedWithoutDisplay() {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, expected);
        const Run run = gradlens(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.startsWith("gradlens: error: ") && run.err.contains(expected), run.err.constData());
        QCOMPARE(run.err.count('\n'), 1); // one line
        QVERIFY(run.out.isEmpty());
    }

    // Qt's own options still reach the application object, and a bounded size is honoured.
    void screenshotWithQtOptionAndSize() {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        const QString file = directory.filePath(QStringLiteral("shot.png"));
        const Run run = gradlens({QStringLiteral("-platform"), QStringLiteral("offscreen"),
                                  QStringLiteral("--screenshot"), file, QStringLiteral("--size"),
                                  QStringLiteral("1280x800")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QImage image(file);
        QCOMPARE(image.size(), QSize(1280, 800));
    }

    // A file that fails stops the screenshot with its own message, even when good files follow it (the
    // error reading R used to be lost, and the screenshot taken with exit 0).
    void screenshotStopsAtTheFirstBadFile() {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        const auto write = [&](const char *name, const QByteArray &content) {
            QFile file(directory.filePath(QString::fromLatin1(name)));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(content);
        };
        write("R.csv", "1,2\n3\n");
        write("P.csv", "1,0\n0,1\n");
        write("g.csv", "0.5\n-1\n");
        const QString shot = directory.filePath(QStringLiteral("shot.png"));
        const Run run = gradlens({QStringLiteral("--screenshot"), shot, QStringLiteral("--R"),
                                  directory.filePath(QStringLiteral("R.csv")), QStringLiteral("--P"),
                                  directory.filePath(QStringLiteral("P.csv")), QStringLiteral("--gamma"),
                                  directory.filePath(QStringLiteral("g.csv"))},
                                 QStringLiteral("offscreen"));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("R.csv:2"), run.err.constData());
        QVERIFY(!QFile::exists(shot));
    }
};

QTEST_GUILESS_MAIN(TestGuiArguments)
#include "tst_guiargs.moc"
