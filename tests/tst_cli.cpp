#include "evaluation.h"
#include "gradientforms.h"
#include "matrixio.h"
#include "savefile.h"
#include "session.h"
#include "testhelpers.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <cstring>
#include <memory>
#include <utility>

using namespace gradlens;
using Eigen::MatrixXd;

namespace {

struct Run {
    int exitCode = -1;
    QJsonObject json;
    QByteArray out, err;
};

// A python3 with NumPy (the one on PATH, or Debian's), or empty when there is none.
QString pythonWithNumpy() {
    for (const QString &python : {QStringLiteral("python3"), QStringLiteral("/usr/bin/python3")}) {
        QProcess probe;
        probe.start(python, {QStringLiteral("-c"), QStringLiteral("import numpy")});
        if (probe.waitForFinished(30000) && probe.exitStatus() == QProcess::NormalExit &&
            probe.exitCode() == 0)
            return python;
    }
    return {};
}

Run cli(const QStringList &arguments) {
    QProcess process;
    process.start(GRADLENS_CLI_PATH, arguments);
    Run run;
    if (!process.waitForFinished(120000))
        return run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    run.json = QJsonDocument::fromJson(run.out).object();
    return run;
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QStringList m_files;
    QStringList m_symmetricFiles;

    QString path(const QString &name) const { return m_dir.filePath(name); }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        Run run = cli({"generate", "--n", "30", "--r", "2", "--seed", "4", "--out-dir", path("dense")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.json.value("files").toArray().size(), 4); // planted by default: γ* too
        m_files = QStringList{"--R",     path("dense/R.mtx"),    "--P", path("dense/P.mtx"),
                              "--gamma", path("dense/gamma.mtx")};
        run = cli({"generate", "--n", "30", "--r", "2", "--p-kind", "symmetric", "--r-kind", "random",
                   "--out-dir", path("symmetric")});
        QCOMPARE(run.exitCode, 0);
        m_symmetricFiles = QStringList{"--R",     path("symmetric/R.mtx"),    "--P", path("symmetric/P.mtx"),
                                       "--gamma", path("symmetric/gamma.mtx")};
    }

    void evalMatchesTheCore() {
        const Run run = cli(QStringList{"eval"} + m_files +
                            QStringList{"--grad-out", path("g.csv"), "--residual-out", path("m.mtx")});
        QCOMPARE(run.exitCode, 0);
        Problem problem;
        QVERIFY(readMatrix(path("dense/R.mtx").toStdString(), problem.R).ok);
        QVERIFY(readMatrix(path("dense/P.mtx").toStdString(), problem.P).ok);
        QVERIFY(readMatrix(path("dense/gamma.mtx").toStdString(), problem.gamma).ok);
        EvaluationOptions options;
        options.wantResidual = true;
        const Evaluation expected = evaluate(problem, options);
        GL_COMPARE_NEAR(run.json.value("loss").toDouble(), expected.loss, 0.0);
        GL_COMPARE_NEAR(run.json.value("grad_norm").toDouble(), expected.gradient.stableNorm(), 0.0);
        QCOMPARE(run.json.value("n").toInt(), 30);
        QCOMPARE(run.json.value("r").toInt(), 2);
        QCOMPARE(run.json.value("convention").toString(), QString("full"));
        QCOMPARE(run.json.value("formula").toString(), QString("matrix"));
        MatrixXd gradient, residual;
        QVERIFY(readMatrix(path("g.csv").toStdString(), gradient).ok);
        QVERIFY(readMatrix(path("m.mtx").toStdString(), residual).ok);
        QVERIFY(gradient == expected.gradient); // 17 digits: read back bit-identical
        QVERIFY(residual == expected.residual);
    }

    void entrywiseFormulaAgrees() {
        const Run matrix = cli(QStringList{"eval", "--half"} + m_files);
        const Run entrywise = cli(QStringList{"eval", "--half", "--formula", "entrywise"} + m_files);
        QCOMPARE(entrywise.exitCode, 0);
        QCOMPARE(entrywise.json.value("convention").toString(), QString("half"));
        const double a = matrix.json.value("grad_norm").toDouble(),
                     b = entrywise.json.value("grad_norm").toDouble();
        GL_COMPARE_NEAR(b, a, 1e-13 * a);
    }

    void check_data() {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<bool>("symmetric");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("verdict");
        QTest::newRow("central") << QStringList{} << false << 0 << "consistent";
        QTest::newRow("forward") << QStringList{"--method", "forward"} << false << 0 << "consistent";
        QTest::newRow("backward") << QStringList{"--method", "backward"} << false << 0 << "consistent";
        QTest::newRow("complex") << QStringList{"--method", "complex"} << false << 0 << "consistent";
        QTest::newRow("ridders, ½f") << QStringList{"--method", "ridders", "--half"} << false << 0
                                     << "consistent";
        QTest::newRow("manual step") << QStringList{"--step", "1e-5"} << false << 0 << "consistent";
        QTest::newRow("drop-transpose")
            << QStringList{"--variant", "drop-transpose"} << false << 1 << "inconsistent";
        QTest::newRow("flip-sign") << QStringList{"--variant", "flip-sign"} << false << 1 << "inconsistent";
        QTest::newRow("drop-transpose on symmetric P, R passes")
            << QStringList{"--variant", "drop-transpose"} << true << 0 << "consistent";
    }
    void check() {
        QFETCH(QStringList, extra);
        QFETCH(bool, symmetric);
        QFETCH(int, exitCode);
        QFETCH(QString, verdict);
        const Run run = cli(QStringList{"check"} + (symmetric ? m_symmetricFiles : m_files) + extra);
        QVERIFY2(run.exitCode == exitCode, run.out + run.err);
        QCOMPARE(run.json.value("verdict").toString(), verdict);
        QVERIFY(run.json.value("fd_informative").toBool());
        for (const char *key : {"method", "step", "max_abs_deviation", "max_rel_deviation"})
            QVERIFY2(run.json.contains(key), key);
    }

    // Your own gradient from a file: the correct one (written by eval) is consistent; each mistake, written
    // as a file, is inconsistent (exit 1) and named by the fingerprint; the gradient of ½f checked as f is
    // recognised as such; taylor and sweep take the file too.
    void gradientFromFile_data() {
        QTest::addColumn<QString>("variant");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("nearest");
        QTest::newRow("correct") << "correct" << QStringList{} << 0 << "correct";
        QTest::newRow("correct, ½f") << "correct" << QStringList{"--half"} << 0 << "correct";
        QTest::newRow("complex step") << "correct" << QStringList{"--method", "complex"} << 0 << "correct";
        for (const char *mistake : {"drop-transpose", "no-outer-p", "flip-sign", "diagonal-once"})
            QTest::newRow(mistake) << mistake << QStringList{} << 1 << mistake;
    }
    void gradientFromFile() {
        QFETCH(QString, variant);
        QFETCH(QStringList, extra);
        QFETCH(int, exitCode);
        QFETCH(QString, nearest);
        Problem problem;
        QVERIFY(readMatrix(path("dense/R.mtx").toStdString(), problem.R).ok);
        QVERIFY(readMatrix(path("dense/P.mtx").toStdString(), problem.P).ok);
        QVERIFY(readMatrix(path("dense/gamma.mtx").toStdString(), problem.gamma).ok);
        const Convention convention = extra.contains("--half") ? Convention::Half : Convention::Full;
        const QString file = path("G_" + variant + ".npy");
        QVERIFY(
            writeMatrix(file.toStdString(),
                        gradientVariant(problem, *parseGradientVariant(variant.toStdString()), convention))
                .ok);
        const Run run = cli(QStringList{"check", "--gradient", file} + m_files + extra);
        QVERIFY2(run.exitCode == exitCode, run.out + run.err);
        QCOMPARE(run.json.value("gradient").toString(), "file:G_" + variant + ".npy");
        QVERIFY(run.json.value("variant").isNull());
        const QJsonObject fingerprint = run.json.value("fingerprint").toObject();
        QCOMPARE(fingerprint.value("nearest").toString(), nearest);
        QVERIFY(fingerprint.value("explanation").toString().startsWith("your gradient ≈"));
        QCOMPARE(fingerprint.value("coefficients").toObject().size(), 6);
        if (exitCode == 0)
            QVERIFY(run.json.value("max_rel_deviation_analytic").toDouble() < 1e-12);
        for (const QString command : {"taylor", "sweep"}) {
            const QStringList half = extra.contains("--half") ? QStringList{"--half"} : QStringList{};
            const Run other = cli(QStringList{command, "--gradient", file} + m_files + half);
            QVERIFY2(other.exitCode == (command == "taylor" ? exitCode : 0), other.out + other.err);
            QCOMPARE(other.json.value("gradient").toString(), "file:G_" + variant + ".npy");
        }
    }

    // The gradient of ½f given as the gradient of f: inconsistent, and the fingerprint says why.
    void halfGradientCheckedAsFull() {
        Problem problem;
        QVERIFY(readMatrix(path("dense/R.mtx").toStdString(), problem.R).ok);
        QVERIFY(readMatrix(path("dense/P.mtx").toStdString(), problem.P).ok);
        QVERIFY(readMatrix(path("dense/gamma.mtx").toStdString(), problem.gamma).ok);
        QVERIFY(writeMatrix(path("G_half.csv").toStdString(),
                            gradientVariant(problem, GradientVariant::Correct, Convention::Half))
                    .ok);
        const Run run = cli(QStringList{"check", "--gradient", path("G_half.csv")} + m_files);
        QCOMPARE(run.exitCode, 1);
        const QJsonObject fingerprint = run.json.value("fingerprint").toObject();
        QCOMPARE(fingerprint.value("nearest").toString(), QString("drop-factor-two"));
        QVERIFY2(fingerprint.value("explanation").toString().contains("--half"),
                 qPrintable(fingerprint.value("explanation").toString()));
    }

    // A gradient file of the wrong shape, or with --variant as well, is bad input with one clear line.
    void gradientFileRefused_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("message");
        QTest::newRow("transposed") << "G_t.mtx" << QStringList{}
                                    << "expected 30×2 like γ (it looks transposed)";
        QTest::newRow("with --variant") << "G_ok.mtx" << QStringList{"--variant", "correct"}
                                        << "--gradient and --variant exclude each other";
    }
    void gradientFileRefused() {
        QFETCH(QString, file);
        QFETCH(QStringList, extra);
        QFETCH(QString, message);
        QVERIFY(writeMatrix(path("G_t.mtx").toStdString(), MatrixXd::Ones(2, 30)).ok);
        QVERIFY(writeMatrix(path("G_ok.mtx").toStdString(), MatrixXd::Ones(30, 2)).ok);
        const Run run = cli(QStringList{"check", "--gradient", path(file)} + m_files + extra);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());
        QCOMPARE(run.err.count('\n'), 1);
    }

    // At an exact minimum the correct gradient is rounding: the seed called it inconsistent (max_rel 2.4e5,
    // exit 1), with finite differences and with complex step.
    void checkAtAMinimum_data() {
        QTest::addColumn<QString>("method");
        QTest::newRow("central") << "central";
        QTest::newRow("complex") << "complex";
    }
    void checkAtAMinimum() {
        QFETCH(QString, method);
        if (!QFile::exists(path("exact/gamma_star.mtx")))
            QCOMPARE(cli({"generate", "--n", "30", "--r", "2", "--seed", "4", "--noise", "0", "--out-dir",
                          path("exact")})
                         .exitCode,
                     0);
        const Run run = cli({"check", "--R", path("exact/R.mtx"), "--P", path("exact/P.mtx"), "--gamma",
                             path("exact/gamma_star.mtx"), "--method", method});
        QVERIFY2(run.exitCode == 0, run.out + run.err);
        QCOMPARE(run.json.value("verdict").toString(), QString("stationary_to_rounding"));
        QVERIFY(run.json.value("stationary").toBool());
        QVERIFY(run.json.value("max_mixed_deviation").toDouble() <= 1.0);
    }

    // A step lost in γ's rounding says so, instead of "at most nan".
    void stepLostInRounding() {
        const Run run = cli(QStringList{"check", "--step", "1e-20"} + m_files);
        const QString precision = run.json.value("precision").toString();
        QVERIFY2(precision.contains("lost in rounding"), qPrintable(precision));
        QVERIFY2(!precision.contains("nan"), qPrintable(precision));
        QCOMPARE(run.json.value("fd_informative").toBool(), false);
    }

    void tinyProblemIsInconclusive() {
        Problem problem;
        for (const char *name : {"R", "P", "gamma"}) {
            MatrixXd matrix;
            QVERIFY(readMatrix(path(QString("dense/%1.mtx").arg(name)).toStdString(), matrix).ok);
            QVERIFY(writeMatrix(path(QString("tiny_%1.mtx").arg(name)).toStdString(), 1e-6 * matrix).ok);
        }
        const Run run = cli({"check", "--R", path("tiny_R.mtx"), "--P", path("tiny_P.mtx"), "--gamma",
                             path("tiny_gamma.mtx")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.json.value("fd_informative").toBool(), false);
        // Finite differences cannot decide here; the Taylor test, which does not depend on the scale, can.
        QCOMPARE(run.json.value("taylor_verdict").toString(), QString("consistent"));
        QCOMPARE(run.json.value("verdict").toString(), QString("consistent"));
    }

    // Slope 2 for the correct gradient, slope 1 and exit 1 for each mistake; drop-transpose passes on
    // symmetric P and R.
    void taylor_data() {
        QTest::addColumn<QString>("variant");
        QTest::addColumn<bool>("symmetric");
        QTest::addColumn<double>("slope");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("verdict");
        QTest::newRow("correct") << "correct" << false << 2.0 << 0 << "consistent";
        QTest::newRow("entrywise") << "entrywise" << false << 2.0 << 0 << "consistent";
        for (const char *mistake : {"drop-transpose", "drop-factor-two", "no-outer-p", "flip-sign"})
            QTest::newRow(mistake) << mistake << false << 1.0 << 1 << "wrong";
        QTest::newRow("drop-transpose, symmetric") << "drop-transpose" << true << 2.0 << 0 << "consistent";
    }
    void taylor() {
        QFETCH(QString, variant);
        QFETCH(bool, symmetric);
        QFETCH(double, slope);
        QFETCH(int, exitCode);
        QFETCH(QString, verdict);
        const Run run = cli(QStringList{"taylor", "--variant", variant, "--out", path("taylor.csv")} +
                            (symmetric ? m_symmetricFiles : m_files));
        QVERIFY2(run.exitCode == exitCode, run.out + run.err);
        GL_COMPARE_NEAR(run.json.value("slope").toDouble(), slope, 0.1);
        QCOMPARE(run.json.value("verdict").toString(), verdict);
        QCOMPARE(run.json.value("window").toArray().size(), 2);
        MatrixXd table;
        QVERIFY(readMatrix(path("taylor.csv").toStdString(), table).ok);
        QCOMPARE(table.rows(), Eigen::Index(50));
        QCOMPARE(table.cols(), Eigen::Index(2));
        // check reports the same slope and fails the same mistakes.
        const Run check =
            cli(QStringList{"check", "--variant", variant} + (symmetric ? m_symmetricFiles : m_files));
        QCOMPARE(check.exitCode, exitCode);
        GL_COMPARE_NEAR(check.json.value("taylor_slope").toDouble(), run.json.value("slope").toDouble(), 0.0);
    }

    void sweepFindsTheVShape() {
        const Run run = cli(QStringList{"sweep", "--out", path("sweep.csv")} + m_files);
        QCOMPARE(run.exitCode, 0);
        const double scale = run.json.value("scale").toDouble();
        const QJsonObject best = run.json.value("best_deviation").toObject();
        QVERIFY2(best.value("central").toDouble() < 1e-8 * scale, run.out);
        QVERIFY2(best.value("complex").toDouble() < 1e-14 * scale, run.out);
        QVERIFY2(best.value("forward").toDouble() > best.value("central").toDouble(), run.out);
        MatrixXd table;
        QVERIFY(readMatrix(path("sweep.csv").toStdString(), table).ok);
        QCOMPARE(table.cols(), Eigen::Index(4));
        QCOMPARE(table.rows(), Eigen::Index(27));
        GL_COMPARE_NEAR(table.col(2).minCoeff(), best.value("central").toDouble(), 0.0);
    }

    // The quartic's constant term is f itself and its linear term −‖G‖².
    void profileCoefficients() {
        const Run run = cli(QStringList{"profile"} + m_files);
        QCOMPARE(run.exitCode, 0);
        const Run eval = cli(QStringList{"eval"} + m_files);
        const QJsonArray c = run.json.value("coefficients").toArray();
        QCOMPARE(c.size(), 5);
        const double f = eval.json.value("loss").toDouble(), norm = eval.json.value("grad_norm").toDouble();
        GL_COMPARE_NEAR(c[0].toDouble(), f, 1e-12 * f);
        GL_COMPARE_NEAR(c[1].toDouble(), -norm * norm, 1e-12 * norm * norm);
        QVERIFY(run.json.value("exact_minimizer").toDouble() > 0);
        QVERIFY(run.json.value("minimum").toDouble() < f);
    }

    void descendWritesHistory() {
        const Run run = cli(
            QStringList{"descend"} + m_files +
            QStringList{"--iterations", "40", "--history-out", path("h.csv"), "--gamma-out", path("g.mtx")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.json.value("optimizer").toString(), QString("armijo"));
        QVERIFY(run.json.value("final_loss").toDouble() < run.json.value("initial_loss").toDouble());
        QFile history(path("h.csv"));
        QVERIFY(history.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = history.readAll().trimmed().split('\n');
        QCOMPARE(lines.first(),
                 QByteArray("iteration,loss,grad_norm,step,function_evaluations,gradient_evaluations"));
        QCOMPARE(lines.size(), run.json.value("iterations").toInt() + 2);
        MatrixXd gamma;
        QVERIFY(readMatrix(path("g.mtx").toStdString(), gamma).ok);
        QCOMPARE(gamma.rows(), Eigen::Index(30));
    }

    // compare races optimizers from the same start: one JSON entry each, and the long CSV.
    void compareRacesTheOptimizers() {
        const Run run =
            cli(QStringList{"compare"} + m_files +
                QStringList{"--optimizers", "armijo,lbfgs,adam,exact", "--iterations", "300", "--tolerance",
                            "0", "--relative-tolerance", "1e-6", "--out", path("race.csv")});
        QCOMPARE(run.exitCode, 0);
        const QJsonArray runs = run.json.value("runs").toArray();
        QCOMPARE(runs.size(), 4);
        QStringList seen;
        int rows = 0;
        for (const QJsonValue &value : runs) {
            const QJsonObject entry = value.toObject();
            seen << entry.value("optimizer").toString();
            for (const char *field : {"iterations", "function_evaluations", "gradient_evaluations",
                                      "evaluations", "seconds", "final_loss", "final_grad_norm"})
                QVERIFY2(entry.value(field).isDouble(), field);
            QCOMPARE(entry.value("evaluations").toDouble(),
                     entry.value("function_evaluations").toDouble() +
                         entry.value("gradient_evaluations").toDouble());
            QVERIFY(entry.value("function_evaluations").toDouble() > entry.value("iterations").toDouble());
            rows += entry.value("iterations").toInt() + 1;
        }
        QCOMPARE(seen, QStringList({"armijo", "lbfgs", "adam", "exact"}));
        QCOMPARE(runs[1].toObject().value("termination").toString(), QString("converged"));
        QFile csv(path("race.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines.first(),
                 QByteArray(
                     "optimizer,iteration,function_evaluations,gradient_evaluations,seconds,loss,grad_norm"));
        QCOMPARE(lines.size(), rows + 1);
        QVERIFY(lines[1].startsWith("armijo,0,1,1,"));
    }

    void compareRefusesAnUnknownOptimizer() {
        const Run run = cli(QStringList{"compare"} + m_files + QStringList{"--optimizers", "gd,rmsprop"});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("unknown optimizer \"rmsprop\""), run.err.constData());
        QVERIFY2(run.err.contains("gd, armijo, exact, momentum, nesterov, adam, lbfgs"), run.err.constData());
        QVERIFY(run.out.isEmpty());
    }

    // descend reports its evaluations, with every optimizer.
    void descendCountsEvaluations_data() {
        QTest::addColumn<QString>("optimizer");
        for (const char *name : {"momentum", "nesterov", "adam", "lbfgs"})
            QTest::newRow(name) << QString(name);
    }
    void descendCountsEvaluations() {
        QFETCH(QString, optimizer);
        const Run run = cli(QStringList{"descend", "--optimizer", optimizer, "--iterations", "20"} + m_files);
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.json.value("optimizer").toString(), optimizer);
        QVERIFY(run.json.value("final_loss").toDouble() < run.json.value("initial_loss").toDouble());
        QVERIFY(run.json.value("function_evaluations").toInt() > run.json.value("iterations").toInt());
        QVERIFY(run.json.value("gradient_evaluations").toInt() > run.json.value("iterations").toInt());
    }

    // slice: the 15 coefficients, the grid's minimum, and a, b, f as CSV.
    void sliceWritesTheGrid() {
        const Run run = cli(QStringList{"slice"} + m_files +
                            QStringList{"--grid", "21", "--extent", "0.5", "--out", path("slice.csv")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.json.value("coefficients").toArray().size(), 15);
        QCOMPARE(run.json.value("directions").toArray(), QJsonArray({"gradient", "random"}));
        const Run eval = cli(QStringList{"eval"} + m_files);
        const double f = eval.json.value("loss").toDouble();
        GL_COMPARE_NEAR(run.json.value("center_loss").toDouble(), f, 1e-12 * f);
        QVERIFY(run.json.value("grid_min").toObject().value("f").toDouble() < f);
        QFile csv(path("slice.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines.first(), QByteArray("a,b,f"));
        QCOMPARE(lines.size(), 21 * 21 + 1);
        // (0, 0) is the grid's middle point: f(γ)
        const QList<QByteArray> middle = lines[1 + 10 * 21 + 10].split(',');
        GL_COMPARE_NEAR(middle[0].toDouble(), 0.0, 0.0);
        GL_COMPARE_NEAR(middle[2].toDouble(), f, 1e-12 * f);

        const Run planted = cli(QStringList{"slice"} + m_files +
                                QStringList{"--directions", "planted,random", "--gamma-star",
                                            path("dense/gamma_star.mtx"), "--grid", "3"});
        QCOMPARE(planted.exitCode, 0);
        const Run noStar =
            cli(QStringList{"slice"} + m_files + QStringList{"--directions", "planted,random"});
        QCOMPARE(noStar.exitCode, 2);
        QVERIFY2(noStar.err.contains("--gamma-star"), noStar.err.constData());
        const Run files = cli(QStringList{"slice"} + m_files +
                              QStringList{"--direction-files", path("dense/gamma_star.mtx"),
                                          "--direction-files", path("dense/gamma.mtx"), "--grid", "3"});
        QCOMPARE(files.exitCode, 0);
        QCOMPARE(files.json.value("directions").toArray().at(0).toString(), QString("file:gamma_star.mtx"));
        const Run overwrite =
            cli(QStringList{"slice"} + m_files +
                QStringList{"--direction-files", path("dense/gamma_star.mtx"), "--direction-files",
                            path("dense/gamma.mtx"), "--out", path("dense/gamma_star.mtx")});
        QCOMPARE(overwrite.exitCode, 2);
        QVERIFY2(overwrite.err.contains("refusing to overwrite an input"), overwrite.err.constData());
    }

    void divergenceIsReported() {
        const Run run = cli(QStringList{"descend", "--optimizer", "gd", "--lr", "50"} + m_files);
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.json.value("termination").toString(), QString("diverged"));
        QVERIFY(run.json.value("final_loss").isDouble()); // the last finite loss, not null
    }

    void benchReportsRatios() {
        const Run run = cli({"bench", "--n", "200", "--r", "2", "--repeat", "2"});
        QCOMPARE(run.exitCode, 0);
        for (const char *key :
             {"evaluate_seconds", "stream_read_seconds", "single_stream_read_seconds", "naive_seconds",
              "ratio_to_stream", "speedup_vs_naive", "numeric_gradient_seconds", "numeric_to_layout",
              "direct_evaluate_seconds", "armijo_seconds_per_step", "armijo_steps_per_second",
              "armijo_evaluations_per_step"})
            QVERIFY2(run.json.value(key).toDouble() > 0, key);
        // An Armijo step costs at least one fused evaluation (f and ∇f) and one trial of f.
        QVERIFY(run.json.value("armijo_evaluations_per_step").toDouble() >= 2.0);
        QCOMPARE(run.json.value("descent_uses_layout").toBool(), false); // r = 2: in place is as fast
        QVERIFY(run.json.value("max_rel_difference_vs_naive").toDouble() < 1e-12);
    }

    // Every file of the malformed corpus: exit 2, one line on stderr naming the file, never a crash.
    void badCorpusIsRefused() {
        const QDir corpus(QDir(GRADLENS_TEST_DATA).filePath("bad"));
        QVERIFY(writeMatrix(path("P3.mtx").toStdString(), MatrixXd::Ones(3, 3)).ok);
        QVERIFY(writeMatrix(path("gamma3.mtx").toStdString(), MatrixXd::Ones(3, 1)).ok);
        const QStringList files =
            corpus.entryList(QDir::Files).filter(QRegularExpression("^(?!make_corpus)"));
        QVERIFY2(files.size() >= 60, qPrintable(QString::number(files.size())));
        for (const QString &file : files) {
            const QString bad = corpus.filePath(file);
            const Run run = cli({"eval", "--R", bad, "--P", path("P3.mtx"), "--gamma", path("gamma3.mtx")});
            QVERIFY2(run.exitCode == 2,
                     qPrintable(file + ": exit " + QString::number(run.exitCode) + " " + run.err));
            QVERIFY2(run.out.isEmpty(), qPrintable(file));
            const QByteArray message = run.err.trimmed();
            QVERIFY2(!message.contains('\n'), qPrintable(file + ": " + message));
            QVERIFY2(message.contains(file.toUtf8()), qPrintable(file + ": " + message));
        }
    }

    // --grad-out and --residual-out write by extension; every format reads back bit-identical.
    void outputsByExtension_data() {
        QTest::addColumn<QString>("extension");
        for (const char *extension : {"mtx", "csv", "tsv", "txt", "npy"})
            QTest::newRow(extension) << extension;
    }
    void outputsByExtension() {
        QFETCH(QString, extension);
        const QString gradient = path("grad." + extension), residual = path("residual." + extension);
        const Run run = cli(QStringList{"eval"} + m_files +
                            QStringList{"--grad-out", gradient, "--residual-out", residual});
        QCOMPARE(run.exitCode, 0);
        MatrixXd g, m, gMtx;
        QVERIFY(readMatrix(gradient.toStdString(), g).ok);
        QVERIFY(readMatrix(residual.toStdString(), m).ok);
        QVERIFY(
            cli(QStringList{"eval"} + m_files + QStringList{"--grad-out", path("reference.mtx")}).exitCode ==
            0);
        QVERIFY(readMatrix(path("reference.mtx").toStdString(), gMtx).ok);
        QVERIFY(g == gMtx);
        QCOMPARE(m.rows(), Eigen::Index(30));
        // Each format is accepted as input too, for each of --R, --P and --gamma: the same loss, exactly.
        QStringList inputs{"eval"};
        for (const char *name : {"R", "P", "gamma"}) {
            MatrixXd matrix;
            QVERIFY(readMatrix(path(QString("dense/%1.mtx").arg(name)).toStdString(), matrix).ok);
            const QString converted = path(QString("in_%1.%2").arg(name, extension));
            QVERIFY(writeMatrix(converted.toStdString(), matrix).ok);
            inputs << QString("--%1").arg(name) << converted;
        }
        const Run converted = cli(inputs), original = cli(QStringList{"eval"} + m_files);
        QCOMPARE(converted.exitCode, 0);
        GL_COMPARE_NEAR(converted.json.value("loss").toDouble(), original.json.value("loss").toDouble(), 0.0);
    }

    // A reader's notice (duplicates summed) reaches stderr with the file's name, as γ's transpose does.
    void duplicateEntriesAreSummedWithANotice() {
        QVERIFY(writeMatrix(path("R3.mtx").toStdString(), MatrixXd::Ones(3, 3)).ok);
        QVERIFY(writeMatrix(path("gamma3.mtx").toStdString(), MatrixXd::Ones(3, 1)).ok);
        const QString duplicates = QDir(GRADLENS_TEST_DATA).filePath("valid/mm_coord_duplicates.mtx");
        const Run run =
            cli({"eval", "--R", path("R3.mtx"), "--P", duplicates, "--gamma", path("gamma3.mtx")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.err, "gradlens-cli: notice: " + duplicates.toUtf8() +
                              ": 2 duplicate entries were summed, as SciPy and GraphBLAS do\n");
        // f = Σ (R − P∘γγᵀ)² with R = 1, γγᵀ = 1 and P = [[1.5 2.5 0] [2.5 0 0] [0 0 3]].
        GL_COMPARE_NEAR(run.json.value("loss").toDouble(), 0.25 + 2 * 2.25 + 2 * 1 + 1 + 1 + 1 + 4, 1e-12);
    }

    // A FIFO as input is refused at once (it used to block forever), with exit 2 and one line.
    void fifoInputIsRefused() {
        const QString fifo = path("pipe.mtx");
        QVERIFY(QProcess::execute("mkfifo", {fifo}) == 0);
        const Run run = cli({"eval", "--R", fifo, "--P", path("P3.mtx"), "--gamma", path("gamma3.mtx")});
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(run.err, "gradlens-cli: error: " + fifo.toUtf8() +
                              ": is a named pipe (FIFO), not a regular file: save the matrix to a file first "
                              "(reading a pipe could wait forever)\n");
    }

    // Outputs that would destroy an input or each other are refused before anything runs; the input stays.
    void outputPathsAreChecked_data() {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("message");
        QTest::newRow("--grad-out is --gamma")
            << QStringList{"--grad-out", "GAMMA"}
            << "is the same file as --gamma; refusing to overwrite an input";
        QTest::newRow("--residual-out is --R through ./ and ..")
            << QStringList{"--residual-out", "R_DOTTED"}
            << "is the same file as --R; refusing to overwrite an input";
        QTest::newRow("two outputs on one path")
            << QStringList{"--grad-out", "OUT", "--residual-out", "OUT_DOTTED"}
            << "--residual-out: \"OUT_DOTTED\" is the same file as --grad-out; give each output its own file";
    }
    void outputPathsAreChecked() {
        QFETCH(QStringList, extra);
        QFETCH(QString, message);
        const QString gamma = path("dense/gamma.mtx"), out = path("same.csv");
        const QString rDotted = path("dense/../dense/./R.mtx"), outDotted = path("dense/../same.csv");
        const QByteArray gammaBefore = [&] {
            QFile file(gamma);
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        }();
        for (QString &argument : extra)
            argument = argument == "GAMMA"        ? gamma
                       : argument == "R_DOTTED"   ? rDotted
                       : argument == "OUT"        ? out
                       : argument == "OUT_DOTTED" ? outDotted
                                                  : argument;
        message.replace("OUT_DOTTED", outDotted);
        QFile::remove(out);
        const Run run = cli(QStringList{"eval"} + m_files + extra);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());
        QCOMPARE(run.err.count('\n'), 1);
        QFile file(gamma);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), gammaBefore);
        QVERIFY(!QFile::exists(out));
    }

    // A read-only output is refused with a message, not silently replaced.
    void readOnlyOutputIsRefused() {
        const QString target = path("readonly.csv");
        QFile::remove(target);
        {
            QFile file(target);
            QVERIFY(file.open(QIODevice::WriteOnly) && file.write("keep\n") == 5);
        }
        QVERIFY(QFile::setPermissions(target, QFileDevice::ReadOwner));
        const Run run = cli(QStringList{"eval"} + m_files + QStringList{"--grad-out", target});
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(run.err, "gradlens-cli: error: --grad-out: " + target.toUtf8() +
                              ": is read-only: not replaced (make it writable or choose another name)\n");
        QFile file(target);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("keep\n"));
    }

    // The result that cannot be written to stdout (>/dev/full) is a failure: exit 2 and why.
    void failedStdoutIsAnError() {
        QProcess process;
        process.setStandardOutputFile("/dev/full");
        process.start(GRADLENS_CLI_PATH, QStringList{"eval"} + m_files);
        QVERIFY(process.waitForFinished(120000));
        QCOMPARE(process.exitCode(), 2);
        QCOMPARE(
            process.readAllStandardError(),
            QByteArray("gradlens-cli: error: cannot write the result to standard output: No space left on "
                       "device\n"));
    }

    // generate writes its set all or nothing: when one file cannot be written, none of the others appear.
    void generateWritesAllOrNothing() {
        const QString out = path("blocked_set");
        QVERIFY(QDir().mkpath(out + "/gamma.mtx")); // a folder where gamma.mtx would go
        Run run = cli({"generate", "--n", "5", "--r", "1", "--out-dir", out});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("gamma.mtx: is not a regular file"), run.err);
        QCOMPARE(QDir(out).entryList(QDir::Files | QDir::Hidden), QStringList());

        // A disk that fills up (a file-size limit, SIGXFSZ ignored so that writes fail with EFBIG).
        const QString full = path("full_disk");
        QProcess process;
        process.start("sh",
                      {"-c", "trap '' XFSZ; ulimit -f 16; exec \"$0\" generate --n 60 --r 2 --out-dir \"$1\"",
                       GRADLENS_CLI_PATH, full});
        QVERIFY(process.waitForFinished(120000));
        QCOMPARE(process.exitCode(), 2);
        const QByteArray err = process.readAllStandardError();
        QVERIFY2(err.contains("R.mtx: write failed: File too large") && err.count('\n') == 1,
                 err.constData());
        QCOMPARE(QDir(full).entryList(QDir::Files | QDir::Hidden), QStringList());
    }

    // Two processes writing one output: the file always holds one run's complete output, never a mix or
    // the other's bytes under a fixed temporary name, and nothing is left beside it.
    void concurrentWritersNeverMix() {
        const QString target = path("shared/g.csv");
        QVERIFY(QDir().mkpath(path("shared")));
        const QStringList symmetric = m_symmetricFiles;
        QByteArray expected[2];
        for (int k = 0; k < 2; ++k) {
            QVERIFY(cli(QStringList{"eval"} + (k ? symmetric : m_files) + QStringList{"--grad-out", target})
                        .exitCode == 0);
            QFile file(target);
            QVERIFY(file.open(QIODevice::ReadOnly));
            expected[k] = file.readAll();
        }
        QVERIFY(expected[0] != expected[1]);
        for (int round = 0; round < 12; ++round) {
            QProcess a, b;
            a.start(GRADLENS_CLI_PATH, QStringList{"eval"} + m_files + QStringList{"--grad-out", target});
            b.start(GRADLENS_CLI_PATH, QStringList{"eval"} + symmetric + QStringList{"--grad-out", target});
            QVERIFY(a.waitForFinished(120000) && b.waitForFinished(120000));
            QCOMPARE(a.exitCode() + b.exitCode(), 0);
            QFile file(target);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray now = file.readAll();
            QVERIFY2(now == expected[0] || now == expected[1], qPrintable(QString("round %1").arg(round)));
        }
        QCOMPARE(QDir(path("shared")).entryList(QDir::Files | QDir::Hidden), QStringList{"g.csv"});
    }

    // A γ file holding a row is used as a column, with a notice on stderr; stdout stays one JSON object.
    void rowGammaIsTransposed() {
        MatrixXd gamma;
        QVERIFY(readMatrix(path("dense/gamma.mtx").toStdString(), gamma).ok);
        QVERIFY(writeMatrix(path("gamma_row.npy").toStdString(), MatrixXd(gamma.col(0).transpose())).ok);
        const Run run = cli({"eval", "--R", path("dense/R.mtx"), "--P", path("dense/P.mtx"), "--gamma",
                             path("gamma_row.npy")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.json.value("r").toInt(), 1);
        QVERIFY2(run.err.contains("notice") && run.err.contains("transpose"), run.err);
    }

    // The user's gradient from their program (--gradient-cmd): each example, correct and buggy, in each
    // language available here, gets the right verdict and the name of its mistake.
    void gradientFromAProgram_data() {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("verdict");
        QTest::addColumn<QString>("nearest");
        const QString build = QStringLiteral(GRADLENS_EXAMPLES_BUILD),
                      source = QStringLiteral(GRADLENS_EXAMPLES_SOURCE);
        QTest::newRow("C++, correct") << build + "/gradient"
                                      << "npy"
                                      << "consistent"
                                      << "correct";
        QTest::newRow("C++, buggy") << build + "/gradient_buggy"
                                    << "npy"
                                    << "inconsistent"
                                    << "drop-transpose";
        const QString python = pythonWithNumpy();
        if (!python.isEmpty()) {
            QTest::newRow("NumPy, correct") << python + " " + source + "/gradient.py"
                                            << "npy"
                                            << "consistent"
                                            << "correct";
            QTest::newRow("NumPy, buggy") << python + " " + source + "/gradient_buggy.py"
                                          << "npy"
                                          << "inconsistent"
                                          << "no-outer-p";
        }
        if (!QStandardPaths::findExecutable(QStringLiteral("octave")).isEmpty()) {
            const QString octave = QStringLiteral("octave --no-gui --quiet ");
            QTest::newRow("Octave, correct") << octave + source + "/gradient.m"
                                             << "csv"
                                             << "consistent"
                                             << "correct";
            QTest::newRow("Octave, buggy") << octave + source + "/gradient_buggy.m"
                                           << "csv"
                                           << "inconsistent"
                                           << "drop-factor-two";
        }
    }
    void gradientFromAProgram() {
        QFETCH(QString, command);
        QFETCH(QString, format);
        QFETCH(QString, verdict);
        QFETCH(QString, nearest);
        const Run run = cli(QStringList{"check"} + m_files +
                            QStringList{"--gradient-cmd", command, "--gradient-format", format});
        QVERIFY2(run.exitCode == (verdict == "consistent" ? 0 : 1), run.err.constData());
        QCOMPARE(run.json.value("verdict").toString(), verdict);
        QCOMPARE(run.json.value("fingerprint").toObject().value("nearest").toString(), nearest);
        QCOMPARE(run.json.value("gradient").toString(), "program:" + command);
    }

    // Descent follows the user's program at every γ: with a correct program it retraces the formula's run.
    void descentFollowsTheProgram() {
        const Run formula = cli(QStringList{"descend"} + m_files + QStringList{"--iterations", "15"});
        const Run program =
            cli(QStringList{"descend"} + m_files +
                QStringList{"--iterations", "15", "--gradient-cmd", GRADLENS_EXAMPLES_BUILD "/gradient"});
        QCOMPARE(program.exitCode, 0);
        QCOMPARE(program.json.value("iterations").toInt(), 15);
        QCOMPARE(program.json.value("gradient_calls").toInt(), 16 + 0); // the start and each accepted step
        GL_COMPARE_NEAR(program.json.value("final_loss").toDouble(),
                        formula.json.value("final_loss").toDouble(),
                        1e-9 * formula.json.value("initial_loss").toDouble());
        // The buggy one: the Taylor test and descent both see it.
        const Run taylor = cli(QStringList{"taylor"} + m_files +
                               QStringList{"--gradient-cmd", GRADLENS_EXAMPLES_BUILD "/gradient_buggy"});
        QCOMPARE(taylor.exitCode, 1);
        QCOMPARE(taylor.json.value("verdict").toString(), QStringLiteral("wrong"));
        // A program that fails stops descent with an error, not a result (it exited 0 with made-up figures).
        const Run failing =
            cli(QStringList{"descend"} + m_files + QStringList{"--gradient-cmd", "sh -c 'exit 3' sh"});
        QCOMPARE(failing.exitCode, 2);
        QVERIFY2(failing.err.contains("exited with status 3"), failing.err.constData());
        QCOMPARE(failing.err.count('\n'), 1);
        QVERIFY(failing.out.isEmpty());
    }

    // Every way the program can fail is one line on stderr naming the command, and exit 2.
    void gradientProgramFailures_data() {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("message");
        QTest::newRow("not found") << QStringList{"--gradient-cmd", "no-such-program"}
                                   << "not an executable program";
        QTest::newRow("non-zero exit") << QStringList{"--gradient-cmd", "sh -c 'echo boom >&2; exit 4' sh"}
                                       << "exited with status 4; its stderr ends: boom";
        QTest::newRow("timeout") << QStringList{"--gradient-cmd", "sh -c 'sleep 20' sh", "--gradient-timeout",
                                                "0.3"}
                                 << "did not finish within 0.3 s";
        QTest::newRow("wrong shape") << QStringList{"--gradient-cmd", "sh -c 'cp \"$1\" \"$4\"' sh",
                                                    "--gradient-format", "mtx"}
                                     << "wrote a 30×30 gradient; expected 30×2";
        QTest::newRow("with --variant")
            << QStringList{"--gradient-cmd", "true", "--variant", "flip-sign"} << "exclude each other";
        QTest::newRow("bad format") << QStringList{"--gradient-cmd", "true", "--gradient-format", "xls"}
                                    << "--gradient-format: expected one of npy, csv, mtx";
    }
    void gradientProgramFailures() {
        QFETCH(QStringList, extra);
        QFETCH(QString, message);
        const Run run = cli(QStringList{"check"} + m_files + extra);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());
        QCOMPARE(run.err.count('\n'), 1);
    }

    // descend reports the distance to the planted γ* up to rotation; descent on a noise-free planted problem
    // brings it down.
    void descendReportsTheDistanceToThePlanted() {
        const Run run = cli({"generate", "--n", "20", "--r", "2", "--seed", "3", "--noise", "0", "--out-dir",
                             path("planted0")});
        QCOMPARE(run.exitCode, 0);
        const Run descent =
            cli({"descend", "--R", path("planted0/R.mtx"), "--P", path("planted0/P.mtx"), "--gamma",
                 path("planted0/gamma.mtx"), "--gamma-star", path("planted0/gamma_star.mtx"), "--iterations",
                 "2000", "--tolerance", "0", "--relative-tolerance", "1e-8"});
        QCOMPARE(descent.exitCode, 0);
        const double before = descent.json.value("initial_distance_to_planted").toDouble();
        const double after = descent.json.value("distance_to_planted").toDouble();
        QVERIFY2(after < 1e-2 * before, qPrintable(QStringLiteral("%1 → %2").arg(before).arg(after)));
        const Run without = cli(QStringList{"descend"} + m_files + QStringList{"--iterations", "2"});
        QVERIFY(without.json.value("distance_to_planted").isNull());
    }

    // A notice (γ stored as a row) and an error: the error alone, one line. With no error the notice shows.
    void noticeGivesWayToAnError() {
        const auto write = [&](const QString &name, const QByteArray &content) {
            QFile file(path(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(content);
        };
        write("rowR.csv", "1,0,0\n0,1,0\n0,0,1\n");
        write("rowPnan.csv", "1,0,0\n0,1,0\n0,0,nan\n");
        write("rowg.csv", "1,2,3\n");
        Run run =
            cli({"eval", "--R", path("rowR.csv"), "--P", path("rowPnan.csv"), "--gamma", path("rowg.csv")});
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(run.err.count('\n'), 1);
        QVERIFY2(run.err.contains("P(3, 3) is NaN"), run.err.constData());
        run = cli({"eval", "--R", path("rowR.csv"), "--P", path("rowR.csv"), "--gamma", path("rowg.csv")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.contains("notice") && run.err.contains("transpose"), run.err.constData());
    }

    // The history streams to its file: every record, in order, whatever the run's length.
    void historyOutHasEveryRecord() {
        const QString history = path("history.csv");
        const Run run = cli(QStringList{"descend"} + m_files +
                            QStringList{"--optimizer", "gd", "--lr", "1e-6", "--iterations", "3000",
                                        "--tolerance", "0", "--history-out", history});
        QCOMPARE(run.exitCode, 0);
        QFile file(history);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 3002); // the header, iteration 0, and 3000 steps
        QCOMPARE(lines.first(),
                 QByteArray("iteration,loss,grad_norm,step,function_evaluations,gradient_evaluations"));
        QVERIFY(lines.last().startsWith("3000,"));
        QVERIFY(lines[1].startsWith("0,"));
    }

    void badInput_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("no command") << QStringList{} << "no command given";
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << "unknown command \"frobnicate\"";
        QTest::newRow("unknown option") << QStringList{"eval", "--bogus"} << "Unknown option 'bogus'";
        QTest::newRow("missing --R") << QStringList{"eval"} << "missing --R";
        QTest::newRow("--n not a number")
            << QStringList{"generate", "--n", "abc", "--r", "1", "--out-dir", "x"}
            << "--n: expected an integer";
        QTest::newRow("bad method") << QStringList{"check", "--method", "magic"}
                                    << "--method: expected one of";
        QTest::newRow("negative step")
            << QStringList{"check", "--step", "-1"} << "--step: expected a number > 0";
        QTest::newRow("missing file")
            << QStringList{"eval", "--R", "/no/such/R.mtx", "--P", "p.mtx", "--gamma", "g.mtx"}
            << "/no/such/R.mtx: cannot open";
        QTest::newRow("bad lr") << QStringList{"descend", "--lr", "0"} << "--lr: expected a number > 0";
        QTest::newRow("history not as CSV") << QStringList{"descend", "--history-out", "h.npy"}
                                            << "--history-out: the history is written as CSV";
        // "≥" came out as "â¥": the range was read as Latin-1.
        QTest::newRow("negative noise, UTF-8 message")
            << QStringList{"generate", "--n", "3", "--r", "1", "--noise", "-1", "--out-dir", "x"}
            << "--noise: expected a number ≥ 0";
        QTest::newRow("negative tolerance, UTF-8 message")
            << QStringList{"descend", "--tolerance", "-1"} << "--tolerance: expected a number ≥ 0";
    }
    void badInput() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Run run = cli(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());
        QCOMPARE(run.err.count('\n'), 1); // exactly one line
    }

    void badFilesNameFileAndLine_data() {
        QTest::addColumn<QString>("which");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("message");
        QTest::newRow("truncated R") << "R"
                                     << QByteArray("%%MatrixMarket matrix array real general\n30 30\n1\n")
                                     << "bad.mtx:2: declares 900 values";
        QTest::newRow("P of the wrong shape")
            << "P" << QByteArray("%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n")
            << "bad.mtx: P is 2×2, expected 30×30";
        QTest::newRow("NaN in gamma")
            << "gamma" << QByteArray("nan\n" + QByteArray("1\n").repeated(29)) << "bad.csv: γ(1, 1) is NaN";
    }
    void badFilesNameFileAndLine() {
        QFETCH(QString, which);
        QFETCH(QByteArray, content);
        QFETCH(QString, message);
        const QString bad = path(which == "gamma" ? "bad.csv" : "bad.mtx");
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        QStringList arguments = QStringList{"eval"} + m_files;
        arguments[arguments.indexOf("--" + which) + 1] = bad;
        const Run run = cli(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());
    }

    // ---- session files ------------------------------------------------------------------------------------

    // session create stores the files and the settings; session show describes it without matrices.
    void sessionCreateAndShow() {
        const QString lesson = path("lesson.gradlens");
        const Run created = cli(QStringList{"session", "create"} + m_files +
                                QStringList{"--gamma-star",
                                            path("dense/gamma_star.mtx"),
                                            "--optimizer",
                                            "gd",
                                            "--lr",
                                            "0.0025",
                                            "--iterations",
                                            "7",
                                            "--half",
                                            "--variant",
                                            "drop-transpose",
                                            "--method",
                                            "forward",
                                            "--view",
                                            "M",
                                            "--view",
                                            "deviation",
                                            "--tab",
                                            "taylor",
                                            "--caption",
                                            "Lesson 1",
                                            "--out",
                                            lesson});
        QVERIFY2(created.exitCode == 0, created.err.constData());
        const Run shown = cli({"session", "show", lesson});
        QVERIFY2(shown.exitCode == 0, shown.err.constData());
        QCOMPARE(shown.json, created.json);
        QCOMPARE(shown.json.value("format").toString(), QString("gradlens-session"));
        QCOMPARE(shown.json.value("version").toInt(), 1);
        QCOMPARE(shown.json.value("n").toInt(), 30);
        QCOMPARE(shown.json.value("r").toInt(), 2);
        QCOMPARE(shown.json.value("history_length").toInt(), 0);
        QCOMPARE(shown.json.value("caption").toString(), QString("Lesson 1"));
        const QJsonObject problem = shown.json.value("problem").toObject();
        QCOMPARE(problem.value("source").toString(), QString("matrices"));
        QVERIFY(problem.value("gamma_star").toBool());
        const QJsonObject settings = shown.json.value("settings").toObject();
        QCOMPARE(settings.value("optimizer").toString(), QString("gd"));
        QVERIFY(settings.value("learning_rate").toDouble() == 0.0025);
        QCOMPARE(settings.value("iterations").toInt(), 7);
        QCOMPARE(settings.value("convention").toString(), QString("half"));
        QCOMPARE(settings.value("variant").toString(), QString("drop-transpose"));
        QCOMPARE(settings.value("check_method").toString(), QString("forward"));
        QCOMPARE(settings.value("views").toArray(), (QJsonArray{"M", "deviation"}));
        QCOMPARE(settings.value("tab").toString(), QString("taylor"));
        QVERIFY(!shown.out.contains("\"R\"")); // no matrices in the description
    }

    // eval --session F gives what eval gives with the files the session was made from, bit for bit.
    void sessionEvalEqualsFiles_data() {
        QTest::addColumn<QStringList>("extra");
        QTest::newRow("f") << QStringList{};
        QTest::newRow("½f") << QStringList{"--half"};
        QTest::newRow("entry-wise formula") << QStringList{"--formula", "entrywise"};
    }
    void sessionEvalEqualsFiles() {
        QFETCH(QStringList, extra);
        const QString plain = path("plain.gradlens");
        QVERIFY(cli(QStringList{"session", "create"} + m_files + QStringList{"--out", plain}).exitCode == 0);
        const Run fromFiles = cli(QStringList{"eval"} + m_files + extra);
        const Run fromSession = cli(QStringList{"eval", "--session", plain} + extra);
        QVERIFY2(fromSession.exitCode == 0, fromSession.err.constData());
        QCOMPARE(fromSession.json, fromFiles.json);
        QVERIFY(fromSession.json.value("loss").toDouble() > 0);
    }

    // The session's settings are the defaults of the options that correspond; options given win.
    void sessionSettingsAreDefaults() {
        const QString lesson = path("settings.gradlens");
        QVERIFY(cli(QStringList{"session", "create"} + m_files +
                    QStringList{"--gamma-star", path("dense/gamma_star.mtx"), "--optimizer", "gd", "--lr",
                                "0.0005", "--iterations", "3", "--half", "--variant", "drop-transpose",
                                "--out", lesson})
                    .exitCode == 0);
        const Run descended = cli({"descend", "--session", lesson});
        QVERIFY2(descended.exitCode == 0, descended.err.constData());
        QCOMPARE(descended.json.value("optimizer").toString(), QString("gd"));
        QCOMPARE(descended.json.value("iterations").toInt(), 3);
        QCOMPARE(descended.json.value("convention").toString(), QString("half"));
        QVERIFY(descended.json.value("distance_to_planted").isDouble()); // the session's γ*
        const Run sameByHand = cli(QStringList{"descend"} + m_files +
                                   QStringList{"--optimizer", "gd", "--lr", "0.0005", "--iterations", "3",
                                               "--half", "--gamma-star", path("dense/gamma_star.mtx")});
        QCOMPARE(descended.json, sameByHand.json);
        const Run overridden = cli({"descend", "--session", lesson, "--optimizer", "armijo", "--iterations",
                                    "2", "--convention", "full"});
        QCOMPARE(overridden.json.value("optimizer").toString(), QString("armijo"));
        QCOMPARE(overridden.json.value("iterations").toInt(), 2);
        QCOMPARE(overridden.json.value("convention").toString(), QString("full"));

        const Run checked = cli({"check", "--session", lesson}); // the session's teaching mistake
        QCOMPARE(checked.exitCode, 1);
        QCOMPARE(checked.json.value("variant").toString(), QString("drop-transpose"));
        const Run corrected = cli({"check", "--session", lesson, "--variant", "correct"});
        QCOMPARE(corrected.exitCode, 0);
        QCOMPARE(corrected.json.value("convention").toString(), QString("half"));
    }

    void sessionErrors_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("--session with --R") << QStringList{"eval", "--session", "SESSION", "--R", "R.mtx"}
                                            << "--session and --R exclude each other";
        QTest::newRow("no such session")
            << QStringList{"eval", "--session", "missing.gradlens"} << "missing.gradlens: no such file";
        QTest::newRow("not a zip") << QStringList{"check", "--session", "NOTZIP"} << "not a session file";
        QTest::newRow("--half and --convention full")
            << QStringList{"eval", "--session", "SESSION", "--half", "--convention", "full"} << "contradict";
        QTest::newRow("show without a file") << QStringList{"session", "show"} << "expected one session file";
        QTest::newRow("--generate with --R")
            << QStringList{"session", "create", "--generate", "--n",   "4",         "--r",
                           "1",       "--R",    "R.mtx",      "--out", "x.gradlens"}
            << "--generate and --R exclude each other";
        QTest::newRow("scene without a name")
            << QStringList{"session", "add-scene", "SESSION"} << "missing --name";
        QTest::newRow("scene iterate of another shape")
            << QStringList{"session", "add-scene", "SESSION", "--name", "x", "--gamma", "R_FILE"}
            << "γ is 30×30, expected 30×2 like the session's";
        QTest::newRow("unknown view")
            << QStringList{"session", "add-scene", "SESSION", "--name", "x", "--view", "Q"}
            << "--view: expected a view symbol";
        QTest::newRow("output over the session")
            << QStringList{"descend", "--session", "SESSION", "--gamma-out", "SESSION"}
            << "refusing to overwrite an input";
    }
    void sessionErrors() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const QString lesson = path("errors.gradlens");
        QVERIFY(cli(QStringList{"session", "create"} + m_files + QStringList{"--out", lesson}).exitCode == 0);
        QFile notZip(path("notzip.gradlens"));
        QVERIFY(notZip.open(QIODevice::WriteOnly));
        notZip.write("PK but not really\n");
        notZip.close();
        arguments.replaceInStrings(QRegularExpression("^SESSION$"), lesson);
        arguments.replaceInStrings(QRegularExpression("^NOTZIP$"), notZip.fileName());
        arguments.replaceInStrings(QRegularExpression("^R_FILE$"), path("dense/R.mtx"));
        const Run run = cli(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());
        QVERIFY(run.out.isEmpty());
    }

    // A generated problem is stored as its recipe (and its matrices with --embed-matrices): both give the
    // same problem back.
    void sessionFromAGenerator() {
        const QStringList recipe{"session", "create", "--generate", "--n", "30", "--r", "2", "--seed", "4"};
        const Run small = cli(recipe + QStringList{"--out", path("recipe.gradlens")});
        QVERIFY2(small.exitCode == 0, small.err.constData());
        const QJsonObject problem = small.json.value("problem").toObject();
        QCOMPARE(problem.value("source").toString(), QString("generated"));
        QCOMPARE(problem.value("matrices_stored").toBool(), false);
        QCOMPARE(problem.value("generator").toObject().value("seed").toInt(), 4);
        QVERIFY(cli(recipe + QStringList{"--embed-matrices", "--out", path("embedded.gradlens")}).exitCode ==
                0);
        QVERIFY(QFileInfo(path("recipe.gradlens")).size() < QFileInfo(path("embedded.gradlens")).size() / 4);
        // The same seed as `generate` in initTestCase: the same matrices as the files.
        const Run fromFiles = cli(QStringList{"eval"} + m_files);
        for (const char *file : {"recipe.gradlens", "embedded.gradlens"})
            QCOMPARE(cli({"eval", "--session", path(file)}).json, fromFiles.json);
    }

    // descend --session-out: the final γ, the history (bit for bit what --history-out writes) and the
    // settings; continuing a session appends to its history and may save over it.
    void descendWritesASession() {
        const QString lesson = path("descended.gradlens");
        const Run run =
            cli(QStringList{"descend"} + m_files +
                QStringList{"--optimizer", "gd", "--lr", "0.001", "--iterations", "3", "--history-out",
                            path("dh.csv"), "--gamma-out", path("dg.npy"), "--session-out", lesson});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        Session session;
        const Status loaded = loadSession(lesson, session);
        QVERIFY2(loaded.ok, loaded.message.c_str());
        QCOMPARE(session.settings.optimizer, OptimizerKind::GradientDescent);
        QVERIFY(session.settings.learningRate == 0.001); // exact: the bits round-trip
        MatrixXd gamma, start;
        QVERIFY(readMatrix(path("dg.npy").toStdString(), gamma).ok);
        QVERIFY(readMatrix(path("dense/gamma.mtx").toStdString(), start).ok);
        QVERIFY(gamma == session.gamma);
        QVERIFY(start == session.problem.gammaStart);
        QFile csv(path("dh.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromStdString(historyToCsv(session.history)), QString::fromUtf8(csv.readAll()));
        QCOMPARE(session.history.size(), std::size_t(4));

        const Run more = cli({"descend", "--session", lesson, "--iterations", "2", "--session-out", lesson});
        QVERIFY2(more.exitCode == 0, more.err.constData());
        QCOMPARE(more.json.value("optimizer").toString(), QString("gd")); // the session's settings
        GL_COMPARE_NEAR(more.json.value("initial_loss").toDouble(), run.json.value("final_loss").toDouble(),
                        1e-12 * run.json.value("final_loss").toDouble());
        Session continued;
        QVERIFY(loadSession(lesson, continued).ok);
        QCOMPARE(continued.history.size(), std::size_t(6));
        for (std::size_t k = 0; k < continued.history.size(); ++k)
            QCOMPARE(continued.history[k].iteration, int(k));
        QVERIFY(continued.history[3].loss == session.history[3].loss);
        QVERIFY(continued.problem.gammaStart == session.problem.gammaStart);
    }

    // session add-scene: scenes of the session's problem at its iterate, or of a problem of their own, with
    // the session's settings changed by the options given.
    void sessionScenes() {
        const QString lesson = path("scenes.gradlens");
        QVERIFY(cli(QStringList{"session", "create"} + m_files +
                    QStringList{"--half", "--optimizer", "gd", "--view", "M", "--out", lesson})
                    .exitCode == 0);
        const Run first = cli({"session", "add-scene", lesson, "--name", "Start", "--caption",
                               "Where it begins", "--tab", "sweep"});
        QVERIFY2(first.exitCode == 0, first.err.constData());
        const Run second = cli(QStringList{"session", "add-scene", lesson, "--name", "Symmetric", "--variant",
                                           "drop-transpose", "--out", path("scenes2.gradlens")} +
                               m_symmetricFiles);
        QVERIFY2(second.exitCode == 0, second.err.constData());
        const QJsonArray scenes = second.json.value("scenes").toArray();
        QCOMPARE(scenes.size(), 2);
        const QJsonObject start = scenes.at(0).toObject(), symmetric = scenes.at(1).toObject();
        QCOMPARE(start.value("name").toString(), QString("Start"));
        QCOMPARE(start.value("caption").toString(), QString("Where it begins"));
        QCOMPARE(start.value("settings").toObject().value("tab").toString(), QString("sweep"));
        QCOMPARE(start.value("settings").toObject().value("convention").toString(), QString("half"));
        QCOMPARE(start.value("settings").toObject().value("views").toArray(), QJsonArray{"M"});
        QVERIFY(!start.contains("problem"));
        QCOMPARE(symmetric.value("settings").toObject().value("variant").toString(),
                 QString("drop-transpose"));
        QCOMPARE(symmetric.value("problem").toObject().value("source").toString(), QString("matrices"));

        Session session;
        QVERIFY(loadSession(path("scenes2.gradlens"), session).ok);
        QCOMPARE(session.scenes.size(), std::size_t(2));
        QVERIFY(session.scenes[0].gamma == session.gamma);
        MatrixXd symmetricR;
        QVERIFY(readMatrix(path("symmetric/R.mtx").toStdString(), symmetricR).ok);
        QVERIFY(session.scenes[1].problem && session.scenes[1].problem->R == symmetricR);
        Session firstOnly;
        QVERIFY(loadSession(lesson, firstOnly).ok); // --out left the first file with one scene
        QCOMPARE(firstOnly.scenes.size(), std::size_t(1));
    }

    // Two processes saving one session file at once: the file is one of the two, whole.
    void concurrentSavesLeaveOneWholeFile() {
        const QString lesson = path("raced.gradlens");
        std::vector<std::unique_ptr<QProcess>> writers;
        for (const QString caption : {"first", "second", "third"}) {
            writers.push_back(std::make_unique<QProcess>());
            writers.back()->start(GRADLENS_CLI_PATH, QStringList{"session", "create"} + m_files +
                                                         QStringList{"--caption", caption, "--out", lesson});
        }
        for (const auto &writer : writers) {
            QVERIFY(writer->waitForFinished(120000));
            QCOMPARE(writer->exitCode(), 0);
        }
        const Run shown = cli({"session", "show", lesson});
        QVERIFY2(shown.exitCode == 0, shown.err.constData());
        QVERIFY(QStringList({"first", "second", "third"}).contains(shown.json.value("caption").toString()));
        QCOMPARE(QDir(m_dir.path()).entryList({"raced.gradlens*"}, QDir::Files | QDir::Hidden).size(), 1);
    }

    // NumPy's np.load reads a session as an .npz archive: the matrices bit for bit.
    void numpyLoadsASession() {
        const QString python = pythonWithNumpy();
        if (python.isEmpty())
            QSKIP("no python3 with NumPy (Debian: python3-numpy)");
        const QString lesson = path("numpy.gradlens");
        QVERIFY(cli(QStringList{"session", "create"} + m_files +
                    QStringList{"--gamma-star", path("dense/gamma_star.mtx"), "--out", lesson})
                    .exitCode == 0);
        const QString script = "import sys, numpy as np\n"
                               "z = np.load(sys.argv[1])\n"
                               "assert type(z).__name__ == 'NpzFile', type(z)\n"
                               "for key in ('R', 'P', 'gamma', 'gamma_start', 'gamma_star'):\n"
                               "    np.save(sys.argv[2] + '/np_' + key + '.npy', z[key])\n";
        QProcess process;
        process.start(python, {"-c", script, lesson, m_dir.path()});
        QVERIFY(process.waitForFinished(60000));
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
        for (const auto &[key, source] :
             {std::pair{"R", "R.mtx"}, std::pair{"P", "P.mtx"}, std::pair{"gamma", "gamma.mtx"},
              std::pair{"gamma_start", "gamma.mtx"}, std::pair{"gamma_star", "gamma_star.mtx"}}) {
            MatrixXd fromNumpy, original;
            QVERIFY(readMatrix(path(QStringLiteral("np_%1.npy").arg(key)).toStdString(), fromNumpy).ok);
            QVERIFY(readMatrix(path(QStringLiteral("dense/%1").arg(source)).toStdString(), original).ok);
            QVERIFY2(fromNumpy.rows() == original.rows() && fromNumpy.cols() == original.cols() &&
                         std::memcmp(fromNumpy.data(), original.data(),
                                     std::size_t(original.size()) * sizeof(double)) == 0,
                     key);
        }
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
