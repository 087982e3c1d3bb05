#pragma once

#include "problem.h"
#include "status.h"

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <Eigen/Core>

#include <functional>
#include <memory>

namespace gradlens {

// How the user's program receives R, P, γ and returns its gradient: the extension of the four files.
enum class ExchangeFormat { Npy, Csv, Mtx };
std::optional<ExchangeFormat> parseExchangeFormat(const QString &name); // "npy", "csv", "mtx"

// Splits a command line into words as a POSIX shell would for quoting ('…', "…" with \\ escapes, \\ outside
// quotes), without expanding anything: the program is then run without a shell.
Status splitCommandLine(const QString &commandLine, QStringList &words);

struct GradientProgramOptions {
    QString commandLine; // split like a shell would, run without one
    ExchangeFormat format = ExchangeFormat::Npy;
    int timeoutMs = 60000; // per call
};

// The user's gradient program, run at any γ: R and P are written once into a private temporary folder,
// γ at each call; the program is started with four paths appended (R, P, γ, the output gradient) and its
// output is read back and checked for shape and finiteness (its convention, f or ½f, is the caller's). Every
// failure (cannot start, timeout, non-zero exit, no output, malformed output, wrong shape, NaN) is one
// message that names the command and ends with the tail of its stderr. Not thread-safe: one call at a time,
// from the thread that created it.
class GradientProgram {
public:
    // Writes R and P; fails when the command is empty, the program cannot be found, or a write fails.
    static Status start(const GradientProgramOptions &options, const Eigen::Ref<const Eigen::MatrixXd> &R,
                        const Eigen::Ref<const Eigen::MatrixXd> &P, std::unique_ptr<GradientProgram> &out);

    // ∂f/∂γ (n×r) at γ. `cancelled` is polled while the program runs; a cancelled call kills the program and
    // fails with "cancelled".
    Status gradient(const Eigen::Ref<const Eigen::MatrixXd> &gamma, Eigen::MatrixXd &out,
                    const std::function<bool()> &cancelled = {});

    const QString &commandLine() const { return m_options.commandLine; }
    int calls() const { return m_calls; }

private:
    explicit GradientProgram(const GradientProgramOptions &options);
    QString path(const char *stem) const;
    Status fail(const QString &what) const; // "gradient program \"CMD\": what; stderr: …"
    QString inputsStamp() const;

    GradientProgramOptions m_options;
    QString m_program;
    QStringList m_arguments;
    QTemporaryDir m_folder;
    QString m_inputsStamp; // size and time of R and P as written: a program must not change them
    int m_calls = 0;
};

} // namespace gradlens
