#include "evaluation.h"

#include "panelreduction.h"

#include <omp.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace gradlens {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using ConstRef = Eigen::Ref<const MatrixXd>;

// Column panels of kPanelWidth columns, walked down in chunks of kRowChunk rows: every column of P and R
// is one long sequential stream (short strided tile segments measured 2–3× slower: the prefetcher loses
// them). The X and A tiles (kRowChunk × kPanelWidth) stay in L2.
constexpr Index kPanelWidth = 8;
constexpr Index kRowChunk = 2048;

// One tile of the residual: m = p∘x − r, a = p∘m, optionally m stored. Returns Σ m².
// p and r have leading dimensions ldp and ldr (the full matrices); x, a and m their own.
template <bool StoreResidual>
double residualTile(const double *p, Index ldp, const double *r, Index ldr, const double *x, Index ldx,
                    double *a, Index lda, double *m, Index ldm, Index rows, Index cols) {
    double sum = 0;
    for (Index j = 0; j < cols; ++j) {
        const double *pc = p + j * ldp;
        const double *rc = r + j * ldr;
        const double *xc = x + j * ldx;
        double *ac = a + j * lda;
        double *mc = nullptr;
        if constexpr (StoreResidual)
            mc = m + j * ldm;
        double columnSum = 0;
#pragma omp simd reduction(+ : columnSum)
        for (Index i = 0; i < rows; ++i) {
            const double residual = pc[i] * xc[i] - rc[i];
            columnSum += residual * residual;
            ac[i] = pc[i] * residual;
            if constexpr (StoreResidual)
                mc[i] = residual;
        }
        sum += columnSum;
    }
    return sum;
}

class FusedPass {
public:
    FusedPass(const ConstRef &R, const ConstRef &P, const ConstRef &gamma, bool symmetric, bool wantGradient,
              MatrixXd *residual, Index panelWidth, Index rowChunk)
        : m_R(R)
        , m_P(P)
        , m_gamma(gamma)
        , m_symmetric(symmetric)
        , m_wantGradient(wantGradient)
        , m_residual(residual)
        , m_panelWidth(panelWidth)
        , m_rowChunk(rowChunk) {}

    // Per-thread scratch: X and A tiles and a private accumulator of (A + Aᵀ)γ, summed in thread order later.
    struct Scratch {
        MatrixXd X, A, gradient;
    };

    Scratch makeScratch() const {
        Scratch s{MatrixXd(m_rowChunk, m_panelWidth), MatrixXd(m_rowChunk, m_panelWidth), MatrixXd()};
        if (m_wantGradient)
            s.gradient = MatrixXd::Zero(m_gamma.rows(), m_gamma.cols());
        return s;
    }

    // Columns J = [j0, j0 + width) of every row (general) or of the rows up to the diagonal (symmetric).
    // Returns the panel's contribution to Σ m².
    double run(Index j0, Scratch &s) const {
        const Index n = m_gamma.rows();
        const Index width = std::min(m_panelWidth, n - j0);
        const auto gammaJ = m_gamma.middleRows(j0, width);
        const Index rowsEnd = m_symmetric ? j0 + width : n;
        double sum = 0;
        for (Index i0 = 0; i0 < rowsEnd; i0 += m_rowChunk) {
            const Index rows = std::min(m_rowChunk, rowsEnd - i0);
            const auto gammaI = m_gamma.middleRows(i0, rows);
            auto X = s.X.topLeftCorner(rows, width);
            auto A = s.A.topLeftCorner(rows, width);
            X.noalias() = gammaI * gammaJ.transpose();
            // Σ m² of rows [first, first + count) of this chunk, with A (and M) written for them.
            auto residualRows = [&](Index first, Index count) {
                const double *p = m_P.data() + (i0 + first) + j0 * m_P.outerStride();
                const double *r = m_R.data() + (i0 + first) + j0 * m_R.outerStride();
                double *m = m_residual ? &(*m_residual)(i0 + first, j0) : nullptr;
                const Index ldm = m_residual ? m_residual->outerStride() : 0;
                const auto tile = m_residual ? residualTile<true> : residualTile<false>;
                return tile(p, m_P.outerStride(), r, m_R.outerStride(), &X(first, 0), s.X.outerStride(),
                            &A(first, 0), s.A.outerStride(), m, ldm, count, width);
            };
            if (!m_symmetric) {
                sum += residualRows(0, rows);
                if (m_wantGradient) { // rows I, columns J: (Aγ)_I += A γ_J and (Aᵀγ)_J += Aᵀ γ_I
                    s.gradient.middleRows(i0, rows).noalias() += A * gammaJ;
                    s.gradient.middleRows(j0, width).noalias() += A.transpose() * gammaI;
                }
                continue;
            }
            // Symmetric: rows above the diagonal block stand for their mirror images too, so they count
            // twice.
            const Index above = std::min(rows, j0 - i0);
            sum += 2.0 * residualRows(0, above);
            if (above < rows)
                sum += residualRows(above, rows - above);
            if (m_wantGradient) {
                const auto upper = A.topRows(above);
                const auto diagonal = A.bottomRows(rows - above); // the width × width block on the diagonal
                s.gradient.middleRows(i0, above).noalias() += 2.0 * (upper * gammaJ);
                s.gradient.middleRows(j0, width).noalias() +=
                    2.0 * (upper.transpose() * gammaI.topRows(above));
                if (above < rows)
                    s.gradient.middleRows(j0, width).noalias() += (diagonal + diagonal.transpose()) * gammaJ;
            }
        }
        return sum;
    }

private:
    const ConstRef &m_R;
    const ConstRef &m_P;
    const ConstRef &m_gamma;
    bool m_symmetric;
    bool m_wantGradient;
    MatrixXd *m_residual;
    Index m_panelWidth;
    Index m_rowChunk;
};

} // namespace

Evaluation evaluate(const ConstRef &R, const ConstRef &P, const ConstRef &gamma,
                    const EvaluationOptions &options) {
    const Index n = gamma.rows();
    const Index r = gamma.cols();
    const Index width = options.panelWidth > 0 ? options.panelWidth : kPanelWidth;
    // A whole number of panels per chunk keeps each diagonal block inside one chunk (symmetric path).
    const Index chunkRequest = options.rowChunk > 0 ? options.rowChunk : kRowChunk;
    const Index rowChunk = std::max<Index>(1, (chunkRequest + width - 1) / width) * width;

    Evaluation result;
    result.symmetricPath = options.symmetry == Symmetry::Symmetric ||
                           (options.symmetry == Symmetry::Auto && isSymmetricProblem(R, P));
    if (options.wantResidual)
        result.residual.resize(n, n);

    const FusedPass pass(R, P, gamma, result.symmetricPath, options.wantGradient,
                         options.wantResidual ? &result.residual : nullptr, width,
                         std::min(rowChunk, n + width));
    const auto panels = static_cast<std::ptrdiff_t>((n + width - 1) / width);
    std::vector<double> panelSums(static_cast<std::size_t>(panels), 0.0);
    const int teamSize = detail::teamSize(options, panels);
    std::vector<MatrixXd> gradients(static_cast<std::size_t>(teamSize));

#pragma omp parallel num_threads(teamSize)
    {
        FusedPass::Scratch scratch = pass.makeScratch();
        // static round-robin: a fixed thread count gives a fixed summation order, hence reproducible results
#pragma omp for schedule(static, 1)
        for (std::ptrdiff_t panel = 0; panel < panels; ++panel)
            panelSums[static_cast<std::size_t>(panel)] = pass.run(static_cast<Index>(panel) * width, scratch);
        gradients[static_cast<std::size_t>(omp_get_thread_num())] = std::move(scratch.gradient);
    }

    detail::combinePartials(panelSums, gradients, n, r, options, result);
    if (options.wantResidual && result.symmetricPath)
        result.residual.triangularView<Eigen::StrictlyLower>() = result.residual.transpose();
    return result;
}

double evaluateLoss(const ConstRef &R, const ConstRef &P, const ConstRef &gamma, Convention convention,
                    Symmetry symmetry) {
    EvaluationOptions options;
    options.wantGradient = false;
    options.convention = convention;
    options.symmetry = symmetry;
    return evaluate(R, P, gamma, options).loss;
}

} // namespace gradlens
