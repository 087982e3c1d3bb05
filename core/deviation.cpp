#include "deviation.h"

#include <cmath>
#include <limits>
#include <locale>
#include <sstream>

namespace gradlens {

using Eigen::Index;
using Eigen::MatrixXd;

DeviationReport compareGradients(const Eigen::Ref<const MatrixXd> &analytic,
                                 const Eigen::Ref<const MatrixXd> &numeric,
                                 const DeviationTolerances &tolerances) {
    DeviationReport report;
    report.absolute = (analytic - numeric).cwiseAbs();
    report.mixed.resize(analytic.rows(), analytic.cols());
    for (Index j = 0; j < analytic.cols(); ++j)
        for (Index i = 0; i < analytic.rows(); ++i) {
            const double scale = std::max(std::abs(analytic(i, j)), std::abs(numeric(i, j)));
            report.mixed(i, j) = report.absolute(i, j) / (tolerances.absolute + tolerances.relative * scale);
        }
    if (analytic.size() == 0)
        return report;
    // NaN compares false with everything: treat a NaN deviation as the worst one.
    report.maxAbsolute = -1;
    for (Index j = 0; j < analytic.cols(); ++j)
        for (Index i = 0; i < analytic.rows(); ++i) {
            const double value = report.absolute(i, j);
            if (std::isnan(value) || value > report.maxAbsolute) {
                report.maxAbsolute = value;
                report.worstRow = i;
                report.worstColumn = j;
                if (std::isnan(value))
                    break;
            }
        }
    report.maxMixed =
        report.mixed.hasNaN() ? std::numeric_limits<double>::quiet_NaN() : report.mixed.maxCoeff();
    const double scale = analytic.cwiseAbs().maxCoeff();
    if (scale > 0)
        report.maxRelative = report.maxAbsolute / scale;
    else
        report.maxRelative = report.maxAbsolute == 0 ? 0.0 : std::numeric_limits<double>::infinity();
    return report;
}

PrecisionGuard assessFiniteDifferences(const Problem &problem, const Eigen::Ref<const MatrixXd> &steps,
                                       const Eigen::Ref<const MatrixXd> &gradient, Convention convention,
                                       DifferenceMethod method) {
    const Index n = problem.n();
    double noise = 0;
    Eigen::VectorXd x(n);
    for (Index j = 0; j < n; ++j) {
        x.noalias() = problem.gamma * problem.gamma.row(j).transpose(); // column j of γγᵀ
        for (Index i = 0; i < n; ++i) {
            const double product = problem.P(i, j) * x(i);
            const double m = product - problem.R(i, j);
            noise += 2.0 * std::abs(m) * (std::abs(product) + std::abs(problem.R(i, j))) + m * m;
        }
    }
    PrecisionGuard guard;
    guard.roundingNoise = std::numeric_limits<double>::epsilon() * conventionFactor(convention) * noise;
    guard.largestChange = (steps.array() * gradient.array()).abs().maxCoeff();

    std::ostringstream text;
    text.imbue(std::locale::classic());
    text.precision(3);
    if (method == DifferenceMethod::ComplexStep) {
        guard.informative = std::isfinite(guard.largestChange);
        text << "complex step has no subtractive cancellation: its estimate is accurate to rounding";
    } else {
        guard.informative = guard.largestChange > 100.0 * guard.roundingNoise;
        if (guard.informative)
            text << "a step changes f by up to " << guard.largestChange << ", well above its rounding error "
                 << guard.roundingNoise;
        else
            text << "a step changes f by at most " << guard.largestChange
                 << ", not clearly above its rounding error " << guard.roundingNoise
                 << ": finite differences cannot resolve this gradient (rescale the problem or use complex "
                    "step)";
    }
    guard.explanation = text.str();
    return guard;
}

} // namespace gradlens
