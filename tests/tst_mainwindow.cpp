#include "chartpanel.h"
#include "descentcontroller.h"
#include "descentpanel.h"
#include "deviation.h"
#include "gradientcheck.h"
#include "heatmappanel.h"
#include "heatmapwidget.h"
#include "logchart.h"
#include "mainwindow.h"
#include "messagebar.h"
#include "testhelpers.h"
#include "uitesthelpers.h"

#include <QAction>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLegendMarker>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QValueAxis>
#include <QXYSeries>

#include <fstream>

using namespace gradlens;
using Eigen::MatrixXd;
using gradlens::test::runEventLoop;
using gradlens::test::settle;

namespace {

void writeFile(const QString &path, const std::string &text) {
    std::ofstream(path.toStdString()) << text;
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { qRegisterMetaType<SnapshotPointer>(); }

    // The demo problem is the generator's default, non-symmetric, and all three heatmaps show it.
    void startsOnTheDemoProblem() {
        MainWindow window(MainWindow::Settings::Ignore);
        window.resize(1280, 800);
        window.show();
        QVERIFY(settle(window));
        const auto problem = window.controller()->problem();
        QVERIFY(problem);
        const Problem expected = generateProblem(GeneratorOptions{}).problem;
        QVERIFY(problem->R == expected.R && problem->P == expected.P && problem->gamma == expected.gamma);
        QVERIFY(!isSymmetricProblem(problem->R, problem->P));
        QCOMPARE(window.heatmapPanel(0)->view(), ViewKind::Residual);
        QCOMPARE(window.heatmapPanel(1)->view(), ViewKind::Gradient);
        QCOMPARE(window.heatmapPanel(2)->view(), ViewKind::Deviation);
        for (int k = 0; k < 3; ++k)
            QVERIFY(!window.heatmapPanel(k)->heatmap()->currentImage().image.isNull());
    }

    // After K steps the loss and gradient-norm series hold exactly the core's history, and the deviation
    // series holds the core's max deviation at each checked iteration.
    void chartsShowWhatTheCoreComputed() {
        MainWindow window(MainWindow::Settings::Ignore);
        window.show();
        QVERIFY(settle(window));
        const DescentOptions options = window.controller()->descentOptions();
        const CheckSettings check = window.controller()->checkSettings();
        QVERIFY(check.everyIterations > 0);
        window.controller()->step(25);
        QVERIFY(settle(window));

        const Problem problem = *window.controller()->problem();
        DescentRun reference(problem, options);
        std::vector<std::pair<int, double>> deviations;
        auto checkAt = [&] { // the core's one check, as the worker calls it
            const ProblemView current{problem.R, problem.P, reference.gamma()};
            GradientCheckOptions options;
            options.method = check.method;
            options.step = check.step;
            deviations.emplace_back(
                reference.iteration(),
                checkGradient(current, reference.current().gradient, options).deviation.maxAbsolute);
        };
        checkAt();
        for (int k = 1; k <= 25; ++k) {
            QVERIFY(!reference.step());
            if (k % check.everyIterations == 0)
                checkAt();
        }
        const QList<QPointF> loss = window.charts()->lossChart()->points(0);
        const QList<QPointF> norm = window.charts()->gradientChart()->points(0);
        QCOMPARE(loss.size(), qsizetype(26));
        QCOMPARE(norm.size(), qsizetype(26));
        for (int k = 0; k <= 25; ++k) {
            GL_COMPARE_NEAR(loss[k].x(), k, 0.0);
            GL_COMPARE_NEAR(loss[k].y(), reference.history()[std::size_t(k)].loss, 0.0);
            GL_COMPARE_NEAR(norm[k].y(), reference.history()[std::size_t(k)].gradientNorm, 0.0);
        }
        QList<QPointF> deviation = window.charts()->deviationChart()->points(0);
        deviation += window.charts()->deviationChart()->points(1);
        QCOMPARE(deviation.size(), qsizetype(deviations.size()));
        std::sort(deviation.begin(), deviation.end(), [](QPointF a, QPointF b) { return a.x() < b.x(); });
        for (std::size_t k = 0; k < deviations.size(); ++k) {
            GL_COMPARE_NEAR(deviation[qsizetype(k)].x(), deviations[k].first, 0.0);
            GL_COMPARE_NEAR(deviation[qsizetype(k)].y(), deviations[k].second, 0.0);
        }
    }

    // A malformed file: an error naming the file and line in the window, and the problem stays.
    void malformedFileKeepsTheProblem_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not a number") << "bad.csv"
                                      << "1,2\n3,abc\n"
                                      << "bad.csv:2";
        QTest::newRow("ragged rows") << "ragged.csv"
                                     << "1,2,3\n4,5\n"
                                     << "ragged.csv:2";
        QTest::newRow("bad banner") << "bad.mtx"
                                    << "%%MatrixMarket matrix nonsense\n"
                                    << "bad.mtx:1";
        QTest::newRow("missing file") << "absent.mtx"
                                      << ""
                                      << "absent.mtx";
    }
    void malformedFileKeepsTheProblem() {
        QFETCH(QString, name);
        QFETCH(QString, content);
        QFETCH(QString, mentions);
        QTemporaryDir directory;
        const QString path = directory.filePath(name);
        if (!content.isEmpty())
            writeFile(path, content.toStdString());
        MainWindow window(MainWindow::Settings::Ignore);
        window.show();
        QVERIFY(settle(window));
        const auto before = window.controller()->problem();
        window.openMatrix(MatrixRole::Target, path);
        QVERIFY(settle(window));
        QCOMPARE(window.messages()->kind(), MessageBar::Kind::Error);
        QVERIFY2(window.messages()->text().contains(mentions), qPrintable(window.messages()->text()));
        QCOMPARE(window.controller()->problem(), before);
    }

    // A well-formed file of the right size replaces its matrix; one of another size waits for the rest.
    void fileOfAnotherSizeWaitsForTheRest() {
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("R.csv"));
        writeFile(path, "1,2\n3,4\n");
        MainWindow window(MainWindow::Settings::Ignore);
        window.show();
        QVERIFY(settle(window));
        const auto before = window.controller()->problem();
        window.openMatrix(MatrixRole::Target, path);
        QVERIFY(settle(window));
        QCOMPARE(window.messages()->kind(), MessageBar::Kind::Information);
        QVERIFY2(window.messages()->text().contains(QStringLiteral("current problem stays")),
                 qPrintable(window.messages()->text()));
        QCOMPARE(window.controller()->problem(), before);
        writeFile(directory.filePath(QStringLiteral("P.csv")), "1,0\n0,1\n");
        writeFile(directory.filePath(QStringLiteral("g.csv")), "0.5\n-1\n");
        window.openMatrix(MatrixRole::Weights, directory.filePath(QStringLiteral("P.csv")));
        QVERIFY(settle(window));
        window.openMatrix(MatrixRole::Gamma, directory.filePath(QStringLiteral("g.csv")));
        QVERIFY(settle(window));
        const auto after = window.controller()->problem();
        QCOMPARE(after->R.rows(), Eigen::Index(2));
        GL_COMPARE_NEAR(after->R(1, 0), 3.0, 0.0);
        GL_COMPARE_NEAR(after->gamma(1, 0), -1.0, 0.0);
    }

    // A reference line (the slopes 1 and 2) spans exactly the x-axis, which grows in 1-2-5 steps; a narrow
    // chart labels fewer x ticks, so that a projector's 1280 × 800 elides none; a reference line without a
    // name keeps out of the legend.
    void chartAxesAndReferenceLinesFollowTheData_data() {
        QTest::addColumn<int>("width");
        QTest::addColumn<double>("tickInterval");
        QTest::newRow("narrow: 2 intervals") << 200 << 25.0;
        QTest::newRow("wide: 5 intervals") << 400 << 10.0;
    }
    void chartAxesAndReferenceLinesFollowTheData() {
        QFETCH(int, width);
        QFETCH(double, tickInterval);
        LogChart chart(QStringLiteral("Taylor slope"), QStringLiteral("slope"));
        chart.useLinearYAxis(0, 4);
        const int slope = chart.addLineSeries(QStringLiteral("slope"), Qt::black, true);
        chart.addReferenceLine(QString(), 2.0, Qt::green);
        chart.resize(width, 250);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        for (int iteration = 0; iteration <= 37; ++iteration)
            chart.append(slope, iteration, 2.0);
        chart.flush();
        const auto *xAxis = qobject_cast<QValueAxis *>(chart.chart()->axes(Qt::Horizontal).constFirst());
        QVERIFY(xAxis);
        GL_COMPARE_NEAR(xAxis->max(), 50.0, 0.0); // 37 iterations: the axis steps 10 → 20 → 50
        GL_COMPARE_NEAR(xAxis->tickInterval(), tickInterval, 0.0);
        QXYSeries *reference = nullptr;
        for (QAbstractSeries *series : chart.chart()->series())
            if (series->name().isEmpty())
                reference = qobject_cast<QXYSeries *>(series);
        QVERIFY(reference);
        QCOMPARE(reference->points(), QList<QPointF>({QPointF(0, 2), QPointF(50, 2)}));
        QVERIFY(!chart.chart()->legend()->markers(reference).constFirst()->isVisible());
        QVERIFY(
            chart.chart()->legend()->markers(chart.chart()->series().constFirst()).constFirst()->isVisible());
    }

    // During a run on the demo problem the charts get a new frame about 30 times a second (the worker's
    // throttle), and every frame's records reach the charts. The rate is printed; the bound is loose
    // because these machines are shared.
    void chartsKeepUpWhileRunning() {
#ifdef GRADLENS_SANITIZED
        QSKIP("timing means nothing under the sanitizers");
#endif
        MainWindow window(MainWindow::Settings::Ignore);
        window.resize(1600, 1000);
        window.show();
        QVERIFY(settle(window));
        DescentOptions descent = window.controller()->descentOptions();
        descent.maxIterations = 100000000;
        descent.gradientTolerance = 0;
        descent.stagnationIterations = 0; // keep running past the loss's rounding floor
        window.controller()->setDescentOptions(descent);
        QVERIFY(settle(window));
        QSignalSpy frames(window.controller(), &DescentController::snapshotReady);
        window.controller()->run();
        runEventLoop(2000);
        window.controller()->pause();
        QVERIFY(settle(window));
        const int iterations = window.controller()->latest()->iteration;
        qInfo("%lld chart frames in 2 s (%.1f per second), %d iterations",
              static_cast<long long>(frames.count()), static_cast<double>(frames.count()) / 2.0, iterations);
        QVERIFY2(frames.count() >= 20, qPrintable(QString::number(frames.count())));
        QCOMPARE(window.charts()->lossChart()->points(0).size(), qsizetype(iterations + 1));
    }

    // While descent runs at n = 2000, r = 8, the GUI's event loop answers a 10 ms timer within 50 ms.
    void eventLoopStaysResponsive() {
#ifdef GRADLENS_SANITIZED
        QSKIP("timing means nothing under the sanitizers");
#endif
        MainWindow window(MainWindow::Settings::Ignore);
        window.resize(1600, 1000);
        window.show();
        QVERIFY(settle(window));
        GeneratorOptions options;
        options.n = 2000;
        options.r = 8;
        window.generate(options);
        QVERIFY(settle(window, 120000));
        QCOMPARE(window.controller()->problem()->R.rows(), Eigen::Index(2000));
        DescentOptions descent = window.controller()->descentOptions();
        descent.maxIterations = 1000000;
        window.controller()->setDescentOptions(descent);
        QSignalSpy snapshots(window.controller(), &DescentController::snapshotReady);
        window.controller()->run();

        QElapsedTimer clock;
        clock.start();
        qint64 last = clock.elapsed(), worstGap = 0;
        QTimer timer;
        timer.setInterval(10);
        QList<QPair<qint64, qint64>> longGaps; // (when, how long) of gaps over 25 ms, for the log
        connect(&timer, &QTimer::timeout, this, [&] {
            const qint64 gap = clock.elapsed() - last;
            worstGap = std::max(worstGap, gap);
            if (gap > 25)
                longGaps.append({last, gap});
            last = clock.elapsed();
        });
        timer.start();
        runEventLoop(3000);
        timer.stop();
        window.controller()->pause();
        QVERIFY(settle(window, 120000));
        const int iterations = window.controller()->latest()->iteration;
        qInfo("n = 2000, r = 8: %d iterations and %lld snapshots in 3 s; longest event-loop gap %lld ms",
              iterations, static_cast<long long>(snapshots.count()), static_cast<long long>(worstGap));
        for (const auto &[when, gap] : longGaps)
            qInfo("gap of %lld ms at %lld ms", static_cast<long long>(gap), static_cast<long long>(when));
        QVERIFY(iterations > 0);
        QVERIFY(snapshots.count() > 1);
        QVERIFY2(worstGap < 50, qPrintable(QStringLiteral("the event loop stalled for %1 ms").arg(worstGap)));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
