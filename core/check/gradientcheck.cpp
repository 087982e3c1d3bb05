#include "gradientcheck.h"

#include "evaluation.h"
#include "nametable.h"
#include "scaledproblem.h"

#include <Eigen/QR>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <locale>
#include <sstream>

namespace gradlens {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

constexpr double kEpsilon = std::numeric_limits<double>::epsilon();
// Safety factor on the estimated errors (rounding bound, the numerical gradient's own error estimate).
constexpr double kResolutionSafety = 10.0;
// A fingerprint matches a named mistake when G differs from it by at most this, relative.
constexpr double kFingerprintMatch = 1e-6;

constexpr NameTable<CheckVerdict, 4> kCheckVerdictNames{{
    {CheckVerdict::Consistent, "consistent"},
    {CheckVerdict::Inconsistent, "inconsistent"},
    {CheckVerdict::Inconclusive, "inconclusive"},
    {CheckVerdict::StationaryToRounding, "stationary_to_rounding"},
}};

constexpr std::size_t kTermCount = 6;
constexpr std::array<std::string_view, kTermCount> kTermNames{"(P∘M)γ", "(Pᵀ∘Mᵀ)γ", "Mγ",
                                                              "Mᵀγ",    "diag",     "(P∘Mᵀ)γ"};

// A derivation mistake as coefficients on the terms, in units of the convention's 2c (2 for f, 1 for ½f).
struct NamedMistake {
    std::string_view name;
    std::array<double, kTermCount> coefficients;
    std::string_view explanation; // "" for the two whose sentence depends on the convention
};

constexpr std::array<NamedMistake, 9> kMistakes{{
    {"correct", {1, 1, 0, 0, 0, 0}, "the gradient is correct"},
    {"drop-transpose",
     {2, 0, 0, 0, 0, 0},
     "the transpose term is missing and the first one counted twice (equal only when P∘M is symmetric)"},
    {"missing-transpose-term",
     {1, 0, 0, 0, 0, 0},
     "the transpose term (Pᵀ∘Mᵀ)γ is missing: only the derivative through the first γ of γγᵀ is there"},
    {"drop-factor-two", {0.5, 0.5, 0, 0, 0, 0}, ""},
    {"twice", {2, 2, 0, 0, 0, 0}, ""},
    {"flip-sign",
     {-1, -1, 0, 0, 0, 0},
     "the sign is flipped: M taken as R − P∘γγᵀ (descent along it climbs)"},
    {"no-outer-p",
     {0, 0, 1, 1, 0, 0},
     "M used where P∘M belongs: the outer P of the chain rule (∂M/∂X = P) is missing"},
    {"diagonal-once",
     {1, 1, 0, 0, -1, 0},
     "the j = k term of the entry-wise sums is counted once instead of twice (it belongs to both sums)"},
    {"p-not-transposed",
     {1, 0, 0, 0, 0, 1},
     "P used where Pᵀ belongs in the second term, (P∘Mᵀ)γ instead of (Pᵀ∘Mᵀ)γ (equal only when P is "
     "symmetric)"},
}};

std::string mistakeExplanation(const NamedMistake &mistake, Convention convention) {
    const bool half = convention == Convention::Half;
    if (mistake.name == "drop-factor-two")
        return half
                   ? "half the gradient of ½f: a factor 2 is missing"
                   : "half the gradient of f: the factor 2 of the square's derivative is missing, or this is "
                     "the gradient of ½f (then check it under the ½f convention, --half)";
    if (mistake.name == "twice")
        return half ? "twice the gradient of ½f: this is the gradient of f (check it without --half)"
                    : "twice the gradient of f: a factor 2 too many";
    return std::string(mistake.explanation);
}

std::string format(double value, int precision, bool fixed) {
    std::ostringstream text;
    text.imbue(std::locale::classic());
    if (fixed)
        text.setf(std::ios::fixed);
    text.precision(precision);
    text << value;
    return text.str();
}

std::string entryName(Index row, Index column) {
    return "(" + std::to_string(row + 1) + ", " + std::to_string(column + 1) + ")";
}

// The terms, without factors, column j of M at a time: no n×n temporary.
std::array<MatrixXd, kTermCount> derivationTerms(const ProblemView &problem) {
    const Index n = problem.n(), r = problem.r();
    const auto &gamma = problem.gamma;
    std::array<MatrixXd, kTermCount> terms;
    for (MatrixXd &term : terms)
        term = MatrixXd::Zero(n, r);
    for (Index j = 0; j < n; ++j) {
        const Eigen::VectorXd x = gamma * gamma.row(j).transpose();
        const Eigen::VectorXd m = problem.P.col(j).cwiseProduct(x) - problem.R.col(j); // column j of M
        const Eigen::VectorXd a = problem.P.col(j).cwiseProduct(m);                    // column j of P∘M
        terms[0].noalias() += a * gamma.row(j);                    // (P∘M)γ: row i gets A_ij γ_j
        terms[1].row(j).noalias() = a.transpose() * gamma;         // (P∘M)ᵀγ: row j gets Σ_i A_ij γ_i
        terms[2].noalias() += m * gamma.row(j);                    // Mγ
        terms[3].row(j).noalias() = m.transpose() * gamma;         // Mᵀγ
        terms[4].row(j) = (problem.P(j, j) * m(j)) * gamma.row(j); // P_jj M_jj γ_j
        // (P∘Mᵀ)γ, row j: Σ_i P_ji M_ij γ_i
        terms[5].row(j).noalias() = problem.P.row(j).cwiseProduct(m.transpose()) * gamma;
    }
    return terms;
}

Eigen::Map<const Eigen::VectorXd> flat(const MatrixXd &m) {
    return {m.data(), m.size()};
}

double relativeDistance(const MatrixXd &a, const MatrixXd &b) {
    const double scale = std::max(a.norm(), b.norm());
    return scale > 0 ? (a - b).norm() / scale : 0.0;
}

// Where G − (correct) concentrates: a row, the diagonal term, a column, or nowhere in particular.
std::string concentration(const MatrixXd &deviation, const MatrixXd &diagonalTerm) {
    const double total = deviation.squaredNorm();
    if (!(total > 0))
        return "";
    Index row = 0, column = 0;
    const double rowShare = deviation.rowwise().squaredNorm().maxCoeff(&row) / total;
    const double columnShare = deviation.colwise().squaredNorm().maxCoeff(&column) / total;
    const double diagonalNorm = diagonalTerm.squaredNorm();
    const double along = diagonalNorm > 0 ? deviation.cwiseProduct(diagonalTerm).sum() : 0.0;
    const double diagonalShare = diagonalNorm > 0 ? along * along / (diagonalNorm * total) : 0.0;
    auto percent = [](double share) { return format(100.0 * share, 0, true) + "%"; };
    if (rowShare >= 0.5)
        return "the deviation from the correct gradient concentrates in row " + std::to_string(row + 1) +
               " (" + percent(rowShare) + " of it)";
    if (diagonalShare >= 0.5)
        return "the deviation follows the diagonal term P_kk M_kk γ_kc (" + percent(diagonalShare) +
               " of it)";
    if (deviation.cols() > 1 && columnShare >= 0.8)
        return "the deviation concentrates in column " + std::to_string(column + 1) + " (" +
               percent(columnShare) + " of it)";
    return "the deviation is spread over many rows (the largest, row " + std::to_string(row + 1) +
           ", holds " + percent(rowShare) + ")";
}

using Terms = std::array<MatrixXd, kTermCount>;

// Which terms are independent here, in order: Gram–Schmidt drops a term that is a combination of earlier
// ones (symmetric P∘M makes (Pᵀ∘Mᵀ)γ a copy of (P∘M)γ).
std::vector<std::size_t> independentTerms(const Terms &terms) {
    std::vector<std::size_t> kept;
    MatrixXd orthonormal(terms[0].size(), 0);
    for (std::size_t k = 0; k < kTermCount; ++k) {
        Eigen::VectorXd v = flat(terms[k]);
        const double norm = v.norm();
        if (orthonormal.cols() > 0)
            v -= orthonormal * (orthonormal.transpose() * v);
        if (!(norm > 0) || v.norm() <= 1e-8 * norm)
            continue;
        kept.push_back(k);
        orthonormal.conservativeResize(Eigen::NoChange, orthonormal.cols() + 1);
        orthonormal.rightCols(1) = v / v.norm();
    }
    return kept;
}

// Least-squares coefficients of G on the independent terms (nullopt for the others) and the relative
// residual; also the fit as a phrase, "your gradient ≈ 4.00·(P∘M)γ + 0.00·(Pᵀ∘Mᵀ)γ".
std::string fitTerms(const Terms &terms, const MatrixXd &G, Fingerprint &result) {
    const std::vector<std::size_t> kept = independentTerms(terms);
    MatrixXd basis(G.size(), Index(kept.size()));
    for (std::size_t k = 0; k < kept.size(); ++k)
        basis.col(Index(k)) = flat(terms[kept[k]]);
    const Eigen::VectorXd coefficients =
        kept.empty() ? Eigen::VectorXd() : Eigen::VectorXd(basis.colPivHouseholderQr().solve(flat(G)));
    const Eigen::VectorXd fitted =
        kept.empty() ? Eigen::VectorXd::Zero(G.size()) : Eigen::VectorXd(basis * coefficients);
    result.residual = G.norm() > 0 ? (flat(G) - fitted).norm() / G.norm() : 0.0;
    std::string fit;
    for (std::size_t k = 0; k < kTermCount; ++k) {
        const auto position = std::find(kept.begin(), kept.end(), k);
        std::optional<double> value;
        if (position != kept.end())
            value = coefficients(Index(position - kept.begin()));
        result.coefficients.emplace_back(std::string(kTermNames[k]), value);
        if (!value || (k >= 2 && std::abs(*value) < 0.005)) // the first two always, others when present
            continue;
        const bool negative = *value < 0 && format(*value, 2, true) != "-0.00";
        fit += fit.empty() ? (negative ? "−" : "") : (negative ? " − " : " + ");
        fit += format(std::abs(*value), 2, true) + "·" + std::string(kTermNames[k]);
    }
    return "your gradient ≈ " + fit;
}

// Each named mistake's relative distance from G, in table order.
std::vector<std::pair<double, const NamedMistake *>> mistakeDistances(const Terms &terms, const MatrixXd &G,
                                                                      double unit) {
    std::vector<std::pair<double, const NamedMistake *>> distances;
    for (const NamedMistake &mistake : kMistakes) {
        MatrixXd predicted = MatrixXd::Zero(G.rows(), G.cols());
        for (std::size_t k = 0; k < kTermCount; ++k)
            if (mistake.coefficients[k] != 0)
                predicted += (unit * mistake.coefficients[k]) * terms[k];
        distances.emplace_back(relativeDistance(G, predicted), &mistake);
    }
    return distances;
}

// The fingerprint on a (scaled) problem; bound is the gradient's rounding bound there. mScale = 2^(2a − b)
// for a problem rescaled by ScaledProblem (1 otherwise): the terms without the outer P scale unlike the
// gradient (Mγ = 2^(a+b) M'γ', the gradient 2^(2b−a)), so in the scaled units they take that factor to stay
// the original problem's terms (a mistake fingerprinted at 1e70 gave 0.5·Mγ instead of 2·Mγ).
Fingerprint fingerprintOf(const ProblemView &problem, const MatrixXd &G, const MatrixXd &bound,
                          Convention convention, double mScale = 1.0) {
    Fingerprint result;
    Terms terms = derivationTerms(problem);
    terms[2] *= mScale;
    terms[3] *= mScale;
    const double unit = 2.0 * conventionFactor(convention);
    const double tolerance =
        kFingerprintMatch + kResolutionSafety * bound.norm() / std::max(G.norm(), 1e-300);
    const std::string fit = fitTerms(terms, G, result);

    // The named mistake that G matches; the first in table order when several do (symmetric P∘M makes them
    // equal, and which is closer is then decided by rounding alone).
    const auto distances = mistakeDistances(terms, G, unit);
    const auto best = std::find_if(distances.begin(), distances.end(),
                                   [tolerance](const auto &entry) { return entry.first <= tolerance; });
    if (best != distances.end()) {
        result.nearest = std::string(best->second->name);
        result.explanation = fit + ": " + mistakeExplanation(*best->second, convention);
        std::string twins;
        for (const auto &[distance, mistake] : distances)
            if (mistake != best->second && distance <= tolerance)
                twins += (twins.empty() ? "" : ", ") + std::string(mistake->name);
        if (!twins.empty())
            result.explanation += " (here it cannot be told from " + twins + ": P, R or P∘M is symmetric)";
        return result;
    }
    if (result.residual <= tolerance) {
        result.explanation = fit + ": a combination of the derivation's terms that matches no named mistake";
        return result;
    }
    result.explanation = "no combination of the derivation's terms explains your gradient (residual " +
                         format(result.residual, 2, false) + ")";
    if (const std::string where = concentration(G - unit * (terms[0] + terms[1]), terms[4]); !where.empty())
        result.explanation += "; " + where;
    return result;
}

} // namespace

std::string_view checkVerdictName(CheckVerdict verdict) {
    return nameOf(kCheckVerdictNames, verdict);
}

MatrixXd gradientRoundingBound(const ProblemView &problem, Convention convention) {
    const Index n = problem.n(), r = problem.r();
    const MatrixXd absGamma = problem.gamma.cwiseAbs();
    MatrixXd rowTerms = MatrixXd::Zero(n, r), columnTerms(n, r);
    Eigen::VectorXd w(n); // column j of |P|∘N
    for (Index j = 0; j < n; ++j) {
        const Eigen::VectorXd x = absGamma * absGamma.row(j).transpose();
        for (Index i = 0; i < n; ++i) {
            const double p = std::abs(problem.P(i, j));
            w(i) = p * (p * x(i) + std::abs(problem.R(i, j)));
        }
        rowTerms.noalias() += w * absGamma.row(j);               // Σ_j W_ij |γ_j|
        columnTerms.row(j).noalias() = w.transpose() * absGamma; // Σ_i W_ij |γ_i|
    }
    return (kEpsilon * double(n + r + 2) * 2.0 * conventionFactor(convention)) * (rowTerms + columnTerms);
}

Fingerprint fingerprintGradient(const ProblemView &problem, const Eigen::Ref<const MatrixXd> &candidate,
                                Convention convention) {
    const ScaledProblem scaled(problem);
    return fingerprintOf(scaled.view(), scaled.gradientToScaled(candidate),
                         gradientRoundingBound(scaled.view(), convention), convention,
                         std::ldexp(1.0, 2 * scaled.gammaExponent() - scaled.valueExponent()));
}

namespace {

// 2^e for the underflow floor 2^−1074 seen in units scaled by 2^shift, capped so that sums stay finite.
double floorInScaledUnits(int shift) {
    return std::ldexp(1.0, std::min(-1074 + shift, 600));
}

// In the original units, γγᵀ, M and the gradient's products lose everything below 2^−1074 (gradual
// underflow): an absolute error the rounding bound (relative to the terms) does not see. This is that
// error of a gradient computed in the original units, expressed in the scaled problem's units (a, b are
// ScaledProblem's exponents); negligible unless the problem was rescaled.
MatrixXd underflowBound(const ProblemView &scaled, int a, int b, Convention convention) {
    const Index n = scaled.n(), r = scaled.r();
    if (a == 0 && b == 0) // not rescaled: moderate scale, where 2^−1074 is far below every rounding error
        return MatrixXd::Zero(n, r);
    const double floorX = floorInScaledUnits(-2 * a), floorM = floorInScaledUnits(-b),
                 floorG = floorInScaledUnits(a - 2 * b);
    const MatrixXd absGamma = scaled.gamma.cwiseAbs();
    MatrixXd rowTerms = MatrixXd::Zero(n, r), columnTerms(n, r);
    Eigen::VectorXd w(n); // column j of |P|∘(|P|·r·floorX + floorM): the error of M's entries
    for (Index j = 0; j < n; ++j) {
        for (Index i = 0; i < n; ++i) {
            const double p = std::abs(scaled.P(i, j));
            w(i) = p * (p * double(r) * floorX + floorM);
        }
        rowTerms.noalias() += w * absGamma.row(j);
        columnTerms.row(j).noalias() = w.transpose() * absGamma;
    }
    return ((2.0 * conventionFactor(convention)) * (rowTerms + columnTerms)).array() + double(n) * floorG;
}

// The verdict and its sentence, from the parts of a check already filled in.
void decide(const MatrixXd &candidate, GradientCheck &check, bool candidateAtRounding, bool underflows) {
    for (Index k = 0; k < candidate.size(); ++k)
        if (!std::isfinite(candidate.data()[k])) {
            check.verdict = CheckVerdict::Inconsistent;
            check.explanation = std::string("your gradient is ") +
                                (std::isnan(candidate.data()[k]) ? "NaN" : "infinite") + " at " +
                                entryName(k % candidate.rows(), k / candidate.rows());
            return;
        }
    if (underflows) {
        check.verdict = CheckVerdict::Inconclusive;
        check.explanation =
            "at this scale γγᵀ or the residual underflows (below 1e-308) when computed in these "
            "units: a gradient computed here has lost its precision, so nothing can be compared; "
            "rescale the problem";
        return;
    }
    if (check.stationary && candidateAtRounding) {
        check.verdict = CheckVerdict::StationaryToRounding;
        check.explanation =
            "stationary to rounding: nothing to compare (the gradient and yours are within the "
            "gradient's own rounding error at every entry)";
        return;
    }
    const auto &deviation = check.deviation;
    const std::string taylor = "the Taylor test says: " + check.taylor.explanation;
    if (check.precision.informative) {
        if (deviation.maxMixed <= 1.0 && check.taylor.verdict != TaylorVerdict::Wrong) {
            check.verdict = CheckVerdict::Consistent;
            check.explanation = "agrees with the numerical gradient to " +
                                format(check.maxRelativeDeviation, 2, false) +
                                " relative, within what the computation can resolve";
        } else if (deviation.maxMixed <= 1.0) {
            check.verdict = CheckVerdict::Inconclusive;
            check.explanation = "agrees with the numerical gradient, but " + taylor;
        } else {
            check.verdict = CheckVerdict::Inconsistent;
            check.explanation =
                // Relative, so that a rescaled check does not quote its own units.
                "differs from the numerical gradient by " + format(check.maxRelativeDeviation, 3, false) +
                " relative, most at " + entryName(deviation.worstRow, deviation.worstColumn) + ", " +
                format(deviation.maxMixed, 3, false) + " times what the computation can resolve";
        }
        return;
    }
    const std::string why = "finite differences cannot tell (" + check.precision.explanation + "); ";
    switch (check.taylor.verdict) {
    case TaylorVerdict::Consistent:
        check.verdict = CheckVerdict::Consistent;
        break;
    case TaylorVerdict::Wrong:
        check.verdict = CheckVerdict::Inconsistent;
        break;
    default:
        check.verdict = CheckVerdict::Inconclusive;
    }
    check.explanation = why + taylor;
}

} // namespace

namespace {

double largest(const MatrixXd &m) {
    return m.size() > 0 && m.allFinite() ? m.cwiseAbs().maxCoeff() : 0.0;
}

NumericGradient numericalGradient(const ScaledProblem &scaled, const GradientCheckOptions &options) {
    NumericOptions numeric;
    numeric.method = options.method;
    numeric.step = options.step > 0 ? scaled.stepToScaled(options.step) : 0.0;
    numeric.convention = options.convention;
    numeric.estimateError = true;
    numeric.progress = options.progress;
    return structuredNumericGradient(scaled.view(), numeric);
}

// G against the numerical and the correct gradient, each entry judged against what the computation can
// resolve there: the gradient's rounding and underflow, the numerical gradient's own error estimate, and
// a thousandth of the threshold relative to the largest entry. Returns that resolution (scaled units).
MatrixXd compareAll(const MatrixXd &G, const NumericGradient &numerical, const MatrixXd &correct,
                    const MatrixXd &bound, const MatrixXd &underflow, GradientCheck &check) {
    const double scale = std::max(largest(G), largest(numerical.gradient));
    const MatrixXd resolution =
        (kResolutionSafety * (bound + underflow + numerical.errorEstimate.cwiseAbs())).array() +
        1e-3 * check.threshold * scale;
    check.deviation = compareGradients(G, numerical.gradient, resolution, check.threshold);
    check.maxRelativeDeviation = check.deviation.maxAbsolute /
                                 std::max({scale, largest(resolution), std::numeric_limits<double>::min()});
    check.analyticDeviation = largest(G - correct) / std::max({largest(G), largest(correct), largest(bound),
                                                               std::numeric_limits<double>::min()});
    check.stationary = (correct.cwiseAbs().array() <= bound.array()).all();
    return resolution;
}

TaylorResult candidateTaylor(const ProblemView &problem, const MatrixXd &candidate,
                             const GradientCheckOptions &options) {
    TaylorOptions taylor;
    taylor.gradient = &candidate;
    taylor.convention = options.convention;
    taylor.direction = options.direction;
    taylor.seed = options.seed;
    taylor.pairedLayout = options.pairedLayout;
    return taylorTest(problem, taylor);
}

} // namespace

GradientCheck checkGradient(const ProblemView &problem, const Eigen::Ref<const MatrixXd> &candidate,
                            const GradientCheckOptions &options) {
    GradientCheck check;
    check.threshold = consistencyThreshold(options.method);
    const ScaledProblem scaled(problem);
    const ProblemView &view = scaled.view();
    check.rescaled = scaled.rescaled();
    const MatrixXd G = scaled.gradientToScaled(candidate);

    const NumericGradient numerical = numericalGradient(scaled, options);
    if (numerical.cancelled) {
        check.cancelled = true;
        check.explanation = "the check was cancelled";
        return check;
    }
    EvaluationOptions evaluation;
    evaluation.convention = options.convention;
    const MatrixXd correct = evaluate(view.R, view.P, view.gamma, evaluation).gradient;
    const MatrixXd bound = gradientRoundingBound(view, options.convention);
    const MatrixXd underflow =
        underflowBound(view, scaled.gammaExponent(), scaled.valueExponent(), options.convention);
    check.precision = assessFiniteDifferences(view, numerical.steps, numerical.gradient, options.convention,
                                              options.method);
    const MatrixXd resolution = compareAll(G, numerical, correct, bound, underflow, check);
    check.taylor = candidateTaylor(problem, candidate, options);

    const bool candidateAtRounding = (G.cwiseAbs().array() <= bound.array()).all();
    // The underflow of the original units swamps the gradient: no candidate computed there can be judged.
    // (A gradient that is exactly zero, at an exact minimum, is no underflow: both sides are then 0.)
    const bool underflows =
        largest(underflow) > 0 && largest(underflow) >= check.threshold * largest(correct);
    decide(G, check, candidateAtRounding, underflows);
    if (options.fingerprint) {
        if (check.verdict == CheckVerdict::StationaryToRounding)
            check.fingerprint.explanation =
                "the derivation's terms vanish to rounding here: nothing to fingerprint";
        else if (candidateAtRounding) // a zero (or underflowed) G fits every term with coefficient 0
            check.fingerprint.explanation =
                "your gradient is zero to rounding here while the derivative is not: nothing to fingerprint";
        else
            check.fingerprint =
                fingerprintOf(view, G, bound, options.convention,
                              std::ldexp(1.0, 2 * scaled.gammaExponent() - scaled.valueExponent()));
    }
    // Back to the original units (exact: powers of two).
    check.deviation.absolute = scaled.gradientToOriginal(check.deviation.absolute);
    check.deviation.maxAbsolute =
        scaled.gradientToOriginal(MatrixXd::Constant(1, 1, check.deviation.maxAbsolute))(0, 0);
    check.numeric = scaled.gradientToOriginal(numerical.gradient);
    check.resolution = scaled.gradientToOriginal(resolution);
    check.roundingBound = scaled.gradientToOriginal(bound);
    return check;
}

MatrixXd relativeDeviation(const GradientCheck &check) {
    // The same scale as max_rel_deviation, read off its ratio to max_abs_deviation (both in the check's
    // units, which may be rescaled ones).
    if (!(check.deviation.maxAbsolute > 0))
        return MatrixXd::Zero(check.deviation.absolute.rows(), check.deviation.absolute.cols());
    return check.deviation.absolute * (check.maxRelativeDeviation / check.deviation.maxAbsolute);
}

} // namespace gradlens
