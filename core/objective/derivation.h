#pragma once

#include "problem.h"

#include <Eigen/Core>

#include <vector>

namespace gradlens {

// The derivation of ∂f/∂γ_kc with numbers: the entry-wise form written out term by term,
//   ∂f/∂γ_kc = c·[ Σ_j (P∘M)_kj γ_jc  +  Σ_i (P∘M)_ik γ_ic ],   c = 2 for f, 1 for ½f,
// where the first sum is the matrix form's first term c·((P∘M)γ)_kc and the second its transpose term
// c·((Pᵀ∘Mᵀ)γ)_kc. The j = k term (P∘M)_kk γ_kc stands in both sums: counted once, the gradient is wrong.
struct DerivationTerm {
    Eigen::Index index = 0;    // j in the first sum, i in the second (0-based)
    bool transposeSum = false; // from Σ_i (P∘M)_ik γ_ic, the transpose term
    double weighted = 0;       // (P∘M)_kj or (P∘M)_ik
    double gamma = 0;          // γ_jc or γ_ic
    double value = 0;          // c·weighted·gamma
};

struct EntryDerivation {
    Eigen::Index row = 0, column = 0;  // k, c (0-based)
    double factor = 2;                 // c: 2 for f, 1 for ½f
    std::vector<DerivationTerm> terms; // all 2n terms, largest |value| first
    double firstTerm = 0;              // c·((P∘M)γ)_kc, the sum of the first sum's terms
    double secondTerm = 0;             // c·((Pᵀ∘Mᵀ)γ)_kc, the sum of the transpose sum's terms
    double diagonal = 0;               // c·(P∘M)_kk γ_kc, one of the two j = k terms
    double total() const { return firstTerm + secondTerm; }
};

// O(n·r): only row k and column k of M are formed. row < n, column < r.
EntryDerivation deriveEntry(const ProblemView &problem, Eigen::Index row, Eigen::Index column,
                            Convention convention = Convention::Full);

} // namespace gradlens
