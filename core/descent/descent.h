#pragma once

#include "evaluation.h"
#include "gradientforms.h"
#include "pairedlayout.h"
#include "problem.h"
#include "status.h"

#include <LBFGSpp/BFGSMat.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gradlens {

struct LineProfile;

// Exact: steepest descent with the exact step. φ(t) = f(γ − tG) is a quartic in t for this objective, whose
// minimiser lineProfile computes in closed form (O(n²r)): no backtracking, no learning rate.
// Momentum (heavy ball): v ← βv − t_k G(γ), γ ← γ + v.
// Nesterov, in the look-ahead form (the iterate is the look-ahead point, so a step costs one gradient):
//   v ← βv − t_k G(γ), γ ← γ + βv − t_k G(γ).
// Adam: m ← β₁m + (1−β₁)G, s ← β₂s + (1−β₂)G∘G, γ ← γ − t_k m̂ / (√ŝ + ε) with the bias-corrected m̂, ŝ.
// LBFGS: the two-loop direction of LBFGSpp's BFGSMat and its strong-Wolfe line search (Nocedal & Wright),
// one L-BFGS iteration per step. (Values are appended: the window stores them as integers.)
enum class OptimizerKind { GradientDescent, Armijo, Exact, Momentum, Nesterov, Adam, LBFGS };
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

// "gd", "armijo", "exact", "momentum", "nesterov", "adam", "lbfgs"
std::string_view optimizerName(OptimizerKind kind);
std::optional<OptimizerKind> parseOptimizer(std::string_view name);
std::string optimizerChoices(); // "gd, armijo, exact, momentum, nesterov, adam, lbfgs"
std::string_view terminationName(Termination termination); // "converged", "max_iterations", ...

// The user's own gradient at any γ (n×r in, n×r out: the gradient of f, or of ½f under the Half
// convention), e.g. their program run through files; a failure stops descent with its message.
using GradientSource = std::function<Status(const Eigen::MatrixXd &gamma, Eigen::MatrixXd &gradient)>;

struct DescentOptions {
    OptimizerKind optimizer = OptimizerKind::Armijo;
    double learningRate = 1e-2; // fixed step for gd; first trial step for Armijo; t₀ when scaleStep is off
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
    // Momentum, Nesterov and Adam. β of momentum and Nesterov (0.7, not the textbook 0.9: β bounds the rate
    // at about √β per step, and on this objective 0.9 took two to three times the iterations; see the
    // README's table); Adam's β₁, β₂ and ε.
    double momentum = 0.7;
    double adamBeta1 = 0.9, adamBeta2 = 0.999, adamEpsilon = 1e-8;
    // gd, momentum, Nesterov, Adam: the step after k steps of the optimizer is t₀ / (1 + k·stepDecay); 0
    // keeps it fixed.
    double stepDecay = 0;
    // Momentum, Nesterov, Adam: t₀ scaled to the problem at their first step from the exact line-search
    // step t* along −G (one pass, counted as an evaluation of f): t₀ = factor·t* for momentum and Nesterov;
    // for Adam, whose move is about t₀ per entry, t₀ = factor·t*·‖G‖_F/√(nr), a first move that long.
    // factor = stepScaleFactor, or when that is 0 the optimizer's default: 0.25 for momentum and Nesterov
    // (Nesterov diverged on the demo problem at 0.5), 0.5 for Adam. Off: t₀ = learningRate.
    bool scaleStep = true;
    double stepScaleFactor = 0;
    // L-BFGS: correction pairs kept (m), and its line search's strong Wolfe conditions
    // f(γ + td) ≤ f(γ) + c₁t⟨G, d⟩ and |⟨G(γ + td), d⟩| ≤ c₂|⟨G, d⟩|, within this many evaluations.
    int lbfgsMemory = 10;
    double wolfeSufficientDecrease = 1e-4; // c₁
    double wolfeCurvature = 0.9;           // c₂
    int wolfeMaxEvaluations = 20;
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
    // Evaluations of f and of the gradient spent so far (cumulative, the start's included). A fused pass
    // that gives both counts once in each; Armijo's trials are f only; the exact step's quartic counts as
    // one f (its coefficients take one pass over P and R).
    std::int64_t functionEvaluations = 0;
    std::int64_t gradientEvaluations = 0;
};

struct DescentSummary {
    Termination termination = Termination::MaxIterations;
    std::string message;                  // one sentence on why it stopped
    std::vector<IterationRecord> history; // thinned past DescentOptions::historyCapacity
    Eigen::MatrixXd gamma; // the final γ; on divergence the last one with finite, non-exploding loss
    int iterations = 0;
    double initialLoss = 0, finalLoss = 0, finalGradientNorm = 0;
    std::int64_t functionEvaluations = 0, gradientEvaluations = 0; // all spent, a failed last step's too
};

// Called with every record as it is made, the start (iteration 0) and each accepted step, with its γ:
// everything a caller needs to stream the whole history out; return false to stop the run.
using IterationCallback = std::function<bool(const IterationRecord &, const Eigen::MatrixXd &)>;

// "iteration,loss,grad_norm,step,function_evaluations,gradient_evaluations" and one row per record, 17
// significant digits.
std::string historyToCsv(const std::vector<IterationRecord> &history);
std::string historyCsvHeader();                           // its first line
std::string historyCsvRow(const IterationRecord &record); // one of its rows

DescentSummary descend(const Problem &problem, const DescentOptions &options,
                       const IterationCallback &callback = {});

// Whether repeated evaluations of a general problem with γ of r columns are faster through a PairedLayout
// than on P and R in place: above r = 16, where the layout's halved arithmetic outweighs its fewer streams
// (n = 4096: a tie at r = 16, 2.9 against 5.5 ns per entry at r = 32, 1.13 against 0.96 at r = 8; README,
// "Performance"). Symmetric problems are evaluated in place: that is as fast.
bool layoutPaysOff(Eigen::Index r);

// Descent one step at a time, for callers that interleave steps with other work (the desktop worker) and
// may change the options between steps. `problem` is not copied: it must outlive the run. A run whose
// problem or options are invalid reports Termination::InvalidInput from status() and never moves.
class DescentRun {
public:
    // `layout` is P and R laid out for this problem's R and P by an earlier run (it belongs to R and P, not
    // to γ): reused when it fits, so that a new γ costs no rebuild. Without one, the run builds its own
    // where that pays off (see layoutPaysOff).
    DescentRun(const Problem &problem, const DescentOptions &options,
               std::shared_ptr<const PairedLayout> layout = nullptr);

    // New options from the next step on; the iterate and the history stay (before the first step, a new
    // convention, variant or gradient source records the start anew, as if the run had begun with them).
    // Invalid options are refused with a message and the old ones kept. Another optimizer, or any of its
    // parameters changed, starts that optimizer afresh from the current γ (no velocity, moments or correction
    // pairs). A gradient source that fails at the current γ is kept but blocks the run (GradientFailed); its
    // message is returned.
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
    std::int64_t functionEvaluations() const { return m_functionEvaluations; } // all spent, failures too
    std::int64_t gradientEvaluations() const { return m_gradientEvaluations; }
    // ‖G‖ at or below this is converged: the larger of the absolute and the relative tolerance.
    double convergenceThreshold() const;
    // In iteration order; thinned past the options' historyCapacity (see record()).
    const std::vector<IterationRecord> &history() const { return m_history; }
    // What the next step depends on, beyond the problem and the options: with it a run can go back to an
    // iteration and, stepping again under the same options, retrace it bit for bit (descent is
    // deterministic for a fixed thread count).
    // What momentum, Nesterov, Adam and L-BFGS carry from step to step.
    struct OptimizerState {
        OptimizerState() { lbfgs.reset(0, 1); } // (a BFGSMat is indeterminate until reset)
        int steps = 0;            // taken by this optimizer since it started afresh (the decay's k)
        double baseStep = 0;      // t₀, once chosen (0: not yet)
        Eigen::MatrixXd velocity; // momentum, Nesterov: v; Adam: the first moment m (n×r; empty at start)
        Eigen::MatrixXd secondMoment;   // Adam: s (n×r)
        LBFGSpp::BFGSMat<double> lbfgs; // L-BFGS: the correction pairs (s, y) and the two-loop product
        int lbfgsPairs = 0;             // pairs held (≤ lbfgsMemory)
        int lbfgsCapacity = 0;          // pairs it has room for (lbfgsMemory once L-BFGS has stepped)
        // The pairs hold y·c and the two-loop product takes G·c, with c = ‖γ‖/‖G‖ when the pairs started:
        // the same directions, but yᵀy neither overflows nor underflows when γ is 1e±75 (f 1e±300).
        double lbfgsGradientScale = 1;
    };
    struct State {
        Eigen::MatrixXd gamma;
        int iteration = 0;
        double trialStep = 0;   // Armijo's next first trial step
        int unchangedSteps = 0; // towards stagnation
        IterationRecord record; // of that iteration
        OptimizerState optimizer;
        // Bytes its matrices hold, to keep many states within a budget: L-BFGS's pairs are 2m times γ.
        std::size_t bytes() const;
    };
    State state() const;
    // Back (or forward) to a state of this run: γ re-evaluated, the history cut after its iteration (and
    // ending with its record), any block lifted.
    void restore(const State &state);

    // P and R laid out for this run's evaluations, or null where evaluating them in place is as fast.
    const PairedLayout *pairedLayout() const { return m_pairedLayout.get(); }
    const std::shared_ptr<const PairedLayout> &sharedLayout() const { return m_pairedLayout; }
    // Whether P and R are symmetric (decided once, at the start; false for invalid input).
    bool symmetricProblem() const { return m_evaluation.symmetry == Symmetry::Symmetric; }

private:
    std::optional<Termination> block(Termination termination, std::string message);
    void record(const IterationRecord &entry); // appends, thinning the history when it is full
    // Backtracks from the trial step; on success candidate and step hold the accepted point and length.
    std::optional<Termination> armijoSearch(Eigen::MatrixXd &candidate, double &step);
    // One L-BFGS iteration's line search; on success candidate, step and evaluated hold the accepted point.
    std::optional<Termination> lbfgsSearch(Eigen::MatrixXd &candidate, double &step,
                                           std::optional<Evaluation> &evaluated);
    // t₀ / (1 + k·stepDecay), t₀ chosen at the optimizer's first step (see DescentOptions::scaleStep).
    double scheduledStep();
    // The quartic f(γ − tG) at the current γ, counted as one evaluation of f.
    LineProfile exactProfile();
    // Evaluations that count: f alone, or f with the options' gradient.
    double countedLoss(const Eigen::MatrixXd &gamma);
    Evaluation countedEvaluation(const Eigen::MatrixXd &gamma, std::string &failure);
    // Loss and the options' gradient (variant or source); a source's failure leaves its message in failure.
    Evaluation evaluateAt(const Eigen::MatrixXd &gamma, std::string &failure) const;
    Evaluation fusedEvaluation(const Eigen::MatrixXd &gamma, const EvaluationOptions &options) const;

    const Problem &m_problem;
    DescentOptions m_options;
    EvaluationOptions m_evaluation;
    std::shared_ptr<const PairedLayout> m_pairedLayout; // P and R laid out for the many evaluations, or null
    Eigen::MatrixXd m_gamma;
    Evaluation m_current;
    double m_gradientNorm = 0;
    double m_explosionLimit = 0;
    double m_initialGradientNorm = 0; // ‖G₀‖, for the relative tolerance
    double m_trialStep = 0;
    int m_iteration = 0;
    std::vector<IterationRecord> m_history;
    OptimizerState m_optimizerState;
    std::int64_t m_functionEvaluations = 0, m_gradientEvaluations = 0;
    int m_unchangedSteps = 0; // consecutive accepted steps that left the loss unchanged to rounding
    std::optional<Termination> m_blocked;
    std::string m_message;
};

} // namespace gradlens
