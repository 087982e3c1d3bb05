#pragma once

#include "descent.h"
#include "generators.h"
#include "gradientforms.h"
#include "numericgradient.h"
#include "problem.h"
#include "status.h"

#include <Eigen/Core>
#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>
#include <vector>

namespace gradlens {

// A session file (.gradlens): everything needed to reopen exactly where one was. It is a zip archive whose
// matrices are .npy members (so numpy.load reads it as an .npz) beside a versioned session.json; the README
// has the members and the schema. Unknown fields and members (from a newer version of the same major
// version) are kept and written back; a newer major version, a damaged archive, a missing member, a wrong
// shape or a bad value is refused with a message naming the file and the member, and nothing is loaded.

constexpr const char *kSessionFormat = "gradlens-session";
constexpr int kSessionVersion = 1; // raised only for changes an older reader cannot read

// Every setting a session and each of its scenes carry. Names are the core's name tables' ("armijo",
// "half", "drop-transpose", "central").
struct SessionSettings {
    // Descent (DescentOptions).
    OptimizerKind optimizer = OptimizerKind::Armijo;
    double learningRate = 1e-2; // > 0
    int maxIterations = 100;    // ≥ 0
    double gradientTolerance = 1e-6;
    double relativeTolerance = 0;
    // The optimizers' own parameters (DescentOptions' defaults).
    double momentum = DescentOptions{}.momentum;
    double adamBeta1 = DescentOptions{}.adamBeta1, adamBeta2 = DescentOptions{}.adamBeta2;
    double adamEpsilon = DescentOptions{}.adamEpsilon;
    double stepDecay = DescentOptions{}.stepDecay;
    bool scaleStep = DescentOptions{}.scaleStep;
    double stepScaleFactor = DescentOptions{}.stepScaleFactor;
    int lbfgsMemory = DescentOptions{}.lbfgsMemory;
    // The objective, and the formula descent follows and the check tests.
    Convention convention = Convention::Full;
    GradientVariant variant = GradientVariant::Correct;
    // The gradient check.
    DifferenceMethod checkMethod = DifferenceMethod::Central;
    double checkStep = 0; // 0: the automatic per-entry step
    int checkEvery = 10;  // check during descent every k iterations; 0: only on request
    bool pauseOnFailure = false;
    // What the window shows: the heatmaps' views left to right by symbol (viewSymbol: "M", "G", ...), and
    // the bottom tab (descent, taylor, sweep, profile, derivation, race or landscape). Empty: the window's
    // defaults.
    QStringList views;
    QString tab;
    QJsonObject unknownFields; // settings of a newer version, written back as they were

    // Descent options with these settings (no gradient source), and the other way round (the descent's
    // part of options: optimizer, its parameters, limits, convention and formula).
    DescentOptions descentOptions() const;
    void setDescentOptions(const DescentOptions &options);
};

// A problem: R, P (n×n), the starting γ (n×r) and the planted γ* (n×r, or empty). A generated problem keeps
// its recipe; unless embedMatrices, only the recipe and γ₀ are stored and R, P and γ* are generated again
// on load (the generators are portable: the same matrices on every platform).
struct SessionProblem {
    std::optional<GeneratorOptions> generator;
    bool embedMatrices = false; // with a generator: store R, P and γ* too (numpy then sees them)
    Eigen::MatrixXd R, P;
    Eigen::MatrixXd gammaStart; // where descent started, and where Reset goes
    Eigen::MatrixXd gammaStar;  // empty when there is none
    QJsonObject unknownFields;

    Eigen::Index n() const { return gammaStart.rows(); }
    Eigen::Index r() const { return gammaStart.cols(); }
};

// A named view of the lesson: its settings (tab and views included), iterate and caption, and optionally a
// problem of its own (otherwise the session's).
struct SessionScene {
    QString name;
    QString caption;
    SessionSettings settings;
    Eigen::MatrixXd gamma; // the scene's iterate, n×r of its problem
    std::optional<SessionProblem> problem;
    QJsonObject unknownFields;
};

struct Session {
    SessionProblem problem;
    Eigen::MatrixXd gamma;                // the iterate, n×r: what --session gives the CLI's commands
    std::vector<IterationRecord> history; // of the descent that led to the iterate, bit for bit
    SessionSettings settings;
    QString caption;
    std::vector<SessionScene> scenes;
    QJsonObject unknownFields;                                  // session.json's, of a newer version
    std::vector<std::pair<QString, QByteArray>> unknownMembers; // archive members of a newer version

    // The problem at the iterate: R, P and the iterate γ.
    Problem currentProblem() const { return {problem.R, problem.P, gamma}; }
};

// The bottom tabs a setting may name: descent, taylor, sweep, profile, derivation, race, landscape (in the
// window's order).
const QStringList &sessionTabNames();

// Checks shapes (R, P n×n; γ₀, iterate and γ* n×r; each scene's iterate against its problem), finite
// matrices, settings in range and a generator recipe that validates.
Status validateSession(const Session &session);

// Writes the archive atomically (QSaveFile: a unique temporary renamed over the target), so a killed
// process or two processes saving one path never leave a damaged file. An invalid session is refused and
// the target left as it was.
Status saveSession(const QString &path, const Session &session);

// Reads a session; on failure `session` is left untouched and the message names the file, the member and
// the problem: "lesson.gradlens: R.npy: byte 10: ...", "lesson.gradlens: made by a newer Gradient Lens
// (session version 2); this one reads version 1". Sizes claimed by the archive are checked against the
// matrix memory limit (memorylimit.h) before anything is inflated.
Status loadSession(const QString &path, Session &session);

// session.json without the matrices, for `gradlens-cli session show`: what saveSession would write.
QJsonObject sessionJson(const Session &session);
QJsonObject settingsJson(const SessionSettings &settings);

} // namespace gradlens
