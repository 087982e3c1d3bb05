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
#include "session.h"
#include "views.h"

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
    QString positional = {}; // the one positional argument it takes ("file"), if any
};

QList<QCommandLineOption> problemOptions() {
    return {
        QCommandLineOption("R", "Target matrix R (n×n), .mtx or .csv.", "file"),
        QCommandLineOption("P", "Weight matrix P (n×n), .mtx or .csv.", "file"),
        QCommandLineOption("gamma", "Factor γ (n×r), .mtx or .csv.", "file"),
        QCommandLineOption("session",
                           "A session file (.gradlens) in place of --R, --P and --gamma: its R, P and "
                           "iterate γ; its settings are the defaults of the options below.",
                           "file"),
        QCommandLineOption("half", "Use the ½f convention instead of f (--convention half)."),
        QCommandLineOption("convention", "full (f) or half (½f); default full, or the session's.", "C"),
    };
}

// The session given with --session, read once before the command runs; empty without the option.
std::optional<Session> &commandSession() {
    static std::optional<Session> session;
    return session;
}

// What a session's settings say for an option the user did not give: descent's optimizer and steps, the
// check's method and step, the formula tested. Explicit options always win.
std::optional<QString> sessionDefault(const QString &name) {
    if (!commandSession())
        return std::nullopt;
    const SessionSettings &settings = commandSession()->settings;
    auto exact = [](double value) { return QString::number(value, 'g', 17); };
    if (name == "optimizer")
        return fromStd(std::string(optimizerName(settings.optimizer)));
    if (name == "lr")
        return exact(settings.learningRate);
    if (name == "iterations")
        return QString::number(settings.maxIterations);
    if (name == "tolerance")
        return exact(settings.gradientTolerance);
    if (name == "relative-tolerance")
        return exact(settings.relativeTolerance);
    if (name == "momentum")
        return exact(settings.momentum);
    if (name == "beta1")
        return exact(settings.adamBeta1);
    if (name == "beta2")
        return exact(settings.adamBeta2);
    if (name == "epsilon")
        return exact(settings.adamEpsilon);
    if (name == "step-decay")
        return exact(settings.stepDecay);
    if (name == "step-scale")
        return exact(settings.stepScaleFactor);
    if (name == "memory")
        return QString::number(settings.lbfgsMemory);
    if (name == "variant")
        return fromStd(std::string(gradientVariantName(settings.variant)));
    if (name == "method")
        return fromStd(std::string(differenceMethodName(settings.checkMethod)));
    if (name == "step" && settings.checkStep > 0)
        return exact(settings.checkStep);
    if (name == "convention")
        return QString::fromUtf8(conventionName(settings.convention));
    if (name == "check-every")
        return QString::number(settings.checkEvery);
    if (name == "tab" && !settings.tab.isEmpty())
        return settings.tab;
    return std::nullopt;
}

// An option's value: given on the command line, else the session's setting, else the option's default.
QString optionValue(const QCommandLineParser &parser, const QString &name) {
    if (!parser.isSet(name))
        if (std::optional<QString> fromSession = sessionDefault(name))
            return *fromSession;
    return parser.value(name);
}

bool optionGiven(const QCommandLineParser &parser, const QString &name) {
    return parser.isSet(name) || sessionDefault(name).has_value();
}

QString required(const QCommandLineParser &parser, const QString &name) {
    if (!parser.isSet(name) || parser.value(name).isEmpty())
        throw InputError{QStringLiteral("missing --%1").arg(name)};
    return parser.value(name);
}

long long integerOption(const QCommandLineParser &parser, const QString &name, long long low,
                        long long high) {
    bool ok = false;
    const long long value = optionValue(parser, name).toLongLong(&ok);
    if (!ok || value < low || value > high)
        throw InputError{QStringLiteral("--%1: expected an integer from %2 to %3, got \"%4\"")
                             .arg(name)
                             .arg(low)
                             .arg(high)
                             .arg(optionValue(parser, name))};
    return value;
}

double doubleOption(const QCommandLineParser &parser, const QString &name, double low, double high,
                    const char *range) {
    bool ok = false;
    const double value = optionValue(parser, name).toDouble(&ok); // QString::toDouble ignores the locale
    if (!ok || !std::isfinite(value) || value < low || value > high)
        throw InputError{QStringLiteral("--%1: expected a number %2, got \"%3\"")
                             .arg(name, QString::fromUtf8(range), optionValue(parser, name))};
    return value;
}

template <typename Parse>
auto choiceOption(const QCommandLineParser &parser, const QString &name, const QString &choices,
                  Parse parse) {
    const auto parsed = parse(toStd(optionValue(parser, name)));
    if (!parsed)
        throw InputError{QStringLiteral("--%1: expected one of %2, got \"%3\"")
                             .arg(name, choices, optionValue(parser, name))};
    return *parsed;
}

// --half, --convention, the session's, or f.
Convention convention(const QCommandLineParser &parser) {
    if (parser.isSet("half")) {
        if (parser.isSet("convention") && parser.value("convention") != "half")
            throw InputError{QStringLiteral("--half and --convention %1 contradict each other")
                                 .arg(parser.value("convention"))};
        return Convention::Half;
    }
    if (!optionGiven(parser, "convention"))
        return Convention::Full;
    return choiceOption(parser, "convention", "full, half", parseConvention);
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

Problem loadProblemFiles(const QCommandLineParser &parser);

// Reads R, P and γ (or the session's R, P and iterate) and validates them; a message names the file of the
// matrix at fault.
Problem loadProblem(const QCommandLineParser &parser) {
    if (commandSession()) { // checked when it was read; moved out, the command needs only one copy
        Session &session = *commandSession();
        return {std::move(session.problem.R), std::move(session.problem.P), std::move(session.gamma)};
    }
    return loadProblemFiles(parser);
}

// R, P and γ from --R, --P and --gamma.
Problem loadProblemFiles(const QCommandLineParser &parser) {
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

// The recipe from --n, --r, --seed, --p-kind, --mask-density, --r-kind and --noise, validated.
GeneratorOptions generatorOptions(const QCommandLineParser &parser) {
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
    if (Status status = options.validate(); !status)
        throw InputError{fromStd(status.message)};
    return options;
}

QJsonObject runGenerate(const QCommandLineParser &parser, int &) {
    const GeneratorOptions options = generatorOptions(parser);
    const QString outDir = required(parser, "out-dir");
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
    if (optionGiven(parser, "step"))
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

// --session-out: the session descended from (or a new one of the files) with the final γ as its iterate, the
// run's history after the session's own, and the descent settings used.
void writeDescentSession(const QCommandLineParser &parser, Problem problem,
                         std::optional<Eigen::MatrixXd> gammaStar, const DescentOptions &options,
                         const DescentSummary &summary) {
    Session session;
    if (commandSession())
        session = std::move(*commandSession()); // its R and P were moved into the problem
    else
        session.problem.gammaStart = problem.gamma;
    session.problem.R = std::move(problem.R);
    session.problem.P = std::move(problem.P);
    if (gammaStar)
        session.problem.gammaStar = std::move(*gammaStar);
    session.gamma = summary.gamma;
    // Continuing: this run's start is the session's last record, so its iteration 0 is not repeated.
    const int offset = session.history.empty() ? 0 : session.history.back().iteration;
    if (offset > std::numeric_limits<int>::max() - summary.iterations)
        throw InputError{"--session-out: the history would count more iterations than it can hold"};
    for (IterationRecord record : summary.history)
        if (session.history.empty() || record.iteration > 0) {
            record.iteration += offset;
            session.history.push_back(record);
        }
    const GradientVariant variant = session.settings.variant; // descent followed the formula or a program
    session.settings.setDescentOptions(options);
    session.settings.variant = variant;
    if (Status saved = saveSession(parser.value("session-out"), session); !saved)
        throw InputError{QStringLiteral("--session-out: %1").arg(fromStd(saved.message))};
}

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
            {"lr", "learning-rate"},
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
    if (const QString suffix = QFileInfo(parser.value("history-out")).suffix().toLower();
        parser.isSet("history-out") && suffix != "csv" && suffix != "txt")
        throw InputError{
            QStringLiteral("--history-out: the history is written as CSV; give a .csv name, got \"%1\"")
                .arg(parser.value("history-out"))};
    Problem problem = loadProblem(parser);
    std::optional<Eigen::MatrixXd> gammaStar = plantedFactor(parser, problem);
    if (!gammaStar && commandSession() && commandSession()->problem.gammaStar.size() > 0)
        gammaStar = commandSession()->problem.gammaStar; // the session's planted γ*
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
    const QJsonObject result{
        {"optimizer", fromStd(std::string(optimizerName(options.optimizer)))},
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
    if (parser.isSet("session-out"))
        writeDescentSession(parser, std::move(problem), std::move(gammaStar), options, summary);
    return result;
}

// ---- session create, session show ------------------------------------------------------------------------

// The settings a session stores, from the options `session create` has (defaults where not given).
SessionSettings sessionSettings(const QCommandLineParser &parser) {
    constexpr double huge = std::numeric_limits<double>::max();
    SessionSettings settings;
    DescentOptions descent = descentSettings(parser);
    descent.optimizer = choiceOption(parser, "optimizer", fromStd(optimizerChoices()), parseOptimizer);
    if (Status valid = descent.validate(); !valid)
        throw InputError{fromStd(valid.message)};
    settings.setDescentOptions(descent);
    settings.variant = variantOption(parser);
    settings.checkMethod =
        choiceOption(parser, "method", "forward, backward, central, complex, ridders", parseDifferenceMethod);
    if (optionGiven(parser, "step"))
        settings.checkStep = doubleOption(parser, "step", std::numeric_limits<double>::min(), huge, "> 0");
    settings.checkEvery = static_cast<int>(integerOption(parser, "check-every", 0, 1'000'000'000));
    settings.views =
        parser.isSet("view") || !commandSession() ? parser.values("view") : commandSession()->settings.views;
    for (const QString &view : settings.views)
        if (!parseViewKind(toStd(view)))
            throw InputError{
                QStringLiteral("--view: expected a view symbol (M, G, deviation, R, P, gamma_gammaT, "
                               "P_M, gamma, term1, term2, numeric), got \"%1\"")
                    .arg(view)};
    settings.tab = optionValue(parser, "tab");
    if (!settings.tab.isEmpty() && !sessionTabNames().contains(settings.tab))
        throw InputError{QStringLiteral("--tab: expected one of %1, got \"%2\"")
                             .arg(sessionTabNames().join(", "), settings.tab)};
    return settings;
}

QJsonObject sessionShow(const Session &session) {
    QJsonObject json = sessionJson(session);
    json.insert("n", static_cast<double>(session.problem.n()));
    json.insert("r", static_cast<double>(session.problem.r()));
    json.insert("history_length", static_cast<double>(session.history.size()));
    return json;
}

QJsonObject runSessionCreate(const QCommandLineParser &parser, int &) {
    const QString out = required(parser, "out");
    Session session;
    if (parser.isSet("generate")) {
        for (const char *file : {"R", "P", "gamma", "gamma-star"})
            if (parser.isSet(file))
                throw InputError{QStringLiteral("--generate and --%1 exclude each other: the problem is "
                                                "generated or read from files")
                                     .arg(QLatin1String(file))};
        const GeneratorOptions recipe = generatorOptions(parser);
        GeneratedProblem generated = generateProblem(recipe);
        session.problem.generator = recipe;
        session.problem.embedMatrices = parser.isSet("embed-matrices");
        session.problem.R = std::move(generated.problem.R);
        session.problem.P = std::move(generated.problem.P);
        session.problem.gammaStart = std::move(generated.problem.gamma);
        session.problem.gammaStar = std::move(generated.gammaStar);
    } else {
        if (parser.isSet("embed-matrices"))
            throw InputError{
                "--embed-matrices is for --generate: matrices read from files are always stored"};
        Problem problem = loadProblem(parser);
        session.problem.R = std::move(problem.R);
        session.problem.P = std::move(problem.P);
        session.problem.gammaStart = std::move(problem.gamma);
        if (parser.isSet("gamma-star")) {
            session.problem.gammaStar = readInput(parser.value("gamma-star"));
            if (Status finite = checkFinite(session.problem.gammaStar, "γ*"); !finite)
                throw InputError{parser.value("gamma-star") + ": " + fromStd(finite.message)};
        }
    }
    session.gamma = session.problem.gammaStart;
    session.settings = sessionSettings(parser);
    session.caption = parser.value("caption");
    if (Status saved = saveSession(out, session); !saved)
        throw InputError{QStringLiteral("--out: %1").arg(fromStd(saved.message))};
    return sessionShow(session);
}

// session add-scene FILE: a named scene of the session's problem at its iterate (or at --gamma), or of a
// problem of its own (--R --P --gamma), with the session's settings changed by the options given.
QJsonObject runSessionAddScene(const QCommandLineParser &parser, int &) {
    if (parser.positionalArguments().size() != 1)
        throw InputError{
            "session add-scene: expected one session file, e.g. session add-scene lesson.gradlens"};
    const QString file = parser.positionalArguments().first();
    Session session;
    if (Status loaded = loadSession(file, session); !loaded)
        throw InputError{fromStd(loaded.message)};
    commandSession() = std::move(session); // its settings are the defaults of the options
    Session &target = *commandSession();
    SessionScene scene;
    scene.name = required(parser, "name");
    scene.caption = parser.value("caption");
    scene.settings = sessionSettings(parser);
    if (parser.isSet("R") || parser.isSet("P")) {
        Problem own = loadProblemFiles(parser);
        SessionProblem problem;
        problem.R = std::move(own.R);
        problem.P = std::move(own.P);
        problem.gammaStart = std::move(own.gamma);
        if (parser.isSet("gamma-star"))
            problem.gammaStar = readInput(parser.value("gamma-star"));
        scene.gamma = problem.gammaStart;
        scene.problem = std::move(problem);
    } else if (parser.isSet("gamma-star")) {
        throw InputError{
            "--gamma-star belongs to a problem of the scene's own: give --R, --P and --gamma too"};
    } else if (parser.isSet("gamma")) {
        scene.gamma = readInput(parser.value("gamma"));
        if (scene.gamma.rows() != target.problem.n() || scene.gamma.cols() != target.problem.r())
            throw InputError{QStringLiteral("%1: γ is %2×%3, expected %4×%5 like the session's")
                                 .arg(parser.value("gamma"))
                                 .arg(scene.gamma.rows())
                                 .arg(scene.gamma.cols())
                                 .arg(target.problem.n())
                                 .arg(target.problem.r())};
    } else {
        scene.gamma = target.gamma;
    }
    target.scenes.push_back(std::move(scene));
    const QString out = parser.isSet("out") ? parser.value("out") : file;
    if (Status saved = saveSession(out, target); !saved)
        throw InputError{fromStd(saved.message)};
    return sessionShow(target);
}

QJsonObject runSessionShow(const QCommandLineParser &parser, int &) {
    if (parser.positionalArguments().size() != 1)
        throw InputError{"session show: expected one session file, e.g. session show lesson.gradlens"};
    Session session;
    if (Status loaded = loadSession(parser.positionalArguments().first(), session); !loaded)
        throw InputError{fromStd(loaded.message)};
    return sessionShow(session);
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
    const double stream = result.streamReadSeconds, single = result.singleStreamReadSeconds;
    return {{"n", static_cast<double>(options.n)},
            {"r", static_cast<double>(options.r)},
            {"symmetric", options.symmetric},
            {"threads", result.threads},
            {"evaluate_seconds", result.evaluateSeconds},
            {"stream_read_seconds", stream},
            {"single_stream_read_seconds", single},
            {"naive_seconds", result.naiveSeconds},
            {"ratio_to_stream", result.evaluateSeconds / stream},
            {"ratio_to_single_stream", result.evaluateSeconds / single},
            {"speedup_vs_naive", result.naiveSeconds / result.evaluateSeconds},
            {"numeric_gradient_seconds", result.numericGradientSeconds},
            {"direct_evaluate_seconds", result.directEvaluateSeconds},
            {"direct_ratio_to_stream", result.directEvaluateSeconds / stream},
            {"direct_ratio_to_single_stream", result.directEvaluateSeconds / single},
            {"layout_seconds", result.layoutSeconds},
            {"descent_uses_layout", result.descentUsesLayout},
            // the multiply-adds alone at this machine's measured rate, as a ratio to the stream-read
            {"multiply_adds_per_second", result.multiplyAddsPerSecond},
            {"arithmetic_ratio_to_stream", result.arithmeticSeconds / stream},
            {"direct_arithmetic_ratio_to_stream", result.directArithmeticSeconds / stream},
            {"armijo_seconds_per_step", result.armijoSecondsPerStep},
            {"armijo_steps_per_second",
             result.armijoSecondsPerStep > 0 ? QJsonValue(1.0 / result.armijoSecondsPerStep) : QJsonValue()},
            {"armijo_evaluations_per_step", result.armijoEvaluationsPerStep},
            // against one evaluation through the layout, and one on P and R as stored (what `eval` costs)
            {"numeric_to_layout", result.numericGradientSeconds / result.evaluateSeconds},
            {"numeric_to_direct", result.numericGradientSeconds / result.directEvaluateSeconds},
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

QList<QCommandLineOption> generatorOptionList() {
    return {QCommandLineOption("n", "Size of R and P (n×n).", "N"),
            QCommandLineOption("r", "Columns of γ.", "R"),
            QCommandLineOption("seed", "Random seed (same seed, same matrices everywhere).", "S", "1"),
            QCommandLineOption("p-kind", "dense, nonnegative, mask, symmetric or zero-diagonal.", "kind",
                               "dense"),
            QCommandLineOption("mask-density", "Fraction of ones for --p-kind mask.", "D", "0.5"),
            QCommandLineOption("r-kind", "random, or planted P∘γ*γ*ᵀ + noise.", "kind", "planted"),
            QCommandLineOption("noise", "Noise standard deviation for a planted R.", "sigma", "0.01")};
}

QList<QCommandLineOption> sessionSettingOptions();

QList<QCommandLineOption> sessionCreateOptions() {
    QList<QCommandLineOption> options{
        QCommandLineOption("R", "Target matrix R (n×n), any matrix format.", "file"),
        QCommandLineOption("P", "Weight matrix P (n×n).", "file"),
        QCommandLineOption("gamma", "Starting factor γ (n×r): the session's γ₀ and iterate.", "file"),
        QCommandLineOption("gamma-star", "The planted γ* (n×r), when there is one.", "file"),
        QCommandLineOption("generate", "Generate the problem instead (--n, --r, --seed, ...): the session "
                                       "stores the recipe."),
        QCommandLineOption("embed-matrices", "With --generate: store R, P and γ* too, so NumPy sees them.")};
    options << generatorOptionList() << sessionSettingOptions()
            << QCommandLineOption("caption", "The lesson's caption.", "text")
            << QCommandLineOption("out", "The session file to write (.gradlens).", "file");
    return options;
}

QList<QCommandLineOption> sessionAddSceneOptions() {
    QList<QCommandLineOption> options{
        QCommandLineOption("name", "The scene's name.", "text"),
        QCommandLineOption("caption", "The scene's caption.", "text"),
        QCommandLineOption("gamma",
                           "The scene's iterate (n×r; default the session's), or with --R and --P the "
                           "γ₀ of a problem of its own.",
                           "file"),
        QCommandLineOption("R", "R of a problem of the scene's own (with --P and --gamma).", "file"),
        QCommandLineOption("P", "P of a problem of the scene's own.", "file"),
        QCommandLineOption("gamma-star", "γ* of a problem of the scene's own.", "file")};
    options << sessionSettingOptions()
            << QCommandLineOption("out", "Write the session here instead of over FILE.", "file");
    return options;
}

// The settings a session or scene stores; with a session, its settings are the defaults.
QList<QCommandLineOption> sessionSettingOptions() {
    QList<QCommandLineOption> options{
        QCommandLineOption("half", "The ½f convention (--convention half)."),
        QCommandLineOption("convention", "full (f) or half (½f).", "C", "full")};
    options << QCommandLineOption("optimizer",
                                  "gd, armijo, exact, momentum, nesterov, adam or lbfgs (see descend).",
                                  "name", "armijo")
            << descentSettingOptions("100") << variantCommandOption()
            << QCommandLineOption("method",
                                  "The check's method: forward, backward, central, complex or ridders.",
                                  "method", "central")
            << QCommandLineOption("step", "The check's step h (default: chosen per entry).", "h")
            << QCommandLineOption("check-every", "Check during descent every K iterations (0: on request).",
                                  "K", "10")
            << QCommandLineOption(
                   "view", "A heatmap's view by symbol (M, G, R, P, ...), left to right; repeat.", "symbol")
            << QCommandLineOption("tab", "The bottom tab: descent, taylor, sweep, profile or derivation.",
                                  "tab");
    return options;
}

std::vector<Command> commands() {
    auto withProblem = [](QList<QCommandLineOption> extra, const QList<QCommandLineOption> &more = {}) {
        QList<QCommandLineOption> options = problemOptions();
        options.append(extra);
        options.append(more);
        return options;
    };
    return {
        {"generate", "Generate a seeded problem and write R.mtx, P.mtx, gamma.mtx (and gamma_star.mtx).",
         generatorOptionList() << QCommandLineOption("out-dir", "Directory to write the matrices to.", "dir"),
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
         withProblem(
             {QCommandLineOption(
                  "optimizer",
                  "gd (fixed step), armijo (backtracking), exact (the exact step: f along −G is "
                  "a quartic), momentum (heavy ball), nesterov, adam or lbfgs (strong Wolfe "
                  "line search).",
                  "name", "armijo"),
              QCommandLineOption("gamma-star",
                                 "The planted γ*: report the distance to it up to rotation "
                                 "(Procrustes); default: the session's γ*.",
                                 "file"),
              QCommandLineOption("gamma-out", "Write the final γ here.", "file"),
              QCommandLineOption("history-out",
                                 "Write iteration, loss, grad_norm, step, function_evaluations, "
                                 "gradient_evaluations as CSV here.",
                                 "file"),
              QCommandLineOption("session-out",
                                 "Write a session (.gradlens): the final γ as its iterate, the history "
                                 "(after the --session's own) and the settings used. May be the "
                                 "--session itself.",
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
        {"session create",
         "Write a session file (.gradlens) from matrix files or a generator recipe, with settings.",
         sessionCreateOptions(), runSessionCreate},
        {"session add-scene", "Add a named scene to a session file: session add-scene FILE --name N ...",
         sessionAddSceneOptions(), runSessionAddScene, "file"},
        {"session show",
         "Describe a session file as JSON (no matrices): session show FILE.",
         {},
         runSessionShow,
         "file"},
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
    static const QStringList inputs = {"R", "P", "gamma", "gamma-star", "direction-files", "session"};
    static const QStringList outputs = {"grad-out",  "residual-out", "deviation-out", "numeric-out",
                                        "gamma-out", "history-out",  "session-out",   "out"};
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
            // A session may be saved over itself: it is read whole before, and replaced atomically after.
            if (other == identity && !(output == "session-out" && option == "session"))
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
        text += QStringLiteral("  %1  %2\n").arg(command.name, -17).arg(command.synopsis);
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
    // "session create" and "session show" are commands of two words.
    const bool twoWords = arguments.at(1) == "session" && arguments.size() > 2;
    const QString name = twoWords ? arguments.at(1) + " " + arguments.at(2) : arguments.at(1);
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
    if (!command->positional.isEmpty())
        parser.addPositionalArgument(command->positional, QStringLiteral("The %1.").arg(command->positional));
    QStringList commandArguments = arguments.mid(twoWords ? 2 : 1);
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
    if (const qsizetype allowed = command->positional.isEmpty() ? 0 : 1;
        parser.positionalArguments().size() > allowed) {
        outcome.exitCode = ExitBadInput;
        outcome.error = QStringLiteral("%1: unexpected argument \"%2\"")
                            .arg(name, parser.positionalArguments().at(allowed));
        return outcome;
    }
    pendingNotices().clear();
    commandSession().reset();
    try {
        checkOutputPaths(parser);
        if (parser.optionNames().contains("session")) {
            for (const char *file : {"R", "P", "gamma"})
                if (parser.isSet(file))
                    throw InputError{QStringLiteral("--session and --%1 exclude each other: the problem "
                                                    "comes from the session or from the files")
                                         .arg(QLatin1String(file))};
            Session session;
            if (Status loaded = loadSession(parser.value("session"), session); !loaded)
                throw InputError{fromStd(loaded.message)};
            commandSession() = std::move(session);
        }
        outcome.json = command->run(parser, outcome.exitCode);
    } catch (const InputError &error) {
        outcome.exitCode = ExitBadInput;
        outcome.error = error.message;
    }
    commandSession().reset();
    outcome.notices = std::exchange(pendingNotices(), QStringList());
    return outcome;
}

} // namespace gradlens::cli
