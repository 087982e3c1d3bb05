#include "deviation.h"

#include <algorithm>
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
    report.mixed = report.absolute.array() /
                   (tolerances.absolute +
                    tolerances.relative * analytic.cwiseAbs().cwiseMax(numeric.cwiseAbs()).array());
    if (analytic.size() == 0)
        return report;
    if (report.absolute.hasNaN()) { // NaN compares false with everything: report the first one as the worst
        report.maxAbsolute = std::numeric_limits<double>::quiet_NaN();
        const Index first =
            std::find_if(report.absolute.data(), report.absolute.data() + report.absolute.size(),
                         [](double value) { return std::isnan(value); }) -
            report.absolute.data();
        report.worstRow = first % report.absolute.rows();
        report.worstColumn = first / report.absolute.rows();
    } else {
        report.maxAbsolute = report.absolute.maxCoeff(&report.worstRow, &report.worstColumn);
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

PrecisionGuard assessFiniteDifferences(const ProblemView &problem, const Eigen::Ref<const MatrixXd> &steps,
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

double consistencyThreshold(DifferenceMethod method) {
    switch (method) {
    case DifferenceMethod::Forward:
    case DifferenceMethod::Backward:
        return 1e-5;
    case DifferenceMethod::Central:
        return 1e-6;
    case DifferenceMethod::Ridders:
        return 1e-8;
    case DifferenceMethod::ComplexStep:
        return 1e-10;
    }
    return 1e-6;
}

} // namespace gradlens
