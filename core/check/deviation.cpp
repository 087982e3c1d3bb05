#include "deviation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <locale>
#include <sstream>

namespace gradlens {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

// Maxima, worst entry and the relative deviation of a report whose matrices are filled.
DeviationReport finishReport(DeviationReport &report, const Eigen::Ref<const MatrixXd> &analytic) {
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

} // namespace

DeviationReport compareGradients(const Eigen::Ref<const MatrixXd> &analytic,
                                 const Eigen::Ref<const MatrixXd> &numeric,
                                 const DeviationTolerances &tolerances) {
    DeviationReport report;
    report.absolute = (analytic - numeric).cwiseAbs();
    report.mixed = report.absolute.array() /
                   (tolerances.absolute +
                    tolerances.relative * analytic.cwiseAbs().cwiseMax(numeric.cwiseAbs()).array());
    return finishReport(report, analytic);
}

DeviationReport compareGradients(const Eigen::Ref<const MatrixXd> &analytic,
                                 const Eigen::Ref<const MatrixXd> &numeric,
                                 const Eigen::Ref<const MatrixXd> &absolute, double relative) {
    DeviationReport report;
    report.absolute = (analytic - numeric).cwiseAbs();
    report.mixed = report.absolute.array() /
                   (absolute.array() + relative * analytic.cwiseAbs().cwiseMax(numeric.cwiseAbs()).array());
    // 0/0 where both agree exactly and nothing can be resolved: no deviation. A NaN in a or b stays NaN.
    for (Index k = 0; k < report.mixed.size(); ++k)
        if (report.absolute.data()[k] == 0)
            report.mixed.data()[k] = 0;
    return finishReport(report, analytic);
}

double lossRoundingError(const ProblemView &problem, Convention convention) {
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
    return std::numeric_limits<double>::epsilon() * conventionFactor(convention) * noise;
}

namespace {

std::string entryName(Index flat, Index rows) {
    return "(" + std::to_string(flat % rows + 1) + ", " + std::to_string(flat / rows + 1) + ")";
}

// Why the numerical gradient says nothing regardless of rounding, or "" when it may.
std::string unusableReason(const Eigen::Ref<const MatrixXd> &steps,
                           const Eigen::Ref<const MatrixXd> &gradient, DifferenceMethod method) {
    const Index rows = gradient.rows();
    for (Index k = 0; k < steps.size(); ++k)
        if (!(steps.data()[k] != 0) && method != DifferenceMethod::ComplexStep)
            return "the step at " + entryName(k, rows) +
                   " is lost in rounding (γ + h = γ): there is no difference to measure; take a larger step";
    for (Index k = 0; k < gradient.size(); ++k)
        if (!std::isfinite(gradient.data()[k]))
            return std::string("the numerical gradient is ") +
                   (std::isnan(gradient.data()[k]) ? "NaN" : "infinite") + " at " + entryName(k, rows) +
                   " (overflow, or a step that is too large or too small)";
    return {};
}

} // namespace

PrecisionGuard assessFiniteDifferences(const ProblemView &problem, const Eigen::Ref<const MatrixXd> &steps,
                                       const Eigen::Ref<const MatrixXd> &gradient, Convention convention,
                                       DifferenceMethod method) {
    PrecisionGuard guard;
    guard.roundingNoise = lossRoundingError(problem, convention);
    guard.largestChange = gradient.size() > 0 ? (steps.array() * gradient.array()).abs().maxCoeff() : 0.0;

    std::ostringstream text;
    text.imbue(std::locale::classic());
    text.precision(3);
    const std::string unusable = unusableReason(steps, gradient, method);
    const bool complexStep = method == DifferenceMethod::ComplexStep;
    // The largest imaginary part of a residual entry complex step creates: below the floor it is subnormal.
    const double imaginaryPart = complexStep && problem.n() > 0
                                     ? steps.cwiseAbs().maxCoeff() * problem.P.cwiseAbs().maxCoeff() *
                                           problem.gamma.cwiseAbs().maxCoeff()
                                     : 0.0;
    if (!unusable.empty()) {
        guard.informative = false;
        text << unusable;
    } else if (guard.largestChange < kUnderflowFloor || (complexStep && imaginaryPart < kUnderflowFloor)) {
        guard.informative = false;
        text << "a step changes f by at most " << guard.largestChange << ", which underflows (below "
             << kUnderflowFloor << "): the numerical gradient has lost its precision; rescale the problem";
    } else if (complexStep) {
        text << "complex step has no subtractive cancellation: its estimate is accurate to rounding";
    } else {
        guard.informative = changeIsResolvable(guard.largestChange, guard.roundingNoise, method);
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

bool changeIsResolvable(double change, double roundingNoise, DifferenceMethod method) {
    const double size = std::abs(change);
    return std::isfinite(size) && size >= kUnderflowFloor &&
           (method == DifferenceMethod::ComplexStep || size > 100.0 * roundingNoise);
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
