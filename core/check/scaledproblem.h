#pragma once

#include "problem.h"

#include <Eigen/Core>

#include <optional>

namespace gradlens {

// R, P and γ rescaled by powers of two so that γ and the residual are of order one:
//   γ' = γ·2^−a,  R' = R·2^−b,  P' = P·2^(2a−b),  so  R − P∘γγᵀ = 2^b (R' − P'∘γ'γ'ᵀ),
//   f = 2^(2b) f',  ∂f/∂γ = 2^(2b−a) ∂f'/∂γ'.
// Multiplying by a power of two is exact (unless an entry becomes subnormal), so every check done on the
// scaled problem is the check of the original one, without the overflow of f at 1e150 or the underflow of
// the numerical gradient's terms at 1e-150. A problem already of moderate scale (|a|, |b| ≤ 200) is used
// as it is, without a copy: then f, E(t) and every term of the differences stay far from both limits.
class ScaledProblem {
public:
    explicit ScaledProblem(const ProblemView &problem);
    ScaledProblem(const ScaledProblem &) = delete; // view() points into this object
    ScaledProblem &operator=(const ScaledProblem &) = delete;

    const ProblemView &view() const { return m_scaledView ? *m_scaledView : m_original; }
    bool rescaled() const { return m_gammaExponent != 0 || m_valueExponent != 0; }
    int gammaExponent() const { return m_gammaExponent; } // a
    int valueExponent() const { return m_valueExponent; } // b

    // A gradient (n×r) of the original problem in the scaled one's units, and back.
    Eigen::MatrixXd gradientToScaled(const Eigen::Ref<const Eigen::MatrixXd> &gradient) const;
    Eigen::MatrixXd gradientToOriginal(const Eigen::Ref<const Eigen::MatrixXd> &gradient) const;
    double stepToScaled(double step) const; // a step in γ
    double stepToOriginal(double step) const;

private:
    Problem m_storage; // empty unless rescaled
    int m_gammaExponent = 0, m_valueExponent = 0;
    ProblemView m_original;
    std::optional<ProblemView> m_scaledView; // of m_storage, when rescaled
};

} // namespace gradlens
