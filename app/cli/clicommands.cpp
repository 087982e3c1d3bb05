#include "clicommands.h"

#include "benchmark.h"
#include "descent.h"
#include "deviation.h"
#include "evaluation.h"
#include "generators.h"
#include "gradientcheck.h"
#include "gradientforms.h"
#include "gradientprogram.h"
#include "instruments.h"
#include "landscapeslice.h"
#include "matrixio.h"
#include "numericgradient.h"
#include "planted.h"
#include "problem.h"
#include "race.h"
#include "savefile.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace gradlens::cli {

namespace {

// Bad usage or bad input; becomes exit status 2 with the message on stderr.
struct InputError {
    QString message;
};

QString fromStd(const std::string &text) {
    return QString::fromStdString(text);
}
std::string toStd(const QString &text) {
    return text.toStdString();
}

QJsonValue number(double value) {
    return std::isfinite(value) ? QJsonValue(value) : QJsonValue(QJsonValue::Null);
}

struct Command {
    QString name;
    QString synopsis;
    QList<QCommandLineOption> options;
    std::function<QJsonObject(const QCommandLineParser &, int &exitCode)> run;
};

QList<QCommandLineOption> problemOptions() {
    return {
        QCommandLineOption("R", "Target matrix R (n×n), .mtx or .csv.", "file"),
        QCommandLineOption("P", "Weight matrix P (n×n), .mtx or .csv.", "file"),
        QCommandLineOption("gamma", "Factor γ (n×r), .mtx or .csv.", "file"),
        QCommandLineOption("half", "Use the ½f convention instead of f."),
    };
}

QString required(const QCommandLineParser &parser, const QString &name) {
    if (!parser.isSet(name) || parser.value(name).isEmpty())
        throw InputError{QStringLiteral("missing --%1").arg(name)};
    return parser.value(name);
}

long long integerOption(const QCommandLineParser &parser, const QString &name, long long low,
                        long long high) {
    bool ok = false;
    const long long value = parser.value(name).toLongLong(&ok);
    if (!ok || value < low || value > high)
        throw InputError{QStringLiteral("--%1: expected an integer from %2 to %3, got \"%4\"")
                             .arg(name)
                             .arg(low)
                             .arg(high)
                             .arg(parser.value(name))};
    return value;
}

double doubleOption(const QCommandLineParser &parser, const QString &name, double low, double high,
                    const char *range) {
    bool ok = false;
    const double value = parser.value(name).toDouble(&ok); // QString::toDouble ignores the locale
    if (!ok || !std::isfinite(value) || value < low || value > high)
        throw InputError{QStringLiteral("--%1: expected a number %2, got \"%3\"")
                             .arg(name, QString::fromUtf8(range), parser.value(name))};
    return value;
}

template <typename Parse>
auto choiceOption(const QCommandLineParser &parser, const QString &name, const QString &choices,
                  Parse parse) {
    const auto parsed = parse(toStd(parser.value(name)));
    if (!parsed)
        throw InputError{
            QStringLiteral("--%1: expected one of %2, got \"%3\"").arg(name, choices, parser.value(name))};
    return *parsed;
}

Convention convention(const QCommandLineParser &parser) {
    return parser.isSet("half") ? Convention::Half : Convention::Full;
}

GradientVariant variantOption(const QCommandLineParser &parser) {
    return choiceOption(parser, "variant", fromStd(gradientVariantChoices()), parseGradientVariant);
}

// Notices (duplicate entries summed, γ transposed) wait here until the command is over: printed on stderr
// when it succeeds, dropped when it fails, so that a failure is always the one line on stderr.
QStringList &pendingNotices() {
    static QStringList notices;
    return notices;
}

void notice(const QString &path, const std::string &text) {
    pendingNotices() << QStringLiteral("%1: %2").arg(path, fromStd(text));
}

Eigen::MatrixXd readInput(const QString &path) {
    Eigen::MatrixXd matrix;
    std::string notice;
    if (Status status = readMatrix(toStd(path), matrix, &notice); !status)
        throw InputError{fromStd(status.message)};
    if (!notice.empty())
        gradlens::cli::notice(path, notice);
    return matrix;
}

void writeOutput(const QCommandLineParser &parser, const QString &name,
                 const Eigen::Ref<const Eigen::MatrixXd> &m) {
    if (!parser.isSet(name))
        return;
    if (Status status = writeMatrix(toStd(parser.value(name)), m); !status)
        throw InputError{QStringLiteral("--%1: %2").arg(name, fromStd(status.message))};
}

// Reads R, P and γ and validates them; a message names the file of the matrix at fault.
Problem loadProblem(const QCommandLineParser &parser) {
    const QString rPath = required(parser, "R"), pPath = required(parser, "P"),
                  gammaPath = required(parser, "gamma");
    Problem problem{readInput(rPath), readInput(pPath), readInput(gammaPath)};
    if (const std::string transposed = orientGamma(problem); !transposed.empty())
        notice(gammaPath, transposed);
    const Status shapes = validateShapes(problem.R.rows(), problem.R.cols(), problem.P.rows(),
                                         problem.P.cols(), problem.gamma.rows(), problem.gamma.cols());
    if (!shapes) {
        // Blame the file that disagrees with the other two, and say what it should have been.
        auto shape = [](const Eigen::MatrixXd &m) {
            return QStringLiteral("%1×%2").arg(m.rows()).arg(m.cols());
        };
        const Eigen::Index n = problem.gamma.rows();
        const bool rpAgree = problem.R.rows() == problem.R.cols() && problem.R.rows() == problem.P.rows() &&
                             problem.R.cols() == problem.P.cols();
        if (rpAgree)
            throw InputError{gammaPath + ": γ is " + shape(problem.gamma) + ", expected " +
                             QString::number(problem.R.rows()) + "×r (r ≥ 1) to match R and P, which are " +
                             shape(problem.R)};
        if (problem.P.rows() == n && problem.P.cols() == n)
            throw InputError{rPath + ": R is " + shape(problem.R) + ", expected " + shape(problem.P) +
                             " like P (n = " + QString::number(n) + " rows of γ)"};
        if (problem.R.rows() == n && problem.R.cols() == n)
            throw InputError{pPath + ": P is " + shape(problem.P) + ", expected " + shape(problem.R) +
                             " like R (n = " + QString::number(n) + " rows of γ)"};
        throw InputError{rPath + ": " + fromStd(shapes.message)};
    }
    for (const auto &[matrix, path, symbol] :
         {std::tuple{&problem.R, rPath, "R"}, std::tuple{&problem.P, pPath, "P"},
          std::tuple{&problem.gamma, gammaPath, "γ"}}) {
        if (Status finite = checkFinite(*matrix, symbol); !finite)
            throw InputError{path + ": " + fromStd(finite.message)};
    }
    return problem;
}

// The gradient to test: --gradient FILE (n×r, like γ) or the --variant formula. A file's G is taken at γ
// only.
struct Candidate {
    Eigen::MatrixXd gradient;
    QString source; // "file:G.npy" or the variant's name
    bool fromFile = false;

    QJsonValue variant() const { return fromFile ? QJsonValue(QJsonValue::Null) : QJsonValue(source); }
};

// The user's program from --gradient-cmd, started with R and P written once; nullptr without the option.
std::unique_ptr<GradientProgram> gradientProgram(const QCommandLineParser &parser, const Problem &problem) {
    if (!parser.isSet("gradient-cmd"))
        return nullptr;
    for (const char *other : {"gradient", "variant"})
        if (parser.optionNames().contains(QLatin1String(other))) // (descend has neither option)
            throw InputError{
                QStringLiteral("--gradient-cmd and --%1 exclude each other: the gradient tested is "
                               "one or the other")
                    .arg(QLatin1String(other))};
    GradientProgramOptions options;
    options.commandLine = parser.value("gradient-cmd");
    options.format = choiceOption(parser, "gradient-format", "npy, csv, mtx", [](std::string_view name) {
        return parseExchangeFormat(QString::fromUtf8(name.data(), qsizetype(name.size())));
    });
    options.timeoutMs = static_cast<int>(std::lround(
        1000 * doubleOption(parser, "gradient-timeout", 0.001, 86400.0, "in seconds, 0.001 … 86400")));
    std::unique_ptr<GradientProgram> program;
    if (Status started = GradientProgram::start(options, problem.R, problem.P, program); !started)
        throw InputError{fromStd(started.message)};
    return program;
}

Candidate candidateGradient(const QCommandLineParser &parser, const Problem &problem, Convention chosen) {
    if (auto program = gradientProgram(parser, problem)) {
        Eigen::MatrixXd gradient;
        if (Status got = program->gradient(problem.gamma, gradient); !got)
            throw InputError{fromStd(got.message)};
        return {std::move(gradient), "program:" + program->commandLine(), true};
    }
    if (!parser.isSet("gradient"))
        return {gradientVariant(problem, variantOption(parser), chosen),
                fromStd(std::string(gradientVariantName(variantOption(parser))))};
    if (parser.isSet("variant"))
        throw InputError{
            "--gradient and --variant exclude each other: the gradient tested is one or the other"};
    const QString path = parser.value("gradient");
    Eigen::MatrixXd gradient = readInput(path);
    if (gradient.rows() != problem.n() || gradient.cols() != problem.r()) {
        const bool transposed = gradient.rows() == problem.r() && gradient.cols() == problem.n();
        throw InputError{QStringLiteral("%1: the gradient is %2×%3, expected %4×%5 like γ%6")
                             .arg(path)
                             .arg(gradient.rows())
                             .arg(gradient.cols())
                             .arg(problem.n())
                             .arg(problem.r())
                             .arg(transposed ? QStringLiteral(" (it looks transposed)") : QString())};
    }
    if (Status finite = checkFinite(gradient, "G"); !finite)
        throw InputError{path + ": " + fromStd(finite.message)};
    return {std::move(gradient), "file:" + QFileInfo(path).fileName(), true};
}

// ---- generate --------------------------------------------------------------------------------------------

QJsonObject runGenerate(const QCommandLineParser &parser, int &) {
    GeneratorOptions options;
    required(parser, "n");
    required(parser, "r");
    options.n = integerOption(parser, "n", 1, 46340);
    options.r = integerOption(parser, "r", 1, 46340);
    options.seed =
        static_cast<std::uint64_t>(integerOption(parser, "seed", 0, std::numeric_limits<long long>::max()));
    options.weightKind =
        choiceOption(parser, "p-kind", "dense, nonnegative, mask, symmetric, zero-diagonal", parseWeightKind);
    options.maskDensity = doubleOption(parser, "mask-density", 0.0, 1.0, "in [0, 1]");
    options.targetKind = choiceOption(parser, "r-kind", "random, planted", parseTargetKind);
    options.noise = doubleOption(parser, "noise", 0.0, std::numeric_limits<double>::max(), "≥ 0");
    const QString outDir = required(parser, "out-dir");
    if (Status status = options.validate(); !status)
        throw InputError{fromStd(status.message)};
    if (!QDir().mkpath(outDir))
        throw InputError{QStringLiteral("--out-dir: cannot create directory \"%1\"").arg(outDir)};

    const GeneratedProblem generated = generateProblem(options);
    // The set is written all or nothing (saveFiles): a full disk leaves no R.mtx without its P.mtx.
    std::vector<std::pair<QString, const Eigen::MatrixXd *>> matrices = {
        {"R.mtx", &generated.problem.R},
        {"P.mtx", &generated.problem.P},
        {"gamma.mtx", &generated.problem.gamma}};
    if (generated.gammaStar.size() > 0)
        matrices.push_back({"gamma_star.mtx", &generated.gammaStar});
    QJsonArray files;
    std::vector<std::string> texts;
    std::vector<FileBytes> contents;
    for (const auto &[fileName, matrix] : matrices) {
        const QString path = QDir(outDir).filePath(fileName);
        texts.push_back(toMatrixMarket(*matrix));
        files.append(path);
    }
    for (std::size_t k = 0; k < matrices.size(); ++k)
        contents.emplace_back(toStd(files.at(qsizetype(k)).toString()), texts[k]);
    if (Status status = saveFiles(contents); !status)
        throw InputError{fromStd(status.message)};

    return {{"n", static_cast<double>(options.n)},
            {"r", static_cast<double>(options.r)},
            {"seed", static_cast<double>(options.seed)},
            {"p_kind", fromStd(std::string(weightKindName(options.weightKind)))},
            {"r_kind", fromStd(std::string(targetKindName(options.targetKind)))},
            {"files", files}};
}

// ---- eval ------------------------------------------------------------------------------------------------

QJsonObject runEval(const QCommandLineParser &parser, int &) {
    const QString formula = parser.value("formula");
    if (formula != "matrix" && formula != "entrywise")
        throw InputError{QStringLiteral("--formula: expected matrix or entrywise, got \"%1\"").arg(formula)};
    const Problem problem = loadProblem(parser);
    EvaluationOptions options;
    options.convention = convention(parser);
    options.wantResidual = parser.isSet("residual-out");
    options.wantGradient = formula == "matrix";
    Evaluation evaluation = evaluate(problem, options);
    if (formula == "entrywise")
        evaluation.gradient = entrywiseGradient(problem.R, problem.P, problem.gamma, options.convention);
    writeOutput(parser, "grad-out", evaluation.gradient);
    writeOutput(parser, "residual-out", evaluation.residual);
    return {{"n", static_cast<double>(problem.n())},
            {"r", static_cast<double>(problem.r())},
            {"convention", conventionName(options.convention)},
            {"formula", formula},
            {"symmetric_path", evaluation.symmetricPath},
            {"loss", number(evaluation.loss)},
            {"grad_norm", number(evaluation.gradient.stableNorm())},
            {"max_abs_grad", number(evaluation.gradient.cwiseAbs().maxCoeff())}};
}

// ---- check -----------------------------------------------------------------------------------------------

QJsonObject fingerprintJson(const Fingerprint &fingerprint) {
    QJsonObject coefficients;
    for (const auto &[term, value] : fingerprint.coefficients)
        coefficients.insert(fromStd(term), value ? number(*value) : QJsonValue(QJsonValue::Null));
    return {{"nearest", fromStd(fingerprint.nearest)},
            {"coefficients", coefficients},
            {"residual", number(fingerprint.residual)},
            {"explanation", fromStd(fingerprint.explanation)}};
}

QJsonObject runCheck(const QCommandLineParser &parser, int &exitCode) {
    GradientCheckOptions options;
    options.method =
        choiceOption(parser, "method", "forward, backward, central, complex, ridders", parseDifferenceMethod);
    if (parser.isSet("step"))
        options.step = doubleOption(parser, "step", std::numeric_limits<double>::min(),
                                    std::numeric_limits<double>::max(), "> 0");
    options.convention = convention(parser);
    const Problem problem = loadProblem(parser);
    const Candidate candidate = candidateGradient(parser, problem, options.convention);

    const GradientCheck check = checkGradient(problem, candidate.gradient, options);
    writeOutput(parser, "deviation-out", check.deviation.absolute);
    writeOutput(parser, "numeric-out", check.numeric);
    exitCode = check.verdict == CheckVerdict::Inconsistent ? ExitInconsistent : ExitOk;

    const double maxAbsGamma = problem.gamma.cwiseAbs().maxCoeff();
    const double step = options.step > 0 ? options.step : defaultStep(options.method, 0.0, maxAbsGamma);
    const DeviationReport &report = check.deviation;
    return {{"method", fromStd(std::string(differenceMethodName(options.method)))},
            {"gradient", candidate.source},
            {"variant", candidate.variant()},
            {"convention", conventionName(options.convention)},
            {"step", number(step)},
            {"max_abs_deviation", number(report.maxAbsolute)},
            {"max_rel_deviation", number(check.maxRelativeDeviation)},
            {"max_mixed_deviation", number(report.maxMixed)},
            {"max_rel_deviation_analytic", number(check.analyticDeviation)},
            {"worst_entry", QJsonArray{static_cast<double>(report.worstRow + 1),
                                       static_cast<double>(report.worstColumn + 1)}},
            {"threshold", check.threshold},
            {"stationary", check.stationary},
            {"rescaled", check.rescaled},
            {"fd_informative", check.precision.informative},
            {"precision", fromStd(check.precision.explanation)},
            {"taylor_slope", number(check.taylor.slope)},
            {"taylor_verdict", fromStd(std::string(taylorVerdictName(check.taylor.verdict)))},
            {"fingerprint", fingerprintJson(check.fingerprint)},
            {"verdict", fromStd(std::string(checkVerdictName(check.verdict)))},
            {"explanation", fromStd(check.explanation)}};
}

// ---- taylor, sweep, profile ------------------------------------------------------------------------------

// Columns of equal length as CSV with a header, 17 significant digits.
void writeColumns(const QCommandLineParser &parser, const QString &name,
                  const std::vector<std::string> &header,
                  const std::vector<const std::vector<double> *> &columns) {
    if (!parser.isSet(name))
        return;
    std::string text;
    for (std::size_t c = 0; c < header.size(); ++c) {
        text += c ? "," : "";
        text += header[c];
    }
    text += "\n";
    for (std::size_t row = 0; row < columns.front()->size(); ++row) {
        for (std::size_t c = 0; c < columns.size(); ++c) {
            text += c ? "," : "";
            text += formatDouble((*columns[c])[row]);
        }
        text += "\n";
    }
    if (Status status = writeTextFile(toStd(parser.value(name)), text); !status)
        throw InputError{QStringLiteral("--%1: %2").arg(name, fromStd(status.message))};
}

QJsonObject runTaylor(const QCommandLineParser &parser, int &exitCode) {
    TaylorOptions options;
    options.direction = choiceOption(parser, "direction", "random, gradient", parseTaylorDirection);
    options.seed =
        static_cast<std::uint64_t>(integerOption(parser, "seed", 0, std::numeric_limits<long long>::max()));
    options.convention = convention(parser);
    const Problem problem = loadProblem(parser);
    const Candidate candidate = candidateGradient(parser, problem, options.convention);
    options.gradient = &candidate.gradient;
    const TaylorResult result = taylorTest(problem, options);
    writeColumns(parser, "out", {"t", "E"}, {&result.t, &result.error});
    exitCode = result.verdict == TaylorVerdict::Wrong ? ExitInconsistent : ExitOk;
    QJsonArray window;
    if (result.windowEnd > result.windowBegin)
        window = {number(result.t[std::size_t(result.windowBegin)]),
                  number(result.t[std::size_t(result.windowEnd - 1)])};
    return {{"variant", candidate.variant()},
            {"gradient", candidate.source},
            {"direction", fromStd(std::string(taylorDirectionName(options.direction)))},
            {"slope", number(result.slope)},
            {"window", window},
            {"rounding_floor", number(result.roundingFloor)},
            {"verdict", fromStd(std::string(taylorVerdictName(result.verdict)))},
            {"explanation", fromStd(result.explanation)}};
}

QJsonObject runSweep(const QCommandLineParser &parser, int &) {
    SweepOptions options;
    options.convention = convention(parser);
    const Problem problem = loadProblem(parser);
    const Candidate candidate = candidateGradient(parser, problem, options.convention);
    options.gradient = &candidate.gradient;
    const SweepResult sweep = stepSweep(problem, options);
    writeColumns(parser, "out", {"h", "forward", "central", "complex"},
                 {&sweep.steps, &sweep.deviation[0], &sweep.deviation[1], &sweep.deviation[2]});
    auto perMethod = [](const std::array<double, 3> &values) {
        return QJsonObject{
            {"forward", number(values[0])}, {"central", number(values[1])}, {"complex", number(values[2])}};
    };
    return {{"gradient", candidate.source},
            {"best_step", perMethod(sweep.bestStep)},
            {"best_deviation", perMethod(sweep.bestDeviation)},
            {"default_step", perMethod(sweep.defaultStep)},
            {"scale", number(sweep.scale)}};
}

QJsonObject runProfile(const QCommandLineParser &parser, int &) {
    const GradientVariant variant = variantOption(parser);
    const Convention chosen = convention(parser);
    const Problem problem = loadProblem(parser);
    const Eigen::MatrixXd G = gradientVariant(problem, variant, chosen);
    const LineProfile profile = lineProfile(problem, G, chosen);
    QJsonArray coefficients;
    for (double c : profile.coefficients)
        coefficients.append(number(c));
    return {{"variant", fromStd(std::string(gradientVariantName(variant)))},
            {"coefficients", coefficients},
            {"exact_minimizer", number(profile.exactMinimizer)},
            {"minimum", number(profile.minimumValue)},
            {"note", fromStd(profile.note)}};
}

// ---- descend ---------------------------------------------------------------------------------------------

// The settings descend and compare share: limits, tolerances, the convention and every optimizer's
// parameters (the optimizer itself is each command's own).
DescentOptions descentSettings(const QCommandLineParser &parser) {
    constexpr double kMax = std::numeric_limits<double>::max();
    DescentOptions options;
    options.learningRate = doubleOption(parser, "lr", std::numeric_limits<double>::min(), kMax, "> 0");
    options.maxIterations = static_cast<int>(integerOption(parser, "iterations", 0, 100'000'000));
    options.gradientTolerance = doubleOption(parser, "tolerance", 0.0, kMax, "≥ 0");
    options.convention = convention(parser);
    options.relativeTolerance = doubleOption(parser, "relative-tolerance", 0.0, kMax, "≥ 0");
    options.momentum = doubleOption(parser, "momentum", 0.0, 1.0, "in [0, 1)");
    options.adamBeta1 = doubleOption(parser, "beta1", 0.0, 1.0, "in [0, 1)");
    options.adamBeta2 = doubleOption(parser, "beta2", 0.0, 1.0, "in [0, 1)");
    options.adamEpsilon = doubleOption(parser, "epsilon", std::numeric_limits<double>::min(), kMax, "> 0");
    options.stepDecay = doubleOption(parser, "step-decay", 0.0, kMax, "≥ 0");
    options.scaleStep = !parser.isSet("fixed-step");
    options.stepScaleFactor = doubleOption(parser, "step-scale", 0.0, kMax, "≥ 0");
    options.lbfgsMemory = static_cast<int>(integerOption(parser, "memory", 1, 1000));
    return options;
}

QList<QCommandLineOption> descentSettingOptions(const QString &defaultIterations) {
    return {
        QCommandLineOption(
            "lr",
            "Learning rate: gd's step, armijo's first trial step, and the step t₀ of momentum, "
            "nesterov and adam with --fixed-step.",
            "X", "0.01"),
        QCommandLineOption("iterations", "Iteration limit.", "K", defaultIterations),
        QCommandLineOption("tolerance", "Stop when the gradient norm is at most this.", "T", "1e-6"),
        QCommandLineOption("relative-tolerance",
                           "Or when it is at most this times the starting gradient norm (0: off).", "T", "0"),
        QCommandLineOption("momentum", "β of momentum and nesterov.", "B", "0.7"),
        QCommandLineOption("beta1", "Adam's β₁.", "B", "0.9"),
        QCommandLineOption("beta2", "Adam's β₂.", "B", "0.999"),
        QCommandLineOption("epsilon", "Adam's ε.", "E", "1e-8"),
        QCommandLineOption("step-decay",
                           "gd, momentum, nesterov, adam: step t₀/(1 + k·D) at step k (0: fixed).", "D", "0"),
        QCommandLineOption(
            "step-scale",
            "momentum, nesterov, adam: t₀ is this times the exact line-search step along −G at "
            "the start (for adam, per entry: a first move as long); 0: 0.25 for momentum and "
            "nesterov, 0.5 for adam.",
            "F", "0"),
        QCommandLineOption("fixed-step", "momentum, nesterov, adam: t₀ = --lr instead of the scaled step."),
        QCommandLineOption("memory", "lbfgs: correction pairs kept.", "M", "10"),
    };
}

// --gamma-star, n×r like γ; nullopt without the option.
std::optional<Eigen::MatrixXd> plantedFactor(const QCommandLineParser &parser, const Problem &problem) {
    if (!parser.isSet("gamma-star"))
        return std::nullopt;
    Eigen::MatrixXd gammaStar = readInput(parser.value("gamma-star"));
    if (gammaStar.rows() != problem.n() || gammaStar.cols() != problem.r())
        throw InputError{QStringLiteral("%1: γ* is %2×%3, expected %4×%5 like γ")
                             .arg(parser.value("gamma-star"))
                             .arg(gammaStar.rows())
                             .arg(gammaStar.cols())
                             .arg(problem.n())
                             .arg(problem.r())};
    return gammaStar;
}

QJsonObject runDescend(const QCommandLineParser &parser, int &) {
    DescentOptions options = descentSettings(parser);
    options.optimizer = choiceOption(parser, "optimizer", fromStd(optimizerChoices()), parseOptimizer);
    if (Status valid = options.validate(); !valid)
        throw InputError{fromStd(valid.message)};
    const Problem problem = loadProblem(parser);
    const std::optional<Eigen::MatrixXd> gammaStar = plantedFactor(parser, problem);
    // The user's program at every γ: descent follows it instead of the formula.
    const std::unique_ptr<GradientProgram> program = gradientProgram(parser, problem);
    if (program) {
        options.gradientSource = [&program](const Eigen::MatrixXd &gamma, Eigen::MatrixXd &gradient) {
            return program->gradient(gamma, gradient);
        };
        options.gradientSourceName = "program:" + toStd(program->commandLine());
    }

    // The history streams to --history-out as it is made (a run of 10^8 iterations keeps only a thinned
    // copy in memory); the file replaces its target when the run is over.
    StreamingFile history;
    Status historyStatus = Status::success();
    const bool streaming = parser.isSet("history-out");
    if (streaming) {
        historyStatus = history.open(toStd(parser.value("history-out")));
        if (historyStatus)
            historyStatus = history.write(historyCsvHeader());
        if (!historyStatus)
            throw InputError{QStringLiteral("--history-out: %1").arg(fromStd(historyStatus.message))};
    }
    const DescentSummary summary =
        descend(problem, options, [&](const IterationRecord &record, const Eigen::MatrixXd &) {
            if (streaming && historyStatus)
                historyStatus = history.write(historyCsvRow(record));
            return bool(historyStatus); // a failed write (a full disk) stops the run: it would be lost
        });
    // Bad input, and the user's program failing, are errors (exit 2) like in check, not a result.
    if (summary.termination == Termination::InvalidInput ||
        summary.termination == Termination::GradientFailed)
        throw InputError{fromStd(summary.message)};
    if (streaming && historyStatus)
        historyStatus = history.commit();
    if (!historyStatus)
        throw InputError{QStringLiteral("--history-out: %1").arg(fromStd(historyStatus.message))};
    writeOutput(parser, "gamma-out", summary.gamma);
    return {{"optimizer", fromStd(std::string(optimizerName(options.optimizer)))},
            {"gradient", program ? "program:" + program->commandLine() : QStringLiteral("correct")},
            {"gradient_calls", program ? program->calls() : 0},
            {"convention", conventionName(options.convention)},
            {"iterations", summary.iterations},
            {"function_evaluations", static_cast<double>(summary.functionEvaluations)},
            {"gradient_evaluations", static_cast<double>(summary.gradientEvaluations)},
            {"initial_loss", number(summary.initialLoss)},
            {"final_loss", number(summary.finalLoss)},
            {"final_grad_norm", number(summary.finalGradientNorm)},
            {"termination", fromStd(std::string(terminationName(summary.termination)))},
            {"message", fromStd(summary.message)},
            // min over orthogonal Q of ‖γQ − γ*‖_F, at the start and at the end (null without --gamma-star)
            {"initial_distance_to_planted",
             gammaStar ? QJsonValue(number(distanceToPlanted(problem.gamma, *gammaStar))) : QJsonValue()},
            {"distance_to_planted",
             gammaStar ? QJsonValue(number(distanceToPlanted(summary.gamma, *gammaStar))) : QJsonValue()}};
}

// ---- compare ---------------------------------------------------------------------------------------------

QJsonObject runCompare(const QCommandLineParser &parser, int &) {
    const DescentOptions settings = descentSettings(parser);
    std::vector<DescentOptions> runs;
    for (const QString &name : parser.value("optimizers").split(',')) {
        const auto kind = parseOptimizer(toStd(name.trimmed()));
        if (!kind)
            throw InputError{QStringLiteral("--optimizers: unknown optimizer \"%1\"; valid names: %2")
                                 .arg(name.trimmed(), fromStd(optimizerChoices()))};
        runs.push_back(settings);
        runs.back().optimizer = *kind;
    }
    if (Status valid = settings.validate(); !valid)
        throw InputError{fromStd(valid.message)};
    const Problem problem = loadProblem(parser);
    const std::vector<RaceRun> results = race(problem, runs);
    if (parser.isSet("out"))
        if (Status status = writeTextFile(toStd(parser.value("out")), raceToCsv(results)); !status)
            throw InputError{QStringLiteral("--out: %1").arg(fromStd(status.message))};
    QJsonArray array;
    for (const RaceRun &run : results) {
        if (run.summary.termination == Termination::InvalidInput)
            throw InputError{fromStd(run.summary.message)};
        const auto f = static_cast<double>(run.summary.functionEvaluations);
        const auto g = static_cast<double>(run.summary.gradientEvaluations);
        array.append(
            QJsonObject{{"optimizer", fromStd(run.optimizer)},
                        {"iterations", run.summary.iterations},
                        {"function_evaluations", f},
                        {"gradient_evaluations", g},
                        {"evaluations", f + g},
                        {"seconds", run.totalSeconds},
                        {"final_loss", number(run.summary.finalLoss)},
                        {"final_grad_norm", number(run.summary.finalGradientNorm)},
                        {"termination", fromStd(std::string(terminationName(run.summary.termination)))},
                        {"message", fromStd(run.summary.message)}});
    }
    return {{"n", static_cast<double>(problem.n())},
            {"r", static_cast<double>(problem.r())},
            {"convention", conventionName(settings.convention)},
            {"runs", array}};
}

// ---- slice -----------------------------------------------------------------------------------------------

QJsonObject runSlice(const QCommandLineParser &parser, int &) {
    const Convention chosen = convention(parser);
    const double extent = doubleOption(parser, "extent", std::numeric_limits<double>::min(),
                                       std::numeric_limits<double>::max(), "> 0");
    const int points = static_cast<int>(integerOption(parser, "grid", 2, 4001));
    const Problem problem = loadProblem(parser);
    const std::optional<Eigen::MatrixXd> gammaStar = plantedFactor(parser, problem);
    Eigen::MatrixXd D1, D2;
    QJsonArray directions;
    const QStringList files = parser.values("direction-files");
    if (!files.isEmpty()) {
        if (parser.isSet("directions"))
            throw InputError{"--directions and --direction-files exclude each other"};
        if (files.size() != 2)
            throw InputError{QStringLiteral("--direction-files: expected two files (the option given twice), "
                                            "got %1")
                                 .arg(files.size())};
        for (const auto &[file, D] : {std::pair{files[0], &D1}, std::pair{files[1], &D2}}) {
            *D = readInput(file);
            if (D->rows() != problem.n() || D->cols() != problem.r())
                throw InputError{QStringLiteral("%1: the direction is %2×%3, expected %4×%5 like γ")
                                     .arg(file)
                                     .arg(D->rows())
                                     .arg(D->cols())
                                     .arg(problem.n())
                                     .arg(problem.r())};
            if (Status finite = checkFinite(*D, "D"); !finite)
                throw InputError{file + ": " + fromStd(finite.message)};
            directions.append("file:" + QFileInfo(file).fileName());
        }
    } else {
        const QStringList names = parser.value("directions").split(',');
        if (names.size() != 2)
            throw InputError{
                QStringLiteral("--directions: expected two names separated by a comma, got \"%1\"")
                    .arg(parser.value("directions"))};
        SliceDirectionOptions options;
        auto parse = [&](const QString &name) {
            const auto kind = parseSliceDirection(toStd(name.trimmed()));
            if (!kind)
                throw InputError{
                    QStringLiteral("--directions: expected gradient, random or planted, got \"%1\"")
                        .arg(name.trimmed())};
            directions.append(name.trimmed());
            return *kind;
        };
        options.first = parse(names[0]);
        options.second = parse(names[1]);
        options.seed = static_cast<std::uint64_t>(
            integerOption(parser, "seed", 0, std::numeric_limits<long long>::max()));
        options.gammaStar = gammaStar ? &*gammaStar : nullptr;
        options.convention = chosen;
        if (Status made = sliceDirections(problem, options, D1, D2); !made)
            throw InputError{QStringLiteral("--directions: %1").arg(fromStd(made.message))};
    }
    const SliceCoefficients coefficients = sliceCoefficients(problem, D1, D2, chosen);
    const SliceGrid grid = sliceGrid(coefficients, extent, points);
    if (parser.isSet("out")) {
        std::string text = "a,b,f\n";
        for (Eigen::Index j = 0; j < grid.f.cols(); ++j)
            for (Eigen::Index i = 0; i < grid.f.rows(); ++i)
                text += formatDouble(grid.a[std::size_t(i)]) + "," + formatDouble(grid.b[std::size_t(j)]) +
                        "," + formatDouble(grid.f(i, j)) + "\n";
        if (Status status = writeTextFile(toStd(parser.value("out")), text); !status)
            throw InputError{QStringLiteral("--out: %1").arg(fromStd(status.message))};
    }
    QJsonArray terms;
    for (int degree = 0; degree <= 4; ++degree)
        for (int bPower = 0; bPower <= degree; ++bPower)
            terms.append(QJsonObject{
                {"a_power", degree - bPower},
                {"b_power", bPower},
                {"value",
                 number(coefficients.c[std::size_t(SliceCoefficients::index(degree - bPower, bPower))])}});
    return {
        {"n", static_cast<double>(problem.n())},
        {"r", static_cast<double>(problem.r())},
        {"convention", conventionName(chosen)},
        {"directions", directions},
        {"direction_norms", QJsonArray{number(D1.norm()), number(D2.norm())}},
        {"gamma_norm", number(problem.gamma.norm())},
        {"extent", extent},
        {"grid", points},
        {"coefficients", terms},
        {"center_loss", number(coefficients.c[0])},
        {"grid_min", QJsonObject{{"a", grid.minimumA}, {"b", grid.minimumB}, {"f", number(grid.minimum)}}},
        {"grid_max", number(grid.maximum)}};
}

// ---- bench -----------------------------------------------------------------------------------------------

QJsonObject runBench(const QCommandLineParser &parser, int &) {
    BenchmarkOptions options;
    options.n = integerOption(parser, "n", 1, 46340);
    options.r = integerOption(parser, "r", 1, 46340);
    options.repeat = static_cast<int>(integerOption(parser, "repeat", 1, 1000));
    options.symmetric = parser.isSet("symmetric");
    if (Status status = options.validate(); !status)
        throw InputError{fromStd(status.message)};
    const BenchmarkResult result = runBenchmark(options);
    return {{"n", static_cast<double>(options.n)},
            {"r", static_cast<double>(options.r)},
            {"symmetric", options.symmetric},
            {"threads", result.threads},
            {"evaluate_seconds", result.evaluateSeconds},
            {"stream_read_seconds", result.streamReadSeconds},
            {"naive_seconds", result.naiveSeconds},
            {"ratio_to_stream", result.evaluateSeconds / result.streamReadSeconds},
            {"speedup_vs_naive", result.naiveSeconds / result.evaluateSeconds},
            {"numeric_gradient_seconds", result.numericGradientSeconds},
            {"direct_evaluate_seconds", result.directEvaluateSeconds},
            {"direct_ratio_to_stream", result.directEvaluateSeconds / result.streamReadSeconds},
            {"layout_seconds", result.layoutSeconds},
            // against one analytic gradient as `eval` computes it: P and R as stored, no layout built
            {"numeric_to_analytic", result.numericGradientSeconds / result.directEvaluateSeconds},
            {"max_rel_difference_vs_naive", result.maxRelativeDifference}};
}

QCommandLineOption variantCommandOption() {
    return QCommandLineOption("variant",
                              QStringLiteral("Gradient formula to test, one of %1: the correct one, its "
                                             "entry-wise sums, or a teaching mistake.")
                                  .arg(fromStd(gradientVariantChoices())),
                              "variant", "correct");
}

// --gradient-cmd and its settings: the user's program, run at γ (check, taylor, sweep) or at every γ
// (descend).
QList<QCommandLineOption> gradientProgramOptions() {
    return {
        QCommandLineOption("gradient-cmd",
                           "Test the gradient your program computes: it is run (without a shell) with four "
                           "paths appended, R P γ OUT, and writes the gradient of f (of ½f with --half) "
                           "to OUT.",
                           "command"),
        QCommandLineOption("gradient-format", "Format of the four files: npy, csv or mtx.", "format", "npy"),
        QCommandLineOption("gradient-timeout", "Seconds one run of the program may take.", "seconds", "60")};
}

QCommandLineOption gradientCommandOption() {
    return QCommandLineOption(
        "gradient",
        "Test this gradient instead of a --variant: a file (.mtx, .csv, .npy, .mat), n×r like "
        "γ, the gradient of f (of ½f with --half) at γ.",
        "file");
}

std::vector<Command> commands() {
    auto withProblem = [](QList<QCommandLineOption> extra, const QList<QCommandLineOption> &more = {}) {
        QList<QCommandLineOption> options = problemOptions();
        options.append(extra);
        options.append(more);
        return options;
    };
    return {
        {"generate",
         "Generate a seeded problem and write R.mtx, P.mtx, gamma.mtx (and gamma_star.mtx).",
         {QCommandLineOption("n", "Size of R and P (n×n).", "N"),
          QCommandLineOption("r", "Columns of γ.", "R"),
          QCommandLineOption("seed", "Random seed (same seed, same matrices everywhere).", "S", "1"),
          QCommandLineOption("p-kind", "dense, nonnegative, mask, symmetric or zero-diagonal.", "kind",
                             "dense"),
          QCommandLineOption("mask-density", "Fraction of ones for --p-kind mask.", "D", "0.5"),
          QCommandLineOption("r-kind", "random, or planted P∘γ*γ*ᵀ + noise.", "kind", "planted"),
          QCommandLineOption("noise", "Noise standard deviation for a planted R.", "sigma", "0.01"),
          QCommandLineOption("out-dir", "Directory to write the matrices to.", "dir")},
         runGenerate},
        {"eval", "Evaluate the loss, the gradient and optionally the residual.",
         withProblem({QCommandLineOption("formula", "matrix (fused) or entrywise.", "form", "matrix"),
                      QCommandLineOption("grad-out", "Write the gradient (n×r) here.", "file"),
                      QCommandLineOption("residual-out", "Write the residual M (n×n) here.", "file")}),
         runEval},
        {"check",
         "Compare a gradient (a --variant formula or a --gradient file) with the numerical and the analytic "
         "one. "
         "Exit 1 when inconsistent.",
         withProblem(
             {QCommandLineOption("method", "forward, backward, central, complex or ridders.", "method",
                                 "central"),
              QCommandLineOption("step", "Finite-difference step h (default: chosen per entry).", "h"),
              variantCommandOption(), gradientCommandOption(),
              QCommandLineOption("deviation-out", "Write |G − numeric| (n×r) here, G the gradient tested.",
                                 "file"),
              QCommandLineOption("numeric-out", "Write the numerical gradient (n×r) here.", "file")},
             gradientProgramOptions()),
         runCheck},
        {"descend", "Run gradient descent and report the result.",
         withProblem({QCommandLineOption(
                          "optimizer",
                          "gd (fixed step), armijo (backtracking), exact (the exact step: f along −G is "
                          "a quartic), momentum (heavy ball), nesterov, adam or lbfgs (strong Wolfe "
                          "line search).",
                          "name", "armijo"),
                      QCommandLineOption(
                          "gamma-star",
                          "The planted γ*: report the distance to it up to rotation (Procrustes).", "file"),
                      QCommandLineOption("gamma-out", "Write the final γ here.", "file"),
                      QCommandLineOption("history-out",
                                         "Write iteration, loss, grad_norm, step, function_evaluations, "
                                         "gradient_evaluations as CSV here.",
                                         "file")},
                     descentSettingOptions("100") + gradientProgramOptions()),
         runDescend},
        {"compare", "Race optimizers from the same start: iterations, evaluations and time of each.",
         withProblem({QCommandLineOption("optimizers",
                                         "Comma-separated names among gd, armijo, exact, momentum, nesterov, "
                                         "adam, lbfgs.",
                                         "names", "gd,armijo,momentum,nesterov,adam,lbfgs,exact"),
                      QCommandLineOption("out",
                                         "Write optimizer, iteration, function_evaluations, "
                                         "gradient_evaluations, seconds, loss, grad_norm as CSV here.",
                                         "file")},
                     descentSettingOptions("1000")),
         runCompare},
        {"slice", "f on the plane γ + a·D1 + b·D2: its 15 coefficients and a grid.",
         withProblem(
             {QCommandLineOption("directions",
                                 "Two of gradient (−G), random, planted (γ* − γ, needs --gamma-star), "
                                 "comma-separated.",
                                 "D1,D2", "gradient,random"),
              QCommandLineOption("direction-files",
                                 "D1 and D2 from files (n×r like γ): give the option twice.", "file"),
              QCommandLineOption("gamma-star", "The planted γ*, for the planted direction.", "file"),
              QCommandLineOption("extent", "The grid spans −A … A in a and in b.", "A", "1"),
              QCommandLineOption("grid", "Points per side of the grid.", "N", "101"),
              QCommandLineOption("seed", "Seed of the random direction.", "S", "1"),
              QCommandLineOption("out", "Write a, b, f as CSV here.", "file")}),
         runSlice},
        {"taylor", "Taylor remainder test: slope 2 when the gradient is right, 1 when it is wrong.",
         withProblem(
             {variantCommandOption(), gradientCommandOption(),
              QCommandLineOption("direction", "random or gradient (the negative gradient).", "D", "random"),
              QCommandLineOption("seed", "Seed of the random direction.", "S", "1"),
              QCommandLineOption("out", "Write t, E(t) as CSV here.", "file")},
             gradientProgramOptions()),
         runTaylor},
        {"sweep", "Deviation against the step h for forward, central and complex step.",
         withProblem({variantCommandOption(), gradientCommandOption(),
                      QCommandLineOption("out", "Write h and each method's deviation as CSV here.", "file")},
                     gradientProgramOptions()),
         runSweep},
        {"profile", "Coefficients of the quartic f(γ − tG) and its exact minimiser.",
         withProblem({variantCommandOption()}), runProfile},
        {"bench",
         "Time the fused evaluation against a stream-read of P and R and a straightforward version.",
         {QCommandLineOption("n", "Matrix size.", "N", "4096"),
          QCommandLineOption("r", "Columns of γ.", "R", "1"),
          QCommandLineOption("repeat", "Timed repetitions (medians are reported).", "K", "5"),
          QCommandLineOption("symmetric", "Symmetric P and R (the one-triangle path).")},
         runBench},
    };
}

// The file a path names, to compare paths: links and "." resolved; a file not there yet is its folder's
// canonical path and its name. A .mat input "file.mat:variable" names file.mat.
QString fileIdentity(QString path) {
    if (const qsizetype mat = path.lastIndexOf(QLatin1String(".mat:"), -1, Qt::CaseInsensitive); mat >= 0)
        path.truncate(mat + 4);
    const QFileInfo info(path);
    if (info.exists())
        return info.canonicalFilePath();
    const QString folder = info.absoluteDir().canonicalPath();
    return (folder.isEmpty() ? info.absolutePath() : folder) + QLatin1Char('/') + info.fileName();
}

// Before anything is read or computed: an output may not be an input (it would destroy it) and two outputs
// may not share a file (one would silently replace the other).
void checkOutputPaths(const QCommandLineParser &parser) {
    static const QStringList inputs = {"R", "P", "gamma", "gamma-star", "direction-files"};
    static const QStringList outputs = {
        "grad-out", "residual-out", "deviation-out", "numeric-out", "gamma-out", "history-out", "out"};
    QList<std::pair<QString, QString>> seen; // identity, option
    for (const QString &input : inputs)
        if (parser.optionNames().contains(input))
            for (const QString &value : parser.values(input)) // (--direction-files comes twice)
                if (!value.isEmpty())
                    seen.append({fileIdentity(value), input});
    for (const QString &output : outputs) {
        if (!parser.optionNames().contains(output) || parser.value(output).isEmpty())
            continue;
        const QString identity = fileIdentity(parser.value(output));
        for (const auto &[other, option] : seen)
            if (other == identity)
                throw InputError{QStringLiteral("--%1: \"%2\" is the same file as --%3; %4")
                                     .arg(output, parser.value(output), option,
                                          inputs.contains(option)
                                              ? QStringLiteral("refusing to overwrite an input")
                                              : QStringLiteral("give each output its own file"))};
        seen.append({identity, output});
    }
}

QString commandNames(const std::vector<Command> &all) {
    QStringList names;
    for (const Command &command : all)
        names << command.name;
    return names.join(", ");
}

QString overview(const std::vector<Command> &all) {
    QString text = "Usage: gradlens-cli <command> [options]\n\n"
                   "Gradient Lens: f(γ) = ‖R − P∘(γγᵀ)‖²_F, its gradient 2(P∘M + Pᵀ∘Mᵀ)γ and checks of it.\n"
                   "Every command prints one JSON object. Exit status: 0 ok, 1 check found the gradient\n"
                   "inconsistent, 2 bad usage or bad input.\n\nCommands:\n";
    for (const Command &command : all)
        text += QStringLiteral("  %1  %2\n").arg(command.name, -9).arg(command.synopsis);
    text += "\nRun \"gradlens-cli <command> --help\" for the options of a command.\n";
    return text;
}

} // namespace

CommandOutcome runCommand(const QStringList &arguments) {
    CommandOutcome outcome;
    const std::vector<Command> all = commands();
    if (arguments.size() < 2) {
        outcome.exitCode = ExitBadInput;
        outcome.error = "no command given; commands: " + commandNames(all) + " (see --help)";
        return outcome;
    }
    const QString name = arguments.at(1);
    if (name == "--help" || name == "-h" || name == "help") {
        outcome.help = overview(all);
        return outcome;
    }
    if (name == "--version") {
        outcome.help = "gradlens-cli " + QCoreApplication::applicationVersion() + "\n";
        return outcome;
    }
    const auto command =
        std::find_if(all.begin(), all.end(), [&](const Command &c) { return c.name == name; });
    if (command == all.end()) {
        outcome.exitCode = ExitBadInput;
        outcome.error = QStringLiteral("unknown command \"%1\"; commands: %2").arg(name, commandNames(all));
        return outcome;
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(command->synopsis);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions(command->options);
    const QCommandLineOption help({"h", "help"}, "Show the options of this command.");
    parser.addOption(help);
    QStringList commandArguments = arguments.mid(1);
    commandArguments[0] = arguments.at(0) + " " + name;
    if (!parser.parse(commandArguments)) {
        outcome.exitCode = ExitBadInput;
        outcome.error = QStringLiteral("%1: %2").arg(name, parser.errorText());
        return outcome;
    }
    if (parser.isSet(help)) {
        outcome.help = parser.helpText();
        return outcome;
    }
    if (!parser.positionalArguments().isEmpty()) {
        outcome.exitCode = ExitBadInput;
        outcome.error =
            QStringLiteral("%1: unexpected argument \"%2\"").arg(name, parser.positionalArguments().first());
        return outcome;
    }
    pendingNotices().clear();
    try {
        checkOutputPaths(parser);
        outcome.json = command->run(parser, outcome.exitCode);
    } catch (const InputError &error) {
        outcome.exitCode = ExitBadInput;
        outcome.error = error.message;
    }
    outcome.notices = std::exchange(pendingNotices(), QStringList());
    return outcome;
}

} // namespace gradlens::cli
