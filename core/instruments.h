#pragma once

#include "gradientforms.h"
#include "numericgradient.h"
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
enum class TaylorVerdict { Consistent, Wrong, Rounding, Unclear };

std::string_view taylorDirectionName(TaylorDirection direction); // "random", "gradient"
std::optional<TaylorDirection> parseTaylorDirection(std::string_view name);
std::string_view taylorVerdictName(TaylorVerdict verdict); // "consistent", "wrong", "rounding", "unclear"

struct TaylorOptions {
    GradientVariant variant = GradientVariant::Correct; // which G is tested
    TaylorDirection direction = TaylorDirection::Random;
    std::uint64_t seed = 1; // for the random direction
    Convention convention = Convention::Full;
    int points = 50;       // log-spaced t in [tMin, tMax]
    double tMin = 1e-8, tMax = 1.0;
    int window = 10;       // points in the fitted window
};

struct TaylorResult {
    std::vector<double> t, error; // E(t), same length
    double roundingFloor = 0;     // E below ~100× this is rounding, not Taylor remainder
    double slope = 0;             // fitted on the straightest window among the small-t points above the floor
    int windowBegin = 0, windowEnd = 0; // [begin, end) indices into t of the fitted window; empty if none
    TaylorVerdict verdict = TaylorVerdict::Unclear;
    std::string explanation; // one sentence in plain words
};

// D is scaled to ‖D‖_F = max(‖γ‖_F, 1) so that t is a relative step. O(points · n²r).
TaylorResult taylorTest(const Problem &problem, const TaylorOptions &options = {});

// ---- Step-size sweep -------------------------------------------------------------------------------------
// The max deviation max|G_num(h) − G| against h for forward, central and complex step: truncation falls
// with h (slope 1 or 2), rounding grows as h shrinks (slope −1), complex step stays at the rounding floor.

struct SweepOptions {
    GradientVariant variant = GradientVariant::Correct;
    Convention convention = Convention::Full;
    double hMax = 1e-1, hMin = 1e-14;
    int pointsPerDecade = 2;
};

struct SweepResult {
    static constexpr std::array<DifferenceMethod, 3> kMethods{DifferenceMethod::Forward, DifferenceMethod::Central,
                                                              DifferenceMethod::ComplexStep};
    std::vector<double> steps;                      // h, from large to small
    std::array<std::vector<double>, 3> deviation;   // per method in kMethods order, one per step
    std::array<double, 3> bestStep{}, bestDeviation{};
    std::array<double, 3> defaultStep{};            // the automatic h for the largest entry, per method
    double scale = 0;                               // max |G|, to read deviations relative to
};

// cancel: optional, called with the fraction done; return false to stop (the result is then partial).
SweepResult stepSweep(const Problem &problem, const SweepOptions &options = {},
                      const std::function<bool(double)> &progress = {});

// ---- Line profile ----------------------------------------------------------------------------------------
// φ(t) = f(γ − tG) is a quartic in t: with X = γγᵀ, M(t) = M − t P∘(γGᵀ + Gγᵀ) + t² P∘(GGᵀ), so
// φ(t) = c0 + c1 t + c2 t² + c3 t³ + c4 t⁴. Coefficients in O(n²r) without n×n temporaries.

struct LineProfile {
    std::array<double, 5> coefficients{}; // c0 … c4 (under the convention)
    double exactMinimizer = 0;            // the real critical point with the smallest φ
    double minimumValue = 0;
    double valueAt(double t) const;
};

// G: n×r, any direction (the gradient, or a variant of it).
LineProfile lineProfile(const Problem &problem, const Eigen::Ref<const Eigen::MatrixXd> &G,
                        Convention convention = Convention::Full);

} // namespace gradlens
