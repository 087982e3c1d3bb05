#include "pairedlayout.h"

#include "pairedkernel.h"
#include "panelreduction.h"

#include <omp.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace gradlens {

using Eigen::Index;
using Eigen::MatrixXd;
using ConstRef = Eigen::Ref<const MatrixXd>;

namespace {

using detail::kBlockValues;
using detail::kLanes;
using detail::kPanelWidth;

// Rows of padding below each thread's n × r gradient: with n a power of two its r columns would all fall in
// the same cache sets.
constexpr Index kGradientPadding = 24;

// Layout of panel J = columns [j0, j0 + w): for each block of four rows i above the diagonal block (j0 is a
// multiple of 8, so the rows split into whole blocks) and each column k of the panel, 16 values: P(i, j0+k),
// P(j0+k, i), R(i, j0+k), R(j0+k, i) for the block's four rows. Then the diagonal blocks of P and R, w × w
// column-major each. An evaluation reads the panel front to back.
std::size_t panelSize(Index j0, Index w) {
    return static_cast<std::size_t>(4 * j0 * w + 2 * w * w);
}

// The AVX2 + FMA build of the kernel where the CPU has both, the baseline build otherwise: a portable binary
// still runs the fast kernel on the machines that can. GRADLENS_KERNEL=generic forces the baseline build
// (the tests run both).
bool useAvx2Kernel() {
    const char *forced = std::getenv("GRADLENS_KERNEL");
    if (forced != nullptr && std::string_view(forced) == "generic")
        return false;
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

detail::PanelKernel kernelFor(Index w) {
    static const bool avx2 = useAvx2Kernel();
    return avx2 ? detail::pairedKernelAvx2(w) : detail::pairedKernelGeneric(w);
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
    m_data.reset(new double[m_panelOffsets.back()]);

#pragma omp parallel for schedule(static, 1)
    for (std::ptrdiff_t panel = 0; panel < static_cast<std::ptrdiff_t>(panels); ++panel) {
        const Index j0 = static_cast<Index>(panel) * kPanelWidth;
        const Index w = std::min(kPanelWidth, m_n - j0);
        double *out = m_data.get() + m_panelOffsets[static_cast<std::size_t>(panel)];
        for (Index i = 0; i < j0; i += kLanes, out += kBlockValues * w)
            for (Index lane = 0; lane < kLanes; ++lane) {
                // Row i+lane of the panel, and the mirrored strip: w contiguous values of column i+lane.
                const double *pStrip = P.data() + j0 + (i + lane) * P.outerStride();
                const double *rStrip = R.data() + j0 + (i + lane) * R.outerStride();
                for (Index k = 0; k < w; ++k) {
                    double *values = out + kBlockValues * k + lane;
                    values[0] = P(i + lane, j0 + k);
                    values[4] = pStrip[k];
                    values[8] = R(i + lane, j0 + k);
                    values[12] = rStrip[k];
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
    std::vector<MatrixXd> gradients(static_cast<std::size_t>(teamSize));

#pragma omp parallel num_threads(teamSize)
    {
        std::vector<double> gammaJScratch(static_cast<std::size_t>(kPanelWidth * r * kLanes));
        std::vector<double> towardJScratch(static_cast<std::size_t>(kPanelWidth * r * kLanes));
        MatrixXd gradient; // this thread's (A + Aᵀ)γ, summed in thread order below
        if (options.wantGradient)
            gradient = MatrixXd::Zero(n + kGradientPadding, r);
            // static round-robin: a fixed thread count gives a fixed summation order, hence reproducible
            // results
#pragma omp for schedule(static, 1)
        for (std::ptrdiff_t panel = 0; panel < static_cast<std::ptrdiff_t>(panels); ++panel) {
            const Index j0 = static_cast<Index>(panel) * kPanelWidth;
            const Index w = std::min(kPanelWidth, n - j0);
            const double *in = m_data.get() + m_panelOffsets[static_cast<std::size_t>(panel)];
            const detail::PanelArguments arguments{in,
                                                   j0,
                                                   gamma.data(),
                                                   gamma.outerStride(),
                                                   r,
                                                   options.wantGradient ? gradient.data() : nullptr,
                                                   n + kGradientPadding,
                                                   gammaJScratch.data(),
                                                   towardJScratch.data()};
            double sum = kernelFor(w)(arguments);
            in += panelSize(j0, w) - 2 * w * w; // the diagonal blocks of P and R end the panel

            const auto gammaJ = gamma.middleRows(j0, w);
            const Eigen::Map<const MatrixXd> diagonalP(in, w, w);
            const Eigen::Map<const MatrixXd> diagonalR(in + w * w, w, w);
            const MatrixXd residual = diagonalP.cwiseProduct(gammaJ * gammaJ.transpose()) - diagonalR;
            sum += residual.squaredNorm();
            if (options.wantGradient) {
                const MatrixXd weighted = diagonalP.cwiseProduct(residual);
                gradient.middleRows(j0, w).noalias() += (weighted + weighted.transpose()) * gammaJ;
            }
            panelSums[static_cast<std::size_t>(panel)] = sum;
        }
        gradients[static_cast<std::size_t>(omp_get_thread_num())] = std::move(gradient);
    }

    Evaluation result;
    detail::combinePartials(panelSums, gradients, n, r, options, result);
    return result;
}

} // namespace gradlens
