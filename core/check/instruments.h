#pragma once

#include "gradientforms.h"
#include "numericgradient.h"
#include "pairedlayout.h"
#include "problem.h"

#include <Eigen/Core>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gradlens {

// ---- Taylor remainder test ------------------------------------------------------------------------------
// E(t) = |f(γ + tD) − f(γ) − t⟨G, D⟩| on log-spaced t. With the right G the first-order term cancels and E
// falls like t² (slope 2 on log-log axes); with a wrong G it falls like t (slope 1).

enum class TaylorDirection { Random, NegativeGradient };
enum class TaylorVerdict { Consistent, Wrong, Rounding, Unclear, NotFinite };

std::string_view taylorDirectionName(TaylorDirection direction); // "random", "gradient"
std::optional<TaylorDirection> parseTaylorDirection(std::string_view name);
std::string_view taylorVerdictName(TaylorVerdict verdict); // "consistent", "wrong", "rounding", "unclear",
                                                           // "not_finite"

struct TaylorOptions {
    GradientVariant variant = GradientVariant::Correct; // which G is tested
    const Eigen::MatrixXd *gradient = nullptr;          // or this candidate G (n×r), when set
    TaylorDirection direction = TaylorDirection::Random;
    std::uint64_t seed = 1; // for the random direction
    Convention convention = Convention::Full;
    int points = 50; // log-spaced t in [tMin, tMax]
    double tMin = 1e-8, tMax = 1.0;
    int window = 10; // points in the fitted window
    // Optional: the same P and R already laid out (a descent's), to evaluate the losses through. At
    // n = 2000 that makes the test about three times faster. Must outlive the call.
    const PairedLayout *pairedLayout = nullptr;
};

struct TaylorResult {
    std::vector<double> t, error; // E(t), same length
    double roundingFloor = 0;     // E below ~100× this is rounding, not Taylor remainder
    double firstOrder = 0; // ⟨G, D⟩: t·|⟨G, D⟩| is what a mistake the size of G would add to E(t)
    double slope = 0;      // fitted on the straightest window among the small-t points above the floor
    int windowBegin = 0, windowEnd = 0; // [begin, end) indices into t of the fitted window; empty if none
    TaylorVerdict verdict = TaylorVerdict::Unclear;
    std::string explanation; // one sentence in plain words
};

// D is scaled to ‖D‖_F = ‖γ‖_F so that t is a relative step (and, when γ is far from the size √(max|R| /
// max|P|) per entry at which it matters, to that size as well: the decided verdict of the two wins), and a
// problem of extreme scale is first rescaled by powers of two (ScaledProblem, exact), so the test reads the
// same at 1e-150 and 1e150. E(t) and the floor are reported in f's units. A non-finite f gives NotFinite.
// O(points · n²r).
TaylorResult taylorTest(const ProblemView &problem, const TaylorOptions &options = {});

// ---- Step-size sweep -------------------------------------------------------------------------------------
// The max deviation max|G_num(h) − G| against h for forward, central and complex step: truncation falls
// with h (slope 1 or 2), rounding grows as h shrinks (slope −1), complex step stays at the rounding floor.

struct SweepOptions {
    GradientVariant variant = GradientVariant::Correct;
    const Eigen::MatrixXd *gradient = nullptr; // or this candidate G (n×r), when set
    Convention convention = Convention::Full;
    double hMax = 1e-1, hMin = 1e-14;
    int pointsPerDecade = 2;
};

struct SweepResult {
    static constexpr std::array<DifferenceMethod, 3> kMethods{
        DifferenceMethod::Forward, DifferenceMethod::Central, DifferenceMethod::ComplexStep};
    std::vector<double> steps;                    // h, from large to small
    std::array<std::vector<double>, 3> deviation; // per method in kMethods order, one per step
    std::array<double, 3> bestStep{}, bestDeviation{};
    std::array<double, 3> defaultStep{}; // the automatic h for the largest entry, per method
    double scale = 0;                    // max |G|, to read deviations relative to
};

// cancel: optional, called with the fraction done; return false to stop (the result is then partial).
SweepResult stepSweep(const ProblemView &problem, const SweepOptions &options = {},
                      const std::function<bool(double)> &progress = {});

// ---- Line profile ----------------------------------------------------------------------------------------
// φ(t) = f(γ − tG) is a quartic in t: with X = γγᵀ, M(t) = M − t P∘(γGᵀ + Gγᵀ) + t² P∘(GGᵀ), so
// φ(t) = c0 + c1 t + c2 t² + c3 t³ + c4 t⁴. Coefficients in O(n²r) without n×n temporaries.

struct LineProfile {
    std::array<double, 5> coefficients{}; // c0 … c4 (under the convention)
    double exactMinimizer = 0;            // the real critical point with the smallest φ (0 if none is lower)
    double minimumValue = 0;              // φ there
    std::string note;                     // "" unless something could not be computed; then says what
    double valueAt(double t) const;
};

// G: n×r, any direction (the gradient, or a variant of it). Scale-free: computed on the power-of-two rescaled
// problem (ScaledProblem) with t scaled too, each critical point polished by Newton's method and verified.
// Non-finite coefficients give a NaN minimiser and a note.
LineProfile lineProfile(const ProblemView &problem, const Eigen::Ref<const Eigen::MatrixXd> &G,
                        Convention convention = Convention::Full);

// The step lengths Armijo backtracking tries along −G from t0, shrinking by `shrink` until
// φ(t) ≤ φ(0) − c·t·⟨∇f, G⟩ (with G the gradient, ⟨∇f, G⟩ = −c1); the last one is accepted (or the
// list ends after maxTrials).
std::vector<double> armijoTrials(const LineProfile &profile, double t0, double c = 1e-4, double shrink = 0.5,
                                 int maxTrials = 60);

// ---- Entry detail ----------------------------------------------------------------------------------------
// (The verdict comes from checkGradient, the one check; see gradientcheck.h.)
// Everything about one entry γ_kc: the analytic value and each numerical estimate with its step, the loss
// at γ ± h e_kc, the errors, and whether finite differences can resolve it at all.

struct EntryEstimate {
    DifferenceMethod method = DifferenceMethod::Central;
    double step = 0;                    // h actually taken
    double value = 0;                   // the estimate of ∂f/∂γ_kc
    double lossPlus = 0, lossMinus = 0; // f(γ + h e_kc), f(γ − h e_kc) (NaN where the method does not use it)
    double absoluteError = 0;           // |analytic − value|
    double relativeError = 0;           // absoluteError / max(|analytic|, tiny)
    bool resolvable = true; // changeIsResolvable(h·g): finite, not underflowing, above rounding (FD only)
};

struct EntryDetail {
    Eigen::Index row = 0, column = 0;     // k, c (0-based)
    double gamma = 0;                     // γ_kc
    double analytic = 0;                  // the selected variant's value
    double correct = 0;                   // the correct gradient's value, for comparison
    double loss = 0;                      // f(γ)
    double roundingNoise = 0;             // f's estimated rounding error
    double resolution = 0;                // the smallest difference the check can resolve at this entry
    std::string verdict;                  // checkGradient's verdict on the whole selected gradient
    std::string verdictExplanation;       // and its sentence
    std::vector<EntryEstimate> estimates; // forward, backward, central, complex step, Ridders
};

EntryDetail entryDetail(const ProblemView &problem, Eigen::Index row, Eigen::Index column,
                        GradientVariant variant = GradientVariant::Correct,
                        Convention convention = Convention::Full);

} // namespace gradlens
