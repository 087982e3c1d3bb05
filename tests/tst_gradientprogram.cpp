// The user's gradient program: run through files in a private folder, every failure one clear message.
#include "gradientforms.h"
#include "gradientprogram.h"
#include "testhelpers.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <csignal>

using namespace gradlens;
using Eigen::MatrixXd;

namespace {

Problem smallProblem() {
    return test::generatedProblem(7, 2, WeightKind::Dense, TargetKind::Planted, 11);
}

// Runs `command` once on the small problem; returns the status and the gradient it gave.
Status runOnce(const QString &command, MatrixXd &gradient, ExchangeFormat format = ExchangeFormat::Npy,
               int timeoutMs = 20000, const std::function<bool()> &cancelled = {}) {
    const Problem problem = smallProblem();
    GradientProgramOptions options;
    options.commandLine = command;
    options.format = format;
    options.timeoutMs = timeoutMs;
    std::unique_ptr<GradientProgram> program;
    if (Status started = GradientProgram::start(options, problem.R, problem.P, program); !started)
        return started;
    return program->gradient(problem.gamma, gradient, cancelled);
}

QString quoted(const QString &path) {
    return QLatin1Char('"') + path + QLatin1Char('"');
}

} // namespace

class TestGradientProgram : public QObject {
    Q_OBJECT

private slots:
    // The example program (C++) gives the analytic gradient; its buggy twin gives 4(P∘M)γ.
    void examplePrograms_data() {
        QTest::addColumn<QString>("program");
        QTest::addColumn<int>("variant");
        QTest::newRow("correct") << QStringLiteral(GRADLENS_EXAMPLES_BUILD "/gradient")
                                 << int(GradientVariant::Correct);
        QTest::newRow("buggy: transpose term dropped")
            << QStringLiteral(GRADLENS_EXAMPLES_BUILD "/gradient_buggy")
            << int(GradientVariant::DropTranspose);
    }
    void examplePrograms() {
        QFETCH(QString, program);
        QFETCH(int, variant);
        MatrixXd gradient;
        const Status status = runOnce(quoted(program), gradient);
        QVERIFY2(status, status.message.c_str());
        const Problem problem = smallProblem();
        const MatrixXd expected = gradientVariant(problem, GradientVariant(variant), Convention::Full);
        GL_COMPARE_MATRICES(gradient, expected, 1e-13);
    }

    // Each call sees the γ of that call, and a program run in a folder whose name has spaces still works.
    void everyCallSeesItsGamma() {
        QTemporaryDir directory;
        const QString spaced = directory.filePath(QStringLiteral("my programs"));
        QVERIFY(QDir().mkpath(spaced));
        const QString copy = spaced + QStringLiteral("/gradient");
        QVERIFY(QFile::copy(QStringLiteral(GRADLENS_EXAMPLES_BUILD "/gradient"), copy));
        QFile::setPermissions(copy, QFile::ReadOwner | QFile::ExeOwner);
        Problem problem = smallProblem();
        GradientProgramOptions options;
        options.commandLine = quoted(copy);
        std::unique_ptr<GradientProgram> program;
        QVERIFY(GradientProgram::start(options, problem.R, problem.P, program));
        for (int call = 0; call < 3; ++call) {
            problem.gamma *= 1.5;
            MatrixXd gradient;
            const Status status = program->gradient(problem.gamma, gradient);
            QVERIFY2(status, status.message.c_str());
            GL_COMPARE_MATRICES(gradient,
                                gradientVariant(problem, GradientVariant::Correct, Convention::Full), 1e-13);
        }
        QCOMPARE(program->calls(), 3);
    }

    // Every way a program can fail gives one line naming the command and the problem.
    void failuresAreOneClearMessage_data() {
        QTest::addColumn<QString>("command");
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("mentions");
        const int npy = int(ExchangeFormat::Npy), csv = int(ExchangeFormat::Csv);
        QTest::newRow("empty command") << QString() << npy << "the command is empty";
        QTest::newRow("not found") << "no-such-gradient-program --x" << npy << "not an executable program";
        QTest::newRow("non-zero exit, stderr quoted")
            << "sh -c 'echo \"ValueError: shapes do not align\" >&2; exit 3' sh" << npy
            << "exited with status 3; its stderr ends: ValueError: shapes do not align";
        QTest::newRow("no output") << "true" << npy << "wrote no gradient";
        QTest::newRow("malformed output")
            << "sh -c 'echo not numbers > \"$4\"' sh" << csv << "its gradient cannot be read";
        QTest::newRow("wrong shape") << "sh -c 'cp \"$1\" \"$4\"' sh" << csv
                                     << "wrote a 7×7 gradient; expected 7×2";
        QTest::newRow("NaN") << "sh -c 'cp \"$3\" \"$4\"; sed -i \"1s/^[^,]*/nan/\" \"$4\"' sh" << csv
                             << "gradient(1, 1) is NaN";
        QTest::newRow("crash") << "sh -c 'kill -SEGV $$' sh" << npy << "was killed by signal 11";
    }
    void failuresAreOneClearMessage() {
        QFETCH(QString, command);
        QFETCH(int, format);
        QFETCH(QString, mentions);
        MatrixXd gradient;
        const Status status = runOnce(command, gradient, ExchangeFormat(format));
        QVERIFY(!status);
        const QString message = QString::fromStdString(status.message);
        QVERIFY2(message.contains(mentions), qPrintable(message));
        QVERIFY2(message.startsWith(QStringLiteral("gradient program")), qPrintable(message));
        QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
    }

    // A program that hangs is killed at the timeout, or as soon as the caller cancels.
    void timeoutAndCancelStopTheProgram_data() {
        QTest::addColumn<int>("timeoutMs");
        QTest::addColumn<bool>("cancel");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("timeout") << 300 << false << "did not finish within 0.3 s";
        QTest::newRow("cancelled") << 60000 << true << "cancelled";
    }
    void timeoutAndCancelStopTheProgram() {
        QFETCH(int, timeoutMs);
        QFETCH(bool, cancel);
        QFETCH(QString, mentions);
        QElapsedTimer clock;
        clock.start();
        MatrixXd gradient;
        const Status status = runOnce(QStringLiteral("sh -c 'sleep 30' sh"), gradient, ExchangeFormat::Npy,
                                      timeoutMs, [&] { return cancel && clock.elapsed() > 200; });
        QVERIFY(!status);
        QVERIFY2(QString::fromStdString(status.message).contains(mentions), status.message.c_str());
        QVERIFY2(clock.elapsed() < 10000, "the program was not stopped");
    }

    void commandLinesSplitLikeAShell_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QStringList>("words");
        QTest::newRow("plain") << "python3  grad.py -v" << QStringList{"python3", "grad.py", "-v"};
        QTest::newRow("single quotes keep everything")
            << "sh -c 'echo \"$1\" \\n'" << QStringList{"sh", "-c", "echo \"$1\" \\n"};
        QTest::newRow("double quotes, escapes") << "a \"b \\\"c\\\" d\"" << QStringList{"a", "b \"c\" d"};
        QTest::newRow("backslash space") << "my\\ prog x" << QStringList{"my prog", "x"};
        QTest::newRow("empty quoted word") << "a '' b" << QStringList{"a", "", "b"};
        QTest::newRow("adjacent quotes join") << "a'b'\"c\"" << QStringList{"abc"};
    }
    void commandLinesSplitLikeAShell() {
        QFETCH(QString, line);
        QFETCH(QStringList, words);
        QStringList split;
        const Status status = splitCommandLine(line, split);
        QVERIFY2(status, status.message.c_str());
        QCOMPARE(split, words);
    }
    void unterminatedQuoteIsRefused() {
        QStringList split;
        const Status status = splitCommandLine(QStringLiteral("python3 'grad.py"), split);
        QVERIFY(!status);
        QVERIFY2(status.message.find("unterminated single quote") != std::string::npos,
                 status.message.c_str());
    }

    // Nothing the program started outlives the call: a background child is stopped with it.
    void backgroundChildrenAreStopped() {
        QTemporaryDir directory;
        const QString pidFile = directory.filePath(QStringLiteral("child.pid"));
        MatrixXd gradient;
        const Status status =
            runOnce(QStringLiteral("sh -c 'sleep 30 & echo $! > \"$0\"; exit 0' %1").arg(pidFile), gradient);
        QVERIFY(!status); // (it wrote no gradient)
        QFile file(pidFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const pid_t child = pid_t(file.readAll().trimmed().toLongLong());
        QVERIFY(child > 0);
        QTRY_VERIFY_WITH_TIMEOUT(::kill(child, 0) != 0, 10000);
    }

    // A program that changes R or P is caught at the next call instead of silently poisoning it.
    void changedInputsAreCaught() {
        const Problem problem = smallProblem();
        GradientProgramOptions options;
        options.commandLine = QStringLiteral("sh -c 'printf x >> \"$1\"' sh");
        std::unique_ptr<GradientProgram> program;
        QVERIFY(GradientProgram::start(options, problem.R, problem.P, program));
        MatrixXd gradient;
        QVERIFY(!program->gradient(problem.gamma, gradient)); // wrote no gradient, but changed R
        const Status second = program->gradient(problem.gamma, gradient);
        QVERIFY(!second);
        QVERIFY2(second.message.find("changed or removed R or P") != std::string::npos,
                 second.message.c_str());
    }

    // A gradient left by an earlier call is never read as the next call's.
    void staleOutputIsNeverRead() {
        const Problem problem = smallProblem();
        QTemporaryDir directory;
        const QString flag = directory.filePath(QStringLiteral("ran-once"));
        GradientProgramOptions options;
        // First call: the correct example. Later calls: exit 0 without writing anything.
        options.commandLine =
            QStringLiteral("sh -c 'if [ -e \"$0\" ]; then exit 0; fi; touch \"$0\"; exec \"%1\" \"$@\"' %2")
                .arg(QStringLiteral(GRADLENS_EXAMPLES_BUILD "/gradient"), flag);
        std::unique_ptr<GradientProgram> program;
        QVERIFY(GradientProgram::start(options, problem.R, problem.P, program));
        MatrixXd gradient;
        const Status first = program->gradient(problem.gamma, gradient);
        QVERIFY2(first, first.message.c_str());
        const Status second = program->gradient(problem.gamma, gradient);
        QVERIFY(!second);
        QVERIFY2(second.message.find("wrote no gradient") != std::string::npos, second.message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestGradientProgram)
#include "tst_gradientprogram.moc"
