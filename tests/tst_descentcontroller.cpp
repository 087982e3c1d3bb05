#include "descentcontroller.h"
#include "deviation.h"
#include "gradientcheck.h"
#include "testhelpers.h"

#include <QSignalSpy>
#include <QTest>

using namespace gradlens;
using Eigen::MatrixXd;

namespace {

Problem demo(std::uint64_t seed = 1, Eigen::Index n = 30) {
    return test::generatedProblem(n, 3, WeightKind::Dense, TargetKind::Planted, seed);
}

SnapshotPointer snapshotAt(const QSignalSpy &spy, qsizetype index) {
    return spy.at(index).at(0).value<SnapshotPointer>();
}

// Waits until the controller has answered every command.
bool waitIdle(DescentController &controller) {
    if (!controller.isBusy())
        return true;
    QSignalSpy idle(&controller, &DescentController::idle);
    return idle.wait(20000);
}

DescentOptions fixedStep(int iterations) {
    DescentOptions options;
    options.optimizer = OptimizerKind::GradientDescent;
    options.learningRate = 1e-3;
    options.maxIterations = iterations;
    options.gradientTolerance = 0;
    options.stagnationIterations = 0; // runs here must keep going past the loss's rounding floor
    return options;
}

} // namespace

class TestDescentController : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { qRegisterMetaType<SnapshotPointer>(); }

    // Each Step takes exactly one step of the core's descent.
    void stepMatchesTheCore() {
        DescentController controller;
        controller.setDescentOptions(fixedStep(100));
        const Problem problem = demo();
        controller.setProblem(problem);
        QVERIFY(waitIdle(controller));
        QCOMPARE(controller.latest()->iteration, 0);
        for (int k = 0; k < 3; ++k) {
            controller.step();
            QVERIFY(waitIdle(controller));
        }
        const SnapshotPointer latest = controller.latest();
        QCOMPARE(latest->iteration, 3);
        DescentRun reference(problem, fixedStep(100));
        for (int k = 0; k < 3; ++k)
            QVERIFY(!reference.step());
        GL_COMPARE_MATRICES(latest->gamma, reference.gamma(), 0.0);
        GL_COMPARE_NEAR(latest->loss, reference.current().loss, 0.0);
        GL_COMPARE_MATRICES(latest->gradient, reference.current().gradient, 0.0);
        // The residual shown is M at the current γ.
        const MatrixXd expectedResidual =
            problem.P.cwiseProduct(latest->gamma * latest->gamma.transpose()) - problem.R;
        GL_COMPARE_MATRICES(*latest->residual, expectedResidual, 1e-14);
    }

    // Run goes until paused; Pause stops it; the iteration count only grows while running.
    void runAndPause() {
        DescentController controller;
        controller.setDescentOptions(fixedStep(10000000));
        controller.setProblem(demo(2, 60));
        QVERIFY(waitIdle(controller));
        QSignalSpy running(&controller, &DescentController::runningChanged);
        QSignalSpy snapshots(&controller, &DescentController::snapshotReady);
        controller.run();
        QCOMPARE(running.count(), 1);
        QVERIFY(running.at(0).at(0).toBool());
        QVERIFY(controller.isRunning());
        // Wait for a few snapshots taken while running.
        QTRY_VERIFY_WITH_TIMEOUT(snapshots.count() >= 3, 10000);
        QVERIFY(snapshotAt(snapshots, 0)->running);
        controller.pause();
        QVERIFY(!controller.isRunning());
        QVERIFY(waitIdle(controller));
        const int stoppedAt = controller.latest()->iteration;
        QVERIFY(stoppedAt > 0);
        QTest::qWait(100); // nothing may move after a pause
        QCOMPARE(controller.latest()->iteration, stoppedAt);
        QVERIFY(!controller.latest()->running);
    }

    // Reset returns to the starting γ under a new generation and clears the charts' source.
    void resetReturnsToTheStart() {
        DescentController controller;
        controller.setDescentOptions(fixedStep(100));
        const Problem problem = demo(3);
        controller.setProblem(problem);
        controller.step(5);
        QVERIFY(waitIdle(controller));
        QCOMPARE(controller.latest()->iteration, 5);
        const quint64 before = controller.generation();
        QSignalSpy started(&controller, &DescentController::generationStarted);
        controller.reset();
        QCOMPARE(started.count(), 1);
        QCOMPARE(controller.generation(), before + 1);
        QVERIFY(waitIdle(controller));
        QCOMPARE(controller.latest()->iteration, 0);
        QVERIFY(controller.latest()->gamma == problem.gamma);
        QCOMPARE(controller.latest()->newRecords.size(), std::size_t(1));
    }

    // A new γ for the same R and P (Randomize γ) starts a new generation at that γ, and steps exactly as a
    // run of the core from it; with r > 16 the worker's layout of R and P is kept, not rebuilt, and must give
    // the same bits as one built afresh.
    void newGammaKeepsRAndP_data() {
        QTest::addColumn<int>("r");
        QTest::newRow("r=3, in place") << 3;
        QTest::newRow("r=17, the paired layout kept") << 17;
    }
    void newGammaKeepsRAndP() {
        QFETCH(int, r);
        DescentController controller;
        controller.setDescentOptions(fixedStep(100));
        const Problem problem = test::generatedProblem(40, r, WeightKind::Dense, TargetKind::Random, 6);
        controller.setProblem(problem);
        controller.step(2);
        QVERIFY(waitIdle(controller));
        const quint64 before = controller.generation();
        Problem moved = problem;
        moved.gamma = test::generatedProblem(40, r, WeightKind::Dense, TargetKind::Random, 8).gamma;
        controller.setGamma(moved.gamma);
        QCOMPARE(controller.generation(), before + 1);
        QVERIFY(waitIdle(controller));
        QCOMPARE(controller.latest()->iteration, 0);
        QVERIFY(controller.latest()->gamma == moved.gamma);
        QVERIFY(controller.problem()->R == problem.R && controller.problem()->P == problem.P);
        controller.step(3);
        QVERIFY(waitIdle(controller));
        DescentRun reference(moved, fixedStep(100));
        QCOMPARE(reference.pairedLayout() != nullptr, r > 16);
        for (int k = 0; k < 3; ++k)
            QVERIFY(!reference.step());
        GL_COMPARE_MATRICES(controller.latest()->gamma, reference.gamma(), 0.0);
        GL_COMPARE_NEAR(controller.latest()->loss, reference.current().loss, 0.0);
    }

    // A new problem while a run is under way: nothing of the old run reaches the GUI afterwards.
    void staleGenerationsAreDropped() {
        DescentController controller;
        controller.setDescentOptions(fixedStep(10000000));
        controller.setProblem(demo(4, 80));
        QVERIFY(waitIdle(controller));
        controller.run();
        QSignalSpy first(&controller, &DescentController::snapshotReady);
        QTRY_VERIFY_WITH_TIMEOUT(first.count() >= 2, 10000);
        const Problem second = demo(5, 20);
        controller.setProblem(second);
        const quint64 generation = controller.generation();
        QSignalSpy after(&controller, &DescentController::snapshotReady);
        QVERIFY(waitIdle(controller));
        QVERIFY(after.count() >= 1);
        for (qsizetype k = 0; k < after.count(); ++k) {
            QCOMPARE(snapshotAt(after, k)->generation, generation);
            QCOMPARE(snapshotAt(after, k)->gamma.rows(), Eigen::Index(20));
        }
        QCOMPARE(controller.latest()->iteration, 0);
        QVERIFY(!controller.isRunning());
    }

    // Options may change while running: the worker applies them from the next chunk on.
    void optionsChangeWhileRunning() {
        DescentController controller;
        DescentOptions options = fixedStep(10000000);
        controller.setDescentOptions(options);
        controller.setProblem(demo(6, 40));
        QVERIFY(waitIdle(controller));
        controller.run();
        QSignalSpy snapshots(&controller, &DescentController::snapshotReady);
        QTRY_VERIFY_WITH_TIMEOUT(snapshots.count() >= 1, 10000);
        options.learningRate = 5e-4;
        controller.setDescentOptions(options);
        const qsizetype seen = snapshots.count();
        QTRY_VERIFY_WITH_TIMEOUT(snapshots.count() >= seen + 3, 10000);
        controller.pause();
        QVERIFY(waitIdle(controller));
        const SnapshotPointer last = controller.latest();
        QVERIFY(!last->newRecords.empty() || last->iteration > 0);
        bool sawNewRate = false;
        for (qsizetype k = seen; k < snapshots.count(); ++k)
            for (const IterationRecord &record : snapshotAt(snapshots, k)->newRecords)
                sawNewRate = sawNewRate || record.step == 5e-4;
        QVERIFY(sawNewRate);
    }

    // A paced run takes its steps one at a time, publishing each, and never faster than asked; a new speed
    // applies while it runs. The bounds are loose (shared machines), but a pace of 4 steps a second that
    // took 100 steps in a second would be caught.
    void pacedRunShowsEveryStep() {
        DescentController controller;
        controller.setDescentOptions(fixedStep(100000));
        controller.setProblem(demo(3));
        QVERIFY(waitIdle(controller));
        controller.setStepsPerSecond(4);
        QSignalSpy snapshots(&controller, &DescentController::snapshotReady);
        controller.run();
        QTest::qWait(1100);
        const int paced = controller.latest()->iteration;
        QVERIFY2(paced >= 1 && paced <= 8, qPrintable(QString::number(paced)));
        QVERIFY(snapshots.count() >= paced); // every step was published
        controller.setStepsPerSecond(0);     // as fast as it goes, while running
        QTest::qWait(500);
        controller.pause();
        QVERIFY(waitIdle(controller));
        QVERIFY2(controller.latest()->iteration > paced + 20,
                 qPrintable(QStringLiteral("%1 then %2").arg(paced).arg(controller.latest()->iteration)));
    }

    // Ten steps back, one at a time, and ten forward again: γ and the loss are those of the first pass, bit
    // for bit; the history's range stays the furthest iteration reached.
    void stepBackAndForwardIsBitIdentical() {
        DescentController controller;
        DescentOptions options = fixedStep(1000);
        options.optimizer = OptimizerKind::Armijo; // its trial step is part of what must be restored
        controller.setDescentOptions(options);
        controller.setProblem(demo(4));
        QVERIFY(waitIdle(controller));
        controller.step(20);
        QVERIFY(waitIdle(controller));
        const SnapshotPointer at20 = controller.latest();
        QCOMPARE(at20->iteration, 20);
        for (int back = 1; back <= 10; ++back) {
            controller.stepBack();
            QVERIFY(waitIdle(controller));
            QCOMPARE(controller.latest()->iteration, 20 - back);
            QCOMPARE(controller.latest()->furthestIteration, 20);
        }
        controller.step(10);
        QVERIFY(waitIdle(controller));
        const SnapshotPointer again = controller.latest();
        QCOMPARE(again->iteration, 20);
        QVERIFY(again->gamma == at20->gamma); // bit for bit
        GL_COMPARE_NEAR(again->loss, at20->loss, 0.0);
        // Quick presses each go one further back.
        controller.stepBack();
        controller.stepBack();
        controller.stepBack();
        QVERIFY(waitIdle(controller));
        QCOMPARE(controller.latest()->iteration, 17);
        // Forward along the history to the furthest point, without stepping.
        controller.goToIteration(20);
        QVERIFY(waitIdle(controller));
        QVERIFY(controller.latest()->gamma == at20->gamma);
    }

    // Options changed along the way (the step, the optimizer) are part of the history: going back before
    // a change and forward again replays each step with the options it was first taken with, whatever the
    // panel says now; a step from the past then takes the options chosen now.
    void replayUsesTheOptionsOfTheFirstPass_data() {
        QTest::addColumn<int>("back"); // going back to this iteration, then forward to 30
        QTest::newRow("before both changes") << 5;
        QTest::newRow("between the changes") << 17;
        QTest::newRow("at the first change") << 12;
        QTest::newRow("to the start") << 0;
    }
    void replayUsesTheOptionsOfTheFirstPass() {
        QFETCH(int, back);
        const Problem problem = demo(6);
        DescentOptions first = fixedStep(1000), second = first, third = first;
        second.learningRate = 2e-3;
        third.optimizer = OptimizerKind::Armijo;
        third.learningRate = 0.5;
        // The first pass, in the core: 12 steps, 8 with another step, 10 with Armijo.
        DescentRun reference(problem, first);
        for (int k = 0; k < 30; ++k) {
            if (k == 12)
                QVERIFY(reference.setOptions(second));
            if (k == 20)
                QVERIFY(reference.setOptions(third));
            QVERIFY(!reference.step());
        }
        DescentController controller;
        controller.setDescentOptions(first);
        controller.setProblem(problem);
        QVERIFY(waitIdle(controller));
        for (const auto &[steps, next] : {std::pair{12, second}, std::pair{8, third}}) {
            controller.step(steps);
            QVERIFY(waitIdle(controller));
            controller.setDescentOptions(next);
            QVERIFY(waitIdle(controller));
        }
        controller.step(10);
        QVERIFY(waitIdle(controller));
        QVERIFY(controller.latest()->gamma == reference.gamma());
        // The panel now says something else again; the history does not care.
        DescentOptions now = first;
        now.learningRate = 7e-4;
        controller.setDescentOptions(now);
        controller.goToIteration(back);
        QVERIFY(waitIdle(controller));
        QCOMPARE(controller.latest()->iteration, back);
        controller.goToIteration(30);
        QVERIFY(waitIdle(controller));
        QCOMPARE(controller.latest()->iteration, 30);
        QVERIFY(controller.latest()->gamma == reference.gamma()); // bit for bit
        GL_COMPARE_NEAR(controller.latest()->loss, reference.current().loss, 0.0);
        // A step from the past takes the options chosen now: a new branch.
        controller.goToIteration(back);
        QVERIFY(waitIdle(controller));
        controller.step(1);
        QVERIFY(waitIdle(controller));
        DescentRun branch(problem, first);
        for (int k = 0; k < back; ++k) {
            if (k == 12)
                QVERIFY(branch.setOptions(second));
            if (k == 20)
                QVERIFY(branch.setOptions(third));
            QVERIFY(!branch.step());
        }
        QVERIFY(branch.setOptions(now));
        QVERIFY(!branch.step());
        QVERIFY(controller.latest()->gamma == branch.gamma());
    }

    // Divergence pauses the run, keeps the last finite γ and says what to try.
    void divergencePausesWithASuggestion() {
        DescentController controller;
        DescentOptions options = fixedStep(100000);
        options.learningRate = 10.0;
        controller.setDescentOptions(options);
        controller.setProblem(demo(7));
        QVERIFY(waitIdle(controller));
        controller.run();
        QVERIFY(waitIdle(controller));
        const SnapshotPointer last = controller.latest();
        QVERIFY(last->diverged);
        QVERIFY(!controller.isRunning());
        QVERIFY(last->gamma.allFinite());
        QVERIFY(std::isfinite(last->loss));
        QVERIFY2(last->message.contains(QStringLiteral("Armijo")), qPrintable(last->message));
    }

    // The deviation published equals a direct core computation at the same γ.
    void checkMatchesTheCore() {
        DescentController controller;
        controller.setDescentOptions(fixedStep(100));
        CheckSettings check;
        check.everyIterations = 0;
        controller.setCheckSettings(check);
        const Problem problem = demo(8);
        controller.setProblem(problem);
        controller.step(4);
        controller.checkNow();
        QVERIFY(waitIdle(controller));
        const SnapshotPointer last = controller.latest();
        QCOMPARE(last->deviationIteration, 4);
        const ProblemView at4{problem.R, problem.P, last->gamma};
        const GradientCheck expected = checkGradient(at4, last->gradient);
        // The deviation heatmap's matrix: |G − G_num| relative to the check's scale, and that scale is
        // max_rel_deviation's (its largest entry is that figure).
        GL_COMPARE_MATRICES(*last->deviation, relativeDeviation(expected), 0.0);
        GL_COMPARE_NEAR(last->deviation->maxCoeff(), expected.maxRelativeDeviation, 1e-15);
        GL_COMPARE_NEAR(last->lastDeviation.maxAbsolute, expected.deviation.maxAbsolute, 0.0);
        QCOMPARE(last->lastDeviation.verdict,
                 QString::fromStdString(std::string(checkVerdictName(expected.verdict))));
        QCOMPARE(last->newDeviations.size(), std::size_t(1));
    }
};

QTEST_MAIN(TestDescentController)
#include "tst_descentcontroller.moc"
