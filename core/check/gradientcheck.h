#pragma once

#include "deviation.h"
#include "instruments.h"
#include "numericgradient.h"
#include "pairedlayout.h"
#include "problem.h"

#include <Eigen/Core>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gradlens {

// The one gradient check: a candidate G (n×r, from a formula, a file or a program) against the numerical
// gradient, the analytic one and the Taylor test, with a verdict in words and the name of the mistake.

enum class CheckVerdict {
    Consistent,
    Inconsistent,
    Inconclusive,         // neither finite differences nor the Taylor test can tell
    StationaryToRounding, // the true gradient and G are both at the gradient's own rounding level
};

std::string_view checkVerdictName(CheckVerdict verdict); // "consistent", …, "stationary_to_rounding"

struct GradientCheckOptions {
    Convention convention = Convention::Full; // G is the gradient of f (Full) or of ½f (Half)
    DifferenceMethod method = DifferenceMethod::Central;
    double step = 0; // finite-difference step in γ's units; 0: defaultStep per entry
    TaylorDirection direction = TaylorDirection::Random;
    std::uint64_t seed = 1; // of the Taylor test's random direction
    bool fingerprint = true;
    // Optional: the run's P and R laid out, for the Taylor test's losses (see TaylorOptions).
    const PairedLayout *pairedLayout = nullptr;
    // Called on the calling thread with the fraction of the numerical gradient done; false cancels.
    std::function<bool(double)> progress;
};

// "Name the mistake": G fitted by least squares on the terms a derivation produces, each without its
// factor: (P∘M)γ, (Pᵀ∘Mᵀ)γ, Mγ, Mᵀγ, the diagonal term (P_kk M_kk γ_kc) and (P∘Mᵀ)γ. The correct gradient
// of f is 2·(P∘M)γ + 2·(Pᵀ∘Mᵀ)γ (1 and 1 under ½f).
struct Fingerprint {
    std::string nearest = "none"; // a named mistake ("correct", "drop-transpose", …) or "none"
    // term → coefficient; nullopt when the term equals a combination of earlier ones here (symmetric P∘M
    // makes (Pᵀ∘Mᵀ)γ a copy of (P∘M)γ) and so cannot be told apart.
    std::vector<std::pair<std::string, std::optional<double>>> coefficients;
    double residual = 0;     // ‖G − fit‖_F / ‖G‖_F of the least-squares fit
    std::string explanation; // one sentence
};

struct GradientCheck {
    CheckVerdict verdict = CheckVerdict::Inconclusive;
    std::string explanation; // one sentence: why this verdict
    // G against the numerical gradient. The mixed matrix uses each entry's resolution as atol and
    // `threshold` as rtol: mixed ≤ 1 everywhere ⇔ G agrees with finite differences as far as they can tell.
    DeviationReport deviation;
    double maxRelativeDeviation = 0; // max|G − G_num| / max(max|G|, max|G_num|, max resolution)
    double analyticDeviation = 0;    // the same against the correct analytic gradient instead of G_num
    double threshold = 0;            // rtol: consistencyThreshold(method)
    Eigen::MatrixXd numeric;         // n×r: the numerical gradient
    Eigen::MatrixXd resolution;      // n×r: the smallest difference the computation can resolve per entry
    Eigen::MatrixXd roundingBound;   // n×r: the gradient's own rounding error, from the terms summed
    bool stationary = false;         // the correct gradient is within its rounding bound everywhere
    PrecisionGuard precision;        // can finite differences resolve this gradient at all?
    TaylorResult taylor;
    Fingerprint fingerprint;
    bool rescaled = false; // computed on the problem scaled by powers of two (exact; see ScaledProblem)
    bool cancelled = false;
};

// Per entry, |G − G_num| over the scale max_rel_deviation uses (max|G|, max|G_num|, the largest
// resolution): what the window paints on its fixed 1e-16 … 1 scale, the threshold marked. n×r.
Eigen::MatrixXd relativeDeviation(const GradientCheck &check);

// candidate must be n×r. O(n²r) plus the numerical gradient; no n×n temporary.
GradientCheck checkGradient(const ProblemView &problem, const Eigen::Ref<const Eigen::MatrixXd> &candidate,
                            const GradientCheckOptions &options = {});

// The rounding error of each entry of the gradient as computed, from the magnitudes of the terms summed:
//   ε·(n + r + 2)·2c·[(|P|∘N)|γ| + (|P|∘N)ᵀ|γ|],  N = |P|∘(|γ||γ|ᵀ) + |R| ≥ |M| and its terms' sizes,
// c the convention's factor. Unlike f or max|G|, it does not vanish at a minimum. n×r, O(n²r).
Eigen::MatrixXd gradientRoundingBound(const ProblemView &problem, Convention convention);

// The fingerprint alone (the check computes it when asked).
Fingerprint fingerprintGradient(const ProblemView &problem,
                                const Eigen::Ref<const Eigen::MatrixXd> &candidate, Convention convention);

} // namespace gradlens
