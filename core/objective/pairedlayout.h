#pragma once

#include "evaluation.h"

#include <Eigen/Core>

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <vector>

namespace gradlens {

// P and R laid out again, once per problem (it belongs to R and P, not to γ or a run), for repeated
// general (non-symmetric) evaluations. For each column panel J of 8 columns and each row i above its
// diagonal block, the entries (i, j) sit next to their mirror images (j, i), in blocks of 4 or 8 rows (the
// kernel's vector width). An evaluation then reads one stream per thread (four interleaved runs of it), and
// treats each pair with one γ_i·γ_j and one update of each of the two gradient rows, in registers: half the
// arithmetic of visiting the two entries apart. It costs one copy of P and R in memory and five to ten
// evaluations' time to build; it pays off in descent from r = 8 on (see layoutPaysOff in descent.h), not
// in a single evaluation. Symmetric P and R need none: evaluate() reads their upper triangle in place, with
// the same halved arithmetic, as fast as a packed copy of it measured.
class PairedLayout {
public:
    PairedLayout() = default;
    PairedLayout(const Eigen::Ref<const Eigen::MatrixXd> &R, const Eigen::Ref<const Eigen::MatrixXd> &P);

    Eigen::Index size() const { return m_n; }
    bool empty() const { return m_n == 0; }

    // Loss and gradient, as evaluate() on the original R and P gives them up to rounding. γ must have
    // size() rows. Only wantGradient, convention and threads of the options apply: no residual matrix is
    // produced (the layout does not keep P and R in their own order).
    Evaluation evaluate(const Eigen::Ref<const Eigen::MatrixXd> &gamma,
                        const EvaluationOptions &options = {}) const;

private:
    Eigen::Index m_n = 0;
    std::vector<std::size_t> m_panelOffsets; // start of each panel in m_data, plus the end
    // 64-byte aligned, not value-initialised: every entry is written once.
    std::unique_ptr<double[], void (*)(void *)> m_data{nullptr, std::free};
};

} // namespace gradlens
