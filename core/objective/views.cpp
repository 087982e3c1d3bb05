#include "views.h"

namespace gradlens {

using Eigen::MatrixXd;

namespace {

struct ViewDescription {
    std::string_view name;
    std::string_view symbol;
    ViewScale scale;
};

ViewDescription describe(ViewKind kind) {
    switch (kind) {
    case ViewKind::Residual:
        return {"Residual M = P∘γγᵀ − R", "M", ViewScale::Signed};
    case ViewKind::Gradient:
        return {"Gradient ∂f/∂γ", "G", ViewScale::Signed};
    case ViewKind::Deviation:
        return {"Relative deviation |G − G_num| / max|G|", "deviation", ViewScale::Relative};
    case ViewKind::Target:
        return {"Target R", "R", ViewScale::Signed};
    case ViewKind::Weights:
        return {"Weights P", "P", ViewScale::Signed};
    case ViewKind::Outer:
        return {"Outer product γγᵀ", "gamma_gammaT", ViewScale::Signed};
    case ViewKind::WeightedResidual:
        return {"Weighted residual P∘M", "P_M", ViewScale::Signed};
    case ViewKind::Gamma:
        return {"Factor γ", "gamma", ViewScale::Signed};
    case ViewKind::GradientFirstTerm:
        return {"First term 2(P∘M)γ", "term1", ViewScale::Signed};
    case ViewKind::GradientSecondTerm:
        return {"Second term 2(Pᵀ∘Mᵀ)γ", "term2", ViewScale::Signed};
    case ViewKind::NumericGradient:
        return {"Numerical gradient", "numeric", ViewScale::Signed};
    }
    return {"", "", ViewScale::Signed};
}

constexpr ViewKind kAllViews[] = {ViewKind::Residual,          ViewKind::Gradient,
                                  ViewKind::Deviation,         ViewKind::Target,
                                  ViewKind::Weights,           ViewKind::Outer,
                                  ViewKind::WeightedResidual,  ViewKind::Gamma,
                                  ViewKind::GradientFirstTerm, ViewKind::GradientSecondTerm,
                                  ViewKind::NumericGradient};

} // namespace

std::string_view viewName(ViewKind kind) {
    return describe(kind).name;
}
std::string_view viewSymbol(ViewKind kind) {
    return describe(kind).symbol;
}
ViewScale viewScale(ViewKind kind) {
    return describe(kind).scale;
}
bool isFactorShaped(ViewKind kind) {
    return kind == ViewKind::Gradient || kind == ViewKind::Deviation || kind == ViewKind::Gamma ||
           kind == ViewKind::GradientFirstTerm || kind == ViewKind::GradientSecondTerm ||
           kind == ViewKind::NumericGradient;
}

std::optional<ViewKind> parseViewKind(std::string_view symbol) {
    for (ViewKind kind : kAllViews)
        if (describe(kind).symbol == symbol)
            return kind;
    return std::nullopt;
}

MatrixXd viewMatrix(ViewKind kind, const ViewInputs &inputs) {
    if (!inputs.R || !inputs.P || !inputs.gamma)
        return {};
    const MatrixXd &R = *inputs.R, &P = *inputs.P, &gamma = *inputs.gamma;
    auto residual = [&]() -> MatrixXd {
        if (inputs.residual && inputs.residual->rows() == R.rows())
            return *inputs.residual;
        return P.cwiseProduct(gamma * gamma.transpose()) - R;
    };
    const double factor = conventionFactor(inputs.convention);
    switch (kind) {
    case ViewKind::Residual:
        return residual();
    case ViewKind::Gradient:
        return inputs.gradient ? *inputs.gradient : MatrixXd();
    case ViewKind::Deviation:
        return inputs.deviation ? *inputs.deviation : MatrixXd();
    case ViewKind::Target:
        return R;
    case ViewKind::Weights:
        return P;
    case ViewKind::Outer:
        return gamma * gamma.transpose();
    case ViewKind::WeightedResidual:
        return P.cwiseProduct(residual());
    case ViewKind::Gamma:
        return gamma;
    case ViewKind::GradientFirstTerm:
        return 2.0 * factor * (P.cwiseProduct(residual()) * gamma);
    case ViewKind::GradientSecondTerm:
        return 2.0 * factor * (P.cwiseProduct(residual()).transpose() * gamma);
    case ViewKind::NumericGradient:
        return inputs.numeric ? *inputs.numeric : MatrixXd();
    }
    return {};
}

} // namespace gradlens
