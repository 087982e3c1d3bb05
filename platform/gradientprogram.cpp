#include "gradientprogram.h"

#include "matrixio.h"
#include "savefile.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

#include <csignal>
#include <cstring>
#include <sys/types.h>
#include <unistd.h>

namespace gradlens {

namespace {

constexpr int kPollMs = 25;              // how often a running program is checked for cancellation
constexpr qint64 kStderrTailBytes = 600; // of the program's stderr, quoted in a message

const char *extension(ExchangeFormat format) {
    switch (format) {
    case ExchangeFormat::Npy:
        return "npy";
    case ExchangeFormat::Csv:
        return "csv";
    case ExchangeFormat::Mtx:
        return "mtx";
    }
    return "npy";
}

// The last few hundred bytes of the program's stderr, on one line.
QString stderrTail(const QString &file) {
    QFile log(file);
    if (!log.open(QIODevice::ReadOnly) || log.size() == 0)
        return {};
    log.seek(std::max<qint64>(0, log.size() - kStderrTailBytes));
    QString tail = QString::fromUtf8(log.readAll()).trimmed();
    tail.replace(QLatin1Char('\n'), QStringLiteral(" | "));
    tail.remove(QLatin1Char('\r'));
    return log.size() > kStderrTailBytes ? QStringLiteral("…") + tail : tail;
}

} // namespace

Status splitCommandLine(const QString &commandLine, QStringList &words) {
    words.clear();
    QString word;
    bool inWord = false;
    QChar quote; // '\'' or '"' while inside quotes
    for (qsizetype i = 0; i < commandLine.size(); ++i) {
        const QChar c = commandLine.at(i);
        if (quote == QLatin1Char('\'')) { // single quotes: everything literal up to the next one
            if (c == quote)
                quote = QChar();
            else
                word += c;
        } else if (quote == QLatin1Char('"')) { // double quotes: a backslash escapes " \\ $ `
            if (c == quote)
                quote = QChar();
            else if (c == QLatin1Char('\\') && i + 1 < commandLine.size() &&
                     QStringLiteral("\"\\$`").contains(commandLine.at(i + 1)))
                word += commandLine.at(++i);
            else
                word += c;
        } else if (c.isSpace()) {
            if (inWord)
                words << word;
            word.clear();
            inWord = false;
        } else {
            inWord = true;
            if (c == QLatin1Char('\'') || c == QLatin1Char('"'))
                quote = c;
            else if (c == QLatin1Char('\\') && i + 1 < commandLine.size())
                word += commandLine.at(++i);
            else
                word += c;
        }
    }
    if (!quote.isNull())
        return Status::failure(QStringLiteral("gradient program \"%1\": unterminated %2 quote")
                                   .arg(commandLine, quote == QLatin1Char('"') ? QStringLiteral("double")
                                                                               : QStringLiteral("single"))
                                   .toStdString());
    if (inWord)
        words << word;
    return Status::success();
}

std::optional<ExchangeFormat> parseExchangeFormat(const QString &name) {
    for (ExchangeFormat format : {ExchangeFormat::Npy, ExchangeFormat::Csv, ExchangeFormat::Mtx})
        if (name == QLatin1String(extension(format)))
            return format;
    return std::nullopt;
}

GradientProgram::GradientProgram(const GradientProgramOptions &options)
    : m_options(options)
    , m_folder(QDir::tempPath() + QStringLiteral("/gradlens-gradient-XXXXXX")) {}

QString GradientProgram::path(const char *stem) const {
    return m_folder.filePath(QString::fromLatin1(stem) + QLatin1Char('.') +
                             QLatin1String(extension(m_options.format)));
}

Status GradientProgram::fail(const QString &what) const {
    QString message = QStringLiteral("gradient program \"%1\": %2").arg(m_options.commandLine, what);
    if (const QString tail = stderrTail(m_folder.filePath(QStringLiteral("stderr.txt"))); !tail.isEmpty())
        message += QStringLiteral("; its stderr ends: ") + tail;
    return Status::failure(message.toStdString());
}

Status GradientProgram::start(const GradientProgramOptions &options,
                              const Eigen::Ref<const Eigen::MatrixXd> &R,
                              const Eigen::Ref<const Eigen::MatrixXd> &P,
                              std::unique_ptr<GradientProgram> &out) {
    std::unique_ptr<GradientProgram> program(new GradientProgram(options));
    QStringList words;
    if (Status split = splitCommandLine(options.commandLine, words); !split)
        return split;
    if (words.isEmpty())
        return Status::failure("gradient program: the command is empty");
    if (options.timeoutMs <= 0)
        return program->fail(QStringLiteral("the timeout must be positive"));
    program->m_program = words.takeFirst();
    program->m_arguments = words;
    // Found the way execvp would find it: a name without '/' on PATH, anything else relative to here.
    const QString found =
        program->m_program.contains(QLatin1Char('/'))
            ? (QFileInfo(program->m_program).isExecutable() ? program->m_program : QString())
            : QStandardPaths::findExecutable(program->m_program);
    if (found.isEmpty())
        return program->fail(
            QStringLiteral("\"%1\" is not an executable program (not found, or not executable)")
                .arg(program->m_program));
    if (!program->m_folder.isValid())
        return program->fail(
            QStringLiteral("cannot create a temporary folder: %1").arg(program->m_folder.errorString()));
    for (const auto &[matrix, stem] : {std::pair{&R, "R"}, std::pair{&P, "P"}}) {
        if (const Status written = writeMatrix(program->path(stem).toStdString(), *matrix); !written)
            return program->fail(QString::fromStdString(written.message));
        // Read-only, so that a program cannot change R or P for the calls after it.
        QFile::setPermissions(program->path(stem), QFileDevice::ReadOwner);
    }
    program->m_inputsStamp = program->inputsStamp();
    out = std::move(program);
    return Status::success();
}

QString GradientProgram::inputsStamp() const {
    QString stamp;
    for (const char *stem : {"R", "P"}) {
        const QFileInfo info(path(stem));
        stamp += QStringLiteral("%1:%2:%3;")
                     .arg(info.exists())
                     .arg(info.size())
                     .arg(info.lastModified().toMSecsSinceEpoch());
    }
    return stamp;
}

Status GradientProgram::gradient(const Eigen::Ref<const Eigen::MatrixXd> &gamma, Eigen::MatrixXd &out,
                                 const std::function<bool()> &cancelled) {
    ++m_calls;
    // (Read-only files do not stop a program run as root.)
    if (inputsStamp() != m_inputsStamp)
        return fail(
            QStringLiteral("an earlier call changed or removed R or P in its folder: they are written "
                           "once and must stay as they are"));
    const QString gammaFile = path("gamma"), outputFile = path("gradient");
    QFile::remove(outputFile); // a stale gradient from the last call must never be read as this one's
    if (const Status written = writeMatrix(gammaFile.toStdString(), gamma); !written)
        return fail(QString::fromStdString(written.message));

    QProcess process;
    process.setProgram(m_program);
    process.setArguments(m_arguments + QStringList{path("R"), path("P"), gammaFile, outputFile});
    process.setStandardInputFile(QProcess::nullDevice());
    process.setStandardOutputFile(QProcess::nullDevice());
    process.setStandardErrorFile(m_folder.filePath(QStringLiteral("stderr.txt"))); // bounded memory
    // Its own process group, so that a timeout or a cancel stops everything it started, and nothing it
    // left running in the background outlives the call.
    process.setChildProcessModifier([] { ::setpgid(0, 0); });
    process.start();
    if (!process.waitForStarted())
        return fail(QStringLiteral("cannot start: %1").arg(process.errorString()));

    const qint64 group = process.processId();
    const auto killGroup = [group] {
        if (group > 0)
            ::kill(-pid_t(group), SIGKILL); // (ESRCH when nothing of it is left: fine)
    };
    const QDeadlineTimer deadline(m_options.timeoutMs);
    while (!process.waitForFinished(kPollMs) && process.state() != QProcess::NotRunning) {
        const bool stop = cancelled && cancelled();
        if (stop || deadline.hasExpired()) {
            killGroup();
            process.kill();
            process.waitForFinished();
            return stop ? fail(QStringLiteral("cancelled"))
                        : fail(QStringLiteral("did not finish within %1 s (the gradient timeout)")
                                   .arg(m_options.timeoutMs / 1000.0));
        }
    }
    killGroup(); // what it left running in the background
    if (process.exitStatus() == QProcess::CrashExit)
        return fail(QStringLiteral("was killed by signal %1 (%2)")
                        .arg(process.exitCode())
                        .arg(QString::fromLocal8Bit(::strsignal(process.exitCode()))));
    if (process.exitCode() != 0)
        return fail(QStringLiteral("exited with status %1").arg(process.exitCode()));
    if (!QFileInfo::exists(outputFile))
        return fail(QStringLiteral("exited with status 0 but wrote no gradient to the fourth path (%1)")
                        .arg(QFileInfo(outputFile).fileName()));
    if (const Status read = readMatrix(outputFile.toStdString(), out); !read)
        return fail(
            QStringLiteral("its gradient cannot be read: %1").arg(QString::fromStdString(read.message)));
    if (out.rows() != gamma.rows() || out.cols() != gamma.cols())
        return fail(QStringLiteral("wrote a %1×%2 gradient; expected %3×%4, the shape of γ")
                        .arg(out.rows())
                        .arg(out.cols())
                        .arg(gamma.rows())
                        .arg(gamma.cols()));
    if (const Status finite = checkFinite(out, "gradient"); !finite)
        return fail(QString::fromStdString(finite.message));
    return Status::success();
}

} // namespace gradlens
