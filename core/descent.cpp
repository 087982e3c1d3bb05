#include "descent.h"

#include "nametable.h"

#include "matrixio.h"

#include <cmath>
#include <sstream>
#include <utility>

namespace gradlens {

using Eigen::MatrixXd;

namespace {

constexpr NameTable<OptimizerKind, 2> kOptimizerNames{{
    {OptimizerKind::GradientDescent, "gd"},
    {OptimizerKind::Armijo, "armijo"},
}};

std::string formatNumber(double value) {
    std::ostringstream text;
    text.imbue(std::locale::classic());
    text.precision(6);
    text << value;
    return text.str();
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
    }
    return "unknown";
}

std::string historyToCsv(const std::vector<IterationRecord> &history) {
    std::string text = "iteration,loss,grad_norm,step\n";
    for (const IterationRecord &record : history)
        text += std::to_string(record.iteration) + "," + formatDouble(record.loss) + "," +
                formatDouble(record.gradientNorm) + "," + formatDouble(record.step) + "\n";
    return text;
}

Status DescentOptions::validate() const {
    if (!(learningRate > 0) || !std::isfinite(learningRate))
        return Status::failure("learning rate must be a finite number > 0, got " +
                               formatNumber(learningRate));
    if (maxIterations < 0)
        return Status::failure("iteration limit must be ≥ 0, got " + std::to_string(maxIterations));
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
    return Status::success();
}

DescentSummary descend(const Problem &problem, const DescentOptions &options,
                       const IterationCallback &callback) {
    DescentSummary summary;
    summary.gamma = problem.gamma;
    if (Status status = problem.validate(); !status) {
        summary.termination = Termination::InvalidInput;
        summary.message = status.message;
        return summary;
    }
    if (Status status = options.validate(); !status) {
        summary.termination = Termination::InvalidInput;
        summary.message = status.message;
        return summary;
    }

    // Symmetry is decided once; every evaluation then takes the right path without re-checking.
    EvaluationOptions evaluation;
    evaluation.convention = options.convention;
    evaluation.symmetry = isSymmetricProblem(problem.R, problem.P) ? Symmetry::Symmetric : Symmetry::General;
    EvaluationOptions lossOnly = evaluation;
    lossOnly.wantGradient = false;

    Evaluation current = evaluate(problem.R, problem.P, summary.gamma, evaluation);
    double gradientNorm = current.gradient.norm();
    summary.initialLoss = current.loss;
    summary.history.push_back({0, current.loss, gradientNorm, 0.0});
    const double explosionLimit = options.explosionFactor * std::max(std::abs(current.loss), 1.0);
    auto finish = [&](Termination termination, std::string message) {
        summary.termination = termination;
        summary.message = std::move(message);
        summary.finalLoss = current.loss;
        summary.finalGradientNorm = gradientNorm;
        return summary;
    };

    auto converged = [&] {
        return finish(Termination::Converged, "gradient norm " + formatNumber(gradientNorm) +
                                                  " is at or below the tolerance " +
                                                  formatNumber(options.gradientTolerance));
    };

    if (!std::isfinite(current.loss) || !std::isfinite(gradientNorm))
        return finish(Termination::Diverged, "the starting point has a non-finite loss or gradient");

    double trialStep = options.learningRate;
    for (int iteration = 1; iteration <= options.maxIterations; ++iteration) {
        if (gradientNorm <= options.gradientTolerance)
            return converged();
        MatrixXd candidate;
        double step = options.learningRate;
        if (options.optimizer == OptimizerKind::Armijo) {
            const double squaredNorm = gradientNorm * gradientNorm;
            bool accepted = false;
            step = trialStep;
            for (int backtrack = 0; backtrack < options.armijoMaxBacktracks; ++backtrack) {
                candidate = summary.gamma - step * current.gradient;
                const double trialLoss = evaluate(problem.R, problem.P, candidate, lossOnly).loss;
                if (std::isfinite(trialLoss) &&
                    trialLoss <= current.loss - options.armijoSufficientDecrease * step * squaredNorm) {
                    accepted = true;
                    break;
                }
                step *= options.armijoShrink;
            }
            if (!accepted)
                return finish(Termination::LineSearchFailed,
                              "no step along −G decreased the loss enough: rounding limits further progress");
            trialStep = 2.0 * step; // try a longer step next time: steps grow back after a cautious phase
        } else {
            candidate = summary.gamma - step * current.gradient;
        }

        Evaluation next = evaluate(problem.R, problem.P, candidate, evaluation);
        const double nextNorm = next.gradient.norm();
        if (!std::isfinite(next.loss) || !std::isfinite(nextNorm) || next.loss > explosionLimit)
            return finish(Termination::Diverged,
                          "the loss " +
                              std::string(std::isfinite(next.loss) ? "exploded" : "became non-finite") +
                              " at iteration " + std::to_string(iteration) +
                              "; γ is the last finite iterate. Try a smaller learning rate or Armijo.");
        summary.gamma = std::move(candidate);
        current = std::move(next);
        gradientNorm = nextNorm;
        summary.iterations = iteration;
        const IterationRecord record{iteration, current.loss, gradientNorm, step};
        summary.history.push_back(record);
        if (callback && !callback(record, summary.gamma))
            return finish(Termination::Stopped, "stopped at iteration " + std::to_string(iteration));
    }
    if (gradientNorm <= options.gradientTolerance)
        return converged();
    return finish(Termination::MaxIterations,
                  "reached the iteration limit of " + std::to_string(options.maxIterations));
}

} // namespace gradlens
