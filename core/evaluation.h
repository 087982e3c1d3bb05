#pragma once

#include "problem.h"

#include <Eigen/Core>

namespace gradlens {

// How the evaluation treats symmetry of P and R. Symmetric reads only the upper triangle of tiles and is
// trusted, not checked; Auto compares P and R with their transposes first (one extra pass over both).
enum class Symmetry { Auto, Symmetric, General };

struct EvaluationOptions {
    bool wantGradient = true;
    bool wantResidual = false; // the n×n residual; off so that loss and gradient passes write no n×n matrix
    Convention convention = Convention::Full;
    Symmetry symmetry = Symmetry::Auto;
    int threads = 0;             // 0: OpenMP's default (all cores)
    Eigen::Index blockSize = 0;  // tile edge; 0: the tuned default
};

struct Evaluation {
    double loss = 0;          // f, or ½f under Convention::Half
    Eigen::MatrixXd gradient; // n×r: 2(P∘M + Pᵀ∘Mᵀ)γ (or half of it); empty unless wanted
    Eigen::MatrixXd residual; // n×n: M = P∘(γγᵀ) − R; empty unless wanted
    bool symmetricPath = false;
};

// Fused, blocked evaluation: tiles (I, J) and (J, I) share one product γ_I γ_Jᵀ; γγᵀ and P∘M never exist as
// full matrices; P and R are read once; both cores work. Shapes must be valid (see Problem::validate).
// The result is deterministic for a given thread count.
Evaluation evaluate(const Eigen::Ref<const Eigen::MatrixXd> &R, const Eigen::Ref<const Eigen::MatrixXd> &P,
                    const Eigen::Ref<const Eigen::MatrixXd> &gamma, const EvaluationOptions &options = {});

inline Evaluation evaluate(const Problem &problem, const EvaluationOptions &options = {})
{
    return evaluate(problem.R, problem.P, problem.gamma, options);
}

// f (or ½f) alone: no gradient, no residual matrix.
double evaluateLoss(const Eigen::Ref<const Eigen::MatrixXd> &R, const Eigen::Ref<const Eigen::MatrixXd> &P,
                    const Eigen::Ref<const Eigen::MatrixXd> &gamma, Convention convention,
                    Symmetry symmetry = Symmetry::Auto);

} // namespace gradlens
