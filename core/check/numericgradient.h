#pragma once

#include "problem.h"

#include <Eigen/Core>

#include <complex>
#include <functional>
#include <optional>
#include <string_view>

namespace gradlens {

enum class DifferenceMethod { Forward, Backward, Central, ComplexStep, Ridders };

std::string_view differenceMethodName(DifferenceMethod method);
std::optional<DifferenceMethod> parseDifferenceMethod(std::string_view name);

// Default step for entry γ_kc, from machine precision ε and the scale s = max(|γ_kc|, max|γ|), s = 1 when
// γ = 0: forward/backward √ε·s, central ∛ε·s, complex step 1e-20·s (no cancellation, so tiny is fine),
// Ridders 0.1·s (its first step; it shrinks by 1.4 per stage).
double defaultStep(DifferenceMethod method, double entry, double maxAbsGamma);

struct NumericOptions {
    DifferenceMethod method = DifferenceMethod::Central;
    double step = 0; // > 0: this h for every entry; 0: defaultStep per entry
    Convention convention = Convention::Full;
    bool estimateError = false; // fill errorEstimate (forward, backward, central: one more pass at 2h)
    // Called on the calling thread with the fraction done; return false to cancel.
    std::function<bool(double)> progress;
};

struct NumericGradient {
    Eigen::MatrixXd gradient; // n×r
    Eigen::MatrixXd steps;    // n×r: the step actually taken, (γ_kc + h) − γ_kc, exact in floating point
    Eigen::MatrixXd errorEstimate; // n×r: truncation (Richardson) + rounding estimate; empty unless asked
    bool cancelled = false;        // true when progress returned false; the other fields are then partial
};

// Structured path: a perturbation of γ_kc changes only row k and column k of γγᵀ. For each perturbed γ the
// 2n − 1 changed residual entries are evaluated, and the change of f is the sum of their squared values'
// changes: O(n) per perturbed loss after an O(nr) row of γγᵀ, O(n²r) for the whole gradient.
NumericGradient structuredNumericGradient(const ProblemView &problem, const NumericOptions &options);

// Black-box path: any scalar function of an n×r matrix (the options' convention is not applied: f is
// whatever the function computes). Complex step needs complexF, the complex extension of f.
using ScalarFunction = std::function<double(const Eigen::MatrixXd &)>;
using ComplexFunction = std::function<std::complex<double>(const Eigen::MatrixXcd &)>;
NumericGradient blackBoxNumericGradient(const ScalarFunction &f, const Eigen::MatrixXd &x,
                                        const NumericOptions &options, const ComplexFunction &complexF = {});

// f(γ) for complex γ, written as Σ M_ij² (no conjugation), the analytic extension complex step needs.
std::complex<double> complexLoss(const Eigen::Ref<const Eigen::MatrixXd> &R,
                                 const Eigen::Ref<const Eigen::MatrixXd> &P, const Eigen::MatrixXcd &gamma,
                                 Convention convention);

} // namespace gradlens
