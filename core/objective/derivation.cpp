#include "derivation.h"

#include <algorithm>
#include <cmath>

namespace gradlens {

using Eigen::Index;

EntryDerivation deriveEntry(const ProblemView &problem, Index row, Index column, Convention convention) {
    EntryDerivation derivation;
    derivation.row = row;
    derivation.column = column;
    derivation.factor = 2 * conventionFactor(convention);
    const Index n = problem.n();
    const auto &P = problem.P;
    const auto &R = problem.R;
    const auto &gamma = problem.gamma;
    derivation.terms.reserve(static_cast<std::size_t>(2 * n));
    // (P∘M)_ab with M_ab = P_ab (γ_a·γ_b) − R_ab, for the entries of row k and column k only.
    auto weighted = [&](Index a, Index b) {
        const double outer = gamma.row(a).dot(gamma.row(b));
        return P(a, b) * (P(a, b) * outer - R(a, b));
    };
    // The first sum runs along row k of P∘M, the transpose sum down column k.
    for (const bool transposeSum : {false, true})
        for (Index j = 0; j < n; ++j) {
            DerivationTerm term;
            term.index = j;
            term.transposeSum = transposeSum;
            term.weighted = transposeSum ? weighted(j, row) : weighted(row, j);
            term.gamma = gamma(j, column);
            term.value = derivation.factor * term.weighted * term.gamma;
            (transposeSum ? derivation.secondTerm : derivation.firstTerm) += term.value;
            derivation.terms.push_back(term);
        }
    derivation.diagonal = derivation.factor * weighted(row, row) * gamma(row, column);
    std::stable_sort(derivation.terms.begin(), derivation.terms.end(),
                     [](const DerivationTerm &a, const DerivationTerm &b) {
                         return std::abs(a.value) > std::abs(b.value);
                     });
    return derivation;
}

} // namespace gradlens
