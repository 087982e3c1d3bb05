// The window's session file: save, then open in a new window, gives the same matrices, iterate and history
// bit for bit and the same settings; scenes come back and PgDn shows them; a damaged file is refused with
// nothing changed; a session made elsewhere whose history does not replay opens at its saved γ.
#include "checkpanel.h"
#include "descentcontroller.h"
#include "descentpanel.h"
#include "heatmappanel.h"
#include "messagebar.h"
#include "problempanel.h"
#include "problemsource.h"
#include "sessiondocument.h"
#include "testhelpers.h"
#include "uitesthelpers.h"

#include <QFile>
#include <QLabel>
#include <QTemporaryDir>

using namespace gradlens;
using gradlens::test::settle;

namespace {

bool sameHistory(const std::vector<IterationRecord> &a, const std::vector<IterationRecord> &b, QString &why) {
    if (a.size() != b.size()) {
        why = QStringLiteral("%1 records against %2").arg(a.size()).arg(b.size());
        return false;
    }
    for (std::size_t k = 0; k < a.size(); ++k)
        if (a[k].iteration != b[k].iteration || a[k].loss != b[k].loss ||
            a[k].gradientNorm != b[k].gradientNorm || a[k].step != b[k].step) {
            why = QStringLiteral("record %1: loss %2 against %3")
                      .arg(k)
                      .arg(a[k].loss, 0, 'g', 17)
                      .arg(b[k].loss, 0, 'g', 17);
            return false;
        }
    return true;
}

} // namespace

class TestSessionWindow : public QObject {
    Q_OBJECT
private slots:
    void saveThenOpenIsBitIdentical_data() {
        QTest::addColumn<int>("optimizer");
        QTest::addColumn<int>("steps");
        QTest::newRow("armijo, 23 steps") << int(OptimizerKind::Armijo) << 23;
        QTest::newRow("fixed step, 40 steps") << int(OptimizerKind::GradientDescent) << 40;
        QTest::newRow("exact line search, 7 steps") << int(OptimizerKind::Exact) << 7;
        QTest::newRow("no steps") << int(OptimizerKind::Armijo) << 0;
    }
    void saveThenOpenIsBitIdentical() {
        QFETCH(int, optimizer);
        QFETCH(int, steps);
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("lesson.gradlens"));
        Session saved;
        {
            MainWindow window(MainWindow::Settings::Ignore);
            window.show();
            QVERIFY(settle(window));
            DescentOptions options = window.descentPanel()->options();
            options.optimizer = OptimizerKind(optimizer);
            options.learningRate = 1e-3;
            options.maxIterations = 500;
            window.descentPanel()->setOptions(options);
            window.checkPanel()->setConvention(Convention::Half);
            window.applyOptions(); // what the panels' widgets do when the user changes them
            window.heatmapPanel(1)->setView(ViewKind::Gamma);
            window.showTab(3);
            QVERIFY(settle(window));
            window.controller()->step(steps);
            QVERIFY(settle(window));
            QVERIFY(window.session()->save(path));
            QVERIFY(!window.isWindowModified());
            QVERIFY2(window.windowTitle().startsWith(QStringLiteral("lesson.gradlens")),
                     qPrintable(window.windowTitle()));
            saved = window.session()->capture();
            QCOMPARE(int(saved.history.size()), steps + 1);
        }
        MainWindow window(MainWindow::Settings::Ignore);
        window.show();
        QVERIFY(settle(window));
        window.session()->open(path);
        QVERIFY(settle(window));
        QVERIFY2(window.messages()->kind() == MessageBar::Kind::Information,
                 qPrintable(window.messages()->text()));
        const Session reopened = window.session()->capture();
        QVERIFY(reopened.problem.R == saved.problem.R);
        QVERIFY(reopened.problem.P == saved.problem.P);
        QVERIFY(reopened.problem.gammaStart == saved.problem.gammaStart);
        QVERIFY(reopened.gamma == saved.gamma); // bit for bit
        QString why;
        QVERIFY2(sameHistory(reopened.history, saved.history, why), qPrintable(why));
        QCOMPARE(window.controller()->latest()->iteration, steps);
        QCOMPARE(window.descentPanel()->options().optimizer, OptimizerKind(optimizer));
        // ... and descent ran with them: the replay above took the saved optimizer, not the window's default.
        QCOMPARE(window.controller()->descentOptions().optimizer, OptimizerKind(optimizer));
        QCOMPARE(window.controller()->descentOptions().convention, Convention::Half);
        QCOMPARE(window.descentPanel()->options().learningRate, 1e-3);
        QCOMPARE(window.checkPanel()->convention(), Convention::Half);
        QCOMPARE(window.heatmapPanel(1)->view(), ViewKind::Gamma);
        QCOMPARE(window.currentTab(), 3);
        QVERIFY(!window.isWindowModified());
        // The history can be gone back through, as if the run had been made here.
        if (steps > 2) {
            window.controller()->goToIteration(2);
            QVERIFY(settle(window));
            QCOMPARE(window.controller()->latest()->iteration, 2);
        }
    }

    // Randomize γ keeps R and P's recipe and says γ was drawn anew; a session of it reopens at that γ₀.
    void randomizedGammaKeepsTheRecipe() {
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("drawn.gradlens"));
        Eigen::MatrixXd drawn;
        {
            MainWindow window(MainWindow::Settings::Ignore);
            window.show();
            QVERIFY(settle(window));
            const Eigen::MatrixXd before = window.controller()->problem()->gamma;
            emit window.problemPanel()->randomizeGammaRequested(77);
            QVERIFY(settle(window));
            drawn = window.controller()->problem()->gamma;
            QVERIFY(drawn != before);
            QVERIFY(window.problemSource()->recipe().has_value());
            QVERIFY2(window.problemPanel()->sourceText().contains(QStringLiteral("γ drawn anew (seed 77)")),
                     qPrintable(window.problemPanel()->sourceText()));
            QVERIFY(window.session()->save(path));
        }
        MainWindow window(MainWindow::Settings::Ignore);
        window.show();
        QVERIFY(settle(window));
        window.session()->open(path);
        QVERIFY(settle(window));
        QVERIFY(window.controller()->problem()->gamma == drawn);
    }

    void scenesComeBack() {
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("scenes.gradlens"));
        Eigen::MatrixXd firstGamma, secondGamma;
        {
            MainWindow window(MainWindow::Settings::Ignore);
            window.show();
            QVERIFY(settle(window));
            firstGamma = window.controller()->latest()->gamma;
            window.session()->addScene(QStringLiteral("The start"), QStringLiteral("Where descent begins."));
            window.controller()->step(10);
            window.showTab(4);
            QVERIFY(settle(window));
            secondGamma = window.controller()->latest()->gamma;
            window.session()->addScene(QStringLiteral("Ten steps on"), QString());
            QCOMPARE(window.session()->sceneCount(), 2);
            QVERIFY(window.isWindowModified());
            QVERIFY(window.session()->save(path));
        }
        MainWindow window(MainWindow::Settings::Ignore);
        window.show();
        QVERIFY(settle(window));
        window.session()->open(path);
        QVERIFY(settle(window));
        QCOMPARE(window.session()->sceneCount(), 2);
        QTest::keyClick(&window, Qt::Key_PageDown); // the first scene
        QVERIFY(settle(window));
        QCOMPARE(window.session()->currentScene(), 0);
        QVERIFY(window.controller()->latest()->gamma == firstGamma);
        QVERIFY(window.session()->captionBar()->isVisible());
        QVERIFY2(window.session()->captionBar()->text().contains(QStringLiteral("Where descent begins.")),
                 qPrintable(window.session()->captionBar()->text()));
        QTest::keyClick(&window, Qt::Key_PageDown);
        QVERIFY(settle(window));
        QCOMPARE(window.session()->currentScene(), 1);
        QVERIFY(window.controller()->latest()->gamma == secondGamma);
        QCOMPARE(window.currentTab(), 4);
        QTest::keyClick(&window, Qt::Key_PageUp);
        QVERIFY(settle(window));
        QCOMPARE(window.session()->currentScene(), 0);
    }

    void damagedSessionChangesNothing() {
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("bad.gradlens"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("PK\x03\x04 this is not a whole zip");
        file.close();
        MainWindow window(MainWindow::Settings::Ignore);
        window.show();
        QVERIFY(settle(window));
        const auto before = window.controller()->problem();
        const QString title = window.windowTitle();
        window.session()->open(path);
        QVERIFY(settle(window));
        QCOMPARE(window.messages()->kind(), MessageBar::Kind::Error);
        QVERIFY2(window.messages()->text().contains(QStringLiteral("bad.gradlens")),
                 qPrintable(window.messages()->text()));
        QCOMPARE(window.controller()->problem(), before);
        QCOMPARE(window.windowTitle(), title);
    }
};

QTEST_MAIN(TestSessionWindow)
#include "tst_sessionwindow.moc"
