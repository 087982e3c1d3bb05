#pragma once

#include "status.h"

#include <Eigen/Core>

#include <optional>
#include <string_view>

namespace gradlens {

// The objective is f(γ) = ‖R − P∘(γγᵀ)‖²_F, or ½ of it under the Half convention.
enum class Convention { Full, Half };

inline double conventionFactor(Convention convention) {
    return convention == Convention::Half ? 0.5 : 1.0;
}
inline const char *conventionName(Convention convention) {
    return convention == Convention::Half ? "half" : "full";
}
inline std::optional<Convention> parseConvention(std::string_view name) {
    if (name == "full" || name == "half")
        return name == "half" ? Convention::Half : Convention::Full;
    return std::nullopt;
}

struct Problem {
    Eigen::MatrixXd R;     // n×n target
    Eigen::MatrixXd P;     // n×n elementwise weights
    Eigen::MatrixXd gamma; // n×r factor

    Eigen::Index n() const { return gamma.rows(); }
    Eigen::Index r() const { return gamma.cols(); }

    // Checks shapes (n ≥ 1, r ≥ 1, R and P n×n with n taken from γ) and that every entry is finite.
    // The message names the matrix, the shape found and the shape expected, or the first bad entry (1-based).
    Status validate() const;
};

// R, P and γ read where they are, without copying them: what the checks and instruments take. A Problem
// converts to it; so do three matrices held apart (say, a shared problem's R and P and a descent's γ).
// The viewed matrices must outlive the view.
struct ProblemView {
    Eigen::Ref<const Eigen::MatrixXd> R, P, gamma;

    ProblemView(const Problem &problem) // implicit: every Problem is a view of itself
        : R(problem.R)
        , P(problem.P)
        , gamma(problem.gamma) {}
    ProblemView(const Eigen::Ref<const Eigen::MatrixXd> &targetR,
                const Eigen::Ref<const Eigen::MatrixXd> &weightsP,
                const Eigen::Ref<const Eigen::MatrixXd> &factorGamma)
        : R(targetR)
        , P(weightsP)
        , gamma(factorGamma) {}

    Eigen::Index n() const { return gamma.rows(); }
    Eigen::Index r() const { return gamma.cols(); }
};

// Shape check alone, for callers that hold the three matrices separately.
Status validateShapes(Eigen::Index rRows, Eigen::Index rCols, Eigen::Index pRows, Eigen::Index pCols,
                      Eigen::Index gammaRows, Eigen::Index gammaCols);

// A γ stored as a row (1×n) where R is n×n, n > 1, is turned into the column it stands for. Returns the
// notice to show the user ("γ is 1×40 in the file; using its transpose, 40×1"), or "" when nothing changed.
std::string orientGamma(Problem &problem);

// First non-finite entry of a matrix, reported as "name(i, j) is NaN" with 1-based indices; success if none.
Status checkFinite(const Eigen::Ref<const Eigen::MatrixXd> &matrix, const char *name);

// True when P and R both equal their transposes exactly (blocked comparison, one pass over each).
bool isSymmetricProblem(const Eigen::Ref<const Eigen::MatrixXd> &R,
                        const Eigen::Ref<const Eigen::MatrixXd> &P);

} // namespace gradlens
