#include "pairedlayout.h"

#include "panelkernels.h"
#include "panelreduction.h"

#include <omp.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <new>
#include <optional>
#include <vector>

namespace gradlens {

using Eigen::Index;
using Eigen::MatrixXd;
using ConstRef = Eigen::Ref<const MatrixXd>;

namespace {

using detail::kPanelWidth;
using detail::PanelSource;

// Layout of panel J = columns [j0, j0 + w): for each block of `lanes` rows i above the diagonal block (j0 is
// a multiple of 8, so the rows split into whole blocks) and each column k of the panel, 4·lanes values:
// P(i, j0+k), P(j0+k, i), R(i, j0+k), R(j0+k, i) for the block's rows. Then the diagonal blocks of P and R,
// w × w column-major each. An evaluation reads the panel front to back.
std::size_t panelSize(Index j0, Index w) {
    return static_cast<std::size_t>(4 * j0 * w + 2 * w * w);
}

} // namespace

PairedLayout::PairedLayout(const ConstRef &R, const ConstRef &P)
    : m_n(P.rows()) {
    assert(P.rows() == P.cols() && R.rows() == P.rows() && R.cols() == P.cols());
    const Index panels = (m_n + kPanelWidth - 1) / kPanelWidth;
    m_panelOffsets.assign(static_cast<std::size_t>(panels + 1), 0);
    for (Index panel = 0; panel < panels; ++panel) {
        const Index j0 = panel * kPanelWidth;
        m_panelOffsets[static_cast<std::size_t>(panel + 1)] =
            m_panelOffsets[static_cast<std::size_t>(panel)] + panelSize(j0, std::min(kPanelWidth, m_n - j0));
    }
    // On 64-byte boundaries (every panel's size is a multiple of 8 doubles): a vector load that straddles
    // two cache lines costs two.
    m_data.reset(static_cast<double *>(
        std::aligned_alloc(64, (m_panelOffsets.back() * sizeof(double) + 63) / 64 * 64)));
    if (!m_data)
        throw std::bad_alloc();

#pragma omp parallel for schedule(static, 1)
    for (std::ptrdiff_t panel = 0; panel < static_cast<std::ptrdiff_t>(panels); ++panel) {
        const Index j0 = static_cast<Index>(panel) * kPanelWidth;
        const Index w = std::min(kPanelWidth, m_n - j0);
        double *out = m_data.get() + m_panelOffsets[static_cast<std::size_t>(panel)];
        // Blocks as wide as the kernel's vectors, which read them with whole-vector loads.
        const Index lanes = detail::kernels().vectorLanes;
        const Index blockValues = detail::pairedBlockValues(lanes);
        for (Index i = 0; i < j0; i += lanes, out += blockValues * w)
            for (Index lane = 0; lane < lanes; ++lane) {
                // Row i+lane of the panel, and the mirrored strip: w contiguous values of column i+lane.
                const double *pStrip = P.data() + j0 + (i + lane) * P.outerStride();
                const double *rStrip = R.data() + j0 + (i + lane) * R.outerStride();
                for (Index k = 0; k < w; ++k) {
                    double *values = out + blockValues * k + lane;
                    values[0] = P(i + lane, j0 + k);
                    values[lanes] = pStrip[k];
                    values[2 * lanes] = R(i + lane, j0 + k);
                    values[3 * lanes] = rStrip[k];
                }
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
    const int teamSize = detail::teamSize(options, panels);
    std::vector<std::optional<detail::ThreadBuffers>> threads(static_cast<std::size_t>(teamSize));
    const detail::AlignedGamma alignedGamma(gamma);

#pragma omp parallel num_threads(teamSize)
    {
        // Each thread's own buffers, first touched by it; its partial (A + Aᵀ)γ is summed in thread order.
        detail::ThreadBuffers &buffers =
            threads[static_cast<std::size_t>(omp_get_thread_num())].emplace(n, r, options.wantGradient);
        // static round-robin: a fixed thread count gives a fixed summation order, hence reproducible results
#pragma omp for schedule(static, 1)
        for (std::ptrdiff_t panel = 0; panel < static_cast<std::ptrdiff_t>(panels); ++panel) {
            const Index j0 = static_cast<Index>(panel) * kPanelWidth;
            const Index w = std::min(kPanelWidth, n - j0);
            const double *in = m_data.get() + m_panelOffsets[static_cast<std::size_t>(panel)];
            detail::PanelArguments arguments = buffers.arguments(alignedGamma, j0);
            arguments.in = in;
            double sum = detail::panelKernel(PanelSource::Paired, w)(arguments);
            in += panelSize(j0, w) - 2 * w * w; // the diagonal blocks of P and R end the panel
            sum += detail::diagonalBlock(
                Eigen::Map<const MatrixXd>(in, w, w), Eigen::Map<const MatrixXd>(in + w * w, w, w),
                gamma.middleRows(j0, w), options.wantGradient ? &buffers : nullptr, j0);
            panelSums[static_cast<std::size_t>(panel)] = sum;
        }
    }

    Evaluation result;
    detail::combinePartials(panelSums, threads, n, r, options, result);
    return result;
}

} // namespace gradlens
