#include "pairedlayout.h"

#include <omp.h>

#include <algorithm>
#include <cassert>

namespace gradlens {

using Eigen::Index;
using Eigen::MatrixXd;
using ConstRef = Eigen::Ref<const MatrixXd>;

namespace {

constexpr Index kPanelWidth = 8;
constexpr Index kDefaultRowChunk = 2048; // the X and B tiles (rowChunk × 8) stay in L2

// Layout of panel J = columns [j0, j0 + w): for each chunk of rows [i0, i0 + m) above the diagonal block
// and each column k, four runs of m values: P(i, j0+k), P(j0+k, i), R(i, j0+k), R(j0+k, i) for i in the
// chunk. Then the diagonal blocks of P and R, w × w column-major each.
std::size_t panelSize(Index j0, Index w) {
    return static_cast<std::size_t>(4 * j0 * w + 2 * w * w);
}

} // namespace

PairedLayout::PairedLayout(const ConstRef &R, const ConstRef &P, Index rowChunk)
    : m_n(P.rows())
    , m_rowChunk(rowChunk > 0 ? rowChunk : kDefaultRowChunk) {
    assert(P.rows() == P.cols() && R.rows() == P.rows() && R.cols() == P.cols());
    const Index panels = (m_n + kPanelWidth - 1) / kPanelWidth;
    m_panelOffsets.assign(static_cast<std::size_t>(panels + 1), 0);
    for (Index panel = 0; panel < panels; ++panel) {
        const Index j0 = panel * kPanelWidth;
        m_panelOffsets[static_cast<std::size_t>(panel + 1)] =
            m_panelOffsets[static_cast<std::size_t>(panel)] + panelSize(j0, std::min(kPanelWidth, m_n - j0));
    }
    m_data.reset(new double[m_panelOffsets.back()]);

    const Index ldp = P.outerStride();
    const Index ldr = R.outerStride();
#pragma omp parallel for schedule(static, 1)
    for (std::ptrdiff_t panel = 0; panel < static_cast<std::ptrdiff_t>(panels); ++panel) {
        const Index j0 = static_cast<Index>(panel) * kPanelWidth;
        const Index w = std::min(kPanelWidth, m_n - j0);
        double *out = m_data.get() + m_panelOffsets[static_cast<std::size_t>(panel)];
        for (Index i0 = 0; i0 < j0; i0 += m_rowChunk) {
            const Index m = std::min(m_rowChunk, j0 - i0);
            for (Index k = 0; k < w; ++k) {
                const double *pColumn = P.data() + i0 + (j0 + k) * ldp;
                const double *rColumn = R.data() + i0 + (j0 + k) * ldr;
                std::copy(pColumn, pColumn + m, out + 4 * m * k);
                std::copy(rColumn, rColumn + m, out + 4 * m * k + 2 * m);
            }
            // The mirrored strip: each column's w values are contiguous, so read each once and scatter.
            for (Index i = 0; i < m; ++i) {
                const double *pStrip = P.data() + j0 + (i0 + i) * ldp;
                const double *rStrip = R.data() + j0 + (i0 + i) * ldr;
                for (Index k = 0; k < w; ++k) {
                    out[4 * m * k + m + i] = pStrip[k];
                    out[4 * m * k + 3 * m + i] = rStrip[k];
                }
            }
            out += 4 * m * w;
        }
        for (Index k = 0; k < w; ++k)
            for (Index i = 0; i < w; ++i) {
                out[i + k * w] = P(j0 + i, j0 + k);
                out[w * w + i + k * w] = R(j0 + i, j0 + k);
            }
    }
}

Evaluation PairedLayout::evaluate(const ConstRef &gamma, const EvaluationOptions &options) const {
    assert(gamma.rows() == m_n);
    const Index n = m_n;
    const Index r = gamma.cols();
    const Index panels = (n + kPanelWidth - 1) / kPanelWidth;
    std::vector<double> panelSums(static_cast<std::size_t>(panels), 0.0);
    const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
    const int teamSize = static_cast<int>(std::max<Index>(1, std::min<Index>(threads, panels)));
    std::vector<MatrixXd> gradients(static_cast<std::size_t>(teamSize));
    const Index tileRows = std::max(kPanelWidth, std::min(m_rowChunk, n));

#pragma omp parallel num_threads(teamSize)
    {
        MatrixXd X(tileRows, kPanelWidth);
        MatrixXd B(tileRows, kPanelWidth); // P∘M at (i, j) plus P∘M at the mirror (j, i)
        MatrixXd gradient;                 // this thread's (A + Aᵀ)γ, summed in thread order below
        if (options.wantGradient)
            gradient = MatrixXd::Zero(n, r);
            // static round-robin: a fixed thread count gives a fixed summation order, hence reproducible
            // results
#pragma omp for schedule(static, 1)
        for (std::ptrdiff_t panel = 0; panel < static_cast<std::ptrdiff_t>(panels); ++panel) {
            const Index j0 = static_cast<Index>(panel) * kPanelWidth;
            const Index w = std::min(kPanelWidth, n - j0);
            const auto gammaJ = gamma.middleRows(j0, w);
            const double *in = m_data.get() + m_panelOffsets[static_cast<std::size_t>(panel)];
            double sum = 0;
            for (Index i0 = 0; i0 < j0; i0 += m_rowChunk) {
                const Index m = std::min(m_rowChunk, j0 - i0);
                const auto gammaI = gamma.middleRows(i0, m);
                auto tileX = X.topLeftCorner(m, w);
                auto tileB = B.topLeftCorner(m, w);
                tileX.noalias() = gammaI * gammaJ.transpose(); // the mirror's γγᵀ is the same number
                for (Index k = 0; k < w; ++k) {
                    const double *pUpper = in + 4 * m * k;
                    const double *pLower = pUpper + m;
                    const double *rUpper = pUpper + 2 * m;
                    const double *rLower = pUpper + 3 * m;
                    const double *x = &tileX(0, k);
                    double *b = &tileB(0, k);
                    double columnSum = 0;
#pragma omp simd reduction(+ : columnSum)
                    for (Index i = 0; i < m; ++i) {
                        const double upper = pUpper[i] * x[i] - rUpper[i];
                        const double lower = pLower[i] * x[i] - rLower[i];
                        columnSum += upper * upper + lower * lower;
                        b[i] = pUpper[i] * upper + pLower[i] * lower;
                    }
                    sum += columnSum;
                }
                in += 4 * m * w;
                if (options.wantGradient) { // (A + Aᵀ)γ: rows I gain B γ_J, rows J gain Bᵀ γ_I
                    gradient.middleRows(i0, m).noalias() += tileB * gammaJ;
                    gradient.middleRows(j0, w).noalias() += tileB.transpose() * gammaI;
                }
            }
            const Eigen::Map<const MatrixXd> diagonalP(in, w, w);
            const Eigen::Map<const MatrixXd> diagonalR(in + w * w, w, w);
            auto diagonalA = B.topLeftCorner(w, w);
            diagonalA = diagonalP.cwiseProduct(gammaJ * gammaJ.transpose()) - diagonalR; // M
            sum += diagonalA.squaredNorm();
            diagonalA = diagonalP.cwiseProduct(diagonalA); // P∘M
            if (options.wantGradient)
                gradient.middleRows(j0, w).noalias() += (diagonalA + diagonalA.transpose()) * gammaJ;
            panelSums[static_cast<std::size_t>(panel)] = sum;
        }
        gradients[static_cast<std::size_t>(omp_get_thread_num())] = std::move(gradient);
    }

    double sum = 0;
    for (double panelSum : panelSums)
        sum += panelSum;
    const double factor = conventionFactor(options.convention);
    Evaluation result;
    result.loss = factor * sum;
    if (options.wantGradient) {
        result.gradient = MatrixXd::Zero(n, r);
        for (const MatrixXd &partial : gradients)
            if (partial.size() > 0)
                result.gradient += partial;
        result.gradient *= 2.0 * factor;
    }
    return result;
}

} // namespace gradlens
