#pragma once

#include "problem.h"

#include <Eigen/Core>

#include <optional>
#include <string_view>

namespace gradlens {

// The matrices the desktop application can show. Residual-based views use M = P∘(γγᵀ) − R at the γ given.
enum class ViewKind {
    Residual,           // M, n×n
    Gradient,           // the analytic gradient, n×r (as given)
    Deviation,          // |G − G_num| / max|G| per entry, n×r (as given)
    Target,             // R, n×n
    Weights,            // P, n×n
    Outer,              // γγᵀ, n×n
    WeightedResidual,   // P∘M, n×n
    Gamma,              // γ, n×r
    GradientFirstTerm,  // 2(P∘M)γ, n×r (times ½ under the half convention)
    GradientSecondTerm, // 2(Pᵀ∘Mᵀ)γ, n×r (times ½ under the half convention)
    NumericGradient,    // the latest check's numerical gradient, n×r (as given)
};

enum class ViewScale {
    Signed,      // diverging colours centred at zero
    Logarithmic, // magnitudes over decades, from the data
    Relative,    // relative deviations on a fixed log scale, 1e-16 … 1: a right gradient stays dark
};

std::string_view viewName(ViewKind kind);   // "Residual M", "∂f/∂γ", ...
std::string_view viewSymbol(ViewKind kind); // "M", "G", "|G − G_num|", ...
ViewScale viewScale(ViewKind kind);
// n×r views, whose cells are entries γ_kc (the gradient, the deviation, γ, the two terms); the rest are n×n.
bool isFactorShaped(ViewKind kind);
std::optional<ViewKind> parseViewKind(std::string_view symbol);

// The inputs a view is computed from; residual, gradient and deviation may be empty when not available.
struct ViewInputs {
    const Eigen::MatrixXd *R = nullptr;         // n×n
    const Eigen::MatrixXd *P = nullptr;         // n×n
    const Eigen::MatrixXd *gamma = nullptr;     // n×r, the current γ
    const Eigen::MatrixXd *residual = nullptr;  // n×n M at problem->gamma, if already computed
    const Eigen::MatrixXd *gradient = nullptr;  // n×r
    const Eigen::MatrixXd *deviation = nullptr; // n×r
    const Eigen::MatrixXd *numeric = nullptr;   // n×r
    Convention convention = Convention::Full;
};

// The matrix of a view; an empty matrix when its inputs are missing (e.g. no deviation computed yet).
Eigen::MatrixXd viewMatrix(ViewKind kind, const ViewInputs &inputs);

} // namespace gradlens
