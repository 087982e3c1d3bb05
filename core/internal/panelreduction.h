#pragma once

// Internal to the evaluation passes (evaluation.cpp, pairedlayout.cpp): how they split panels over threads
// and combine the partial results, reproducibly for a fixed thread count; the layout's diagonal blocks.

#include "aligneddoubles.h"
#include "evaluation.h"
#include "panelkernels.h"

#include <Eigen/Core>
#include <omp.h>

#include <algorithm>
#include <optional>
#include <vector>

namespace gradlens::detail {

// Rows of padding below each thread's n × r gradient: with n a power of two its r columns would all fall in
// the same cache sets.
constexpr Eigen::Index kGradientPadding = 24;

// Panels a thread needs before a second one helps: at n = 64 (8 panels) two threads took 1.1 ns per entry
// against 0.8 for one, and on a busy machine waiting for a descheduled partner at the barrier can cost a
// time slice (the window's 14 µs step at n = 40 took 100 ms while a build ran). From n = 128 two gain.
constexpr Eigen::Index kPanelsPerThread = 8;

// Threads for a pass over `panels` panels: the options' count, at most one per panel; or (0) OpenMP's
// default, at most one per kPanelsPerThread panels.
inline int teamSize(const EvaluationOptions &options, Eigen::Index panels) {
    const Eigen::Index threads =
        options.threads > 0 ? std::min<Eigen::Index>(options.threads, panels)
                            : std::min<Eigen::Index>(omp_get_max_threads(), panels / kPanelsPerThread);
    return static_cast<int>(std::max<Eigen::Index>(1, threads));
}

// A thread's buffers for the panel kernels, on 64-byte boundaries: the γ_J and accumulator scratch of
// PanelArguments, and its partial (A + Aᵀ)γ (n × r, zeroed, column stride ldGradient).
class ThreadBuffers {
public:
    ThreadBuffers(Eigen::Index n, Eigen::Index r, bool wantGradient)
        : m_r(r)
        , m_ldGradient((n + 7) / 8 * 8 + kGradientPadding)
        , m_scratchSize(kPanelWidth * r * kMaxVectorLanes)
        , m_scratch(static_cast<std::size_t>(2 * m_scratchSize))
        , m_gradient(wantGradient ? static_cast<std::size_t>(m_ldGradient * r) : 0) {
        if (wantGradient)
            std::fill(m_gradient.data(), m_gradient.data() + m_ldGradient * r, 0.0);
    }
    double *gammaJ() { return m_scratch.data(); }
    double *towardJ() { return m_scratch.data() + m_scratchSize; }
    double *gradient() { return m_gradient.data(); } // null without a gradient
    Eigen::Index ldGradient() const { return m_ldGradient; }
    // The kernel arguments of panel J that every pass fills alike: γ, this thread's buffers, j0.
    PanelArguments arguments(const AlignedGamma &gamma, Eigen::Index j0) {
        PanelArguments a{};
        a.j0 = j0;
        a.gamma = gamma.data();
        a.ldGamma = gamma.stride();
        a.r = m_r;
        a.gradient = gradient();
        a.ldGradient = m_ldGradient;
        a.gammaJ = gammaJ();
        a.towardJ = towardJ();
        return a;
    }
    // Rows [first, first + count) of the partial gradient.
    Eigen::Map<Eigen::MatrixXd, 0, Eigen::OuterStride<>> gradientRows(Eigen::Index first,
                                                                      Eigen::Index count) {
        return {gradient() + first, count, m_r, Eigen::OuterStride<>(m_ldGradient)};
    }

private:
    Eigen::Index m_r, m_ldGradient, m_scratchSize;
    AlignedDoubles m_scratch, m_gradient;
};

// The diagonal block of panel J (w × w, P and R as given): returns Σ m² over it; with a gradient, rows J of
// the thread's partial gradient gain (A + Aᵀ)γ_J.
inline double diagonalBlock(const Eigen::Ref<const Eigen::MatrixXd> &P,
                            const Eigen::Ref<const Eigen::MatrixXd> &R,
                            const Eigen::Ref<const Eigen::MatrixXd> &gammaJ, ThreadBuffers *gradient,
                            Eigen::Index j0) {
    const Eigen::MatrixXd m = P.cwiseProduct(gammaJ * gammaJ.transpose()) - R;
    if (gradient != nullptr) {
        const Eigen::MatrixXd weighted = P.cwiseProduct(m);
        gradient->gradientRows(j0, m.rows()).noalias() += (weighted + weighted.transpose()) * gammaJ;
    }
    return m.squaredNorm();
}

// The loss from the panels' partial sums, added in panel order, and the gradient 2(A + Aᵀ)γ from the
// threads' partial (A + Aᵀ)γ, added in thread order; both scaled for the convention.
inline void combinePartials(const std::vector<double> &panelSums,
                            std::vector<std::optional<ThreadBuffers>> &threads, Eigen::Index n,
                            Eigen::Index r, const EvaluationOptions &options, Evaluation &result) {
    double sum = 0;
    for (double panelSum : panelSums)
        sum += panelSum;
    const double factor = conventionFactor(options.convention);
    result.loss = factor * sum;
    if (!options.wantGradient)
        return;
    result.gradient = Eigen::MatrixXd::Zero(n, r);
    for (std::optional<ThreadBuffers> &partial : threads)
        if (partial)
            result.gradient += partial->gradientRows(0, n);
    result.gradient *= 2.0 * factor;
}

} // namespace gradlens::detail
