#include "checkpanel.h"
#include "derivationpanel.h"
#include "descentcontroller.h"
#include "entrydetaildialog.h"
#include "heatmappanel.h"
#include "heatmapwidget.h"
#include "mainwindow.h"
#include "messagebar.h"
#include "problempanel.h"
#include "profilepanel.h"
#include "savefile.h"
#include "sweeppanel.h"
#include "taylorpanel.h"
#include "testhelpers.h"
#include "uitesthelpers.h"

#include <QChart>
#include <QElapsedTimer>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace gradlens;
using Eigen::MatrixXd;
using gradlens::test::settle;

namespace {

// The problem at the window's current γ, for direct core computations.
Problem currentProblem(const MainWindow &window) {
    const SnapshotPointer snapshot = window.controller()->latest();
    return Problem{snapshot->problem->R, snapshot->problem->P, snapshot->gamma};
}

} // namespace

class TestInstrumentPanels : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { qRegisterMetaType<SnapshotPointer>(); }

    // Each tab shows what the core computes for the current γ.
    void tabsShowTheCoreResults() {
        MainWindow window(MainWindow::Settings::Ignore);
        window.resize(1280, 800);
        window.show();
        QVERIFY(settle(window));
        window.controller()->step(5);
        QVERIFY(settle(window));
        const Problem problem = currentProblem(window);

        window.showTab(1);
        QVERIFY(settle(window));
        const TaylorResult taylor = taylorTest(problem, TaylorOptions{});
        GL_COMPARE_NEAR(window.taylorPanel()->result().slope, taylor.slope, 0.0);
        QCOMPARE(window.taylorPanel()->result().error.size(), taylor.error.size());
        QVERIFY2(window.taylorPanel()->caption().contains(QStringLiteral("consistent")),
                 qPrintable(window.taylorPanel()->caption()));

        window.showTab(2);
        QVERIFY(settle(window));
        const SweepResult sweep = stepSweep(problem);
        for (std::size_t m = 0; m < 3; ++m)
            GL_COMPARE_NEAR(window.sweepPanel()->result().bestDeviation[m], sweep.bestDeviation[m], 0.0);

        window.showTab(3);
        QVERIFY(settle(window));
        const LineProfile profile = lineProfile(problem, window.controller()->latest()->gradient);
        for (std::size_t k = 0; k < 5; ++k)
            GL_COMPARE_NEAR(window.profilePanel()->result().profile.coefficients[k], profile.coefficients[k],
                            1e-12 * std::abs(profile.coefficients[k]));
        QVERIFY(!window.profilePanel()->result().trials.empty());
    }

    // At a projector's sizes no instrument chart elides a text, and the legends (below the charts, wrapping)
    // hold every name whole: "fitted window:…" and "slope 2 refere…" were cut off.
    void instrumentTextIsNeverElided_data() {
        QTest::addColumn<QSize>("size");
        QTest::newRow("1280×800") << QSize(1280, 800);
        QTest::newRow("1024×768") << QSize(1024, 768);
    }
    void instrumentTextIsNeverElided() {
        QFETCH(QSize, size);
        MainWindow window(MainWindow::Settings::Ignore);
        window.resize(size);
        window.show();
        QVERIFY(settle(window));
        window.checkPanel()->setVariant(GradientVariant::DropTranspose);
        window.controller()->step(5);
        QVERIFY(settle(window));
        const InstrumentPanel *panels[3] = {window.taylorPanel(), window.sweepPanel(), window.profilePanel()};
        const QStringList names[3] = {{"E(t) measured", "fitted window: slope", "slope 2 reference",
                                       "slope 1 reference", "rounding floor"},
                                      {"forward", "central", "complex step", "automatic h, forward"},
                                      {}};
        for (int tab = 1; tab <= 3; ++tab) {
            window.showTab(tab);
            QVERIFY(settle(window));
            QTest::qWait(20);
            const InstrumentPanel *panel = panels[tab - 1];
            const QStringList elided = test::elidedTexts(panel->chart()->scene());
            QVERIFY2(elided.isEmpty(), qPrintable(elided.join(QStringLiteral(" | "))));
            QString legend = panel->legendText();
            legend.replace(QStringLiteral("&nbsp;"), QStringLiteral(" "));
            for (const QString &name : names[tab - 1])
                QVERIFY2(legend.contains(name), qPrintable(name + QStringLiteral(" not in ") + legend));
        }
    }

    // The derivation tab's numbers are the core's at the selected entry; clicking a gradient cell selects
    // it; a mistake is marked at the step of the derivation it breaks.
    void derivationShowsTheCoreNumbers() {
        MainWindow window(MainWindow::Settings::Ignore);
        window.resize(1280, 800);
        window.show();
        QVERIFY(settle(window));
        window.checkPanel()->setVariant(GradientVariant::DropTranspose);
        window.controller()->step(4);
        QVERIFY(settle(window));
        window.showTab(4);
        QVERIFY(settle(window));
        HeatmapWidget *gradient = window.heatmapPanel(1)->heatmap();
        QVERIFY(gradient->matrix());
        // The cell (row 5, column 2) of the gradient heatmap, clicked.
        QPoint cell;
        for (int y = 0; y < gradient->height() && cell.isNull(); ++y)
            for (int x = 0; x < gradient->width(); ++x)
                if (gradient->cellAt(QPointF(x, y)) == QPoint(1, 4)) {
                    cell = QPoint(x + 1, y + 1);
                    break;
                }
        QVERIFY(!cell.isNull());
        QTest::mouseClick(gradient, Qt::LeftButton, {}, cell);
        QVERIFY(settle(window));
        // (A slow machine can deliver a snapshot's recomputation after the click's: wait for the entry.)
        QTRY_COMPARE_WITH_TIMEOUT(window.derivationPanel()->result().derivation.row, Eigen::Index(4), 20000);
        QVERIFY(settle(window));
        window.entryDetail()->close();
        const DerivationPanel::Result &shown = window.derivationPanel()->result();
        QCOMPARE(shown.derivation.row, Eigen::Index(4));
        QCOMPARE(shown.derivation.column, Eigen::Index(1));
        const Problem problem = currentProblem(window);
        const EntryDerivation expected = deriveEntry(problem, 4, 1, Convention::Full);
        GL_COMPARE_NEAR(shown.derivation.firstTerm, expected.firstTerm, 0.0);
        GL_COMPARE_NEAR(shown.derivation.secondTerm, expected.secondTerm, 0.0);
        const MatrixXd correct = gradientVariant(problem, GradientVariant::Correct, Convention::Full);
        GL_COMPARE_NEAR(shown.derivation.total(), correct(4, 1), 1e-12 * correct.cwiseAbs().maxCoeff());
        const MatrixXd mistaken = gradientVariant(problem, GradientVariant::DropTranspose, Convention::Full);
        GL_COMPARE_NEAR(shown.detail.analytic, mistaken(4, 1), 1e-12 * mistaken.cwiseAbs().maxCoeff());
        const QString text = window.derivationPanel()->text();
        QVERIFY2(text.contains(QStringLiteral("Entry k = 5, c = 2")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("← the selected formula takes ⟨P∘M, γ dγᵀ⟩")),
                 qPrintable(text));
    }

    // The user's program replaces the formula: the check judges it and names its mistake, the heatmaps show
    // it, and descent follows it. A formula chosen again replaces it.
    void userProgramIsTheGradient() {
        MainWindow window(MainWindow::Settings::Ignore);
        window.show();
        QVERIFY(settle(window));
        GradientProgramOptions program;
        program.commandLine = QStringLiteral(GRADLENS_EXAMPLES_BUILD "/gradient_buggy");
        window.useGradientProgram(program);
        QVERIFY(settle(window));
        SnapshotPointer snapshot = window.controller()->latest();
        QCOMPARE(snapshot->gradientSource, QStringLiteral("From program: gradient_buggy"));
        QCOMPARE(snapshot->lastDeviation.verdict, QStringLiteral("inconsistent"));
        QVERIFY2(snapshot->lastDeviation.explanation.contains(QStringLiteral("transpose term is missing")),
                 qPrintable(snapshot->lastDeviation.explanation));
        QVERIFY2(window.messages()->text().contains(QStringLiteral("your gradient ≈")),
                 qPrintable(window.messages()->text()));
        const Problem problem = currentProblem(window);
        GL_COMPARE_MATRICES(*window.heatmapPanel(1)->heatmap()->matrix(),
                            gradientVariant(problem, GradientVariant::DropTranspose, Convention::Full),
                            1e-14);
        window.controller()->step(3);
        QVERIFY(settle(window));
        QCOMPARE(window.controller()->latest()->iteration, 3);

        program.commandLine = QStringLiteral(GRADLENS_EXAMPLES_BUILD "/gradient");
        window.useGradientProgram(program);
        QVERIFY(settle(window));
        snapshot = window.controller()->latest();
        QCOMPARE(snapshot->lastDeviation.verdict, QStringLiteral("consistent"));
        QVERIFY(window.heatmapPanel(2)->heatmap()->matrix()->maxCoeff() < 1e-6); // dark on the fixed scale

        window.checkPanel()->setVariant(GradientVariant::FlipSign);
        QVERIFY(settle(window));
        QVERIFY(window.controller()->latest()->gradientSource.isEmpty());
        QCOMPARE(window.controller()->latest()->variant, GradientVariant::FlipSign);
    }

    // A program that fails is an error in the window, and no earlier verdict stands for it (the status bar
    // said "consistent" beside a program that had never produced a gradient).
    void failingProgramHasNoVerdict() {
        MainWindow window(MainWindow::Settings::Ignore);
        window.show();
        QVERIFY(settle(window));
        QVERIFY(!window.controller()->latest()->lastDeviation.verdict.isEmpty()); // the formula's check
        GradientProgramOptions program;
        program.commandLine = QStringLiteral("sh -c 'echo broken >&2; exit 3' sh");
        window.useGradientProgram(program);
        QVERIFY(settle(window));
        const SnapshotPointer snapshot = window.controller()->latest();
        QVERIFY(snapshot->gradientFailed);
        QVERIFY(snapshot->lastDeviation.verdict.isEmpty());
        QCOMPARE(snapshot->deviationIteration, -1);
        QCOMPARE(window.messages()->kind(), MessageBar::Kind::Error);
        QVERIFY2(window.messages()->text().contains(QStringLiteral("exited with status 3")),
                 qPrintable(window.messages()->text()));
    }

    // A gradient from a file holds at the γ it was read at: it is checked there, and descent says why it
    // cannot move with it.
    void userFileIsCheckedAtItsGamma() {
        MainWindow window(MainWindow::Settings::Ignore);
        window.show();
        QVERIFY(settle(window));
        const Problem problem = currentProblem(window);
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("G.csv"));
        QVERIFY(writeMatrix(path.toStdString(),
                            2.0 * gradientVariant(problem, GradientVariant::Correct, Convention::Full)));
        window.useGradientFile(path);
        QVERIFY(settle(window));
        const SnapshotPointer snapshot = window.controller()->latest();
        QCOMPARE(snapshot->gradientSource, QStringLiteral("From file: G.csv"));
        QCOMPARE(snapshot->lastDeviation.verdict, QStringLiteral("inconsistent"));
        QVERIFY2(snapshot->lastDeviation.explanation.contains(QStringLiteral("twice")),
                 qPrintable(snapshot->lastDeviation.explanation));
        window.controller()->step(1);
        QVERIFY(settle(window));
        QCOMPARE(window.controller()->latest()->iteration, 0);
        QVERIFY2(window.messages()->text().contains(QStringLiteral("holds only at the γ")),
                 qPrintable(window.messages()->text()));
    }

    // A mistake lights up the deviation heatmap, fails the check and turns the Taylor slope to 1.
    void mistakeLightsUpTheDeviation_data() {
        QTest::addColumn<int>("variant");
        QTest::newRow("drop-transpose") << int(GradientVariant::DropTranspose);
        QTest::newRow("drop-factor-two") << int(GradientVariant::DropFactorTwo);
        QTest::newRow("no-outer-p") << int(GradientVariant::NoOuterP);
        QTest::newRow("flip-sign") << int(GradientVariant::FlipSign);
        QTest::newRow("diagonal-once") << int(GradientVariant::DiagonalOnce);
    }
    void mistakeLightsUpTheDeviation() {
        QFETCH(int, variant);
        MainWindow window(MainWindow::Settings::Ignore);
        window.show();
        QVERIFY(settle(window));
        window.checkPanel()->setVariant(GradientVariant(variant));
        QVERIFY(settle(window));
        const SnapshotPointer snapshot = window.controller()->latest();
        QCOMPARE(int(snapshot->variant), variant);
        QVERIFY(snapshot->lastDeviation.failed);
        QCOMPARE(snapshot->lastDeviation.verdict, QString("inconsistent"));
        // The core's fingerprint names the mistake in the explanation the window shows.
        QVERIFY2(snapshot->lastDeviation.explanation.contains(QStringLiteral("your gradient ≈")),
                 qPrintable(snapshot->lastDeviation.explanation));
        GL_COMPARE_NEAR(snapshot->lastDeviation.taylorSlope, 1.0, 0.1);
        QVERIFY(snapshot->lastDeviation.maxRelative > 1e-2);
        // The gradient heatmap shows the selected formula, the deviation heatmap its error.
        const Problem problem = currentProblem(window);
        GL_COMPARE_MATRICES(*window.heatmapPanel(1)->heatmap()->matrix(),
                            gradientVariant(problem, GradientVariant(variant), Convention::Full), 0.0);
        // Relative to the gradient, on the fixed 1e-16 … 1 scale: a mistake is far above the threshold.
        QVERIFY(window.heatmapPanel(2)->heatmap()->matrix()->maxCoeff() > 1e-3);
    }

    // Symmetric P and R hide the dropped transpose: every check passes and the window says why.
    void symmetricProblemExplainsTheDroppedTranspose() {
        MainWindow window(MainWindow::Settings::Ignore);
        window.show();
        QVERIFY(settle(window));
        GeneratorOptions options;
        options.weightKind = WeightKind::Symmetric;
        window.problemPanel()->setOptions(options);
        window.generate(options);
        QVERIFY(settle(window));
        window.checkPanel()->setVariant(GradientVariant::DropTranspose);
        QVERIFY(settle(window));
        const SnapshotPointer snapshot = window.controller()->latest();
        QVERIFY(snapshot->symmetricProblem);
        QVERIFY(!snapshot->lastDeviation.failed);
        QVERIFY2(window.messages()->text().contains(QStringLiteral("symmetric")),
                 qPrintable(window.messages()->text()));
        QVERIFY(window.messages()->text().contains(QStringLiteral("non-symmetric")));
    }

    // With "pause when a check fails", a run under a wrong formula stops at the first check.
    void failedCheckPausesTheRun() {
        MainWindow window(MainWindow::Settings::Ignore);
        window.show();
        QVERIFY(settle(window));
        CheckSettings check = window.checkPanel()->settings();
        check.everyIterations = 5;
        check.pauseOnFailure = true;
        window.checkPanel()->setSettings(check);
        window.checkPanel()->setVariant(GradientVariant::FlipSign);
        emit window.checkPanel()->settingsChanged();
        QVERIFY(settle(window));
        window.controller()->run();
        QVERIFY(settle(window));
        QCOMPARE(window.controller()->latest()->iteration, 5);
        QVERIFY(!window.controller()->isRunning());
        QVERIFY2(window.messages()->text().contains(QStringLiteral("Paused")),
                 qPrintable(window.messages()->text()));
    }

    // Clicking a cell of the gradient heatmap shows that entry's detail, as the core computes it.
    void clickingAGradientCellShowsTheEntry() {
        MainWindow window(MainWindow::Settings::Ignore);
        window.resize(1600, 1000);
        window.show();
        QVERIFY(settle(window));
        HeatmapWidget *heatmap = window.heatmapPanel(1)->heatmap();
        QPoint target(-1, -1);
        for (int y = 0; y < heatmap->height() && target.x() < 0; ++y)
            for (int x = 0; x < heatmap->width(); ++x)
                if (heatmap->cellAt(QPointF(x, y)) == QPoint(2, 7)) {
                    target = QPoint(x + 3, y + 3);
                    break;
                }
        QVERIFY(target.x() >= 0);
        QTest::mouseClick(heatmap, Qt::LeftButton, {}, target);
        QVERIFY(settle(window));
        EntryDetailDialog *dialog = window.entryDetail();
        QVERIFY(dialog->isVisible());
        const EntryDetail expected = entryDetail(currentProblem(window), 7, 2);
        QCOMPARE(dialog->detail().row, Eigen::Index(7));
        QCOMPARE(dialog->detail().column, Eigen::Index(2));
        GL_COMPARE_NEAR(dialog->detail().analytic, expected.analytic, 0.0);
        QCOMPARE(dialog->table()->rowCount(), 5);
        for (std::size_t m = 0; m < 5; ++m)
            GL_COMPARE_NEAR(dialog->detail().estimates[m].value, expected.estimates[m].value, 0.0);
        QCOMPARE(dialog->table()->item(2, 0)->text(), QStringLiteral("central"));
    }
};

QTEST_MAIN(TestInstrumentPanels)
#include "tst_instrumentpanels.moc"
