#include "gradientforms.h"

#include "nametable.h"

#include <utility>

namespace gradlens {

using Eigen::Index;
using Eigen::MatrixXd;
using ConstRef = Eigen::Ref<const MatrixXd>;

Evaluation evaluateStraightforward(const ConstRef &R, const ConstRef &P, const ConstRef &gamma,
                                   Convention convention) {
    const double factor = conventionFactor(convention);
    const MatrixXd X = gamma * gamma.transpose();
    Evaluation result;
    result.residual = P.cwiseProduct(X) - R;
    const MatrixXd A = P.cwiseProduct(result.residual);
    result.loss = factor * result.residual.squaredNorm();
    const MatrixXd sym = A + A.transpose();
    result.gradient = (2.0 * factor) * (sym * gamma);
    return result;
}

MatrixXd entrywiseGradient(const ConstRef &R, const ConstRef &P, const ConstRef &gamma,
                           Convention convention) {
    const Index n = gamma.rows();
    const Index r = gamma.cols();
    MatrixXd gradient(n, r);
    Eigen::VectorXd xRow(n); // X_kj = X_jk for all j, from γ directly
    for (Index k = 0; k < n; ++k) {
        for (Index j = 0; j < n; ++j) {
            double x = 0;
            for (Index c = 0; c < r; ++c)
                x += gamma(k, c) * gamma(j, c);
            xRow(j) = x;
        }
        for (Index c = 0; c < r; ++c) {
            double columnTerm = 0; // Σ_i P_ik (P_ik X_ik − R_ik) γ_ic
            for (Index i = 0; i < n; ++i)
                columnTerm += P(i, k) * (P(i, k) * xRow(i) - R(i, k)) * gamma(i, c);
            double rowTerm = 0; // Σ_j P_kj (P_kj X_kj − R_kj) γ_jc
            for (Index j = 0; j < n; ++j)
                rowTerm += P(k, j) * (P(k, j) * xRow(j) - R(k, j)) * gamma(j, c);
            gradient(k, c) = columnTerm + rowTerm;
        }
    }
    // The sums are ∂(½f)/∂γ; f doubles them.
    return convention == Convention::Full ? MatrixXd(2.0 * gradient) : gradient;
}

namespace {

constexpr NameTable<GradientVariant, 7> kVariantNames{{
    {GradientVariant::Correct, "correct"},
    {GradientVariant::Entrywise, "entrywise"},
    {GradientVariant::DropTranspose, "drop-transpose"},
    {GradientVariant::DropFactorTwo, "drop-factor-two"},
    {GradientVariant::NoOuterP, "no-outer-p"},
    {GradientVariant::FlipSign, "flip-sign"},
    {GradientVariant::DiagonalOnce, "diagonal-once"},
}};

} // namespace

std::string_view gradientVariantName(GradientVariant variant) {
    return nameOf(kVariantNames, variant);
}

std::optional<GradientVariant> parseGradientVariant(std::string_view name) {
    return parseName(kVariantNames, name);
}

std::string gradientVariantChoices() {
    return joinNames(kVariantNames);
}

MatrixXd gradientVariant(const Eigen::Ref<const MatrixXd> &R, const Eigen::Ref<const MatrixXd> &P,
                         const Eigen::Ref<const MatrixXd> &gamma, GradientVariant variant,
                         Convention convention) {
    const double factor = conventionFactor(convention);
    switch (variant) {
    case GradientVariant::Correct: {
        EvaluationOptions options;
        options.convention = convention;
        return evaluate(R, P, gamma, options).gradient;
    }
    case GradientVariant::Entrywise:
        return entrywiseGradient(R, P, gamma, convention);
    case GradientVariant::DiagonalOnce: {
        // Both sums of the entry form hold the j = k term P_kk M_kk γ_kc; this mistake keeps one of them.
        MatrixXd gradient = gradientVariant(R, P, gamma, GradientVariant::Correct, convention);
        for (Index k = 0; k < gamma.rows(); ++k) {
            const double m = P(k, k) * gamma.row(k).squaredNorm() - R(k, k);
            gradient.row(k) -= (2.0 * factor * P(k, k) * m) * gamma.row(k);
        }
        return gradient;
    }
    default:
        break;
    }
    const MatrixXd X = gamma * gamma.transpose();
    MatrixXd M = P.cwiseProduct(X) - R;
    if (variant == GradientVariant::FlipSign)
        M = -M;
    const MatrixXd A = variant == GradientVariant::NoOuterP ? M : MatrixXd(P.cwiseProduct(M));
    const MatrixXd sym =
        variant == GradientVariant::DropTranspose ? MatrixXd(2.0 * A) : MatrixXd(A + A.transpose());
    const double two = variant == GradientVariant::DropFactorTwo ? 1.0 : 2.0;
    return (two * factor) * (sym * gamma);
}

} // namespace gradlens
