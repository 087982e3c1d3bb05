#pragma once

#include "numericgradient.h"
#include "problem.h"

#include <Eigen/Core>

#include <string>

namespace gradlens {

struct DeviationTolerances {
    double absolute = 1e-12; // atol of the mixed metric
    double relative = 1e-6;  // rtol of the mixed metric
};

// Analytic a against numeric b, both n×r.
struct DeviationReport {
    double maxAbsolute = 0; // max |a − b| (the seed's metric)
    double maxRelative =
        0; // max |a − b| / max |a|: one scale for all entries, so entries near zero don't blow up
    double maxMixed = 0;                        // max of the mixed matrix below
    Eigen::MatrixXd absolute;                   // n×r: |a − b|
    Eigen::MatrixXd mixed;                      // n×r: |a − b| / (atol + rtol·max(|a|, |b|))
    Eigen::Index worstRow = 0, worstColumn = 0; // where |a − b| is largest
};

DeviationReport compareGradients(const Eigen::Ref<const Eigen::MatrixXd> &analytic,
                                 const Eigen::Ref<const Eigen::MatrixXd> &numeric,
                                 const DeviationTolerances &tolerances = {});

// The same with an atol per entry (n×r, what the computation can resolve there) and rtol `relative`.
DeviationReport compareGradients(const Eigen::Ref<const Eigen::MatrixXd> &analytic,
                                 const Eigen::Ref<const Eigen::MatrixXd> &numeric,
                                 const Eigen::Ref<const Eigen::MatrixXd> &absolute, double relative);

// The estimated rounding error of f as computed: ε·c·Σ (2|M|·(|P∘X| + |R|) + M²), from the magnitudes of the
// terms summed, so it does not vanish where f does. O(n²r), no n×n temporary.
double lossRoundingError(const ProblemView &problem, Convention convention);

// Below this a value has lost precision to gradual underflow: DBL_MIN / ε (about 1e-292).
inline constexpr double kUnderflowFloor = 2.2250738585072014e-308 / 2.220446049250313e-16;

// Can finite differences resolve this gradient at all? They cannot when a step of h changes f by less than
// f's own rounding error: then a numerical gradient is noise, and comparing it with anything means nothing.
struct PrecisionGuard {
    bool informative = true;
    double roundingNoise = 0; // estimated rounding error of f: ε Σ (2|M|·(|P∘X| + |R|) + M²)
    double largestChange = 0; // max over entries of |h_kc · g_kc|, the change a step makes in f
    std::string explanation;  // one sentence, for the report
};

// Finite differences: informative ⇔ largestChange > 100 · roundingNoise (two digits to spare). Complex step
// has no subtractive cancellation, but its imaginary parts underflow: informative ⇔ the change h·g and the
// largest imaginary residual part h·max|P|·max|γ| are above kUnderflowFloor. Either way a non-finite
// numerical gradient, a step lost in γ's rounding (γ + h = γ) or an underflowing change is uninformative,
// each with its own sentence. steps and gradient are n×r; O(n²r), no n×n temporary.
PrecisionGuard assessFiniteDifferences(const ProblemView &problem,
                                       const Eigen::Ref<const Eigen::MatrixXd> &steps,
                                       const Eigen::Ref<const Eigen::MatrixXd> &gradient,
                                       Convention convention, DifferenceMethod method);

// The one rule for a single change h·g of f: finite, above the underflow floor, and (finite differences
// only: complex step has no cancellation) above 100× f's rounding error. The guard and the entry detail use
// it.
bool changeIsResolvable(double change, double roundingNoise, DifferenceMethod method);

// A numerical gradient by this method agrees with a correct analytic one to about this relative deviation;
// a wrong formula is off by order one. The check's rtol. Forward/backward 1e-5, central 1e-6, Ridders 1e-8,
// complex step 1e-10.
double consistencyThreshold(DifferenceMethod method);

} // namespace gradlens
