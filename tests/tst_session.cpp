#include "npyformat.h"
#include "session.h"
#include "testhelpers.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <quazip.h>
#include <quazipfile.h>
#include <quazipfileinfo.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>

using namespace gradlens;
using Eigen::MatrixXd;

namespace {

using Members = std::map<QString, QByteArray>;

bool sameBits(const MatrixXd &a, const MatrixXd &b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           (a.size() == 0 || std::memcmp(a.data(), b.data(), std::size_t(a.size()) * sizeof(double)) == 0);
}

bool sameBits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

// Values a text format would be tempted to round: ±0, subnormals, extremes, 0.1 + 0.2.
MatrixXd awkward(Eigen::Index rows, Eigen::Index cols, double shift) {
    const double values[] = {0.0,    -0.0,      std::numeric_limits<double>::denorm_min(), 1e-300,   1e300,
                             -1e300, 0.1 + 0.2, -std::numeric_limits<double>::min(),       1.0 / 3.0};
    MatrixXd m(rows, cols);
    for (Eigen::Index k = 0; k < m.size(); ++k)
        m.data()[k] = values[k % 9] * (k % 2 ? 1.0 : shift);
    return m;
}

Session smallSession() {
    Session session;
    session.problem.R = awkward(4, 4, 1.0);
    session.problem.P = awkward(4, 4, -1.0);
    session.problem.gammaStart = awkward(4, 2, 0.5);
    session.gamma = awkward(4, 2, 2.0);
    session.history = {
        {0, 1e300, std::numeric_limits<double>::denorm_min(), 0.0, 1, 1},
        {1, -0.0, 1e-300, 0.1 + 0.2, 3, 2},
        {7, std::numeric_limits<double>::infinity(), 3.0, 1.0 / 3.0, 9'007'199'254'740'000, 44}};
    session.settings.optimizer = OptimizerKind::Exact;
    session.settings.learningRate = 0.1 + 0.2;
    session.settings.maxIterations = 1234;
    session.settings.gradientTolerance = 1e-300;
    session.settings.relativeTolerance = 1.0 / 3.0;
    session.settings.convention = Convention::Half;
    session.settings.variant = GradientVariant::DropTranspose;
    session.settings.checkMethod = DifferenceMethod::Ridders;
    session.settings.checkStep = 1e-7;
    session.settings.checkEvery = 3;
    session.settings.pauseOnFailure = true;
    session.settings.views = {"M", "deviation", "gamma"};
    session.settings.tab = "taylor";
    session.caption = "Lesson 1: a wrong transpose";
    return session;
}

void compareSettings(const SessionSettings &a, const SessionSettings &b) {
    QCOMPARE(settingsJson(a), settingsJson(b)); // every field, through the one serialiser
    QVERIFY(sameBits(a.learningRate, b.learningRate));
    QVERIFY(sameBits(a.gradientTolerance, b.gradientTolerance));
    QVERIFY(sameBits(a.relativeTolerance, b.relativeTolerance));
    QVERIFY(sameBits(a.checkStep, b.checkStep));
}

void compareProblems(const SessionProblem &a, const SessionProblem &b) {
    QVERIFY(sameBits(a.R, b.R));
    QVERIFY(sameBits(a.P, b.P));
    QVERIFY(sameBits(a.gammaStart, b.gammaStart));
    QVERIFY(sameBits(a.gammaStar, b.gammaStar));
    QCOMPARE(a.generator.has_value(), b.generator.has_value());
    if (a.generator) {
        QCOMPARE(a.generator->seed, b.generator->seed);
        QCOMPARE(a.generator->n, b.generator->n);
        QVERIFY(a.generator->weightKind == b.generator->weightKind);
        QVERIFY(sameBits(a.generator->noise, b.generator->noise));
    }
}

void compareSessions(const Session &a, const Session &b) {
    compareProblems(a.problem, b.problem);
    QVERIFY(sameBits(a.gamma, b.gamma));
    QCOMPARE(a.history.size(), b.history.size());
    for (std::size_t k = 0; k < a.history.size(); ++k) {
        QCOMPARE(a.history[k].iteration, b.history[k].iteration);
        QVERIFY(sameBits(a.history[k].loss, b.history[k].loss));
        QVERIFY(sameBits(a.history[k].gradientNorm, b.history[k].gradientNorm));
        QVERIFY(sameBits(a.history[k].step, b.history[k].step));
        QCOMPARE(a.history[k].functionEvaluations, b.history[k].functionEvaluations);
        QCOMPARE(a.history[k].gradientEvaluations, b.history[k].gradientEvaluations);
    }
    compareSettings(a.settings, b.settings);
    QCOMPARE(a.caption, b.caption);
    QCOMPARE(a.scenes.size(), b.scenes.size());
    for (std::size_t k = 0; k < a.scenes.size(); ++k) {
        QCOMPARE(a.scenes[k].name, b.scenes[k].name);
        QCOMPARE(a.scenes[k].caption, b.scenes[k].caption);
        compareSettings(a.scenes[k].settings, b.scenes[k].settings);
        QVERIFY(sameBits(a.scenes[k].gamma, b.scenes[k].gamma));
        QCOMPARE(a.scenes[k].problem.has_value(), b.scenes[k].problem.has_value());
        if (a.scenes[k].problem)
            compareProblems(*a.scenes[k].problem, *b.scenes[k].problem);
    }
    QCOMPARE(sessionJson(a), sessionJson(b));
}

// The archive's members, read and written with QuaZip directly, to make damaged and newer files.
Members readMembers(const QString &path) {
    Members members;
    QuaZip zip(path);
    if (!zip.open(QuaZip::mdUnzip))
        return members;
    for (bool more = zip.goToFirstFile(); more; more = zip.goToNextFile()) {
        QuaZipFile file(&zip);
        file.open(QIODevice::ReadOnly);
        members[zip.getCurrentFileName()] = file.readAll();
    }
    return members;
}

bool writeMembers(const QString &path, const Members &members) {
    QuaZip zip(path);
    if (!zip.open(QuaZip::mdCreate))
        return false;
    for (const auto &[name, bytes] : members) {
        QuaZipFile file(&zip);
        if (!file.open(QIODevice::WriteOnly, QuaZipNewInfo(name)) || file.write(bytes) != bytes.size())
            return false;
        file.close();
    }
    zip.close();
    return zip.getZipError() == 0;
}

QJsonObject jsonOf(const Members &members) {
    return QJsonDocument::fromJson(members.at("session.json")).object();
}

void setJson(Members &members, const QJsonObject &json) {
    members["session.json"] = QJsonDocument(json).toJson();
}

QByteArray npy(const MatrixXd &m) {
    const std::string bytes = toNpy(m);
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

using Mutation = std::function<void(Members &)>;

} // namespace

Q_DECLARE_METATYPE(Session)
Q_DECLARE_METATYPE(Mutation)

class TestSession : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString path(const QString &name) const { return m_dir.filePath(name); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // Save then load: matrices, iterate and history bit for bit, settings, scenes and captions the same.
    void roundTrip_data() {
        QTest::addColumn<Session>("session");
        const Session small = smallSession();
        QTest::newRow("matrices with ±0, subnormals, 1e±300") << small;

        Session empty = small;
        empty.history.clear();
        empty.settings = SessionSettings();
        empty.caption.clear();
        QTest::newRow("no history, default settings") << empty;

        Session starred = small;
        starred.problem.gammaStar = awkward(4, 2, -3.0);
        QTest::newRow("with γ*") << starred;

        for (bool embed : {false, true}) {
            Session generated;
            const GeneratorOptions recipe =
                test::generatorOptions(12, 3, WeightKind::Mask, TargetKind::Planted, 9007199254740993ull);
            GeneratedProblem made = generateProblem(recipe);
            generated.problem.generator = recipe;
            generated.problem.embedMatrices = embed;
            generated.problem.R = made.problem.R;
            generated.problem.P = made.problem.P;
            generated.problem.gammaStart = made.problem.gamma;
            generated.problem.gammaStar = made.gammaStar;
            generated.gamma = made.problem.gamma * 0.5;
            QTest::newRow(embed ? "generated, matrices stored" : "generated, recipe only") << generated;
        }

        Session scenes = small;
        SessionScene first;
        first.name = "Start";
        first.caption = "Where descent begins";
        first.gamma = small.problem.gammaStart;
        first.settings.tab = "sweep";
        SessionScene second;
        second.name = "Another problem";
        second.caption = "Symmetric P hides the mistake";
        SessionProblem own;
        own.R = awkward(3, 3, 2.0);
        own.P = MatrixXd::Ones(3, 3);
        own.gammaStart = awkward(3, 1, 1.0);
        own.gammaStar = awkward(3, 1, -1.0);
        second.problem = own;
        second.gamma = awkward(3, 1, 4.0);
        second.settings.variant = GradientVariant::NoOuterP;
        scenes.scenes = {first, second};
        QTest::newRow("scenes, one with its own problem") << scenes;
    }
    void roundTrip() {
        QFETCH(Session, session);
        const QString file = path("round.gradlens");
        const Status saved = saveSession(file, session);
        QVERIFY2(saved.ok, saved.message.c_str());
        Session loaded;
        const Status status = loadSession(file, loaded);
        QVERIFY2(status.ok, status.message.c_str());
        compareSessions(session, loaded);
        // Saved again, it reads back the same once more.
        QVERIFY(saveSession(file, loaded).ok);
        Session again;
        QVERIFY(loadSession(file, again).ok);
        compareSessions(session, again);
    }

    // A generated problem edited afterwards is saved with its matrices: the recipe would lose the edit.
    void editedRecipeKeepsItsMatrices() {
        Session session;
        const GeneratorOptions recipe =
            test::generatorOptions(6, 2, WeightKind::Dense, TargetKind::Random, 2);
        GeneratedProblem made = generateProblem(recipe);
        session.problem.generator = recipe;
        session.problem.R = made.problem.R;
        session.problem.P = made.problem.P;
        session.problem.gammaStart = made.problem.gamma;
        session.gamma = made.problem.gamma;
        const QString file = path("edited.gradlens");
        QVERIFY(saveSession(file, session).ok);
        QVERIFY(!readMembers(file).count("R.npy")); // the recipe suffices
        session.problem.R(1, 2) = 42;
        QVERIFY(saveSession(file, session).ok);
        QVERIFY(readMembers(file).count("R.npy"));
        Session loaded;
        QVERIFY(loadSession(file, loaded).ok);
        QVERIFY(sameBits(loaded.problem.R, session.problem.R));
        QVERIFY(loaded.problem.embedMatrices);
    }

    // The archive is what the README says: NumPy-readable members and a versioned session.json.
    void membersAndSchema() {
        Session session = smallSession();
        session.problem.gammaStar = awkward(4, 2, 1.0);
        const QString file = path("members.gradlens");
        QVERIFY(saveSession(file, session).ok);
        const Members members = readMembers(file);
        for (const char *name : {"session.json", "R.npy", "P.npy", "gamma.npy", "gamma_start.npy",
                                 "gamma_star.npy", "history.npy"})
            QVERIFY2(members.count(name), name);
        QVERIFY(members.at("R.npy").startsWith("\x93NUMPY"));
        const QJsonObject json = jsonOf(members);
        QCOMPARE(json.value("format").toString(), QString("gradlens-session"));
        QCOMPARE(json.value("version").toInt(), 1);
        QCOMPARE(json.value("problem").toObject().value("source").toString(), QString("matrices"));
        QCOMPARE(json.value("settings").toObject().value("optimizer").toString(), QString("exact"));
        QCOMPARE(json.value("settings").toObject().value("convention").toString(), QString("half"));
        MatrixXd history;
        QVERIFY(parseNpy(std::string_view(members.at("history.npy").constData(),
                                          std::size_t(members.at("history.npy").size())),
                         "history.npy", history)
                    .ok);
        QCOMPARE(history.rows(), 3);
        QCOMPARE(history.cols(), 6);
    }

    // Fields and members of a newer version (same major version) survive a load and a save.
    void unknownFieldsKept() {
        const QString file = path("newer.gradlens");
        QVERIFY(saveSession(file, smallSession()).ok);
        Members members = readMembers(file);
        QJsonObject json = jsonOf(members);
        json.insert("lesson_plan", QJsonObject{{"minutes", 45}});
        QJsonObject settings = json.value("settings").toObject();
        settings.insert("trust_region_radius", 0.9);
        json.insert("settings", settings);
        QJsonObject problem = json.value("problem").toObject();
        problem.insert("origin", "a textbook");
        json.insert("problem", problem);
        setJson(members, json);
        members["notes/extra.npy"] = npy(MatrixXd::Constant(2, 2, 7.0));
        QVERIFY(writeMembers(file, members));

        Session loaded;
        const Status status = loadSession(file, loaded);
        QVERIFY2(status.ok, status.message.c_str());
        QVERIFY(loaded.settings.unknownFields.value("trust_region_radius").toDouble() == 0.9);
        loaded.settings.learningRate = 0.5; // an edit of a known field keeps the unknown ones
        QVERIFY(saveSession(file, loaded).ok);

        const Members saved = readMembers(file);
        const QJsonObject back = jsonOf(saved);
        QCOMPARE(back.value("lesson_plan").toObject().value("minutes").toInt(), 45);
        QVERIFY(back.value("settings").toObject().value("trust_region_radius").toDouble() == 0.9);
        QVERIFY(back.value("settings").toObject().value("learning_rate").toDouble() == 0.5);
        QCOMPARE(back.value("problem").toObject().value("origin").toString(), QString("a textbook"));
        QVERIFY(saved.count("notes/extra.npy"));
        QCOMPARE(saved.at("notes/extra.npy"), npy(MatrixXd::Constant(2, 2, 7.0)));
    }

    // Every damaged, hostile or newer file is refused with a message naming the file, the member and the
    // problem, and the session given to loadSession is left as it was.
    void refused_data() {
        QTest::addColumn<Mutation>("mutate");
        QTest::addColumn<QString>("expected"); // a part of the message, after "<file>: "
        auto json = [](std::function<void(QJsonObject &)> edit) {
            return Mutation([edit](Members &members) {
                QJsonObject object = jsonOf(members);
                edit(object);
                setJson(members, object);
            });
        };
        QTest::newRow("newer version")
            << json([](QJsonObject &o) { o.insert("version", 2); })
            << "made by a newer Gradient Lens (session version 2); this one reads version 1";
        QTest::newRow("not a session")
            << json([](QJsonObject &o) { o.insert("format", "something-else"); }) << "not a session file";
        QTest::newRow("bad JSON") << Mutation([](Members &m) { m["session.json"] = "{\"format\": "; })
                                  << "session.json: byte";
        QTest::newRow("no session.json")
            << Mutation([](Members &m) { m.erase("session.json"); }) << "no session.json";
        QTest::newRow("missing iterate")
            << Mutation([](Members &m) { m.erase("gamma.npy"); }) << "gamma.npy: missing from the archive";
        QTest::newRow("missing R") << Mutation([](Members &m) { m.erase("R.npy"); })
                                   << "R.npy: missing from the archive";
        QTest::newRow("R not n×n") << Mutation([](Members &m) { m["R.npy"] = npy(MatrixXd::Zero(4, 3)); })
                                   << "R.npy: R is 4×3, expected 4×4";
        QTest::newRow("iterate rows ≠ n")
            << Mutation([](Members &m) { m["gamma.npy"] = npy(MatrixXd::Zero(5, 2)); })
            << "gamma.npy: the iterate γ is 5×2, expected 4×2";
        QTest::newRow("non-finite P") << Mutation([](Members &m) {
            MatrixXd p = MatrixXd::Ones(4, 4);
            p(2, 1) = std::nan("");
            m["P.npy"] = npy(p);
        }) << "P.npy: ";
        QTest::newRow("damaged npy") << Mutation([](Members &m) { m["gamma_start.npy"] = "\x93NUMPY\x01"; })
                                     << "gamma_start.npy: byte";
        QTest::newRow("npy claiming a huge shape") << Mutation([](Members &m) {
            QByteArray bytes = npy(MatrixXd::Zero(1, 1));
            bytes.replace("(1, 1)", "(99999, 99999)");
            m["P.npy"] = bytes;
        }) << "P.npy: ";
        QTest::newRow("history not k×6")
            << Mutation([](Members &m) { m["history.npy"] = npy(MatrixXd::Zero(2, 3)); })
            << "history.npy: the history is 2×3";
        QTest::newRow("bad setting") << json([](QJsonObject &o) {
            QJsonObject s = o.value("settings").toObject();
            s.insert("optimizer", "newton");
            o.insert("settings", s);
        })
                                     << "session.json: settings.optimizer: expected one of gd, armijo, "
                                        "exact, momentum, nesterov, adam, lbfgs, found newton";
        QTest::newRow("negative learning rate") << json([](QJsonObject &o) {
            QJsonObject s = o.value("settings").toObject();
            s.insert("learning_rate", -1);
            o.insert("settings", s);
        }) << "settings.learning_rate: expected a number > 0";
        QTest::newRow("n disagrees with the matrices") << json([](QJsonObject &o) {
            QJsonObject p = o.value("problem").toObject();
            p.insert("n", 5);
            o.insert("problem", p);
        }) << "gamma_start.npy: γ₀ is 4×2, but session.json says n = 5";
        QTest::newRow("generator for an enormous n") << json([](QJsonObject &o) {
            o.insert("problem", QJsonObject{{"source", "generated"},
                                            {"n", 4},
                                            {"r", 2},
                                            {"generator", QJsonObject{{"n", 46340}, {"r", 2}}}});
        }) << "generator: a 46340×46340 matrix needs";
        QTest::newRow("scene iterate of the wrong shape") << Mutation([](Members &m) {
            QJsonObject o = jsonOf(m);
            o.insert("scenes", QJsonArray{QJsonObject{{"name", "one"}}});
            setJson(m, o);
            m["scenes/0/gamma.npy"] = npy(MatrixXd::Zero(4, 3));
        }) << "scenes/0/gamma.npy: the iterate γ is 4×3, expected 4×2";
    }
    void refused() {
        QFETCH(Mutation, mutate);
        QFETCH(QString, expected);
        const QString file = path("refused.gradlens");
        QVERIFY(saveSession(file, smallSession()).ok);
        Members members = readMembers(file);
        mutate(members);
        QFile::remove(file);
        QVERIFY(writeMembers(file, members));
        Session kept = smallSession();
        kept.caption = "untouched";
        const Status status = loadSession(file, kept);
        QVERIFY(!status.ok);
        const QString message = QString::fromStdString(status.message);
        QVERIFY2(message.startsWith(file + ": "), qPrintable(message));
        QVERIFY2(message.contains(expected), qPrintable(message));
        QCOMPARE(kept.caption, QString("untouched")); // nothing half-loaded
        QCOMPARE(kept.problem.R.rows(), 4);
    }

    // Damaged archives: cut short, not a zip at all, flipped bytes inside a member.
    void damagedArchive_data() {
        QTest::addColumn<int>("damage");
        QTest::addColumn<QString>("expected");
        QTest::newRow("truncated") << 0 << "not a zip archive, or a damaged or truncated one";
        QTest::newRow("not a zip") << 1 << "not a zip archive";
        QTest::newRow("empty file") << 2 << "not a zip archive";
        QTest::newRow("corrupted member") << 3 << "damaged";
    }
    void damagedArchive() {
        QFETCH(int, damage);
        QFETCH(QString, expected);
        const QString file = path("damaged.gradlens");
        Session session = smallSession();
        const Problem problem = test::generatedProblem(40, 2, WeightKind::Dense, TargetKind::Random, 3);
        session.problem.R = problem.R; // random doubles: R.npy's deflated data are long enough to damage
        session.problem.P = problem.P;
        session.problem.gammaStart = problem.gamma;
        session.gamma = problem.gamma;
        QVERIFY(saveSession(file, session).ok);
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray bytes = f.readAll();
        f.close();
        if (damage == 0)
            bytes.truncate(bytes.size() * 2 / 3);
        else if (damage == 1)
            bytes = "this is not a zip archive at all\n";
        else if (damage == 2)
            bytes.clear();
        else {
            // Inside R.npy's deflated data, after its local header: the checksum or the stream breaks.
            const qsizetype at = bytes.indexOf("R.npy") + 64;
            for (qsizetype k = at; k < at + 16; ++k)
                bytes[k] = char(bytes[k] ^ 0x5a);
        }
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
        f.close();
        Session kept;
        const Status status = loadSession(file, kept);
        QVERIFY(!status.ok);
        QVERIFY2(QString::fromStdString(status.message).contains(expected), status.message.c_str());
        QVERIFY(QString::fromStdString(status.message).startsWith(file));
        QCOMPARE(kept.problem.R.size(), 0);
    }

    // Every byte of a small session flipped in turn, and the file cut short at many lengths: each either
    // loads as a valid session or is refused with a message naming the file (under the asan preset: no memory
    // error either, in QuaZip's minizip or here).
    void everyDamageIsHandled() {
        const QString original = path("whole.gradlens"), file = path("flipped.gradlens");
        Session session = smallSession();
        session.scenes = {SessionScene{"one", "a caption", {}, session.gamma, std::nullopt, {}}};
        QVERIFY(saveSession(original, session).ok);
        QFile in(original);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray bytes = in.readAll();
        int loaded = 0, refused = 0;
        for (qsizetype k = 0; k < 2 * bytes.size(); k += k < bytes.size() ? 1 : 5) {
            QByteArray damaged = bytes;
            if (k < bytes.size())
                damaged[k] = char(damaged[k] ^ 0xff);
            else
                damaged.truncate(k - bytes.size()); // every fifth length
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(damaged);
            out.close();
            Session result;
            const Status status = loadSession(file, result);
            if (status.ok) {
                ++loaded;
                QVERIFY(validateSession(result).ok);
            } else {
                ++refused;
                QVERIFY2(QString::fromStdString(status.message).startsWith(file + ": "),
                         status.message.c_str());
            }
        }
        QVERIFY(refused > bytes.size() / 2); // most damage is caught (flipped dates and attributes load)
        qInfo("%d damaged files loaded, %d refused", loaded, refused);
    }

    // A member claiming more than the memory limit is refused before it is inflated (a zip bomb).
    void sizeLimit() {
        const QString file = path("bomb.gradlens");
        Session session = smallSession();
        session.problem.R = MatrixXd::Zero(64, 64); // 32 KiB of zeros, deflated to almost nothing
        session.problem.P = MatrixXd::Zero(64, 64);
        session.problem.gammaStart = MatrixXd::Zero(64, 2);
        session.gamma = session.problem.gammaStart;
        QVERIFY(saveSession(file, session).ok);
        QVERIFY(QFileInfo(file).size() < 8000);
        qputenv("GRADLENS_MAX_MATRIX_BYTES", "16000");
        Session kept;
        const Status status = loadSession(file, kept);
        qunsetenv("GRADLENS_MAX_MATRIX_BYTES");
        QVERIFY(!status.ok);
        QVERIFY2(QString::fromStdString(status.message)
                     .contains("R.npy: uncompressed, it needs 32 KiB, more than the 16 KiB allowed"),
                 status.message.c_str());
        QVERIFY(loadSession(file, kept).ok); // under the default limit it is an ordinary session
    }

    // A save that fails leaves the file that was there; invalid sessions are refused before writing.
    void failedSaveKeepsTheOldFile_data() {
        QTest::addColumn<int>("failure");
        QTest::newRow("invalid session") << 0;
        QTest::newRow("read-only target") << 1;
        QTest::newRow("non-finite iterate") << 2;
    }
    void failedSaveKeepsTheOldFile() {
        QFETCH(int, failure);
        const QString file = path("kept.gradlens");
        QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner);
        const Session original = smallSession();
        QVERIFY(saveSession(file, original).ok);
        Session changed = smallSession();
        changed.caption = "changed";
        if (failure == 0)
            changed.gamma = MatrixXd::Zero(3, 2);
        else if (failure == 1)
            QVERIFY(QFile::setPermissions(file, QFile::ReadOwner));
        else
            changed.gamma(1, 1) = std::numeric_limits<double>::infinity();
        const Status status = saveSession(file, changed);
        QVERIFY(!status.ok);
        QVERIFY2(QString::fromStdString(status.message).startsWith(file + ": "), status.message.c_str());
        QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner);
        Session loaded;
        QVERIFY(loadSession(file, loaded).ok);
        compareSessions(original, loaded);
        QVERIFY(QDir(m_dir.path()).entryList({"kept.gradlens*"}, QDir::Files | QDir::Hidden).size() == 1);
    }

    void validateNamesTheMistake() {
        Session session = smallSession();
        session.settings.tab = "nowhere";
        const Status status = validateSession(session);
        QVERIFY(!status.ok);
        QVERIFY2(status.message.find("settings.tab") != std::string::npos, status.message.c_str());
        QVERIFY(validateSession(smallSession()).ok);
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
