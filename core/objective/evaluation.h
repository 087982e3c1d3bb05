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
    Eigen::Index panelWidth = 0; // columns per panel, 1 … 8 (the tests try narrow ones); 0: 8
};

struct Evaluation {
    double loss = 0;          // f, or ½f under Convention::Half
    Eigen::MatrixXd gradient; // n×r: 2(P∘M + Pᵀ∘Mᵀ)γ (or half of it); empty unless wanted
    Eigen::MatrixXd residual; // n×n: M = P∘(γγᵀ) − R; empty unless wanted
    bool symmetricPath = false;
};

// Fused evaluation of P and R as stored: column panels of P and R are streamed once by a register kernel;
// γγᵀ and P∘M exist only in registers; both cores work; with symmetric P and R only the upper triangle is
// read. Repeated evaluations of one R and P are faster through a PairedLayout. Shapes must
// be valid (see Problem::validate). The result is deterministic for a given thread count.
Evaluation evaluate(const Eigen::Ref<const Eigen::MatrixXd> &R, const Eigen::Ref<const Eigen::MatrixXd> &P,
                    const Eigen::Ref<const Eigen::MatrixXd> &gamma, const EvaluationOptions &options = {});

inline Evaluation evaluate(const Problem &problem, const EvaluationOptions &options = {}) {
    return evaluate(problem.R, problem.P, problem.gamma, options);
}

// f (or ½f) alone: no gradient, no residual matrix.
double evaluateLoss(const Eigen::Ref<const Eigen::MatrixXd> &R, const Eigen::Ref<const Eigen::MatrixXd> &P,
                    const Eigen::Ref<const Eigen::MatrixXd> &gamma, Convention convention,
                    Symmetry symmetry = Symmetry::Auto);

} // namespace gradlens
