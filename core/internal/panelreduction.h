#pragma once

// Internal to the evaluation passes (evaluation.cpp, pairedlayout.cpp): how they split panels over threads
// and combine the partial results, reproducibly for a fixed thread count; the layout's diagonal blocks.

#include "evaluation.h"

#include <Eigen/Core>
#include <omp.h>

#include <algorithm>
#include <vector>

namespace gradlens::detail {

// Rows of padding below each thread's n × r gradient: with n a power of two its r columns would all fall in
// the same cache sets.
constexpr Eigen::Index kGradientPadding = 24;

// Threads for a pass over `panels` panels: the options' count (0: OpenMP's default), at most one per panel.
inline int teamSize(const EvaluationOptions &options, Eigen::Index panels) {
    const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
    return static_cast<int>(std::max<Eigen::Index>(1, std::min<Eigen::Index>(threads, panels)));
}

// The loss from the panels' partial sums, added in panel order, and the gradient 2(A + Aᵀ)γ from the
// threads' partial (A + Aᵀ)γ (their first n rows), added in thread order; both scaled for the convention.
// The diagonal block of panel J (w × w, P and R as given): returns Σ m² over it; with a gradient, rows J of
// `gradient` gain (A + Aᵀ)γ_J.
inline double diagonalBlock(const Eigen::Ref<const Eigen::MatrixXd> &P,
                            const Eigen::Ref<const Eigen::MatrixXd> &R,
                            const Eigen::Ref<const Eigen::MatrixXd> &gammaJ, Eigen::MatrixXd *gradient,
                            Eigen::Index j0) {
    const Eigen::MatrixXd m = P.cwiseProduct(gammaJ * gammaJ.transpose()) - R;
    if (gradient != nullptr) {
        const Eigen::MatrixXd weighted = P.cwiseProduct(m);
        gradient->middleRows(j0, m.rows()).noalias() += (weighted + weighted.transpose()) * gammaJ;
    }
    return m.squaredNorm();
}

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
