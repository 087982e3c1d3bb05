#pragma once

// The paired layout's register kernel (see pairedlayout.h), compiled once per instruction set: the core
// includes this header in pairedkernel_avx2.cpp (built with -mavx2 -mfma) and pairedkernel_generic.cpp
// (the baseline x86-64), and pairedlayout.cpp picks one at run time. Everything here has internal linkage
// (an unnamed namespace) and touches no Eigen or standard-library template: an inline function shared by
// the two translation units could be merged by the linker into its AVX2 copy and then run on a CPU without
// AVX2.

#include "pairedkernel.h"

#include <cstdint>

namespace gradlens::detail {
namespace {

using Index = std::ptrdiff_t;

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

// The pairs of panel J above its diagonal block: Σ (m_ij² + m_ji²) returned; with a gradient, rows I of
// `gradient` gain B γ_J and rows J gain Bᵀ γ_I, B_ij = P_ij M_ij + P_ji M_ji. One pass over the panel's
// data: X = γ_I γ_Jᵀ, M, B and both products per block of four rows, all in registers.
template <int W> double panelPairs(const PanelArguments &a) {
    const Index r = a.r;
    const Index j0 = a.j0;
    const double *in = a.in;
    double *gammaJ = a.gammaJ;
    double *towardJ = a.towardJ;
    for (Index k = 0; k < W; ++k)
        for (Index c = 0; c < r; ++c) {
            store(gammaJ + (k * r + c) * kLanes, Vec4{} + a.gamma[j0 + k + c * a.ldGamma]);
            store(towardJ + (k * r + c) * kLanes, Vec4{});
        }
    const bool wantGradient = a.gradient != nullptr;
    Vec4 sum{};
    for (Index i = 0; i < j0; i += kLanes) {
        // The hardware prefetcher stalls while a block computes; asking 16 KB ahead keeps memory busy
        // (1.3× the stream-read instead of 1.7× at n = 4096, r = 8). Integer arithmetic, because near the end
        // the address lies past the data; a prefetch never faults.
        const std::uintptr_t ahead = reinterpret_cast<std::uintptr_t>(in) + kPrefetchAheadBytes;
        for (std::uintptr_t line = 0; line < kBlockValues * W * sizeof(double); line += 64)
            __builtin_prefetch(reinterpret_cast<const void *>(ahead + line));
        const double *gammaI = a.gamma + i;
        Vec4 x[W] = {};
        for (Index c = 0; c < r; ++c) { // x_k = γγᵀ at rows i…i+3, column j0+k (and at the mirrors)
            const Vec4 g = load(gammaI + c * a.ldGamma);
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
            double *rowsI = a.gradient + i + c * a.ldGradient;
            Vec4 t = load(rowsI);
            for (int k = 0; k < W; ++k)
                t += x[k] * load(gammaJ + (k * r + c) * kLanes);
            store(rowsI, t);
            const Vec4 g = load(gammaI + c * a.ldGamma);
            for (int k = 0; k < W; ++k) {
                double *accumulator = towardJ + (k * r + c) * kLanes;
                store(accumulator, load(accumulator) + x[k] * g);
            }
        }
    }
    if (wantGradient)
        for (Index k = 0; k < W; ++k)
            for (Index c = 0; c < r; ++c)
                a.gradient[j0 + k + c * a.ldGradient] += laneSum(load(towardJ + (k * r + c) * kLanes));
    return laneSum(sum);
}

// The kernel for a panel of w = 1 … kPanelWidth columns.
inline PanelKernel kernelForWidth(Index w) {
    switch (w) {
    case 1:
        return &panelPairs<1>;
    case 2:
        return &panelPairs<2>;
    case 3:
        return &panelPairs<3>;
    case 4:
        return &panelPairs<4>;
    case 5:
        return &panelPairs<5>;
    case 6:
        return &panelPairs<6>;
    case 7:
        return &panelPairs<7>;
    default:
        return &panelPairs<8>;
    }
}

} // namespace
} // namespace gradlens::detail
