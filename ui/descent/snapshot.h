#pragma once

#include "descent.h"
#include "gradientforms.h"
#include "gradientprogram.h"
#include "numericgradient.h"
#include "problem.h"

#include <Eigen/Core>
#include <QMetaType>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace gradlens {

// How the gradient check runs, in the window's words.
struct CheckSettings {
    DifferenceMethod method = DifferenceMethod::Central;
    double step = 0;             // 0: the automatic per-entry step
    int everyIterations = 10;    // check during descent every k iterations; 0: only on request
    bool pauseOnFailure = false; // a run pauses when a check finds the gradient wrong
};

// One analytic-versus-numeric comparison at some iteration.
struct DeviationPoint {
    int iteration = 0;
    double maxAbsolute = 0;
    double maxRelative = 0;
    bool informative = true; // false: finite differences cannot resolve this gradient (precision guard)
    double taylorSlope = 0;  // the Taylor remainder test's fitted slope (2: consistent, 1: wrong)
    bool failed = false;     // the core's checkGradient says "inconsistent"
    QString verdict;         // checkGradient's verdict name ("consistent", "stationary_to_rounding", …)
    QString explanation;     // its sentence, and the fingerprint's when the gradient is wrong
};

// The factor at one iteration: γ's largest and smallest singular values (f sees γ only through γγᵀ, whose
// eigenvalues are their squares: a rotation γQ leaves them and f alone) and min_Q ‖γQ − γ*‖ (< 0: no γ*).
struct FactorPoint {
    int iteration = 0;
    double largestSingularValue = 0, smallestSingularValue = 0;
    double plantedDistance = -1;
};

// What the worker publishes: an immutable picture of the run. The GUI only reads it.
struct Snapshot {
    quint64 generation = 0; // which problem/reset this belongs to; stale generations are dropped
    std::shared_ptr<const Problem> problem;          // R, P and the starting γ of this generation
    Eigen::MatrixXd gamma;                           // n×r, current iterate
    Eigen::MatrixXd gradient;                        // n×r, analytic, at gamma
    std::shared_ptr<const Eigen::MatrixXd> residual; // n×n, at gamma
    Convention convention = Convention::Full;
    int iteration = 0;
    double loss = 0;
    double gradientNorm = 0;
    double secondsPerStep = 0; // mean over the steps since the previous snapshot
    double lastStep = 0;       // the step length t of the latest iteration (0 before the first)
    double learningRate = 0;   // the descent's learning rate (Armijo's first trial step)
    // Evaluations of f and ∇f spent to reach this iteration (cumulative, the start's included).
    std::int64_t functionEvaluations = 0, gradientEvaluations = 0;
    bool running = false;

    // Records since the previous snapshot of this generation (the charts append them).
    std::vector<IterationRecord> newRecords;
    std::vector<DeviationPoint> newDeviations;

    // The latest gradient check, if any.
    std::shared_ptr<const Eigen::MatrixXd> deviation; // n×r |G − G_num| / scale (GradientCheck::relative)
    double deviationThreshold = 0;                    // the check's rtol, marked on the colour bar
    std::shared_ptr<const Eigen::MatrixXd> numeric;   // n×r
    int deviationIteration = -1;
    DeviationPoint lastDeviation;
    QString guardExplanation; // the precision guard's sentence when finite differences are uninformative

    // A generated planted problem's γ* (n×r, null otherwise) and min over rotations Q of ‖γQ − γ*‖_F.
    std::shared_ptr<const Eigen::MatrixXd> gammaStar;
    double plantedDistance = -1;              // < 0: no γ*
    std::vector<FactorPoint> newFactorPoints; // one per iteration since the previous snapshot

    bool symmetricProblem = false;                      // P and R symmetric: some wrong gradients look right
    GradientVariant variant = GradientVariant::Correct; // the formula the analytic gradient comes from
    QString gradientSource; // "file: G.npy" or "program: …" when the user's gradient replaces the formula
    bool gradientFailed = false; // the user's gradient could not be had at γ: message says why
    int furthestIteration = 0;   // of the current branch: the history can be revisited up to it
    int rewoundTo = -1;          // ≥ 0 in the snapshot right after going back to that iteration
    QString message; // why the run stopped (converged, diverged with a suggestion, ...), if it did
    bool diverged = false;
};

using SnapshotPointer = std::shared_ptr<const Snapshot>;

// The user's own gradient in place of the formula: from a file (it holds at the γ it was read at) or from
// a program (run at every γ). Neither: the formula.
struct UserGradient {
    QString label;                           // "file: G.npy", "program: python3 grad.py"; empty: none
    std::optional<Eigen::MatrixXd> fromFile; // n×r
    std::optional<GradientProgramOptions> program;
    bool isSet() const { return !label.isEmpty(); }
};

} // namespace gradlens

Q_DECLARE_METATYPE(gradlens::SnapshotPointer)
Q_DECLARE_METATYPE(gradlens::UserGradient)
