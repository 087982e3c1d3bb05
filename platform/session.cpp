#include "session.h"

#include "memorylimit.h"
#include "npyformat.h"
#include "savefile.h"
#include "views.h"

#include <QBuffer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <quazip.h>
#include <quazipfile.h>
#include <quazipfileinfo.h>
#include <quazipnewinfo.h>

#include <zlib.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <string>

namespace gradlens {

namespace {

constexpr const char *kJsonMember = "session.json";
constexpr qint64 kMaxJsonBytes = qint64(64) << 20; // settings and captions: far below this
// iteration, loss, gradient norm, step, then the evaluations of f and of the gradient so far (which a
// history of 4 columns, written before they were counted, reads as 0)
constexpr Eigen::Index kHistoryColumns = 6;
// Above this the archive needs zip64 records (members or offsets past 4 GiB); below it plain zip, which
// every reader knows.
constexpr qint64 kZip64Threshold = qint64(2000) << 20;

// A refusal while reading or checking a session; becomes the Status of the public call.
struct SessionError {
    std::string message;
};

[[noreturn]] void fail(const std::string &message) {
    throw SessionError{message};
}

std::string toStd(const QString &text) {
    return text.toStdString();
}

std::string shape(const Eigen::MatrixXd &matrix) {
    return std::to_string(matrix.rows()) + "×" + std::to_string(matrix.cols());
}

// ---- settings ↔ JSON --------------------------------------------------------------------------------------

// Reads the known fields of one JSON object, each checked; what is left over is the newer version's.
class FieldReader {
public:
    FieldReader(QJsonObject object, std::string where)
        : m_rest(std::move(object))
        , m_where(std::move(where)) {}

    bool has(const char *key) const { return m_rest.contains(QLatin1String(key)); }

    QJsonValue take(const char *key) {
        const QJsonValue value = m_rest.value(QLatin1String(key));
        m_rest.remove(QLatin1String(key));
        return value;
    }

    [[noreturn]] void bad(const char *key, const std::string &expected, const QJsonValue &found) const {
        QString text =
            found.isString()
                ? found.toString()
                : QString::fromUtf8(QJsonDocument(QJsonArray{found}).toJson(QJsonDocument::Compact))
                      .mid(1)
                      .chopped(1);
        if (text.size() > 40)
            text = text.left(40) + QStringLiteral("…");
        fail(m_where + key + ": expected " + expected + ", found " + toStd(text));
    }

    double number(const char *key, double fallback, double low, double high, const char *range) {
        if (!has(key))
            return fallback;
        const QJsonValue value = take(key);
        const double x = value.toDouble(std::numeric_limits<double>::quiet_NaN());
        if (!value.isDouble() || !std::isfinite(x) || x < low || x > high)
            bad(key, std::string("a number ") + range, value);
        return x;
    }

    long long integer(const char *key, long long fallback, long long low, long long high) {
        if (!has(key))
            return fallback;
        const QJsonValue value = take(key);
        const QVariant variant = value.toVariant();
        bool whole = value.isDouble();
        long long x = 0;
        if (whole && (variant.typeId() == QMetaType::LongLong || variant.typeId() == QMetaType::Int))
            x = variant.toLongLong();
        else if (whole) {
            const double d = value.toDouble();
            whole = std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9.0e15;
            x = whole ? static_cast<long long>(d) : 0;
        }
        if (!whole || x < low || x > high)
            bad(key, "a whole number from " + std::to_string(low) + " to " + std::to_string(high), value);
        return x;
    }

    bool boolean(const char *key, bool fallback) {
        if (!has(key))
            return fallback;
        const QJsonValue value = take(key);
        if (!value.isBool())
            bad(key, "true or false", value);
        return value.toBool();
    }

    QString string(const char *key, const QString &fallback) {
        if (!has(key))
            return fallback;
        const QJsonValue value = take(key);
        if (!value.isString())
            bad(key, "a string", value);
        return value.toString();
    }

    // A name from one of the core's name tables.
    template <typename T, typename Parse>
    T choice(const char *key, T fallback, Parse parse, const std::string &choices) {
        if (!has(key))
            return fallback;
        const QJsonValue value = take(key);
        const std::string name = toStd(value.toString());
        const auto parsed = parse(name);
        if (!value.isString() || !parsed)
            bad(key, "one of " + choices, value);
        return *parsed;
    }

    QJsonObject object(const char *key) {
        const QJsonValue value = take(key);
        if (!value.isObject())
            bad(key, "an object", value);
        return value.toObject();
    }

    const std::string &where() const { return m_where; }
    // The object itself, for a message about it as a whole: "...: problem.generator: ".
    std::string here() const { return m_where.substr(0, m_where.size() - 1) + ": "; }
    QJsonObject rest() const { return m_rest; }

private:
    QJsonObject m_rest;
    std::string m_where; // "lesson.gradlens: session.json: settings." in front of a key
};

SessionSettings readSettings(FieldReader fields) {
    constexpr double huge = std::numeric_limits<double>::max();
    SessionSettings settings;
    settings.optimizer = fields.choice("optimizer", settings.optimizer, parseOptimizer, optimizerChoices());
    settings.learningRate = fields.number("learning_rate", settings.learningRate,
                                          std::numeric_limits<double>::min(), huge, "> 0");
    settings.maxIterations = int(fields.integer("iterations", settings.maxIterations, 0, 100'000'000));
    settings.gradientTolerance = fields.number("tolerance", settings.gradientTolerance, 0, huge, "≥ 0");
    settings.relativeTolerance =
        fields.number("relative_tolerance", settings.relativeTolerance, 0, huge, "≥ 0");
    settings.momentum = fields.number("momentum", settings.momentum, 0, 1, "in [0, 1)");
    settings.adamBeta1 = fields.number("adam_beta1", settings.adamBeta1, 0, 1, "in [0, 1)");
    settings.adamBeta2 = fields.number("adam_beta2", settings.adamBeta2, 0, 1, "in [0, 1)");
    settings.adamEpsilon =
        fields.number("adam_epsilon", settings.adamEpsilon, std::numeric_limits<double>::min(), huge, "> 0");
    settings.stepDecay = fields.number("step_decay", settings.stepDecay, 0, huge, "≥ 0");
    settings.scaleStep = fields.boolean("scale_step", settings.scaleStep);
    settings.stepScaleFactor = fields.number("step_scale", settings.stepScaleFactor, 0, huge, "≥ 0");
    settings.lbfgsMemory = int(fields.integer("lbfgs_memory", settings.lbfgsMemory, 1, 1000));
    settings.convention = fields.choice("convention", settings.convention, parseConvention, "full, half");
    settings.variant =
        fields.choice("variant", settings.variant, parseGradientVariant, gradientVariantChoices());
    settings.checkMethod = fields.choice("check_method", settings.checkMethod, parseDifferenceMethod,
                                         "forward, backward, central, complex, ridders");
    settings.checkStep = fields.number("check_step", settings.checkStep, 0, huge, "≥ 0 (0: automatic)");
    settings.checkEvery = int(fields.integer("check_every", settings.checkEvery, 0, 1'000'000'000));
    settings.pauseOnFailure = fields.boolean("pause_on_failure", settings.pauseOnFailure);
    if (fields.has("views")) {
        const QJsonValue views = fields.take("views");
        if (!views.isArray())
            fields.bad("views", "an array of view symbols", views);
        for (const QJsonValue &view : views.toArray()) {
            if (!view.isString() || !parseViewKind(toStd(view.toString())))
                fields.bad("views", "view symbols such as \"M\" or \"G\"", view);
            settings.views << view.toString();
        }
    }
    settings.tab = fields.string("tab", settings.tab);
    if (!settings.tab.isEmpty() && !sessionTabNames().contains(settings.tab))
        fields.bad("tab", "one of " + toStd(sessionTabNames().join(", ")), settings.tab);
    settings.unknownFields = fields.rest();
    return settings;
}

// Unknown fields first, so that a known field is always this version's.
QJsonObject merged(QJsonObject unknown, const QJsonObject &known) {
    for (auto it = known.begin(); it != known.end(); ++it)
        unknown.insert(it.key(), it.value());
    return unknown;
}

QJsonObject generatorJson(const GeneratorOptions &options) {
    return {{"n", qint64(options.n)},
            {"r", qint64(options.r)},
            {"seed", qint64(options.seed)},
            {"p_kind", QString::fromUtf8(weightKindName(options.weightKind).data())},
            {"mask_density", options.maskDensity},
            {"r_kind", QString::fromUtf8(targetKindName(options.targetKind).data())},
            {"noise", options.noise}};
}

GeneratorOptions readGenerator(FieldReader fields) {
    GeneratorOptions options;
    options.n = Eigen::Index(fields.integer("n", options.n, 1, 46340));
    options.r = Eigen::Index(fields.integer("r", options.r, 1, 46340));
    options.seed =
        std::uint64_t(fields.integer("seed", qint64(options.seed), 0, std::numeric_limits<qint64>::max()));
    options.weightKind = fields.choice("p_kind", options.weightKind, parseWeightKind,
                                       "dense, nonnegative, mask, symmetric, zero-diagonal");
    options.maskDensity = fields.number("mask_density", options.maskDensity, 0, 1, "in [0, 1]");
    options.targetKind = fields.choice("r_kind", options.targetKind, parseTargetKind, "random, planted");
    options.noise =
        fields.number("noise", options.noise, 0, std::numeric_limits<double>::max(), "≥ 0 and finite");
    if (Status valid = options.validate(); !valid)
        fail(fields.here() + valid.message);
    return options;
}

QJsonObject problemJson(const SessionProblem &problem) {
    QJsonObject known{{"source", problem.generator ? "generated" : "matrices"},
                      {"n", qint64(problem.n())},
                      {"r", qint64(problem.r())},
                      {"gamma_star", problem.gammaStar.size() > 0}};
    if (problem.generator) {
        known.insert("generator", generatorJson(*problem.generator));
        known.insert("matrices_stored", problem.embedMatrices);
    }
    return merged(problem.unknownFields, known);
}

// Whether R, P and γ* are members, or made again from the recipe.
bool storesMatrices(const SessionProblem &problem) {
    return !problem.generator || problem.embedMatrices;
}

bool sameBits(const Eigen::MatrixXd &a, const Eigen::MatrixXd &b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           (a.size() == 0 || std::memcmp(a.data(), b.data(), std::size_t(a.size()) * sizeof(double)) == 0);
}

// A recipe stands in for the matrices only when it makes them bit for bit; a problem edited after it was
// generated is saved with its matrices, so that nothing is lost.
bool recipeFallsShort(const SessionProblem &problem) {
    if (storesMatrices(problem))
        return false;
    const GeneratedProblem made = generateProblem(*problem.generator);
    return !sameBits(made.problem.R, problem.R) || !sameBits(made.problem.P, problem.P) ||
           !sameBits(made.gammaStar, problem.gammaStar);
}

// ---- validation -------------------------------------------------------------------------------------------

void validateFinite(const Eigen::MatrixXd &matrix, const std::string &where, const char *symbol) {
    if (Status finite = checkFinite(matrix, symbol); !finite)
        fail(where + finite.message);
}

// `where` names the file and member prefix in messages ("lesson.gradlens: scenes/1/"), `json` the place in
// session.json ("lesson.gradlens: session.json: scenes[1].problem.").
void validateProblem(const SessionProblem &problem, const std::string &where, const std::string &json) {
    const Eigen::Index n = problem.n();
    if (n < 1 || problem.r() < 1)
        fail(where + "gamma_start.npy: γ₀ is " + shape(problem.gammaStart) + ", expected n×r with n, r ≥ 1");
    if (problem.R.rows() != n || problem.R.cols() != n)
        fail(where + "R.npy: R is " + shape(problem.R) + ", expected " + std::to_string(n) + "×" +
             std::to_string(n) + " (n = " + std::to_string(n) + " rows of γ)");
    if (problem.P.rows() != n || problem.P.cols() != n)
        fail(where + "P.npy: P is " + shape(problem.P) + ", expected " + std::to_string(n) + "×" +
             std::to_string(n) + " like R");
    if (problem.gammaStar.size() > 0 &&
        (problem.gammaStar.rows() != n || problem.gammaStar.cols() != problem.r()))
        fail(where + "gamma_star.npy: γ* is " + shape(problem.gammaStar) + ", expected " +
             shape(problem.gammaStart) + " like γ₀");
    validateFinite(problem.R, where + "R.npy: ", "R");
    validateFinite(problem.P, where + "P.npy: ", "P");
    validateFinite(problem.gammaStart, where + "gamma_start.npy: ", "γ₀");
    validateFinite(problem.gammaStar, where + "gamma_star.npy: ", "γ*");
    if (problem.generator) {
        if (problem.generator->seed > std::uint64_t(std::numeric_limits<qint64>::max()))
            fail(json + "generator.seed: must be at most 2^63 − 1");
        if (Status valid = problem.generator->validate(); !valid)
            fail(json + "generator: " + valid.message);
        if (problem.generator->n != n || problem.generator->r != problem.r())
            fail(json + "generator: it makes a " + std::to_string(problem.generator->n) + "×" +
                 std::to_string(problem.generator->r) + " γ, but γ₀ is " + shape(problem.gammaStart));
    }
}

void validateIterate(const Eigen::MatrixXd &gamma, const SessionProblem &problem, const std::string &where) {
    if (gamma.rows() != problem.n() || gamma.cols() != problem.r())
        fail(where + "gamma.npy: the iterate γ is " + shape(gamma) + ", expected " +
             shape(problem.gammaStart) + " like γ₀");
    validateFinite(gamma, where + "gamma.npy: ", "γ");
}

void validateSettings(const SessionSettings &settings, const std::string &json) {
    // The same checks as reading: through JSON and back.
    readSettings(FieldReader(settingsJson(settings), json + "settings."));
}

void validateAll(const Session &session, const std::string &file) {
    const std::string where = file + ": ", json = file + ": session.json: ";
    validateProblem(session.problem, where, json + "problem.");
    validateIterate(session.gamma, session.problem, where);
    validateSettings(session.settings, json);
    for (const IterationRecord &record : session.history)
        if (record.iteration < 0)
            fail(where + "history.npy: iteration " + std::to_string(record.iteration) + " is negative");
    for (std::size_t k = 0; k < session.scenes.size(); ++k) {
        const SessionScene &scene = session.scenes[k];
        const std::string prefix = where + "scenes/" + std::to_string(k) + "/",
                          sceneJson = json + "scenes[" + std::to_string(k) + "].";
        if (scene.problem)
            validateProblem(*scene.problem, prefix, sceneJson + "problem.");
        validateIterate(scene.gamma, scene.problem ? *scene.problem : session.problem, prefix);
        validateSettings(scene.settings, sceneJson);
    }
}

// ---- the archive ------------------------------------------------------------------------------------------

QString scenePrefix(std::size_t index) {
    return QStringLiteral("scenes/%1/").arg(index);
}

Eigen::MatrixXd historyMatrix(const std::vector<IterationRecord> &history) {
    Eigen::MatrixXd matrix(Eigen::Index(history.size()), kHistoryColumns);
    for (Eigen::Index k = 0; k < matrix.rows(); ++k) {
        const IterationRecord &record = history[std::size_t(k)];
        matrix.row(k) << double(record.iteration), record.loss, record.gradientNorm, record.step,
            double(record.functionEvaluations), double(record.gradientEvaluations);
    }
    return matrix;
}

class ZipWriter {
public:
    explicit ZipWriter(bool zip64)
        : m_zip(&m_buffer) {
        m_buffer.open(QIODevice::WriteOnly);
        m_zip.setZip64Enabled(zip64);
        if (!m_zip.open(QuaZip::mdCreate))
            fail("cannot start the archive (zip error " + std::to_string(m_zip.getZipError()) + ")");
    }

    bool contains(const QString &name) const { return m_names.count(name) != 0; }

    void add(const QString &name, const QByteArray &bytes) {
        m_names.insert(name);
        QuaZipNewInfo info(name);
        info.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                            QFileDevice::ReadOther);
        QuaZipFile member(&m_zip);
        // The fastest deflate: doubles compress little, 0/1 masks and zeros a lot.
        if (!member.open(QIODevice::WriteOnly, info, nullptr, 0, Z_DEFLATED, Z_BEST_SPEED) ||
            member.write(bytes) != bytes.size())
            fail(toStd(name) + ": cannot add it to the archive (zip error " +
                 std::to_string(member.getZipError()) + ")");
        member.close();
        if (member.getZipError() != ZIP_OK)
            fail(toStd(name) + ": cannot add it to the archive (zip error " +
                 std::to_string(member.getZipError()) + ")");
    }

    void addMatrix(const QString &name, const Eigen::MatrixXd &matrix) {
        const std::string npy = toNpy(matrix);
        add(name, QByteArray::fromRawData(npy.data(), qsizetype(npy.size())));
    }

    const QByteArray &finish() {
        m_zip.close();
        if (m_zip.getZipError() != ZIP_OK)
            fail("cannot finish the archive (zip error " + std::to_string(m_zip.getZipError()) + ")");
        return m_buffer.data();
    }

private:
    QBuffer m_buffer;
    QuaZip m_zip;
    std::set<QString> m_names;
};

void writeProblem(ZipWriter &zip, const SessionProblem &problem, const QString &prefix) {
    zip.addMatrix(prefix + "gamma_start.npy", problem.gammaStart);
    if (!storesMatrices(problem))
        return;
    zip.addMatrix(prefix + "R.npy", problem.R);
    zip.addMatrix(prefix + "P.npy", problem.P);
    if (problem.gammaStar.size() > 0)
        zip.addMatrix(prefix + "gamma_star.npy", problem.gammaStar);
}

qint64 payloadBytes(const Session &session) {
    auto bytes = [](const Eigen::MatrixXd &m) { return qint64(m.size()) * 8; };
    auto problemBytes = [&](const SessionProblem &p) {
        return bytes(p.R) + bytes(p.P) + bytes(p.gammaStart) + bytes(p.gammaStar);
    };
    qint64 total = problemBytes(session.problem) + bytes(session.gamma) + qint64(session.history.size()) * 48;
    for (const SessionScene &scene : session.scenes)
        total += bytes(scene.gamma) + (scene.problem ? problemBytes(*scene.problem) : 0);
    for (const auto &member : session.unknownMembers)
        total += member.second.size();
    return total;
}

// Reads members of an archive with every size it claims checked before anything is inflated.
class ZipReader {
public:
    explicit ZipReader(const QString &path)
        : m_file(toStd(path))
        , m_zip(path) {
        const QFileInfo info(path);
        if (!info.exists())
            fail(m_file + ": no such file");
        if (!info.isFile())
            fail(m_file + ": not a regular file (a directory, a pipe or a device)");
        if (!m_zip.open(QuaZip::mdUnzip))
            fail(m_file + ": not a session file: not a zip archive, or a damaged or truncated one");
        for (bool more = m_zip.goToFirstFile(); more; more = m_zip.goToNextFile()) {
            QuaZipFileInfo64 member;
            if (!m_zip.getCurrentFileInfo(&member))
                fail(m_file + ": the archive's directory is damaged");
            if (m_members.count(member.name))
                fail(m_file + ": " + toStd(member.name) + ": the archive holds this member twice");
            m_members.emplace(member.name, member);
            m_order << member.name;
        }
        if (m_zip.getZipError() != UNZ_OK)
            fail(m_file + ": the archive's directory is damaged (zip error " +
                 std::to_string(m_zip.getZipError()) + ")");
    }

    bool has(const QString &name) const { return m_members.count(name) != 0; }
    const QStringList &names() const { return m_order; }
    const std::string &file() const { return m_file; }

    // The member's bytes; limit caps what it may claim (beyond the memory limit every member has).
    QByteArray read(const QString &name, qint64 limit = std::numeric_limits<qint64>::max()) {
        const std::string where = m_file + ": " + toStd(name) + ": ";
        const auto found = m_members.find(name);
        if (found == m_members.end())
            fail(where + "missing from the archive");
        const QuaZipFileInfo64 &info = found->second;
        if (info.flags & 1)
            fail(where + "is encrypted");
        if (info.uncompressedSize > quint64(limit))
            fail(where + "claims " + formatBytes(info.uncompressedSize) + ", more than the " +
                 formatBytes(limit) + " such a member may hold");
        if (Status fits = checkBufferSize(info.uncompressedSize); !fits)
            fail(where + "uncompressed, " + fits.message);
        if (!m_zip.setCurrentFile(name, QuaZip::csSensitive))
            fail(where + "cannot be found in the archive");
        QuaZipFile member(&m_zip);
        if (!member.open(QIODevice::ReadOnly))
            fail(where + "cannot be opened (zip error " + std::to_string(member.getZipError()) + ")");
        // Never more than the size claimed: a member that inflates beyond it is refused, not followed.
        const auto claimed = qint64(info.uncompressedSize);
        QByteArray bytes(claimed, Qt::Uninitialized);
        qint64 got = 0;
        while (got < claimed) {
            const qint64 chunk = member.read(bytes.data() + got, claimed - got);
            if (chunk <= 0)
                break;
            got += chunk;
        }
        char extra = 0;
        const bool longer = got == claimed && member.read(&extra, 1) > 0;
        member.close();
        if (got != claimed || longer)
            fail(where + "damaged: it inflates to " + (longer ? "more" : "fewer") + " bytes than the " +
                 std::to_string(claimed) + " it claims");
        if (member.getZipError() != UNZ_OK)
            fail(where + "damaged: " +
                 (member.getZipError() == UNZ_CRCERROR
                      ? std::string("its checksum does not match")
                      : "zip error " + std::to_string(member.getZipError())));
        return bytes;
    }

    Eigen::MatrixXd matrix(const QString &name) {
        const QByteArray bytes = read(name);
        Eigen::MatrixXd matrix;
        if (Status parsed = parseNpy(std::string_view(bytes.constData(), std::size_t(bytes.size())),
                                     m_file + ": " + toStd(name), matrix);
            !parsed)
            fail(parsed.message);
        return matrix;
    }

private:
    std::string m_file;
    QuaZip m_zip;
    std::map<QString, QuaZipFileInfo64> m_members;
    QStringList m_order;
};

SessionProblem readProblem(ZipReader &zip, FieldReader fields, const QString &prefix) {
    const std::string where = zip.file() + ": " + toStd(prefix);
    SessionProblem problem;
    const QString source = fields.string("source", QString());
    if (source != "generated" && source != "matrices")
        fields.bad("source", "\"generated\" or \"matrices\"", source);
    const long long n = fields.integer("n", 0, 1, 46340), r = fields.integer("r", 0, 1, 46340);
    const bool hasGammaStar = fields.boolean("gamma_star", false);
    if (source == "generated") {
        problem.generator =
            readGenerator(FieldReader(fields.object("generator"), fields.where() + "generator."));
        problem.embedMatrices = fields.boolean("matrices_stored", false);
    }
    problem.unknownFields = fields.rest();
    problem.gammaStart = zip.matrix(prefix + "gamma_start.npy");
    if (problem.gammaStart.rows() != n || problem.gammaStart.cols() != r)
        fail(where + "gamma_start.npy: γ₀ is " + shape(problem.gammaStart) +
             ", but session.json says n = " + std::to_string(n) + ", r = " + std::to_string(r));
    if (storesMatrices(problem)) {
        problem.R = zip.matrix(prefix + "R.npy");
        problem.P = zip.matrix(prefix + "P.npy");
        if (hasGammaStar)
            problem.gammaStar = zip.matrix(prefix + "gamma_star.npy");
    } else {
        const GeneratorOptions &recipe = *problem.generator;
        const std::string generator = fields.where() + "generator: ";
        if (Status fits = checkMatrixSize(std::uint64_t(recipe.n), std::uint64_t(recipe.n)); !fits)
            fail(generator + fits.message);
        if (recipe.n != n || recipe.r != r)
            fail(generator + "it makes a " + std::to_string(recipe.n) + "×" + std::to_string(recipe.r) +
                 " γ, but the problem is n = " + std::to_string(n) + ", r = " + std::to_string(r));
        GeneratedProblem generated = generateProblem(recipe);
        problem.R = std::move(generated.problem.R);
        problem.P = std::move(generated.problem.P);
        problem.gammaStar = std::move(generated.gammaStar);
    }
    return problem;
}

std::vector<IterationRecord> readHistory(ZipReader &zip) {
    if (!zip.has("history.npy"))
        return {};
    const Eigen::MatrixXd matrix = zip.matrix("history.npy");
    const std::string where = zip.file() + ": history.npy: ";
    if (matrix.cols() != kHistoryColumns && matrix.cols() != 4)
        fail(where + "the history is " + shape(matrix) +
             ", expected k×6 (iteration, loss, gradient norm, step, evaluations of f and of the gradient)");
    std::vector<IterationRecord> history(std::size_t(matrix.rows()));
    for (Eigen::Index k = 0; k < matrix.rows(); ++k) {
        const double iteration = matrix(k, 0);
        if (!(iteration >= 0 && iteration <= std::numeric_limits<int>::max() &&
              iteration == std::floor(iteration)))
            fail(where + "row " + std::to_string(k + 1) + ": the iteration is not a whole number ≥ 0");
        IterationRecord &record = history[std::size_t(k)];
        record = {int(iteration), matrix(k, 1), matrix(k, 2), matrix(k, 3)};
        for (Eigen::Index column = 4; column < matrix.cols(); ++column) {
            const double count = matrix(k, column);
            if (!(count >= 0 && count <= 0x1p53 && count == std::floor(count))) // exact in a double
                fail(where + "row " + std::to_string(k + 1) +
                     ": an evaluation count is not a whole number ≥ 0");
            (column == 4 ? record.functionEvaluations : record.gradientEvaluations) = std::int64_t(count);
        }
    }
    return history;
}

QJsonObject readJson(ZipReader &zip) {
    const std::string where = zip.file() + ": session.json: ";
    if (!zip.has(kJsonMember))
        fail(zip.file() + ": not a session file: the archive has no session.json");
    const QByteArray text = zip.read(kJsonMember, kMaxJsonBytes);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        fail(where + "byte " + std::to_string(error.offset) + ": " + toStd(error.errorString()));
    if (!document.isObject())
        fail(where + "expected a JSON object");
    const QJsonObject object = document.object();
    if (object.value("format").toString() != kSessionFormat)
        fail(where + "not a session file: \"format\" is not \"" + kSessionFormat + "\"");
    const QJsonValue version = object.value("version");
    const double number = version.toDouble(-1);
    if (!version.isDouble() || number < 1 || number != std::floor(number))
        fail(where + "\"version\" must be a whole number ≥ 1");
    if (number > kSessionVersion)
        fail(zip.file() + ": made by a newer Gradient Lens (session version " +
             std::to_string(qint64(number)) + "); this one reads version " + std::to_string(kSessionVersion));
    return object;
}

Session readSession(const QString &path) {
    ZipReader zip(path);
    FieldReader fields(readJson(zip), zip.file() + ": session.json: ");
    fields.take("format");
    fields.take("version");
    Session session;
    std::set<QString> known = {kJsonMember, "gamma.npy", "history.npy"};
    auto noteProblemMembers = [&known](const QString &prefix) {
        for (const char *member : {"R.npy", "P.npy", "gamma_start.npy", "gamma_star.npy"})
            known.insert(prefix + member);
    };
    if (!fields.has("problem"))
        fail(fields.where() + "missing \"problem\"");
    session.problem =
        readProblem(zip, FieldReader(fields.object("problem"), fields.where() + "problem."), QString());
    noteProblemMembers(QString());
    session.gamma = zip.matrix("gamma.npy");
    session.history = readHistory(zip);
    if (fields.has("settings"))
        session.settings = readSettings(FieldReader(fields.object("settings"), fields.where() + "settings."));
    session.caption = fields.string("caption", QString());
    if (fields.has("scenes")) {
        const QJsonValue scenes = fields.take("scenes");
        if (!scenes.isArray())
            fields.bad("scenes", "an array", scenes);
        for (const QJsonValue &value : scenes.toArray()) {
            const std::size_t index = session.scenes.size();
            const QString prefix = scenePrefix(index);
            const std::string where = fields.where() + "scenes[" + std::to_string(index) + "].";
            if (!value.isObject())
                fail(where + ": expected an object");
            FieldReader scene(value.toObject(), where);
            SessionScene loaded;
            loaded.name = scene.string("name", QString());
            loaded.caption = scene.string("caption", QString());
            if (scene.has("settings"))
                loaded.settings = readSettings(FieldReader(scene.object("settings"), where + "settings."));
            if (scene.has("problem")) {
                loaded.problem =
                    readProblem(zip, FieldReader(scene.object("problem"), where + "problem."), prefix);
                noteProblemMembers(prefix);
            }
            loaded.gamma = zip.matrix(prefix + "gamma.npy");
            known.insert(prefix + "gamma.npy");
            loaded.unknownFields = scene.rest();
            session.scenes.push_back(std::move(loaded));
        }
    }
    session.unknownFields = fields.rest();
    for (const QString &name : zip.names())
        if (!known.count(name) &&
            !name.endsWith(QLatin1Char('/'))) // folders of other zip tools: nothing to keep
            session.unknownMembers.emplace_back(name, zip.read(name));
    validateAll(session, zip.file());
    return session;
}

} // namespace

const QStringList &sessionTabNames() {
    static const QStringList names = {"descent",    "taylor", "sweep",    "profile",
                                      "derivation", "race",   "landscape"};
    return names;
}

DescentOptions SessionSettings::descentOptions() const {
    DescentOptions options;
    options.optimizer = optimizer;
    options.learningRate = learningRate;
    options.maxIterations = maxIterations;
    options.gradientTolerance = gradientTolerance;
    options.relativeTolerance = relativeTolerance;
    options.momentum = momentum;
    options.adamBeta1 = adamBeta1;
    options.adamBeta2 = adamBeta2;
    options.adamEpsilon = adamEpsilon;
    options.stepDecay = stepDecay;
    options.scaleStep = scaleStep;
    options.stepScaleFactor = stepScaleFactor;
    options.lbfgsMemory = lbfgsMemory;
    options.convention = convention;
    options.variant = variant;
    return options;
}

void SessionSettings::setDescentOptions(const DescentOptions &options) {
    optimizer = options.optimizer;
    learningRate = options.learningRate;
    maxIterations = options.maxIterations;
    gradientTolerance = options.gradientTolerance;
    relativeTolerance = options.relativeTolerance;
    momentum = options.momentum;
    adamBeta1 = options.adamBeta1;
    adamBeta2 = options.adamBeta2;
    adamEpsilon = options.adamEpsilon;
    stepDecay = options.stepDecay;
    scaleStep = options.scaleStep;
    stepScaleFactor = options.stepScaleFactor;
    lbfgsMemory = options.lbfgsMemory;
    convention = options.convention;
    variant = options.variant;
}

QJsonObject settingsJson(const SessionSettings &settings) {
    QJsonObject known{
        {"optimizer", QString::fromUtf8(optimizerName(settings.optimizer).data())},
        {"learning_rate", settings.learningRate},
        {"iterations", settings.maxIterations},
        {"tolerance", settings.gradientTolerance},
        {"relative_tolerance", settings.relativeTolerance},
        {"momentum", settings.momentum},
        {"adam_beta1", settings.adamBeta1},
        {"adam_beta2", settings.adamBeta2},
        {"adam_epsilon", settings.adamEpsilon},
        {"step_decay", settings.stepDecay},
        {"scale_step", settings.scaleStep},
        {"step_scale", settings.stepScaleFactor},
        {"lbfgs_memory", settings.lbfgsMemory},
        {"convention", conventionName(settings.convention)},
        {"variant", QString::fromStdString(std::string(gradientVariantName(settings.variant)))},
        {"check_method", QString::fromStdString(std::string(differenceMethodName(settings.checkMethod)))},
        {"check_step", settings.checkStep},
        {"check_every", settings.checkEvery},
        {"pause_on_failure", settings.pauseOnFailure},
        {"views", QJsonArray::fromStringList(settings.views)},
        {"tab", settings.tab}};
    return merged(settings.unknownFields, known);
}

QJsonObject sessionJson(const Session &session) {
    QJsonArray scenes;
    for (const SessionScene &scene : session.scenes) {
        QJsonObject known{
            {"name", scene.name}, {"caption", scene.caption}, {"settings", settingsJson(scene.settings)}};
        if (scene.problem)
            known.insert("problem", problemJson(*scene.problem));
        scenes.append(merged(scene.unknownFields, known));
    }
    return merged(session.unknownFields, {{"format", kSessionFormat},
                                          {"version", kSessionVersion},
                                          {"problem", problemJson(session.problem)},
                                          {"settings", settingsJson(session.settings)},
                                          {"caption", session.caption},
                                          {"scenes", scenes}});
}

Status validateSession(const Session &session) {
    try {
        validateAll(session, "session");
    } catch (const SessionError &error) {
        return Status::failure(error.message);
    }
    return Status::success();
}

namespace {

bool needsMatricesStored(const Session &session) {
    if (recipeFallsShort(session.problem))
        return true;
    for (const SessionScene &scene : session.scenes)
        if (scene.problem && recipeFallsShort(*scene.problem))
            return true;
    return false;
}

} // namespace

Status saveSession(const QString &path, const Session &session) {
    try {
        validateAll(session, toStd(path));
        if (needsMatricesStored(session)) {
            Session stored = session; // rare: a generated problem edited afterwards
            stored.problem.embedMatrices |= recipeFallsShort(stored.problem);
            for (SessionScene &scene : stored.scenes)
                if (scene.problem)
                    scene.problem->embedMatrices |= recipeFallsShort(*scene.problem);
            return saveSession(path, stored);
        }
        ZipWriter zip(payloadBytes(session) > kZip64Threshold);
        // session.json first: a reader that only wants the description stops there.
        zip.add(kJsonMember, QJsonDocument(sessionJson(session)).toJson(QJsonDocument::Indented));
        writeProblem(zip, session.problem, QString());
        zip.addMatrix("gamma.npy", session.gamma);
        if (!session.history.empty())
            zip.addMatrix("history.npy", historyMatrix(session.history));
        for (std::size_t k = 0; k < session.scenes.size(); ++k) {
            const SessionScene &scene = session.scenes[k];
            if (scene.problem)
                writeProblem(zip, *scene.problem, scenePrefix(k));
            zip.addMatrix(scenePrefix(k) + "gamma.npy", scene.gamma);
        }
        for (const auto &[name, bytes] : session.unknownMembers)
            if (!zip.contains(name)) // a newer version's member, unless this version now writes that name
                zip.add(name, bytes);
        const QByteArray &bytes = zip.finish();
        return saveFile(toStd(path), std::string_view(bytes.constData(), std::size_t(bytes.size())));
    } catch (const SessionError &error) {
        return Status::failure(error.message.rfind(toStd(path), 0) == 0 ? error.message
                                                                        : toStd(path) + ": " + error.message);
    }
}

Status loadSession(const QString &path, Session &session) {
    try {
        Session loaded = readSession(path); // nothing reaches `session` unless all of it is good
        session = std::move(loaded);
    } catch (const SessionError &error) {
        return Status::failure(error.message);
    }
    return Status::success();
}

} // namespace gradlens
