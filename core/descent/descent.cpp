#include "descent.h"

#include "instruments.h"
#include "nametable.h"

#include "matrixio.h"

// Param.h first, in a block of its own: the line search's header uses it without including it.
#include <LBFGSpp/Param.h>

#include <LBFGSpp/LineSearchNocedalWright.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <utility>

namespace gradlens {

using Eigen::MatrixXd;

namespace {

constexpr NameTable<OptimizerKind, 7> kOptimizerNames{{
    {OptimizerKind::GradientDescent, "gd"},
    {OptimizerKind::Armijo, "armijo"},
    {OptimizerKind::Exact, "exact"},
    {OptimizerKind::Momentum, "momentum"},
    {OptimizerKind::Nesterov, "nesterov"},
    {OptimizerKind::Adam, "adam"},
    {OptimizerKind::LBFGS, "lbfgs"},
}};

// The user's gradient failing inside LBFGSpp's line search: carried out of it as an exception.
struct GradientFailure {
    std::string message;
};

// Whether a change of options leaves the optimizer's carried state meaningful.
bool sameOptimizerSettings(const DescentOptions &a, const DescentOptions &b) {
    return a.optimizer == b.optimizer && a.learningRate == b.learningRate && a.momentum == b.momentum &&
           a.adamBeta1 == b.adamBeta1 && a.adamBeta2 == b.adamBeta2 && a.adamEpsilon == b.adamEpsilon &&
           a.stepDecay == b.stepDecay && a.scaleStep == b.scaleStep &&
           a.stepScaleFactor == b.stepScaleFactor && a.lbfgsMemory == b.lbfgsMemory &&
           a.wolfeSufficientDecrease == b.wolfeSufficientDecrease && a.wolfeCurvature == b.wolfeCurvature &&
           a.wolfeMaxEvaluations == b.wolfeMaxEvaluations;
}

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

std::string optimizerChoices() {
    return joinNames(kOptimizerNames);
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
    return "iteration,loss,grad_norm,step,function_evaluations,gradient_evaluations\n";
}

std::string historyCsvRow(const IterationRecord &record) {
    return std::to_string(record.iteration) + "," + formatDouble(record.loss) + "," +
           formatDouble(record.gradientNorm) + "," + formatDouble(record.step) + "," +
           std::to_string(record.functionEvaluations) + "," + std::to_string(record.gradientEvaluations) +
           "\n";
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
    if (!(momentum >= 0 && momentum < 1))
        return Status::failure("momentum β must be in [0, 1), got " + formatNumber(momentum));
    if (!(adamBeta1 >= 0 && adamBeta1 < 1))
        return Status::failure("Adam's β₁ must be in [0, 1), got " + formatNumber(adamBeta1));
    if (!(adamBeta2 >= 0 && adamBeta2 < 1))
        return Status::failure("Adam's β₂ must be in [0, 1), got " + formatNumber(adamBeta2));
    if (!(adamEpsilon > 0) || !std::isfinite(adamEpsilon))
        return Status::failure("Adam's ε must be a finite number > 0, got " + formatNumber(adamEpsilon));
    if (!(stepDecay >= 0) || !std::isfinite(stepDecay))
        return Status::failure("step decay must be a finite number ≥ 0, got " + formatNumber(stepDecay));
    if (!(stepScaleFactor >= 0) || !std::isfinite(stepScaleFactor))
        return Status::failure("step scale factor must be a finite number ≥ 0, got " +
                               formatNumber(stepScaleFactor));
    if (lbfgsMemory < 1 || lbfgsMemory > 1000)
        return Status::failure("L-BFGS memory must be from 1 to 1000 pairs, got " +
                               std::to_string(lbfgsMemory));
    if (!(wolfeSufficientDecrease > 0 && wolfeSufficientDecrease < 0.5))
        return Status::failure("the Wolfe constant c₁ must be in (0, 0.5), got " +
                               formatNumber(wolfeSufficientDecrease));
    if (!(wolfeCurvature > wolfeSufficientDecrease && wolfeCurvature < 1))
        return Status::failure("the Wolfe constant c₂ must be in (c₁, 1), got " +
                               formatNumber(wolfeCurvature));
    if (wolfeMaxEvaluations < 1)
        return Status::failure("the Wolfe line search needs at least one evaluation");
    return Status::success();
}

bool layoutPaysOff(Eigen::Index r) {
    return r > 16;
}

DescentRun::DescentRun(const Problem &problem, const DescentOptions &options,
                       std::shared_ptr<const PairedLayout> layout)
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
    if (m_evaluation.symmetry == Symmetry::General) { // symmetric ones read one triangle in place
        if (layout && layout->size() == problem.n())
            m_pairedLayout = std::move(layout);
        else if (layoutPaysOff(problem.r()))
            m_pairedLayout = std::make_shared<const PairedLayout>(problem.R, problem.P);
    }
    std::string failure;
    m_current = countedEvaluation(m_gamma, failure);
    if (!failure.empty()) {
        block(Termination::GradientFailed, failure);
        return;
    }
    m_gradientNorm = m_current.gradient.stableNorm();
    m_initialGradientNorm = m_gradientNorm;
    record({0, m_current.loss, m_gradientNorm, 0.0, m_functionEvaluations, m_gradientEvaluations});
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
    // Velocity, moments and correction pairs belong to one optimizer, its settings and its gradient.
    if (reevaluate || !sameOptimizerSettings(options, m_options))
        m_optimizerState = OptimizerState();
    m_unchangedSteps = 0;
    m_options = options;
    m_evaluation.convention = options.convention;
    if (m_blocked == Termination::GradientFailed)
        m_blocked.reset(); // another source (or the same one, fixed) is tried again
    // Before the first step the run starts afresh in the new terms: its start is recorded, counted and
    // bounded as if it had begun with these options, so a history replayed with them matches it.
    const bool atStart = m_iteration == 0 && m_history.size() == 1;
    if (reevaluate && m_blocked != Termination::InvalidInput) {
        if (atStart)
            m_functionEvaluations = m_gradientEvaluations = 0;
        std::string failure;
        m_current = countedEvaluation(m_gamma, failure);
        if (!failure.empty()) {
            block(Termination::GradientFailed, failure);
            return Status::failure(failure);
        }
        m_gradientNorm = m_current.gradient.stableNorm();
        if (atStart) {
            m_history.clear();
            record({0, m_current.loss, m_gradientNorm, 0.0, m_functionEvaluations, m_gradientEvaluations});
            m_initialGradientNorm = m_gradientNorm;
            m_explosionLimit = m_options.explosionFactor * std::max(std::abs(m_current.loss), 1.0);
        }
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

double DescentRun::countedLoss(const MatrixXd &gamma) {
    EvaluationOptions lossOnly = m_evaluation;
    lossOnly.wantGradient = false;
    ++m_functionEvaluations;
    return fusedEvaluation(gamma, lossOnly).loss;
}

Evaluation DescentRun::countedEvaluation(const MatrixXd &gamma, std::string &failure) {
    ++m_functionEvaluations;
    ++m_gradientEvaluations;
    return evaluateAt(gamma, failure);
}

LineProfile DescentRun::exactProfile() {
    ++m_functionEvaluations;
    return lineProfile(ProblemView{m_problem.R, m_problem.P, m_gamma}, m_current.gradient,
                       m_options.convention);
}

Evaluation DescentRun::fusedEvaluation(const MatrixXd &gamma, const EvaluationOptions &options) const {
    return m_pairedLayout ? m_pairedLayout->evaluate(gamma, options)
                          : evaluate(m_problem.R, m_problem.P, gamma, options);
}

std::optional<Termination> DescentRun::block(Termination termination, std::string message) {
    m_blocked = termination;
    m_message = std::move(message);
    return termination;
}

std::optional<Termination> DescentRun::armijoSearch(MatrixXd &candidate, double &step) {
    const double norm = m_gradientNorm;
    step = m_trialStep;
    double lastLoss = 0;
    for (int backtrack = 0; backtrack < m_options.armijoMaxBacktracks; ++backtrack) {
        candidate = m_gamma - step * m_current.gradient;
        lastLoss = countedLoss(candidate);
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
        Evaluation again = countedEvaluation(m_gamma, failure);
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
    std::optional<Evaluation> evaluated; // the candidate's, when the search already has it
    MatrixXd velocity, secondMoment;     // momentum, Nesterov, Adam: their next values, kept if accepted
    const MatrixXd &G = m_current.gradient;
    switch (m_options.optimizer) {
    case OptimizerKind::Armijo:
        if (const auto failed = armijoSearch(candidate, step))
            return failed;
        m_trialStep = 2.0 * step; // try a longer step next time: steps grow back after a cautious phase
        break;
    case OptimizerKind::Exact: {
        const LineProfile profile = exactProfile();
        step = profile.exactMinimizer;
        if (!(step > 0) || !std::isfinite(step) || !(profile.minimumValue < m_current.loss))
            return block(Termination::LineSearchFailed,
                         profile.note.empty()
                             ? "the exact line search finds no step along −G that lowers the loss: rounding "
                               "limits further progress"
                             : "the exact line search failed: " + profile.note);
        candidate = m_gamma - step * G;
        break;
    }
    case OptimizerKind::GradientDescent:
        step = scheduledStep();
        candidate = m_gamma - step * G;
        break;
    case OptimizerKind::Momentum:
    case OptimizerKind::Nesterov: {
        if ((step = scheduledStep()) == 0)
            return m_blocked;
        const double beta = m_options.momentum;
        const MatrixXd &previous = m_optimizerState.velocity;
        velocity = previous.size() ? MatrixXd(beta * previous - step * G) : MatrixXd(-step * G);
        candidate = m_options.optimizer == OptimizerKind::Momentum
                        ? MatrixXd(m_gamma + velocity)
                        : MatrixXd(m_gamma + beta * velocity - step * G);
        break;
    }
    case OptimizerKind::Adam: {
        if ((step = scheduledStep()) == 0)
            return m_blocked;
        const double beta1 = m_options.adamBeta1, beta2 = m_options.adamBeta2;
        const MatrixXd &m = m_optimizerState.velocity, &s = m_optimizerState.secondMoment;
        velocity = m.size() ? MatrixXd(beta1 * m + (1 - beta1) * G) : MatrixXd((1 - beta1) * G);
        secondMoment = s.size() ? MatrixXd(beta2 * s + (1 - beta2) * G.cwiseAbs2())
                                : MatrixXd((1 - beta2) * G.cwiseAbs2());
        const int k = m_optimizerState.steps + 1;
        const double correction1 = 1 - std::pow(beta1, k), correction2 = 1 - std::pow(beta2, k);
        candidate = m_gamma - step * ((velocity / correction1).array() /
                                      ((secondMoment / correction2).array().sqrt() + m_options.adamEpsilon))
                                         .matrix();
        break;
    }
    case OptimizerKind::LBFGS:
        if (const auto failed = lbfgsSearch(candidate, step, evaluated))
            return failed;
        break;
    }

    std::string failure;
    Evaluation next = evaluated ? std::move(*evaluated) : countedEvaluation(candidate, failure);
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
    if (m_options.optimizer == OptimizerKind::LBFGS) {
        // The new correction pair; the strong Wolfe conditions make sᵀy > 0, checked against rounding.
        const Eigen::Index size = m_gamma.size();
        const Eigen::VectorXd s = Eigen::Map<const Eigen::VectorXd>(candidate.data(), size) -
                                  Eigen::Map<const Eigen::VectorXd>(m_gamma.data(), size);
        const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(next.gradient.data(), size) -
                                  Eigen::Map<const Eigen::VectorXd>(G.data(), size);
        const Eigen::VectorXd scaledY = y * m_optimizerState.lbfgsGradientScale;
        if (s.dot(scaledY) > std::numeric_limits<double>::epsilon() * s.stableNorm() * scaledY.stableNorm()) {
            m_optimizerState.lbfgs.add_correction(s, scaledY);
            m_optimizerState.lbfgsPairs = std::min(m_optimizerState.lbfgsPairs + 1, m_options.lbfgsMemory);
        }
    }
    if (velocity.size())
        m_optimizerState.velocity = std::move(velocity);
    if (secondMoment.size())
        m_optimizerState.secondMoment = std::move(secondMoment);
    ++m_optimizerState.steps;
    m_gamma = std::move(candidate);
    m_current = std::move(next);
    m_gradientNorm = nextNorm;
    ++m_iteration;
    record({m_iteration, m_current.loss, m_gradientNorm, step, m_functionEvaluations, m_gradientEvaluations});
    return std::nullopt;
}

double DescentRun::scheduledStep() {
    OptimizerState &state = m_optimizerState;
    if (state.baseStep == 0) {
        state.baseStep = m_options.learningRate;
        const bool scaled = m_options.optimizer == OptimizerKind::Momentum ||
                            m_options.optimizer == OptimizerKind::Nesterov ||
                            m_options.optimizer == OptimizerKind::Adam;
        if (scaled && m_options.scaleStep) {
            const LineProfile profile = exactProfile();
            const double exact = profile.exactMinimizer;
            if (!(exact > 0) || !std::isfinite(exact)) {
                state.baseStep = 0;
                block(Termination::LineSearchFailed,
                      "no step along −G lowers the loss, so none can scale the step to the problem" +
                          (profile.note.empty() ? std::string() : ": " + profile.note));
                return 0;
            }
            const bool adam = m_options.optimizer == OptimizerKind::Adam;
            const double factor = m_options.stepScaleFactor > 0 ? m_options.stepScaleFactor
                                  : adam                        ? 0.5
                                                                : 0.25;
            state.baseStep = factor * exact;
            if (adam) // per entry: a first move as long as factor·t*·‖G‖
                state.baseStep *= m_gradientNorm / std::sqrt(double(m_gamma.size()));
        }
    }
    return state.baseStep / (1 + state.steps * m_options.stepDecay);
}

std::optional<Termination> DescentRun::lbfgsSearch(MatrixXd &candidate, double &step,
                                                   std::optional<Evaluation> &evaluated) {
    using Vector = Eigen::VectorXd;
    OptimizerState &state = m_optimizerState;
    const Eigen::Index size = m_gamma.size();
    if (state.lbfgsPairs == 0) {
        state.lbfgs.reset(int(size), m_options.lbfgsMemory);
        state.lbfgsCapacity = m_options.lbfgsMemory;
    }
    const Vector start = Eigen::Map<const Vector>(m_gamma.data(), size);
    Vector gradient = Eigen::Map<const Vector>(m_current.gradient.data(), size);
    Vector direction;
    if (state.lbfgsPairs > 0) {
        state.lbfgs.apply_Hv(gradient * state.lbfgsGradientScale, -1.0, direction);
        step = 1; // the quasi-Newton step is scaled already
    }
    if (state.lbfgsPairs == 0 || !(direction.dot(gradient) < 0)) {
        // First step (or a direction spoilt by rounding): steepest descent, the pairs start over. Its first
        // trial is the exact minimiser along −G (one pass, counted as an f): a fixed first move (LBFGSSolver
        // takes length 1) means nothing when γ is 1e-75 or 1e75, and failed there at the first step.
        state.lbfgsPairs = 0;
        state.lbfgs.reset(int(size), m_options.lbfgsMemory);
        const double gammaNorm = m_gamma.stableNorm(), gradientNorm = m_current.gradient.stableNorm();
        state.lbfgsGradientScale =
            gammaNorm > 0 && gradientNorm > 0 && std::isfinite(gammaNorm / gradientNorm)
                ? gammaNorm / gradientNorm
                : 1.0;
        direction = -gradient * state.lbfgsGradientScale; // in γ's units: ⟨G, d⟩ stays finite at 1e75
        const double exact = exactProfile().exactMinimizer / state.lbfgsGradientScale;
        step = exact > 0 && std::isfinite(exact) ? exact : 1 / direction.stableNorm();
    }
    LBFGSpp::LBFGSParam<double> param;
    param.m = m_options.lbfgsMemory;
    param.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_STRONG_WOLFE;
    param.ftol = m_options.wolfeSufficientDecrease;
    param.wolfe = m_options.wolfeCurvature;
    // LBFGSpp counts the evaluations after the first: this many in all
    param.max_linesearch = m_options.wolfeMaxEvaluations - 1;
    // Steps in the problem's own units: 1e-150 or 1e150 are real steps at γ·1e±75 (the defaults clamp to
    // 1e-20 … 1e20).
    param.min_step = std::numeric_limits<double>::denorm_min();
    param.max_step = std::numeric_limits<double>::max();

    // f and the gradient at γ + t·d. A non-finite loss becomes a large finite one, so that the search
    // shrinks the step instead of interpolating through NaN.
    auto objective = [&](const Vector &x, Vector &xGradient) {
        std::string failure;
        Evaluation evaluation =
            countedEvaluation(Eigen::Map<const MatrixXd>(x.data(), m_gamma.rows(), m_gamma.cols()), failure);
        if (!failure.empty())
            throw GradientFailure{failure};
        xGradient = Eigen::Map<const Vector>(evaluation.gradient.data(), size);
        double loss = evaluation.loss;
        if (!std::isfinite(loss) || !xGradient.allFinite()) {
            loss = 2 * m_explosionLimit;
            xGradient.setZero();
        }
        evaluated = std::move(evaluation);
        return loss;
    };
    double loss = m_current.loss;
    Vector x;
    try {
        LBFGSpp::LineSearchNocedalWright<double>::LineSearch(objective, loss, x, gradient, step, direction,
                                                             start, param);
    } catch (const GradientFailure &failure) {
        return block(Termination::GradientFailed, failure.message);
    } catch (const std::exception &error) {
        return block(Termination::LineSearchFailed,
                     std::string("the L-BFGS line search failed: ") + error.what());
    }
    // LBFGSpp returns its last trial when it runs out of evaluations: accept only a strong-Wolfe point.
    const double slope = Eigen::Map<const Vector>(m_current.gradient.data(), size).dot(direction);
    const bool decrease = loss <= m_current.loss + param.ftol * step * slope;
    const bool curvature = std::abs(gradient.dot(direction)) <= param.wolfe * std::abs(slope);
    if (!decrease || !curvature || !evaluated)
        return block(Termination::LineSearchFailed,
                     "the L-BFGS line search found no step satisfying the strong Wolfe conditions within " +
                         std::to_string(m_options.wolfeMaxEvaluations) + " evaluations" +
                         (decrease ? "" : ": rounding may limit further progress"));
    candidate = Eigen::Map<const MatrixXd>(x.data(), m_gamma.rows(), m_gamma.cols());
    return std::nullopt;
}

double DescentRun::convergenceThreshold() const {
    return std::max(m_options.gradientTolerance, m_options.relativeTolerance * m_initialGradientNorm);
}

std::size_t DescentRun::State::bytes() const {
    const auto entries = gamma.size() * (1 + 2 * Eigen::Index(optimizer.lbfgsCapacity)) +
                         optimizer.velocity.size() + optimizer.secondMoment.size();
    return sizeof(double) * std::size_t(entries) + sizeof(State);
}

DescentRun::State DescentRun::state() const {
    return {m_gamma, m_iteration, m_trialStep, m_unchangedSteps, m_history.back(), m_optimizerState};
}

void DescentRun::restore(const State &state) {
    m_gamma = state.gamma;
    m_iteration = state.iteration;
    m_trialStep = state.trialStep;
    m_unchangedSteps = state.unchangedSteps;
    m_optimizerState = state.optimizer;
    // The evaluations it took to get there: going back is not spending them again.
    m_functionEvaluations = state.record.functionEvaluations;
    m_gradientEvaluations = state.record.gradientEvaluations;
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
        summary.functionEvaluations = run.functionEvaluations();
        summary.gradientEvaluations = run.gradientEvaluations();
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
