#include "descent.h"

#include "instruments.h"
#include "nametable.h"

#include "matrixio.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <utility>

namespace gradlens {

using Eigen::MatrixXd;

namespace {

constexpr NameTable<OptimizerKind, 3> kOptimizerNames{{
    {OptimizerKind::GradientDescent, "gd"},
    {OptimizerKind::Armijo, "armijo"},
    {OptimizerKind::Exact, "exact"},
}};

std::string formatNumber(double value) {
    std::ostringstream text;
    text.imbue(std::locale::classic());
    text.precision(6);
    text << value;
    return text.str();
}

std::string convergedMessage(double gradientNorm, double tolerance) {
    return "gradient norm " + formatNumber(gradientNorm) + " is at or below the tolerance " +
           formatNumber(tolerance);
}

} // namespace

std::string_view optimizerName(OptimizerKind kind) {
    return nameOf(kOptimizerNames, kind);
}

std::optional<OptimizerKind> parseOptimizer(std::string_view name) {
    return parseName(kOptimizerNames, name);
}

std::string_view terminationName(Termination termination) {
    switch (termination) {
    case Termination::Converged:
        return "converged";
    case Termination::MaxIterations:
        return "max_iterations";
    case Termination::Diverged:
        return "diverged";
    case Termination::Stopped:
        return "stopped";
    case Termination::LineSearchFailed:
        return "line_search_failed";
    case Termination::InvalidInput:
        return "invalid_input";
    case Termination::Stagnated:
        return "stagnated";
    case Termination::GradientFailed:
        return "gradient_failed";
    }
    return "unknown";
}

std::string historyCsvHeader() {
    return "iteration,loss,grad_norm,step\n";
}

std::string historyCsvRow(const IterationRecord &record) {
    return std::to_string(record.iteration) + "," + formatDouble(record.loss) + "," +
           formatDouble(record.gradientNorm) + "," + formatDouble(record.step) + "\n";
}

std::string historyToCsv(const std::vector<IterationRecord> &history) {
    std::string text = historyCsvHeader();
    for (const IterationRecord &record : history)
        text += historyCsvRow(record);
    return text;
}

void DescentRun::record(const IterationRecord &entry) {
    m_history.push_back(entry);
    if (m_history.size() <= std::max<std::size_t>(m_options.historyCapacity, 4))
        return;
    // Every other record between the first and the latest goes: the picture stays even, at half the detail.
    std::size_t kept = 1;
    for (std::size_t k = 2; k + 1 < m_history.size(); k += 2)
        m_history[kept++] = m_history[k];
    m_history[kept++] = m_history.back();
    m_history.resize(kept);
}

Status DescentOptions::validate() const {
    if (!(learningRate > 0) || !std::isfinite(learningRate))
        return Status::failure("learning rate must be a finite number > 0, got " +
                               formatNumber(learningRate));
    if (maxIterations < 0)
        return Status::failure("iteration limit must be ≥ 0, got " + std::to_string(maxIterations));
    if (!(relativeTolerance >= 0) || !std::isfinite(relativeTolerance))
        return Status::failure("relative tolerance must be a finite number ≥ 0, got " +
                               formatNumber(relativeTolerance));
    if (!(gradientTolerance >= 0) || !std::isfinite(gradientTolerance))
        return Status::failure("tolerance must be a finite number ≥ 0, got " +
                               formatNumber(gradientTolerance));
    if (!(explosionFactor > 1))
        return Status::failure("explosion factor must be > 1");
    if (!(armijoSufficientDecrease > 0 && armijoSufficientDecrease < 1))
        return Status::failure("Armijo constant must be in (0, 1)");
    if (!(armijoShrink > 0 && armijoShrink < 1))
        return Status::failure("Armijo shrink factor must be in (0, 1)");
    if (armijoMaxBacktracks < 1)
        return Status::failure("Armijo needs at least one backtracking step");
    if (stagnationIterations < 0)
        return Status::failure("stagnation limit must be ≥ 0");
    return Status::success();
}

DescentRun::DescentRun(const Problem &problem, const DescentOptions &options)
    : m_problem(problem)
    , m_options(options)
    , m_gamma(problem.gamma)
    , m_trialStep(options.learningRate) {
    if (Status status = problem.validate(); !status) {
        block(Termination::InvalidInput, status.message);
        return;
    }
    if (Status status = options.validate(); !status) {
        block(Termination::InvalidInput, status.message);
        return;
    }
    // Symmetry is decided once; every evaluation then takes the right path without re-checking.
    m_evaluation.convention = options.convention;
    m_evaluation.symmetry =
        isSymmetricProblem(problem.R, problem.P) ? Symmetry::Symmetric : Symmetry::General;
    if (m_evaluation.symmetry == Symmetry::General) // symmetric ones read one triangle and need no layout
        m_pairedLayout = PairedLayout(problem.R, problem.P);
    std::string failure;
    m_current = evaluateAt(m_gamma, failure);
    if (!failure.empty()) {
        block(Termination::GradientFailed, failure);
        return;
    }
    m_gradientNorm = m_current.gradient.stableNorm();
    m_initialGradientNorm = m_gradientNorm;
    record({0, m_current.loss, m_gradientNorm, 0.0});
    m_explosionLimit = options.explosionFactor * std::max(std::abs(m_current.loss), 1.0);
    if (!std::isfinite(m_current.loss) || !std::isfinite(m_gradientNorm))
        block(Termination::Diverged, "the starting point has a non-finite loss or gradient");
}

Status DescentRun::setOptions(const DescentOptions &options) {
    if (Status status = options.validate(); !status)
        return status;
    // A new convention changes what the loss means, a new variant what the gradient is: re-evaluate, so the
    // next step starts from values of the new kind.
    const bool reevaluate = options.convention != m_options.convention ||
                            options.variant != m_options.variant ||
                            options.gradientSourceName != m_options.gradientSourceName;
    if (options.learningRate != m_options.learningRate || options.optimizer != m_options.optimizer)
        m_trialStep = options.learningRate;
    m_unchangedSteps = 0;
    m_options = options;
    m_evaluation.convention = options.convention;
    if (m_blocked == Termination::GradientFailed)
        m_blocked.reset(); // another source (or the same one, fixed) is tried again
    if (reevaluate && m_blocked != Termination::InvalidInput) {
        std::string failure;
        m_current = evaluateAt(m_gamma, failure);
        if (!failure.empty()) {
            block(Termination::GradientFailed, failure);
            return Status::failure(failure);
        }
        m_gradientNorm = m_current.gradient.stableNorm();
    }
    if (m_blocked == Termination::Converged || m_blocked == Termination::LineSearchFailed ||
        m_blocked == Termination::Stagnated)
        m_blocked.reset(); // a new tolerance or step may let it move again
    return Status::success();
}

Evaluation DescentRun::evaluateAt(const MatrixXd &gamma, std::string &failure) const {
    if (!m_options.gradientSource && m_options.variant == GradientVariant::Correct)
        return fusedEvaluation(gamma, m_evaluation);
    EvaluationOptions lossOnly = m_evaluation;
    lossOnly.wantGradient = false;
    Evaluation result = fusedEvaluation(gamma, lossOnly);
    if (m_options.gradientSource) {
        if (const Status got = m_options.gradientSource(gamma, result.gradient); !got)
            failure = got.message;
    } else {
        result.gradient =
            gradientVariant(m_problem.R, m_problem.P, gamma, m_options.variant, m_evaluation.convention);
    }
    return result;
}

Evaluation DescentRun::fusedEvaluation(const MatrixXd &gamma, const EvaluationOptions &options) const {
    return m_pairedLayout.empty() ? evaluate(m_problem.R, m_problem.P, gamma, options)
                                  : m_pairedLayout.evaluate(gamma, options);
}

std::optional<Termination> DescentRun::block(Termination termination, std::string message) {
    m_blocked = termination;
    m_message = std::move(message);
    return termination;
}

std::optional<Termination> DescentRun::armijoSearch(MatrixXd &candidate, double &step) {
    EvaluationOptions lossOnly = m_evaluation;
    lossOnly.wantGradient = false;
    const double norm = m_gradientNorm;
    step = m_trialStep;
    double lastLoss = 0;
    for (int backtrack = 0; backtrack < m_options.armijoMaxBacktracks; ++backtrack) {
        candidate = m_gamma - step * m_current.gradient;
        lastLoss = fusedEvaluation(candidate, lossOnly).loss;
        // c·t·‖G‖², multiplied in this order so that a large ‖G‖ does not overflow its square
        const double decrease = m_options.armijoSufficientDecrease * step * norm * norm;
        if (std::isfinite(lastLoss) && lastLoss <= m_current.loss - decrease)
            return std::nullopt;
        step *= m_options.armijoShrink;
    }
    step /= m_options.armijoShrink; // the last step tried
    // Either the steps never got small enough (the first one was far too large), or the decrease the last
    // one promised is below f's rounding: only then does rounding limit progress.
    const double promised = m_options.armijoSufficientDecrease * step * norm * norm;
    const double rounding = 4 * std::numeric_limits<double>::epsilon() * std::abs(m_current.loss);
    if (!std::isfinite(lastLoss) || promised > rounding)
        return block(Termination::LineSearchFailed,
                     "the first trial step " + formatNumber(m_trialStep) + " is too large: after " +
                         std::to_string(m_options.armijoMaxBacktracks) + " halvings the step " +
                         formatNumber(step) + " still gives " +
                         (std::isfinite(lastLoss) ? "no sufficient decrease" : "a non-finite loss") +
                         "; start with a smaller learning rate");
    return block(Termination::LineSearchFailed,
                 "no step along −G decreased the loss enough: rounding limits further progress");
}

std::optional<Termination> DescentRun::step() {
    if (m_blocked == Termination::InvalidInput || m_blocked == Termination::Diverged)
        return m_blocked;
    if (m_blocked == Termination::GradientFailed) { // (a timeout, a cancelled run): try the gradient again
        std::string failure;
        Evaluation again = evaluateAt(m_gamma, failure);
        if (!failure.empty())
            return block(Termination::GradientFailed, failure);
        m_current = std::move(again);
        m_gradientNorm = m_current.gradient.stableNorm();
    }
    m_blocked.reset();
    if (m_gradientNorm <= convergenceThreshold())
        return block(Termination::Converged, convergedMessage(m_gradientNorm, convergenceThreshold()));
    if (m_options.stagnationIterations > 0 && m_unchangedSteps >= m_options.stagnationIterations)
        return block(Termination::Stagnated,
                     "the loss has not changed beyond rounding for " + std::to_string(m_unchangedSteps) +
                         " iterations (last step " + formatNumber(m_history.back().step) +
                         "): descent has stalled; the gradient norm " + formatNumber(m_gradientNorm) +
                         " is above the tolerance but cannot be reduced further at this precision");
    MatrixXd candidate;
    double step = m_options.learningRate;
    if (m_options.optimizer == OptimizerKind::Armijo) {
        if (const auto failed = armijoSearch(candidate, step))
            return failed;
        m_trialStep = 2.0 * step; // try a longer step next time: steps grow back after a cautious phase
    } else if (m_options.optimizer == OptimizerKind::Exact) {
        const LineProfile profile = lineProfile(ProblemView{m_problem.R, m_problem.P, m_gamma},
                                                m_current.gradient, m_options.convention);
        step = profile.exactMinimizer;
        if (!(step > 0) || !std::isfinite(step) || !(profile.minimumValue < m_current.loss))
            return block(Termination::LineSearchFailed,
                         profile.note.empty()
                             ? "the exact line search finds no step along −G that lowers the loss: rounding "
                               "limits further progress"
                             : "the exact line search failed: " + profile.note);
        candidate = m_gamma - step * m_current.gradient;
    } else {
        candidate = m_gamma - step * m_current.gradient;
    }

    std::string failure;
    Evaluation next = evaluateAt(candidate, failure);
    if (!failure.empty())
        return block(Termination::GradientFailed, failure); // γ stays the last point with a gradient
    const double nextNorm = next.gradient.stableNorm();
    if (!std::isfinite(next.loss) || !std::isfinite(nextNorm) || next.loss > m_explosionLimit)
        return block(Termination::Diverged,
                     "the loss " + std::string(std::isfinite(next.loss) ? "exploded" : "became non-finite") +
                         " at iteration " + std::to_string(m_iteration + 1) +
                         "; γ is the last finite iterate. Try a smaller learning rate or Armijo.");
    const bool unchanged = std::abs(next.loss - m_current.loss) <=
                           4 * std::numeric_limits<double>::epsilon() * std::abs(m_current.loss);
    m_unchangedSteps = unchanged ? m_unchangedSteps + 1 : 0;
    m_gamma = std::move(candidate);
    m_current = std::move(next);
    m_gradientNorm = nextNorm;
    ++m_iteration;
    record({m_iteration, m_current.loss, m_gradientNorm, step});
    return std::nullopt;
}

double DescentRun::convergenceThreshold() const {
    return std::max(m_options.gradientTolerance, m_options.relativeTolerance * m_initialGradientNorm);
}

DescentRun::State DescentRun::state() const {
    return {m_gamma, m_iteration, m_trialStep, m_unchangedSteps, m_history.back()};
}

void DescentRun::restore(const State &state) {
    m_gamma = state.gamma;
    m_iteration = state.iteration;
    m_trialStep = state.trialStep;
    m_unchangedSteps = state.unchangedSteps;
    m_blocked.reset();
    m_message.clear();
    std::string failure;
    m_current = evaluateAt(m_gamma, failure);
    m_gradientNorm = m_current.gradient.stableNorm();
    while (!m_history.empty() && m_history.back().iteration >= state.iteration)
        m_history.pop_back();
    m_history.push_back(state.record);
    if (!failure.empty())
        block(Termination::GradientFailed, failure);
}

DescentSummary descend(const Problem &problem, const DescentOptions &options,
                       const IterationCallback &callback) {
    DescentRun run(problem, options);
    DescentSummary summary;
    auto finish = [&](Termination termination, std::string message) {
        summary.termination = termination;
        summary.message = std::move(message);
        summary.gamma = run.gamma();
        summary.history = run.history();
        summary.iterations = run.iteration();
        summary.initialLoss = run.history().empty() ? 0.0 : run.history().front().loss;
        summary.finalLoss = run.current().loss;
        summary.finalGradientNorm = run.gradientNorm();
        return summary;
    };
    if (run.blocked())
        return finish(*run.blocked(), run.message());
    if (callback && !callback(run.history().front(), run.gamma()))
        return finish(Termination::Stopped, "stopped before the first step");
    for (int iteration = 1; iteration <= options.maxIterations; ++iteration) {
        if (const auto stopped = run.step())
            return finish(*stopped, run.message());
        if (callback && !callback(run.history().back(), run.gamma()))
            return finish(Termination::Stopped, "stopped at iteration " + std::to_string(iteration));
    }
    if (run.gradientNorm() <= run.convergenceThreshold())
        return finish(Termination::Converged,
                      convergedMessage(run.gradientNorm(), run.convergenceThreshold()));
    return finish(Termination::MaxIterations,
                  "reached the iteration limit of " + std::to_string(options.maxIterations));
}

} // namespace gradlens
