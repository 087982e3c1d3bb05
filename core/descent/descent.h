#pragma once

#include "evaluation.h"
#include "gradientforms.h"
#include "pairedlayout.h"
#include "problem.h"
#include "status.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gradlens {

// Exact: steepest descent with the exact step. φ(t) = f(γ − tG) is a quartic in t for this objective, whose
// minimiser lineProfile computes in closed form (O(n²r)): no backtracking, no learning rate.
enum class OptimizerKind { GradientDescent, Armijo, Exact };
enum class Termination {
    Converged,
    MaxIterations,
    Diverged,
    Stopped,
    LineSearchFailed,
    InvalidInput,
    Stagnated,      // steps keep being accepted but leave the loss unchanged to rounding
    GradientFailed, // the user's gradient (a program) could not be had at some γ
};

std::string_view optimizerName(OptimizerKind kind); // "gd", "armijo", "exact"
std::optional<OptimizerKind> parseOptimizer(std::string_view name);
std::string_view terminationName(Termination termination); // "converged", "max_iterations", ...

// The user's own gradient at any γ (n×r in, n×r out: the gradient of f, or of ½f under the Half
// convention), e.g. their program run through files; a failure stops descent with its message.
using GradientSource = std::function<Status(const Eigen::MatrixXd &gamma, Eigen::MatrixXd &gradient)>;

struct DescentOptions {
    OptimizerKind optimizer = OptimizerKind::Armijo;
    double learningRate = 1e-2; // fixed step for gd; first trial step for Armijo
    int maxIterations = 100;
    double gradientTolerance = 1e-6; // converged when ‖G‖_F ≤ this
    double relativeTolerance =
        0; // or when ‖G‖_F ≤ this·‖G₀‖_F (0: off); 1e-6 absolute is out of reach at n = 2000
    Convention convention = Convention::Full;
    double explosionFactor = 1e12;          // diverged when f exceeds this multiple of max(f₀, 1)
    double armijoSufficientDecrease = 1e-4; // c in f(γ − tG) ≤ f(γ) − c t ‖G‖²
    double armijoShrink = 0.5;
    int armijoMaxBacktracks = 60;
    // Stagnated after this many consecutive accepted steps that leave the loss unchanged to rounding
    // (|Δf| ≤ 4ε|f|); 0 never stops for that.
    int stagnationIterations = 10;
    // The gradient descent follows: the correct one, or a teaching mistake (to see descent misbehave).
    GradientVariant variant = GradientVariant::Correct;
    // When set, descent follows this gradient instead of the variant's formula; the name says where it comes
    // from ("program: python3 grad.py") and tells two sources apart.
    GradientSource gradientSource;
    std::string gradientSourceName;
    // The history kept in memory: past this many records it is thinned (every other older record goes; the
    // first and the latest stay), so a run of 10^8 iterations keeps a bounded picture of itself. Each record
    // is passed to the iteration callback as it comes, for writing it all out.
    std::size_t historyCapacity = 100000;

    Status validate() const;
};

struct IterationRecord {
    int iteration = 0;       // 0 is the starting point
    double loss = 0;         // f (or ½f) after the step
    double gradientNorm = 0; // ‖G‖_F after the step (scaled, so it neither over- nor underflows)
    double step = 0;         // the step length t used (0 for iteration 0)
};

struct DescentSummary {
    Termination termination = Termination::MaxIterations;
    std::string message;                  // one sentence on why it stopped
    std::vector<IterationRecord> history; // thinned past DescentOptions::historyCapacity
    Eigen::MatrixXd gamma; // the final γ; on divergence the last one with finite, non-exploding loss
    int iterations = 0;
    double initialLoss = 0, finalLoss = 0, finalGradientNorm = 0;
};

// Called with every record as it is made, the start (iteration 0) and each accepted step, with its γ:
// everything a caller needs to stream the whole history out; return false to stop the run.
using IterationCallback = std::function<bool(const IterationRecord &, const Eigen::MatrixXd &)>;

// "iteration,loss,grad_norm,step" and one row per record, 17 significant digits.
std::string historyToCsv(const std::vector<IterationRecord> &history);
std::string historyCsvHeader();                           // its first line
std::string historyCsvRow(const IterationRecord &record); // one of its rows

DescentSummary descend(const Problem &problem, const DescentOptions &options,
                       const IterationCallback &callback = {});

// Descent one step at a time, for callers that interleave steps with other work (the desktop worker) and
// may change the options between steps. `problem` is not copied: it must outlive the run. A run whose
// problem or options are invalid reports Termination::InvalidInput from status() and never moves.
class DescentRun {
public:
    DescentRun(const Problem &problem, const DescentOptions &options);

    // New options from the next step on; the iterate and the history stay. Invalid options are refused
    // with a message and the old ones kept. A gradient source that fails at the current γ is kept but
    // blocks the run (GradientFailed); its message is returned.
    Status setOptions(const DescentOptions &options);
    const DescentOptions &options() const { return m_options; }

    // Takes one step. Returns nullopt when it moved, or why it could not (converged, diverged,
    // line_search_failed, invalid_input); then γ is unchanged and message() says why in a sentence.
    std::optional<Termination> step();

    std::optional<Termination> blocked() const { return m_blocked; } // set while the run cannot move
    const std::string &message() const { return m_message; }
    const Eigen::MatrixXd &gamma() const { return m_gamma; }
    const Evaluation &current() const { return m_current; } // loss, and the selected variant's gradient
    double gradientNorm() const { return m_gradientNorm; }
    int iteration() const { return m_iteration; }
    // ‖G‖ at or below this is converged: the larger of the absolute and the relative tolerance.
    double convergenceThreshold() const;
    // In iteration order; thinned past the options' historyCapacity (see record()).
    const std::vector<IterationRecord> &history() const { return m_history; }
    // What the next step depends on, beyond the problem and the options: with it a run can go back to an
    // iteration and, stepping again under the same options, retrace it bit for bit (descent is
    // deterministic for a fixed thread count).
    struct State {
        Eigen::MatrixXd gamma;
        int iteration = 0;
        double trialStep = 0;   // Armijo's next first trial step
        int unchangedSteps = 0; // towards stagnation
        IterationRecord record; // of that iteration
    };
    State state() const;
    // Back (or forward) to a state of this run: γ re-evaluated, the history cut after its iteration (and
    // ending with its record), any block lifted.
    void restore(const State &state);

    // P and R laid out for this run's evaluations (general problems), or null (symmetric ones).
    const PairedLayout *pairedLayout() const { return m_pairedLayout.empty() ? nullptr : &m_pairedLayout; }

private:
    std::optional<Termination> block(Termination termination, std::string message);
    void record(const IterationRecord &entry); // appends, thinning the history when it is full
    // Backtracks from the trial step; on success candidate and step hold the accepted point and length.
    std::optional<Termination> armijoSearch(Eigen::MatrixXd &candidate, double &step);
    // Loss and the options' gradient (variant or source); a source's failure leaves its message in failure.
    Evaluation evaluateAt(const Eigen::MatrixXd &gamma, std::string &failure) const;
    Evaluation fusedEvaluation(const Eigen::MatrixXd &gamma, const EvaluationOptions &options) const;

    const Problem &m_problem;
    DescentOptions m_options;
    EvaluationOptions m_evaluation;
    PairedLayout m_pairedLayout; // general problems: P and R laid out once for the many evaluations
    Eigen::MatrixXd m_gamma;
    Evaluation m_current;
    double m_gradientNorm = 0;
    double m_explosionLimit = 0;
    double m_initialGradientNorm = 0; // ‖G₀‖, for the relative tolerance
    double m_trialStep = 0;
    int m_iteration = 0;
    std::vector<IterationRecord> m_history;
    int m_unchangedSteps = 0; // consecutive accepted steps that left the loss unchanged to rounding
    std::optional<Termination> m_blocked;
    std::string m_message;
};

} // namespace gradlens
