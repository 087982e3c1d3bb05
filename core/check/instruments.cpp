#include "instruments.h"

#include "deviation.h"
#include "evaluation.h"
#include "generators.h"
#include "gradientcheck.h"
#include "nametable.h"
#include "random.h"
#include "scaledproblem.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>

namespace gradlens {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

constexpr NameTable<TaylorDirection, 2> kDirectionNames{{
    {TaylorDirection::Random, "random"},
    {TaylorDirection::NegativeGradient, "gradient"},
}};

constexpr NameTable<TaylorVerdict, 5> kVerdictNames{{
    {TaylorVerdict::Consistent, "consistent"},
    {TaylorVerdict::Wrong, "wrong"},
    {TaylorVerdict::Rounding, "rounding"},
    {TaylorVerdict::Unclear, "unclear"},
    {TaylorVerdict::NotFinite, "not_finite"},
}};

std::string twoDecimals(double value) {
    std::ostringstream text;
    text.imbue(std::locale::classic());
    text.setf(std::ios::fixed);
    text.precision(2);
    text << value;
    return text.str();
}

// Least-squares line through (x, y); returns slope and the sum of squared residuals.
std::pair<double, double> fitLine(const std::vector<double> &x, const std::vector<double> &y) {
    const double count = static_cast<double>(x.size());
    double mx = 0, my = 0;
    for (std::size_t k = 0; k < x.size(); ++k) {
        mx += x[k];
        my += y[k];
    }
    mx /= count;
    my /= count;
    double sxx = 0, sxy = 0;
    for (std::size_t k = 0; k < x.size(); ++k) {
        sxx += (x[k] - mx) * (x[k] - mx);
        sxy += (x[k] - mx) * (y[k] - my);
    }
    const double slope = sxx > 0 ? sxy / sxx : 0.0;
    double residual = 0;
    for (std::size_t k = 0; k < x.size(); ++k) {
        const double e = y[k] - (my + slope * (x[k] - mx));
        residual += e * e;
    }
    return {slope, residual};
}

// A random direction from a stream of its own: with γ's stream, seed s would give D ∝ γ for a problem
// generated with seed s, and ⟨(A − Aᵀ)γ, γ⟩ = 0 would hide the dropped-transpose mistake.
MatrixXd randomDirection(const MatrixXd &shape, std::uint64_t seed) {
    constexpr std::uint64_t kTaylorStream = 0x7a7;
    Random random(seed, kTaylorStream);
    return normalMatrix(shape.rows(), shape.cols(), random);
}

} // namespace

std::string_view taylorDirectionName(TaylorDirection direction) {
    return nameOf(kDirectionNames, direction);
}
std::optional<TaylorDirection> parseTaylorDirection(std::string_view name) {
    return parseName(kDirectionNames, name);
}
std::string_view taylorVerdictName(TaylorVerdict verdict) {
    return nameOf(kVerdictNames, verdict);
}

namespace {

// Lengths of D to try: ‖γ‖ (t a relative step of γ), and the norm of a γ whose entries have the size
// √(max|R| / max|P|) at which an entry of P∘γγᵀ reaches R's, when it differs by more than 4×: with γ far
// below that size only one of the two puts both the slope-2 and the slope-1 regions inside t ∈ [tMin, tMax].
// 1 when both vanish.
std::vector<double> directionLengths(const ProblemView &problem) {
    const double maxP = problem.P.cwiseAbs().maxCoeff(), maxR = problem.R.cwiseAbs().maxCoeff();
    const double entry = maxP > 0 ? std::sqrt(maxR / maxP) : 0.0; // as a Frobenius norm over n×r entries:
    const double natural = std::isfinite(entry) ? entry * std::sqrt(double(problem.gamma.size())) : 0.0;
    const double gammaNorm = problem.gamma.stableNorm();
    std::vector<double> lengths;
    if (gammaNorm > 0)
        lengths.push_back(gammaNorm);
    if (natural > 0 && (lengths.empty() || natural > 4 * gammaNorm || natural < gammaNorm / 4))
        lengths.push_back(natural);
    if (lengths.empty())
        lengths.push_back(1.0);
    return lengths;
}

// The losses of the Taylor test: E(t) on the log grid, and the rounding floor, in the units of `problem`.
void taylorErrors(const ProblemView &problem, const MatrixXd &G, const TaylorOptions &options,
                  const PairedLayout *layout, double length, TaylorResult &result) {
    MatrixXd D = options.direction == TaylorDirection::NegativeGradient ? MatrixXd(-G)
                                                                        : randomDirection(G, options.seed);
    if (!(D.stableNorm() > 0) ||
        !D.allFinite()) // a zero gradient gives no direction: fall back to a random one
        D = randomDirection(G, options.seed);
    D *= length / D.stableNorm();

    // Losses through the caller's paired layout if there is one, else the direct pass (which reads one
    // triangle of symmetric P and R).
    const Symmetry symmetry = layout                                     ? Symmetry::General
                              : isSymmetricProblem(problem.R, problem.P) ? Symmetry::Symmetric
                                                                         : Symmetry::General;
    auto lossAt = [&](const Eigen::Ref<const MatrixXd> &gamma) {
        if (!layout)
            return evaluateLoss(problem.R, problem.P, gamma, options.convention, symmetry);
        EvaluationOptions lossOnly;
        lossOnly.wantGradient = false;
        lossOnly.convention = options.convention;
        return layout->evaluate(gamma, lossOnly).loss;
    };
    const double f0 = lossAt(problem.gamma);
    const double firstOrder = G.cwiseProduct(D).sum(); // ⟨G, D⟩
    result.firstOrder = firstOrder;
    const int points = std::max(options.points, 2);
    for (int k = 0; k < points; ++k) {
        const double t = options.tMin * std::pow(options.tMax / options.tMin, double(k) / (points - 1));
        const MatrixXd moved = problem.gamma + t * D;
        const double f = lossAt(moved);
        result.t.push_back(t);
        result.error.push_back(std::abs(f - f0 - t * firstOrder));
    }
    result.roundingFloor = lossRoundingError(problem, options.convention);
}

// Slope 2 says the first-order term cancels only if, somewhere on the grid, a first-order term
// t·|⟨G, D⟩| would rise above both f's rounding and the second-order E(t): otherwise a mistake as large as G
// itself would leave the same slope 2 (γ far below the scale at which it matters, or G ≈ 0).
bool mistakeWouldShow(const TaylorResult &result) {
    for (int k = 0; k < int(result.t.size()); ++k) {
        const double firstOrder = result.t[std::size_t(k)] * std::abs(result.firstOrder);
        if (firstOrder > 100.0 * result.roundingFloor && firstOrder > result.error[std::size_t(k)])
            return true;
    }
    return false;
}

// Fits the slope on the straightest window of E(t) above rounding and says what it means.
void judgeTaylor(const TaylorOptions &options, TaylorResult &result) {
    const int points = int(result.t.size());
    // Windows of consecutive points clearly above rounding, starting among the smaller half of them: at
    // large t the t³ and t⁴ terms take over and are straight too, but say nothing about G.
    std::vector<int> valid;
    for (int k = 0; k < points; ++k)
        if (result.error[std::size_t(k)] > 100.0 * result.roundingFloor &&
            result.error[std::size_t(k)] >= kUnderflowFloor)
            valid.push_back(k);
    const int window = std::max(options.window, 3);
    double bestResidual = std::numeric_limits<double>::infinity();
    const std::size_t lastStart = std::max<std::size_t>(valid.size() / 2, 1);
    for (std::size_t start = 0; start < lastStart && start + std::size_t(window) <= valid.size(); ++start) {
        if (valid[start + std::size_t(window) - 1] - valid[start] != window - 1)
            continue; // not consecutive
        std::vector<double> x, y;
        for (int k = valid[start]; k < valid[start] + window; ++k) {
            x.push_back(std::log10(result.t[std::size_t(k)]));
            y.push_back(std::log10(result.error[std::size_t(k)]));
        }
        const auto [slope, residual] = fitLine(x, y);
        if (residual < bestResidual) {
            bestResidual = residual;
            result.slope = slope;
            result.windowBegin = valid[start];
            result.windowEnd = valid[start] + window;
        }
    }
    if (result.windowEnd == result.windowBegin) {
        result.verdict = TaylorVerdict::Rounding;
        result.explanation =
            "E(t) stays at the rounding floor: the model is exact to rounding; nothing to conclude";
    } else if (std::abs(result.slope - 2.0) <= 0.3 && !mistakeWouldShow(result)) {
        result.verdict = TaylorVerdict::Rounding;
        result.explanation = "slope " + twoDecimals(result.slope) +
                             ", but the first-order term t⟨G, D⟩ stays below f's rounding error or the "
                             "second-order term: a mistake the size of G would not show; nothing to conclude";
    } else if (std::abs(result.slope - 2.0) <= 0.3) {
        result.verdict = TaylorVerdict::Consistent;
        result.explanation = "slope " + twoDecimals(result.slope) +
                             ": the first-order term cancels, so the gradient is consistent with f";
    } else if (std::abs(result.slope - 1.0) <= 0.3) {
        result.verdict = TaylorVerdict::Wrong;
        result.explanation = "slope " + twoDecimals(result.slope) +
                             ": the gradient is wrong: the first-order term does not cancel";
    } else {
        result.verdict = TaylorVerdict::Unclear;
        result.explanation = "slope " + twoDecimals(result.slope) + ": neither 1 nor 2; look at the curve";
    }
}

// One Taylor test with ‖D‖ = length, judged, in the units of `problem`.
TaylorResult taylorRun(const ProblemView &problem, const MatrixXd &G, const TaylorOptions &options,
                       const PairedLayout *layout, double length) {
    TaylorResult result;
    taylorErrors(problem, G, options, layout, length, result);
    if (!std::all_of(result.error.begin(), result.error.end(), [](double e) { return std::isfinite(e); }) ||
        !G.allFinite()) {
        result.verdict = TaylorVerdict::NotFinite;
        result.explanation = G.allFinite()
                                 ? "f is not finite along the test line (overflow): nothing to conclude"
                                 : "the gradient tested is not finite: nothing to conclude";
    } else {
        judgeTaylor(options, result);
    }
    return result;
}

} // namespace

TaylorResult taylorTest(const ProblemView &problem, const TaylorOptions &options) {
    const MatrixXd G =
        options.gradient ? *options.gradient : gradientVariant(problem, options.variant, options.convention);
    const ScaledProblem scaled(problem);
    // On a rescaled problem E(t) = 2^(2b) E'(t): the test runs and is judged where neither f nor E under-
    // or overflows, and only the reported values are converted.
    const ProblemView &view = scaled.view();
    const MatrixXd direction = scaled.rescaled() ? scaled.gradientToScaled(G) : G;
    const PairedLayout *layout = scaled.rescaled() ? nullptr : options.pairedLayout;
    // A slope 1 anywhere is a wrong gradient; otherwise a decided slope 2; otherwise the first length's word.
    TaylorResult result;
    bool first = true;
    for (double length : directionLengths(view)) {
        TaylorResult run = taylorRun(view, direction, options, layout, length);
        const bool better =
            run.verdict == TaylorVerdict::Wrong ||
            (run.verdict == TaylorVerdict::Consistent && result.verdict != TaylorVerdict::Wrong);
        if (first || better)
            result = std::move(run);
        first = false;
        if (result.verdict == TaylorVerdict::Wrong)
            break;
    }
    const int exponent = 2 * scaled.valueExponent();
    for (double &e : result.error)
        e = std::ldexp(e, exponent);
    result.roundingFloor = std::ldexp(result.roundingFloor, exponent);
    result.firstOrder = std::ldexp(result.firstOrder, exponent); // ⟨G, D⟩ has f's units (t is relative)
    return result;
}

SweepResult stepSweep(const ProblemView &problem, const SweepOptions &options,
                      const std::function<bool(double)> &progress) {
    SweepResult result;
    const MatrixXd G =
        options.gradient ? *options.gradient : gradientVariant(problem, options.variant, options.convention);
    result.scale = G.cwiseAbs().maxCoeff();
    const int perDecade = std::max(options.pointsPerDecade, 1);
    for (int k = 0;; ++k) {
        const double h = options.hMax * std::pow(10.0, -double(k) / perDecade);
        if (h < options.hMin * (1 - 1e-9))
            break;
        result.steps.push_back(h);
    }
    const double maxAbsGamma = problem.gamma.cwiseAbs().maxCoeff();
    const double total = double(result.steps.size() * SweepResult::kMethods.size());
    for (std::size_t m = 0; m < SweepResult::kMethods.size(); ++m) {
        const DifferenceMethod method = SweepResult::kMethods[m];
        result.defaultStep[m] = defaultStep(method, maxAbsGamma, maxAbsGamma);
        result.bestDeviation[m] = std::numeric_limits<double>::infinity();
        for (std::size_t k = 0; k < result.steps.size(); ++k) {
            if (progress && !progress(double(m * result.steps.size() + k) / total))
                return result;
            NumericOptions numeric;
            numeric.method = method;
            numeric.step = result.steps[k];
            numeric.convention = options.convention;
            const double deviation =
                (structuredNumericGradient(problem, numeric).gradient - G).cwiseAbs().maxCoeff();
            result.deviation[m].push_back(deviation);
            if (deviation < result.bestDeviation[m]) {
                result.bestDeviation[m] = deviation;
                result.bestStep[m] = result.steps[k];
            }
        }
    }
    return result;
}

double LineProfile::valueAt(double t) const {
    const auto &c = coefficients;
    return c[0] + t * (c[1] + t * (c[2] + t * (c[3] + t * c[4])));
}

namespace {

// c0 … c4 of φ(t) = f(γ − tG) (under the convention), O(n²r) without n×n temporaries.
std::array<double, 5> quarticCoefficients(const ProblemView &problem, const Eigen::Ref<const MatrixXd> &G,
                                          Convention convention) {
    const auto &gamma = problem.gamma;
    const Index n = gamma.rows();
    // Sums over all entries of m0², m0·a1, a1², m0·a2, a1·a2, a2², column by column.
    double s00 = 0, s01 = 0, s11 = 0, s02 = 0, s12 = 0, s22 = 0;
#pragma omp parallel for schedule(static) reduction(+ : s00, s01, s11, s02, s12, s22)
    for (Index j = 0; j < n; ++j) {
        const Eigen::VectorXd x = gamma * gamma.row(j).transpose();
        const Eigen::VectorXd y = gamma * G.row(j).transpose() + G * gamma.row(j).transpose();
        const Eigen::VectorXd z = G * G.row(j).transpose();
        for (Index i = 0; i < n; ++i) {
            const double p = problem.P(i, j);
            const double m0 = p * x(i) - problem.R(i, j);
            const double a1 = p * y(i);
            const double a2 = p * z(i);
            s00 += m0 * m0;
            s01 += m0 * a1;
            s11 += a1 * a1;
            s02 += m0 * a2;
            s12 += a1 * a2;
            s22 += a2 * a2;
        }
    }
    // M(t) = m0 − t a1 + t² a2, squared and summed.
    const double factor = conventionFactor(convention);
    return {factor * s00, factor * -2 * s01, factor * (s11 + 2 * s02), factor * -2 * s12, factor * s22};
}

// p(t) = Σ d_k t^k and p'(t), by Horner; also Σ |d_k t^k|, the size of the terms p's rounding comes from.
struct PolynomialValue {
    double value = 0, slope = 0, terms = 0;
};
PolynomialValue evaluatePolynomial(const std::vector<double> &d, double t) {
    PolynomialValue result;
    for (std::size_t k = d.size(); k-- > 0;) {
        result.slope = result.slope * t + result.value;
        result.value = result.value * t + d[k];
        result.terms = result.terms * std::abs(t) + std::abs(d[k]);
    }
    return result;
}

// Real roots of Σ d_k t^k (d nonzero at the top) with t = 2^e τ: the companion matrix of the polynomial
// in τ, whose coefficients are brought near one in size so that neither a root of 1e-8 nor one of 1e8
// drowns in the other coefficients' rounding.
std::vector<double> scaledRealRoots(const std::vector<double> &d, int e) {
    const Index degree = Index(d.size()) - 1;
    std::vector<double> scaled(d.size());
    int top = std::numeric_limits<int>::min();
    for (std::size_t k = 0; k < d.size(); ++k)
        if (d[k] != 0)
            top = std::max(top, std::ilogb(d[k]) + int(k) * e);
    for (std::size_t k = 0; k < d.size(); ++k)
        scaled[k] = d[k] == 0 ? 0.0 : std::scalbn(d[k], int(k) * e - top); // d_k 2^(ke) / 2^top
    MatrixXd companion = MatrixXd::Zero(degree, degree);
    for (Index k = 0; k < degree; ++k) {
        companion(0, k) = -scaled[std::size_t(degree - 1 - k)] / scaled[std::size_t(degree)];
        if (k + 1 < degree)
            companion(k + 1, k) = 1;
    }
    std::vector<double> roots;
    const Eigen::EigenSolver<MatrixXd> solver(companion, false);
    for (Index k = 0; k < degree; ++k) {
        const std::complex<double> root = solver.eigenvalues()(k);
        if (std::isfinite(root.real()) && std::abs(root.imag()) <= 1e-6 * std::abs(root))
            roots.push_back(std::scalbn(root.real(), e));
    }
    return roots;
}

// Newton steps on p from t; the root if p(t) ends within rounding of its terms, else nothing.
std::optional<double> polishRoot(const std::vector<double> &d, double t) {
    for (int iteration = 0; iteration < 50; ++iteration) {
        const PolynomialValue v = evaluatePolynomial(d, t);
        if (!(v.slope != 0) || !std::isfinite(v.value))
            break;
        const double step = v.value / v.slope;
        t -= step;
        if (std::abs(step) <= 4 * std::numeric_limits<double>::epsilon() * std::abs(t))
            break;
    }
    const PolynomialValue v = evaluatePolynomial(d, t);
    if (std::isfinite(t) && std::abs(v.value) <= 64 * std::numeric_limits<double>::epsilon() * v.terms)
        return t;
    return std::nullopt;
}

// The real critical point of φ with the smallest φ, or 0 when φ has none below φ(0). Roots of φ' are found
// under two scalings of t (one for the largest roots, one for the smallest), polished by Newton's method on
// the unscaled φ', and kept only when φ' vanishes there to rounding. φ is compared through φ(t) − c0, so a
// decrease far below c0 still counts.
double quarticMinimizer(const std::array<double, 5> &c) {
    std::vector<double> d = {c[1], 2 * c[2], 3 * c[3], 4 * c[4]};
    while (d.size() > 1 && d.back() == 0)
        d.pop_back();
    const std::vector<double> decrease = {0.0, c[1], c[2], c[3], c[4]};
    double best = 0, bestValue = 0;
    if (d.size() < 2)
        return best;
    const int degree = int(d.size()) - 1;
    int large = std::numeric_limits<int>::min(), small = std::numeric_limits<int>::max();
    for (int k = 0; k < degree; ++k)
        if (d[std::size_t(k)] != 0) { // |root| is about |d_k / d_top|^(1/(top−k)) or |d_0 / d_k|^(1/k)
            large = std::max(large, (std::ilogb(d[std::size_t(k)]) - std::ilogb(d.back())) / (degree - k));
            if (k > 0 && d[0] != 0)
                small = std::min(small, (std::ilogb(d[0]) - std::ilogb(d[std::size_t(k)])) / k);
        }
    if (d[0] != 0 && d[1] != 0)
        small = std::min(small, std::ilogb(d[0]) - std::ilogb(d[1]));
    for (int e : {large, small}) {
        if (e == std::numeric_limits<int>::min() || e == std::numeric_limits<int>::max())
            continue;
        for (double guess : scaledRealRoots(d, e)) {
            const std::optional<double> root = polishRoot(d, guess);
            if (!root)
                continue;
            const double value = evaluatePolynomial(decrease, *root).value;
            if (value < bestValue) {
                bestValue = value;
                best = *root;
            }
        }
    }
    return best;
}

} // namespace

LineProfile lineProfile(const ProblemView &problem, const Eigen::Ref<const MatrixXd> &G,
                        Convention convention) {
    // On the power-of-two rescaled problem, with G scaled to max|G| near one: φ(t) = 2^(2b) F(2^g t), F's
    // coefficients C_k and c_k = 2^(2b + g k) C_k, so the minimiser is found where nothing overflows.
    const ScaledProblem scaled(problem);
    // A direction in γ's place scales like γ: 2^−a.
    MatrixXd direction = G.unaryExpr([&](double v) { return std::ldexp(v, -scaled.gammaExponent()); });
    const double largest = direction.size() > 0 ? direction.cwiseAbs().maxCoeff() : 0.0;
    const int g = largest > 0 && std::isfinite(largest) ? std::ilogb(largest) : 0;
    direction = direction.unaryExpr([g](double v) { return std::ldexp(v, -g); });
    const std::array<double, 5> C = quarticCoefficients(scaled.view(), direction, convention);

    LineProfile profile;
    for (std::size_t k = 0; k < 5; ++k)
        profile.coefficients[k] = std::ldexp(C[k], 2 * scaled.valueExponent() + g * int(k));
    if (!std::all_of(C.begin(), C.end(), [](double c) { return std::isfinite(c); })) {
        profile.exactMinimizer = profile.minimumValue = std::numeric_limits<double>::quiet_NaN();
        profile.note = "φ(t) is not finite (overflow, or a non-finite direction): no minimiser";
        return profile;
    }
    const double tau = quarticMinimizer(C);
    profile.exactMinimizer = std::ldexp(tau, -g);
    const double F = C[0] + tau * (C[1] + tau * (C[2] + tau * (C[3] + tau * C[4])));
    profile.minimumValue = std::ldexp(F, 2 * scaled.valueExponent());
    if (!std::all_of(profile.coefficients.begin(), profile.coefficients.end(),
                     [](double c) { return std::isfinite(c); }))
        profile.note = "some coefficients overflow in f's units; the minimiser was found on the rescaled "
                       "problem";
    return profile;
}

std::vector<double> armijoTrials(const LineProfile &profile, double t0, double c, double shrink,
                                 int maxTrials) {
    std::vector<double> trials;
    const double phi0 = profile.valueAt(0), decrease = -profile.coefficients[1]; // ⟨∇f, G⟩
    double t = t0;
    for (int k = 0; k < maxTrials; ++k) {
        trials.push_back(t);
        if (profile.valueAt(t) <= phi0 - c * t * decrease)
            break;
        t *= shrink;
    }
    return trials;
}

EntryDetail entryDetail(const ProblemView &problem, Index row, Index column, GradientVariant variant,
                        Convention convention) {
    EntryDetail detail;
    detail.row = row;
    detail.column = column;
    detail.gamma = problem.gamma(row, column);
    const MatrixXd selected = gradientVariant(problem, variant, convention);
    detail.analytic = selected(row, column);
    EvaluationOptions options;
    options.convention = convention;
    const Evaluation evaluation = evaluate(problem.R, problem.P, problem.gamma, options);
    detail.correct = evaluation.gradient(row, column);
    detail.loss = evaluation.loss;
    detail.roundingNoise = lossRoundingError(problem, convention);
    {
        GradientCheckOptions options;
        options.convention = convention;
        options.fingerprint = false;
        const GradientCheck check = checkGradient(problem, selected, options);
        detail.resolution = check.resolution(row, column);
        detail.verdict = checkVerdictName(check.verdict);
        detail.verdictExplanation = check.explanation;
    }

    // f as a function of the one entry, for the black-box path (and its complex extension).
    MatrixXd gamma = problem.gamma;
    auto lossAt = [&](double value) {
        gamma(row, column) = value;
        return evaluateLoss(problem.R, problem.P, gamma, convention);
    };
    const ScalarFunction f = [&](const MatrixXd &x) { return lossAt(x(0, 0)); };
    const ComplexFunction complexF = [&](const Eigen::MatrixXcd &x) {
        Eigen::MatrixXcd complexGamma = problem.gamma.cast<std::complex<double>>();
        complexGamma(row, column) = x(0, 0);
        return complexLoss(problem.R, problem.P, complexGamma, convention);
    };
    const double maxAbsGamma = problem.gamma.cwiseAbs().maxCoeff();
    const MatrixXd x = MatrixXd::Constant(1, 1, detail.gamma);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (DifferenceMethod method :
         {DifferenceMethod::Forward, DifferenceMethod::Backward, DifferenceMethod::Central,
          DifferenceMethod::ComplexStep, DifferenceMethod::Ridders}) {
        NumericOptions numeric;
        numeric.method = method;
        // The step the structured path would take for this entry (the black box sees only one number).
        numeric.step = defaultStep(method, detail.gamma, maxAbsGamma);
        const NumericGradient result = blackBoxNumericGradient(f, x, numeric, complexF);
        EntryEstimate estimate;
        estimate.method = method;
        estimate.step = result.steps(0, 0);
        estimate.value = result.gradient(0, 0);
        const bool usesPlus = method != DifferenceMethod::Backward && method != DifferenceMethod::ComplexStep;
        const bool usesMinus = method == DifferenceMethod::Backward || method == DifferenceMethod::Central ||
                               method == DifferenceMethod::Ridders;
        estimate.lossPlus = usesPlus ? lossAt(detail.gamma + estimate.step) : nan;
        estimate.lossMinus = usesMinus ? lossAt(detail.gamma - estimate.step) : nan;
        estimate.absoluteError = std::abs(detail.analytic - estimate.value);
        estimate.relativeError =
            estimate.absoluteError / std::max(std::abs(detail.analytic), std::numeric_limits<double>::min());
        estimate.resolvable =
            std::isfinite(estimate.value) &&
            changeIsResolvable(estimate.step * detail.correct, detail.roundingNoise, method);
        detail.estimates.push_back(estimate);
    }
    return detail;
}

} // namespace gradlens
