#pragma once

#include "evaluation.h"

#include <Eigen/Core>

#include <cstddef>
#include <memory>
#include <vector>

namespace gradlens {

// P and R laid out again, once per problem (it belongs to R and P, not to γ or a run), for repeated
// evaluations. For each column panel J of 8 columns and each row i above its diagonal block, the entries
// (i, j) sit next to their mirror images (j, i), in blocks of four rows; with symmetric P and R the mirror
// is the entry itself, so only the upper triangle is kept (packed: half the data). An evaluation then reads
// one sequential stream, and treats each pair with one γ_i·γ_j and one update of each of the two gradient
// rows, in registers: half the arithmetic of visiting the two entries apart, without the strided reads of
// the mirrored tile. It costs one copy of P and R in memory (half of one when symmetric) and five to ten
// evaluations' time to build, so it pays off in descent, not in a single evaluation.
class PairedLayout {
public:
    PairedLayout() = default;
    // Symmetry::Symmetric is trusted, Auto checks P and R first.
    PairedLayout(const Eigen::Ref<const Eigen::MatrixXd> &R, const Eigen::Ref<const Eigen::MatrixXd> &P,
                 Symmetry symmetry = Symmetry::Auto);

    Eigen::Index size() const { return m_n; }
    bool empty() const { return m_n == 0; }
    bool symmetric() const { return m_symmetric; }
    std::size_t bytes() const { return m_panelOffsets.empty() ? 0 : m_panelOffsets.back() * sizeof(double); }

    // Loss and gradient, as evaluate() on the original R and P gives them up to rounding. γ must have
    // size() rows. Only wantGradient, convention and threads of the options apply: no residual matrix is
    // produced (the layout does not keep P and R in their own order).
    Evaluation evaluate(const Eigen::Ref<const Eigen::MatrixXd> &gamma,
                        const EvaluationOptions &options = {}) const;

private:
    Eigen::Index m_n = 0;
    bool m_symmetric = false;
    std::vector<std::size_t> m_panelOffsets; // start of each panel in m_data, plus the end
    std::unique_ptr<double[]> m_data;        // not value-initialised: every entry is written once
};

} // namespace gradlens
