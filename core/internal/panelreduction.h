#pragma once

// Internal to the evaluation passes (evaluation.cpp, pairedlayout.cpp): how they split panels over threads
// and combine the partial results, so that both are reproducible for a fixed thread count.

#include "evaluation.h"

#include <Eigen/Core>
#include <omp.h>

#include <algorithm>
#include <vector>

namespace gradlens::detail {

// Threads for a pass over `panels` panels: the options' count (0: OpenMP's default), at most one per panel.
inline int teamSize(const EvaluationOptions &options, Eigen::Index panels) {
    const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
    return static_cast<int>(std::max<Eigen::Index>(1, std::min<Eigen::Index>(threads, panels)));
}

// The loss from the panels' partial sums, added in panel order, and the gradient 2(A + Aᵀ)γ from the
// threads' partial (A + Aᵀ)γ (their first n rows), added in thread order; both scaled for the convention.
inline void combinePartials(const std::vector<double> &panelSums,
                            const std::vector<Eigen::MatrixXd> &gradients, Eigen::Index n, Eigen::Index r,
                            const EvaluationOptions &options, Evaluation &result) {
    double sum = 0;
    for (double panelSum : panelSums)
        sum += panelSum;
    const double factor = conventionFactor(options.convention);
    result.loss = factor * sum;
    if (!options.wantGradient)
        return;
    result.gradient = Eigen::MatrixXd::Zero(n, r);
    for (const Eigen::MatrixXd &partial : gradients)
        if (partial.size() > 0)
            result.gradient += partial.topRows(n);
    result.gradient *= 2.0 * factor;
}

} // namespace gradlens::detail
