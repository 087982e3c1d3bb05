#pragma once

#include "evaluation.h"

#include <optional>
#include <string>
#include <string_view>

namespace gradlens {

// The straightforward implementation: forms γγᵀ, M and P∘M as full n×n matrices, then
// G = 2(P∘M + (P∘M)ᵀ)γ. The independent reference for the fused pass and the benchmark baseline.
Evaluation evaluateStraightforward(const Eigen::Ref<const Eigen::MatrixXd> &R,
                                   const Eigen::Ref<const Eigen::MatrixXd> &P,
                                   const Eigen::Ref<const Eigen::MatrixXd> &gamma, Convention convention);

// The entry-wise form, summed literally for each γ_kc (n×r result, O(n²r)):
//   ∂(½f)/∂γ_kc = Σ_i P_ik (P_ik X_ik − R_ik) γ_ic + Σ_j P_kj (P_kj X_kj − R_kj) γ_jc,  X = γγᵀ
Eigen::MatrixXd entrywiseGradient(const Eigen::Ref<const Eigen::MatrixXd> &R,
                                  const Eigen::Ref<const Eigen::MatrixXd> &P,
                                  const Eigen::Ref<const Eigen::MatrixXd> &gamma, Convention convention);

// The analytic gradient as computed correctly, by the entry form, or with a deliberate teaching mistake.
enum class GradientVariant {
    Correct,   // 2(P∘M + Pᵀ∘Mᵀ)γ, fused pass
    Entrywise, // the entry-wise sums
    DropTranspose, // 4(P∘M)γ: the Pᵀ∘Mᵀ term replaced by a copy of the first (invisible when P, R symmetric)
    DropFactorTwo, // (P∘M + Pᵀ∘Mᵀ)γ
    NoOuterP,      // 2(M + Mᵀ)γ: M used where P∘M belongs
    FlipSign,      // M taken as R − P∘γγᵀ
    DiagonalOnce,  // the j = k term of the entry-wise sums counted once instead of twice:
                   // the correct gradient minus 2·P_kk M_kk γ_kc (for f)
};

std::string_view gradientVariantName(GradientVariant variant);
std::optional<GradientVariant> parseGradientVariant(std::string_view name);
std::string gradientVariantChoices(); // every name, comma-separated, for help texts and errors

// The "analytic gradient" as this variant computes it, at gamma (n×r).
Eigen::MatrixXd gradientVariant(const Eigen::Ref<const Eigen::MatrixXd> &R,
                                const Eigen::Ref<const Eigen::MatrixXd> &P,
                                const Eigen::Ref<const Eigen::MatrixXd> &gamma, GradientVariant variant,
                                Convention convention);

inline Eigen::MatrixXd gradientVariant(const ProblemView &problem, GradientVariant variant,
                                       Convention convention) {
    return gradientVariant(problem.R, problem.P, problem.gamma, variant, convention);
}

} // namespace gradlens
