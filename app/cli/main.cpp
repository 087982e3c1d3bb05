// gradlens-cli: the command-line companion of Gradient Lens. Prints exactly one JSON object on stdout.
#include "clicommands.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>

namespace {

// The answer on stdout is the product: when it cannot be written (a full disk, a closed pipe, >/dev/full)
// the run failed, whatever it computed.
bool flushStdout() {
    errno = 0;
    if (std::fflush(stdout) == 0 && !std::ferror(stdout))
        return true;
    std::fprintf(stderr, "gradlens-cli: error: cannot write the result to standard output: %s\n",
                 errno ? std::strerror(errno) : "write error");
    return false;
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication application(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("gradlens-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GRADLENS_VERSION));

    gradlens::cli::CommandOutcome outcome;
    try {
        outcome = gradlens::cli::runCommand(QCoreApplication::arguments());
    } catch (const std::bad_alloc &) {
        outcome.exitCode = gradlens::cli::ExitBadInput;
        outcome.error = QStringLiteral("out of memory: the problem is too large for this machine");
    } catch (const std::exception &error) {
        outcome.exitCode = gradlens::cli::ExitBadInput;
        outcome.error = QStringLiteral("internal error: %1").arg(QString::fromUtf8(error.what()));
    }

    if (!outcome.help.isEmpty()) {
        std::fputs(outcome.help.toUtf8().constData(), stdout);
        return flushStdout() ? outcome.exitCode : gradlens::cli::ExitBadInput;
    }
    if (outcome.exitCode != gradlens::cli::ExitBadInput)
        for (const QString &notice : outcome.notices)
            std::fprintf(stderr, "gradlens-cli: notice: %s\n", notice.toUtf8().constData());
    if (outcome.exitCode == gradlens::cli::ExitBadInput) {
        QString line = outcome.error;
        line.replace(QLatin1Char('\n'), QLatin1Char(' '));
        std::fprintf(stderr, "gradlens-cli: error: %s\n", line.toUtf8().constData());
        return outcome.exitCode;
    }
    std::fputs(QJsonDocument(outcome.json).toJson(QJsonDocument::Compact).constData(), stdout);
    std::fputc('\n', stdout);
    return flushStdout() ? outcome.exitCode : gradlens::cli::ExitBadInput;
}
