#include "pairedlayout.h"

#include "panelreduction.h"

#include <omp.h>

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <utility>
#include <vector>

namespace gradlens {

using Eigen::Index;
using Eigen::MatrixXd;
using ConstRef = Eigen::Ref<const MatrixXd>;

namespace {

constexpr Index kPanelWidth = 8;
constexpr Index kLanes = 4; // rows per block: one four-wide vector
// Per block and column: P(i, j), P(j, i), R(i, j), R(j, i) for the block's four rows.
constexpr Index kBlockValues = 16;
constexpr std::uintptr_t kPrefetchAheadBytes = 16384;
// Rows of padding below each thread's n × r gradient: with n a power of two its r columns would all fall in
// the same cache sets.
constexpr Index kGradientPadding = 24;

// Four doubles, loaded and stored at any 8-byte address. GCC's vector extension: AVX2 registers where the
// target has them, pairs of SSE2 registers otherwise; a∗b+c contracts to FMA where the target has it.
typedef double Vec4 __attribute__((vector_size(32), aligned(8), may_alias));

inline Vec4 load(const double *p) {
    return *reinterpret_cast<const Vec4 *>(p);
}
inline void store(double *p, Vec4 v) {
    *reinterpret_cast<Vec4 *>(p) = v;
}
inline double laneSum(Vec4 v) {
    return (v[0] + v[1]) + (v[2] + v[3]);
}

// Layout of panel J = columns [j0, j0 + w): for each block of four rows i above the diagonal block (j0 is a
// multiple of 8, so the rows split into whole blocks) and each column k of the panel, 16 values: P(i, j0+k),
// P(j0+k, i), R(i, j0+k), R(j0+k, i) for the block's four rows. Then the diagonal blocks of P and R, w × w
// column-major each. An evaluation reads the panel front to back.
std::size_t panelSize(Index j0, Index w) {
    return static_cast<std::size_t>(4 * j0 * w + 2 * w * w);
}

// Per-thread scratch of one panel: γ_J's entries broadcast to vectors, and four-lane accumulators of
// Bᵀ γ_I for the panel's rows; both W·r vectors, k-major.
struct PanelScratch {
    std::vector<double> gammaJ, towardJ;
};

// The pairs of panel J above its diagonal block: Σ (m_ij² + m_ji²) returned; with a gradient, rows I of
// `gradient` gain B γ_J and rows J gain Bᵀ γ_I, B_ij = P_ij M_ij + P_ji M_ji. One pass over the panel's
// data: X = γ_I γ_Jᵀ, M, B and both products per block of four rows, all in registers.
template <int W>
double panelPairs(const double *in, Index j0, const ConstRef &gamma, double *gradient, Index ldGradient,
                  PanelScratch &scratch) {
    const Index r = gamma.cols();
    const Index ldGamma = gamma.outerStride();
    double *gammaJ = scratch.gammaJ.data();
    double *towardJ = scratch.towardJ.data();
    for (Index k = 0; k < W; ++k)
        for (Index c = 0; c < r; ++c) {
            store(gammaJ + (k * r + c) * kLanes, Vec4{} + gamma(j0 + k, c));
            store(towardJ + (k * r + c) * kLanes, Vec4{});
        }
    const bool wantGradient = gradient != nullptr;
    Vec4 sum{};
    for (Index i = 0; i < j0; i += kLanes) {
        // The hardware prefetcher stalls while a block computes; asking 16 KB ahead keeps memory busy
        // (1.3× the stream-read instead of 1.7× at n = 4096, r = 8). Integer arithmetic, because near the end
        // the address lies past the data; a prefetch never faults.
        const std::uintptr_t ahead = reinterpret_cast<std::uintptr_t>(in) + kPrefetchAheadBytes;
        for (std::uintptr_t line = 0; line < kBlockValues * W * sizeof(double); line += 64)
            __builtin_prefetch(reinterpret_cast<const void *>(ahead + line));
        const double *gammaI = gamma.data() + i;
        Vec4 x[W] = {};
        for (Index c = 0; c < r; ++c) { // x_k = γγᵀ at rows i…i+3, column j0+k (and at the mirrors)
            const Vec4 g = load(gammaI + c * ldGamma);
            for (int k = 0; k < W; ++k)
                x[k] += g * load(gammaJ + (k * r + c) * kLanes);
        }
        Vec4 squares{};
        for (int k = 0; k < W; ++k, in += kBlockValues) {
            const Vec4 pUpper = load(in), pLower = load(in + 4), rUpper = load(in + 8),
                       rLower = load(in + 12);
            const Vec4 upper = pUpper * x[k] - rUpper;
            const Vec4 lower = pLower * x[k] - rLower;
            squares += upper * upper + lower * lower;
            x[k] = pUpper * upper + pLower * lower; // now B
        }
        sum += squares;
        if (!wantGradient)
            continue;
        for (Index c = 0; c < r; ++c) {
            double *rowsI = gradient + i + c * ldGradient;
            Vec4 t = load(rowsI);
            for (int k = 0; k < W; ++k)
                t += x[k] * load(gammaJ + (k * r + c) * kLanes);
            store(rowsI, t);
            const Vec4 g = load(gammaI + c * ldGamma);
            for (int k = 0; k < W; ++k) {
                double *accumulator = towardJ + (k * r + c) * kLanes;
                store(accumulator, load(accumulator) + x[k] * g);
            }
        }
    }
    if (wantGradient)
        for (Index k = 0; k < W; ++k)
            for (Index c = 0; c < r; ++c)
                gradient[j0 + k + c * ldGradient] += laneSum(load(towardJ + (k * r + c) * kLanes));
    return laneSum(sum);
}

using PanelKernel = double (*)(const double *, Index, const ConstRef &, double *, Index, PanelScratch &);

template <int... Widths> PanelKernel kernelFor(Index w, std::integer_sequence<int, Widths...>) {
    PanelKernel kernel = nullptr;
    ((w == Widths + 1 ? (kernel = &panelPairs<Widths + 1>) : nullptr), ...);
    return kernel;
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
        PanelScratch scratch{std::vector<double>(static_cast<std::size_t>(kPanelWidth * r * kLanes)),
                             std::vector<double>(static_cast<std::size_t>(kPanelWidth * r * kLanes))};
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
            const PanelKernel kernel = kernelFor(w, std::make_integer_sequence<int, kPanelWidth>{});
            double sum = kernel(in, j0, gamma, options.wantGradient ? gradient.data() : nullptr,
                                n + kGradientPadding, scratch);
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
