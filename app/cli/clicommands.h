#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace gradlens::cli {

// Exit statuses of gradlens-cli.
enum ExitCode { ExitOk = 0, ExitInconsistent = 1, ExitBadInput = 2 };

struct CommandOutcome {
    int exitCode = ExitOk;
    QJsonObject json;    // printed as one line on stdout when exitCode != ExitBadInput
    QString error;       // one line on stderr when exitCode == ExitBadInput
    QString help;        // printed instead of JSON when help was asked for
    QStringList notices; // "file: what was done" lines for stderr, printed only when there is no error
};

// Runs "gradlens-cli <command> [options]"; arguments[0] is the program name.
CommandOutcome runCommand(const QStringList &arguments);

} // namespace gradlens::cli
