#include "descentcontroller.h"
#include "descentpanel.h"
#include "evaluation.h"
#include "landscapepanel.h"
#include "mainwindow.h"
#include "planted.h"
#include "race.h"
#include "racepanel.h"
#include "statuspanel.h"
#include "testhelpers.h"
#include "uitesthelpers.h"

#include <QChart>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QXYSeries>

#include <memory>

using namespace gradlens;

Q_DECLARE_METATYPE(gradlens::OptimizerKind)
Q_DECLARE_METATYPE(std::vector<gradlens::OptimizerKind>)

namespace {

// Types text into one of the panel's parameter fields and presses Enter.
void type(DescentPanel &panel, const char *field, const QString &text) {
    auto *edit = panel.findChild<QLineEdit *>(QLatin1String(field));
    QVERIFY2(edit, field);
    edit->setText(text);
    emit edit->editingFinished();
}

bool shown(const DescentPanel &panel, const char *field) {
    const auto *widget = panel.findChild<QWidget *>(QLatin1String(field));
    return widget && widget->isVisibleTo(&panel);
}

SnapshotPointer snapshotOf(const Problem &problem) {
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->problem = std::make_shared<const Problem>(problem);
    snapshot->gamma = problem.gamma;
    return snapshot;
}

} // namespace

class TestOptimizerPanels : public QObject {
    Q_OBJECT
private slots:
    // Each optimizer's own parameters come back in its options, and only they are shown.
    void descentPanelGivesEachOptimizersParameters_data() {
        QTest::addColumn<OptimizerKind>("optimizer");
        QTest::addColumn<QStringList>("shownFields");
        QTest::newRow("gd") << OptimizerKind::GradientDescent << QStringList{"stepDecay"};
        QTest::newRow("armijo") << OptimizerKind::Armijo << QStringList{};
        QTest::newRow("exact") << OptimizerKind::Exact << QStringList{};
        QTest::newRow("momentum") << OptimizerKind::Momentum << QStringList{"momentum", "stepDecay"};
        QTest::newRow("nesterov") << OptimizerKind::Nesterov << QStringList{"momentum", "stepDecay"};
        QTest::newRow("adam") << OptimizerKind::Adam
                              << QStringList{"adamBeta1", "adamBeta2", "adamEpsilon", "stepDecay"};
        QTest::newRow("lbfgs") << OptimizerKind::LBFGS << QStringList{"lbfgsMemory"};
    }
    void descentPanelGivesEachOptimizersParameters() {
        QFETCH(OptimizerKind, optimizer);
        QFETCH(QStringList, shownFields);
        DescentPanel panel;
        panel.show();
        DescentOptions options;
        options.optimizer = optimizer;
        options.momentum = 0.5;
        options.adamBeta1 = 0.8;
        options.adamBeta2 = 0.99;
        options.adamEpsilon = 1e-6;
        options.stepDecay = 0.01;
        options.lbfgsMemory = 7;
        panel.setOptions(options);
        const DescentOptions back = panel.options();
        QCOMPARE(back.optimizer, optimizer);
        QCOMPARE(back.momentum, 0.5); // set, not computed: exact
        QCOMPARE(back.adamBeta1, 0.8);
        QCOMPARE(back.adamBeta2, 0.99);
        QCOMPARE(back.adamEpsilon, 1e-6);
        QCOMPARE(back.stepDecay, 0.01);
        QCOMPARE(back.lbfgsMemory, 7);
        for (const char *field :
             {"momentum", "adamBeta1", "adamBeta2", "adamEpsilon", "stepDecay", "lbfgsMemory"})
            QVERIFY2(shown(panel, field) == shownFields.contains(QLatin1String(field)), field);

        // Typed values are applied (and announced) when valid.
        QSignalSpy changed(&panel, &DescentPanel::optionsChanged);
        type(panel, "momentum", QStringLiteral("0.6"));
        type(panel, "adamEpsilon", QStringLiteral("1e-7"));
        QCOMPARE(panel.options().momentum, 0.6);
        QCOMPARE(panel.options().adamEpsilon, 1e-7);
        QCOMPARE(changed.count(), 2);
        QVERIFY(panel.refusal().isEmpty());
    }

    // A bad value is refused with the reason, never applied; the field shows the value in use again.
    void descentPanelRefusesBadParameters_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("reason");
        QTest::newRow("β = 1") << "momentum"
                               << "1"
                               << "β must be in [0, 1)";
        QTest::newRow("β₁ negative") << "adamBeta1"
                                     << "-0.1"
                                     << "β₁ must be in [0, 1)";
        QTest::newRow("β₂ = 1.5") << "adamBeta2"
                                  << "1.5"
                                  << "β₂ must be in [0, 1)";
        QTest::newRow("ε = 0") << "adamEpsilon"
                               << "0"
                               << "ε must be a finite number > 0";
        QTest::newRow("decay negative") << "stepDecay"
                                        << "-1"
                                        << "step decay must be";
        QTest::newRow("not a number") << "stepDecay"
                                      << "fast"
                                      << "not a number";
    }
    void descentPanelRefusesBadParameters() {
        QFETCH(QString, field);
        QFETCH(QString, text);
        QFETCH(QString, reason);
        DescentPanel panel;
        DescentOptions options;
        options.optimizer = OptimizerKind::Adam;
        panel.setOptions(options);
        const DescentOptions before = panel.options();
        QSignalSpy changed(&panel, &DescentPanel::optionsChanged);
        type(panel, qPrintable(field), text);
        QCOMPARE(changed.count(), 0);
        const DescentOptions after = panel.options();
        QCOMPARE(after.momentum, before.momentum);
        QCOMPARE(after.adamBeta1, before.adamBeta1);
        QCOMPARE(after.adamBeta2, before.adamBeta2);
        QCOMPARE(after.adamEpsilon, before.adamEpsilon);
        QCOMPARE(after.stepDecay, before.stepDecay);
        QVERIFY2(panel.refusal().contains(reason), qPrintable(panel.refusal()));
        QVERIFY(panel.findChild<QLineEdit *>(field)->text() != text);
    }

    // The race tab draws one curve per chosen optimizer and ends where the core's race ends.
    void raceMatchesTheCore_data() {
        QTest::addColumn<std::vector<OptimizerKind>>("chosen");
        QTest::newRow("line searches") << std::vector{OptimizerKind::Armijo, OptimizerKind::Exact};
        QTest::newRow("accelerated") << std::vector{OptimizerKind::Momentum, OptimizerKind::Nesterov,
                                                    OptimizerKind::Adam, OptimizerKind::LBFGS};
    }
    void raceMatchesTheCore() {
        QFETCH(std::vector<OptimizerKind>, chosen);
        const Problem problem = test::generatedProblem(16, 2, WeightKind::Dense, TargetKind::Planted, 5);
        RacePanel panel;
        panel.resize(1000, 400);
        panel.setDescentOptions(DescentOptions{});
        panel.setChosen(chosen);
        panel.setSnapshot(snapshotOf(problem));
        QSignalSpy computed(&panel, &InstrumentPanel::computed);
        panel.compute();
        QVERIFY(computed.wait(60000));
        const std::vector<DescentOptions> runs = panel.runOptions();
        QCOMPARE(runs.size(), chosen.size());
        const std::vector<RaceRun> expected = race(problem, runs);
        QCOMPARE(panel.chart()->series().size(), qsizetype(chosen.size()));
        QCOMPARE(panel.result().size(), expected.size());
        for (std::size_t k = 0; k < expected.size(); ++k) {
            QCOMPARE(panel.result()[k].optimizer, expected[k].optimizer);
            // Descent is deterministic for a fixed thread count: the same numbers, bit for bit.
            GL_COMPARE_NEAR(panel.result()[k].summary.finalLoss, expected[k].summary.finalLoss, 0.0);
            QCOMPARE(panel.result()[k].summary.functionEvaluations, expected[k].summary.functionEvaluations);
            const auto *series = qobject_cast<QXYSeries *>(panel.chart()->series()[qsizetype(k)]);
            GL_COMPARE_NEAR(series->points().back().y(), expected[k].summary.finalLoss, 0.0);
        }
        QVERIFY2(panel.caption().contains(QStringLiteral("won in evaluations")), qPrintable(panel.caption()));
        // Against evaluations, the last point of each curve is its evaluation total.
        panel.setXAxis(RacePanel::XAxis::Evaluations);
        for (std::size_t k = 0; k < expected.size(); ++k) {
            const auto *series = qobject_cast<QXYSeries *>(panel.chart()->series()[qsizetype(k)]);
            const IterationRecord &last = expected[k].records.back();
            GL_COMPARE_NEAR(series->points().back().x(),
                            double(last.functionEvaluations + last.gradientEvaluations), 0.0);
        }
    }

    // A race asked to stop delivers nothing and leaves the tab ready for another.
    void raceCanBeCancelled() {
        const Problem problem = test::generatedProblem(200, 4, WeightKind::Dense, TargetKind::Planted, 6);
        RacePanel panel;
        DescentOptions options;
        options.gradientTolerance = 0;
        panel.setDescentOptions(options);
        panel.setSnapshot(snapshotOf(problem));
        QSignalSpy computed(&panel, &InstrumentPanel::computed);
        panel.compute();
        QVERIFY(panel.isBusy());
        panel.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!panel.isBusy(), 60000);
        QCOMPARE(computed.count(), 0);
    }

    // The landscape's grid is f itself: at a few grid points, equal to a direct evaluation at γ + aD1 + bD2.
    void landscapeGridIsTheLoss_data() {
        QTest::addColumn<int>("i");
        QTest::addColumn<int>("j");
        QTest::newRow("centre") << LandscapePanel::kGridPoints / 2 << LandscapePanel::kGridPoints / 2;
        QTest::newRow("corner") << 0 << 0;
        QTest::newRow("far corner") << LandscapePanel::kGridPoints - 1 << LandscapePanel::kGridPoints - 1;
        QTest::newRow("off-centre") << 37 << 150;
    }
    void landscapeGridIsTheLoss() {
        QFETCH(int, i);
        QFETCH(int, j);
        const Problem problem = test::generatedProblem(20, 3, WeightKind::Dense, TargetKind::Planted, 8);
        LandscapePanel panel;
        panel.resize(900, 500);
        panel.setSnapshot(snapshotOf(problem));
        QSignalSpy computed(&panel, &InstrumentPanel::computed);
        panel.compute();
        QVERIFY(computed.wait(60000));
        const LandscapeResult &result = panel.result();
        QVERIFY2(result.failure.isEmpty(), qPrintable(result.failure));
        QCOMPARE(result.grid.f.rows(), LandscapePanel::kGridPoints);
        const double a = result.grid.a[std::size_t(i)], b = result.grid.b[std::size_t(j)];
        Problem moved = problem;
        moved.gamma = problem.gamma + a * result.D1 + b * result.D2;
        const double direct = evaluate(moved).loss;
        GL_COMPARE_NEAR(result.grid.f(i, j), direct, 1e-12 * direct);
        QVERIFY(!result.image.isNull());
        // The current γ is the origin of the plane: the only point of the path here.
        QCOMPARE(result.path.size(), std::size_t(0));
    }

    // On the plane towards a planted γ*, a = 1 is γ* (rotated to the nearest): f there is f(γ*).
    void landscapeReachesThePlantedAnswer() {
        const GeneratedProblem generated =
            generateProblem(test::generatorOptions(20, 3, WeightKind::Dense, TargetKind::Planted, 9));
        auto snapshot = std::make_shared<Snapshot>();
        snapshot->problem = std::make_shared<const Problem>(generated.problem);
        snapshot->gamma = generated.problem.gamma;
        snapshot->gammaStar = std::make_shared<const Eigen::MatrixXd>(generated.gammaStar);
        LandscapePanel panel;
        panel.resize(900, 500);
        panel.setSnapshot(snapshot);
        QSignalSpy computed(&panel, &InstrumentPanel::computed);
        panel.setPlane(SliceDirection::Planted, 1.0);
        panel.compute();
        QTRY_VERIFY_WITH_TIMEOUT(!panel.isBusy() && computed.count() > 0, 60000);
        const LandscapeResult &result = panel.result();
        QVERIFY2(result.failure.isEmpty(), qPrintable(result.failure));
        const int last = LandscapePanel::kGridPoints - 1, middle = LandscapePanel::kGridPoints / 2;
        GL_COMPARE_NEAR(result.grid.a[std::size_t(last)], 1.0, 0.0);
        Problem atStar = generated.problem;
        atStar.gamma = generated.gammaStar;
        const double direct = evaluate(atStar).loss;
        GL_COMPARE_NEAR(result.grid.f(last, middle), direct, 1e-10 * direct);
    }

    // The demo problem is planted: its γ* comes with every snapshot, with the distance to it (the core's),
    // which the status bar shows.
    void distanceToThePlantedAnswer() {
        MainWindow window(MainWindow::Settings::Ignore);
        window.resize(1280, 800);
        window.show();
        QVERIFY(test::settle(window));
        window.controller()->step(8);
        QVERIFY(test::settle(window));
        const SnapshotPointer snapshot = window.controller()->latest();
        QVERIFY(snapshot->gammaStar);
        const double expected = distanceToPlanted(snapshot->gamma, *snapshot->gammaStar);
        GL_COMPARE_NEAR(snapshot->plantedDistance, expected, 0.0);
        const QString status = window.status()->text().replace(QChar(0x00a0), QLatin1Char(' '));
        QVERIFY2(status.contains(QStringLiteral("distance to γ*")), qPrintable(status));
    }
};

QTEST_MAIN(TestOptimizerPanels)
#include "tst_optimizerpanels.moc"
