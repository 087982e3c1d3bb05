#include "panelsettings.h"

#include "checkpanel.h"
#include "descentpanel.h"
#include "problempanel.h"

#include <QMainWindow>
#include <QSettings>
#include <QSplitter>

namespace gradlens {

void restorePanelSettings(const QSettings &settings, ProblemPanel *problemPanel, DescentPanel *descentPanel,
                          CheckPanel *checkPanel) {
    GeneratorOptions options = problemPanel->options();
    options.n = settings.value(QStringLiteral("problem/n"), qlonglong(options.n)).toLongLong();
    options.r = settings.value(QStringLiteral("problem/r"), qlonglong(options.r)).toLongLong();
    options.seed = settings.value(QStringLiteral("problem/seed"), quint64(options.seed)).toULongLong();
    options.weightKind =
        WeightKind(settings.value(QStringLiteral("problem/weights"), int(options.weightKind)).toInt());
    options.maskDensity = settings.value(QStringLiteral("problem/density"), options.maskDensity).toDouble();
    options.targetKind =
        TargetKind(settings.value(QStringLiteral("problem/target"), int(options.targetKind)).toInt());
    options.noise = settings.value(QStringLiteral("problem/noise"), options.noise).toDouble();
    if (options.validate())
        problemPanel->setOptions(options);
    DescentOptions descent = descentPanel->options();
    descent.optimizer =
        OptimizerKind(settings.value(QStringLiteral("descent/optimizer"), int(descent.optimizer)).toInt());
    descent.learningRate =
        settings.value(QStringLiteral("descent/learningRate"), descent.learningRate).toDouble();
    descent.maxIterations =
        settings.value(QStringLiteral("descent/iterations"), descent.maxIterations).toInt();
    descent.gradientTolerance =
        settings.value(QStringLiteral("descent/tolerance"), descent.gradientTolerance).toDouble();
    descent.momentum = settings.value(QStringLiteral("descent/momentum"), descent.momentum).toDouble();
    descent.adamBeta1 = settings.value(QStringLiteral("descent/adamBeta1"), descent.adamBeta1).toDouble();
    descent.adamBeta2 = settings.value(QStringLiteral("descent/adamBeta2"), descent.adamBeta2).toDouble();
    descent.adamEpsilon =
        settings.value(QStringLiteral("descent/adamEpsilon"), descent.adamEpsilon).toDouble();
    descent.stepDecay = settings.value(QStringLiteral("descent/stepDecay"), descent.stepDecay).toDouble();
    descent.lbfgsMemory = settings.value(QStringLiteral("descent/lbfgsMemory"), descent.lbfgsMemory).toInt();
    if (descent.validate())
        descentPanel->setOptions(descent);
    CheckSettings check = checkPanel->settings();
    check.method =
        DifferenceMethod(settings.value(QStringLiteral("check/method"), int(check.method)).toInt());
    check.step = settings.value(QStringLiteral("check/step"), check.step).toDouble();
    check.everyIterations = settings.value(QStringLiteral("check/every"), check.everyIterations).toInt();
    check.pauseOnFailure = settings.value(QStringLiteral("check/pauseOnFailure"), false).toBool();
    checkPanel->setSettings(check);
    checkPanel->setConvention(Convention(settings.value(QStringLiteral("check/convention"), 0).toInt()));
    checkPanel->setVariant(GradientVariant(settings.value(QStringLiteral("check/variant"), 0).toInt()));
}

void savePanelSettings(QSettings &settings, const ProblemPanel *problemPanel,
                       const DescentPanel *descentPanel, const CheckPanel *checkPanel) {
    const GeneratorOptions problem = problemPanel->options();
    settings.setValue(QStringLiteral("problem/n"), qlonglong(problem.n));
    settings.setValue(QStringLiteral("problem/r"), qlonglong(problem.r));
    settings.setValue(QStringLiteral("problem/seed"), quint64(problem.seed));
    settings.setValue(QStringLiteral("problem/weights"), int(problem.weightKind));
    settings.setValue(QStringLiteral("problem/density"), problem.maskDensity);
    settings.setValue(QStringLiteral("problem/target"), int(problem.targetKind));
    settings.setValue(QStringLiteral("problem/noise"), problem.noise);
    const DescentOptions descent = descentPanel->options();
    settings.setValue(QStringLiteral("descent/optimizer"), int(descent.optimizer));
    settings.setValue(QStringLiteral("descent/learningRate"), descent.learningRate);
    settings.setValue(QStringLiteral("descent/iterations"), descent.maxIterations);
    settings.setValue(QStringLiteral("descent/tolerance"), descent.gradientTolerance);
    settings.setValue(QStringLiteral("descent/momentum"), descent.momentum);
    settings.setValue(QStringLiteral("descent/adamBeta1"), descent.adamBeta1);
    settings.setValue(QStringLiteral("descent/adamBeta2"), descent.adamBeta2);
    settings.setValue(QStringLiteral("descent/adamEpsilon"), descent.adamEpsilon);
    settings.setValue(QStringLiteral("descent/stepDecay"), descent.stepDecay);
    settings.setValue(QStringLiteral("descent/lbfgsMemory"), descent.lbfgsMemory);
    const CheckSettings check = checkPanel->settings();
    settings.setValue(QStringLiteral("check/method"), int(check.method));
    settings.setValue(QStringLiteral("check/step"), check.step);
    settings.setValue(QStringLiteral("check/every"), check.everyIterations);
    settings.setValue(QStringLiteral("check/pauseOnFailure"), check.pauseOnFailure);
    settings.setValue(QStringLiteral("check/convention"), int(checkPanel->convention()));
    settings.setValue(QStringLiteral("check/variant"), int(checkPanel->variant()));
}

namespace {
// The window's splitters, in the order the window passes them.
constexpr const char *kSplitterKeys[] = {"window/heatmaps", "window/vertical"};
} // namespace

void restoreWindowLayout(const QSettings &settings, QMainWindow *window,
                         const std::array<QSplitter *, 2> &splitters) {
    window->restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    window->restoreState(settings.value(QStringLiteral("window/docks")).toByteArray());
    for (std::size_t k = 0; k < splitters.size(); ++k)
        splitters[k]->restoreState(settings.value(QLatin1String(kSplitterKeys[k])).toByteArray());
}

void saveWindowLayout(QSettings &settings, const QMainWindow *window,
                      const std::array<QSplitter *, 2> &splitters) {
    settings.setValue(QStringLiteral("window/geometry"), window->saveGeometry());
    settings.setValue(QStringLiteral("window/docks"), window->saveState());
    for (std::size_t k = 0; k < splitters.size(); ++k)
        settings.setValue(QLatin1String(kSplitterKeys[k]), splitters[k]->saveState());
}

} // namespace gradlens
