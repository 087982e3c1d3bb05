#include "scaledproblem.h"

#include <cmath>
#include <cstdlib>
#include <optional>

namespace gradlens {

using Eigen::MatrixXd;

namespace {

constexpr int kModerateExponent = 200;

// The binary exponent e of max|m| (max|m| = f·2^e, f in [0.5, 1)), or nothing when m is zero.
std::optional<int> exponentOfMax(const Eigen::Ref<const MatrixXd> &m) {
    const double largest = m.size() > 0 ? m.cwiseAbs().maxCoeff() : 0.0;
    if (!(largest > 0) || !std::isfinite(largest))
        return std::nullopt;
    int exponent = 0;
    std::frexp(largest, &exponent);
    return exponent;
}

// a and b of the class comment: a from max|γ|; b from the larger of max|R| and max|P|·max|γ|².
std::pair<int, int> scaleExponents(const ProblemView &problem) {
    const auto gamma = exponentOfMax(problem.gamma), r = exponentOfMax(problem.R),
               p = exponentOfMax(problem.P);
    const int a = gamma.value_or(0);
    std::optional<int> b = r;
    if (gamma && p)
        b = std::max(b.value_or(*p + 2 * a), *p + 2 * a);
    return {a, b.value_or(0)};
}

MatrixXd timesPowerOfTwo(const Eigen::Ref<const MatrixXd> &m, int exponent) {
    return m.unaryExpr([exponent](double value) { return std::ldexp(value, exponent); });
}

} // namespace

ScaledProblem::ScaledProblem(const ProblemView &problem)
    : m_original(problem) {
    const auto [a, b] = scaleExponents(problem);
    if (std::abs(a) <= kModerateExponent && std::abs(b) <= kModerateExponent)
        return;
    m_gammaExponent = a;
    m_valueExponent = b;
    m_storage.R = timesPowerOfTwo(problem.R, -b);
    m_storage.P = timesPowerOfTwo(problem.P, 2 * a - b);
    m_storage.gamma = timesPowerOfTwo(problem.gamma, -a);
    m_scaledView.emplace(m_storage);
}

MatrixXd ScaledProblem::gradientToScaled(const Eigen::Ref<const MatrixXd> &gradient) const {
    return timesPowerOfTwo(gradient, m_gammaExponent - 2 * m_valueExponent);
}

MatrixXd ScaledProblem::gradientToOriginal(const Eigen::Ref<const MatrixXd> &gradient) const {
    return timesPowerOfTwo(gradient, 2 * m_valueExponent - m_gammaExponent);
}

double ScaledProblem::stepToScaled(double step) const {
    return std::ldexp(step, -m_gammaExponent);
}

double ScaledProblem::stepToOriginal(double step) const {
    return std::ldexp(step, m_gammaExponent);
}

} // namespace gradlens
