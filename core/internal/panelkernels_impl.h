#pragma once

// The register kernels (see panelkernels.h), compiled once per instruction set: the core includes this
// header in panelkernels_avx512.cpp (x86-64-v4, eight-wide vectors), panelkernels_avx2.cpp (-mavx2 -mfma)
// and panelkernels_generic.cpp (the baseline x86-64), each defining GRADLENS_VECTOR_LANES first, and
// kernels() picks one table at run time. Everything here has internal linkage (an unnamed
// namespace) and calls no Eigen or standard-library function: an inline function shared by the three
// translation units could be merged by the linker into its AVX-512 copy and then run on a CPU without it.

#include "panelkernels.h"

#include <cstdint>

namespace gradlens::detail {
namespace {

// kVectorLanes doubles, loaded and stored at any 8-byte address. GCC's vector extension: AVX-512 or AVX2
// registers where the target has them, pairs of SSE2 registers otherwise; a∗b+c contracts to FMA where the
// target has it. A kernel step covers kVectorLanes rows: one block of a layout.
constexpr Index kVectorLanes = GRADLENS_VECTOR_LANES;
typedef double Vec __attribute__((vector_size(8 * GRADLENS_VECTOR_LANES), aligned(8), may_alias));

inline Vec load(const double *p) {
    return *reinterpret_cast<const Vec *>(p);
}
inline void store(double *p, Vec v) {
    *reinterpret_cast<Vec *>(p) = v;
}
inline double laneSum(Vec v) {
    double sum = 0;
    for (Index lane = 0; lane < kVectorLanes; ++lane)
        sum += v[lane];
    return sum;
}
inline double magnitude(double v) {
    return v < 0 ? -v : v;
}

// One panel of W columns in one pass over its data: per block of kVectorLanes rows X = γ_I γ_Jᵀ, M, the
// weighted residual B and both gradient products, all in registers (see PanelArguments and PanelKernel).
template <int W, PanelSource S> double panelKernel(const PanelArguments &a) {
    constexpr bool kLaidOut = S == PanelSource::Paired;
    constexpr Index kBlockValues = pairedBlockValues(kVectorLanes);
    const Index r = a.r;
    const Index j0 = a.j0;
    double *gammaJ = a.gammaJ;
    double *towardJ = a.towardJ;
    auto scratch = [r](Index k, Index c) { return (k * r + c) * kVectorLanes; };
    for (Index k = 0; k < W; ++k)
        for (Index c = 0; c < r; ++c) {
            store(gammaJ + scratch(k, c), Vec{} + a.gamma[j0 + k + c * a.ldGamma]);
            store(towardJ + scratch(k, c), Vec{});
        }
    const bool wantGradient = a.gradient != nullptr;
    // An entry of symmetric P and R stands for its mirror too: it counts twice in Σ m², and B = 2 P∘M.
    const bool twice = !kLaidOut && a.twice;
    const Index firstRow = kLaidOut ? 0 : a.firstRow;
    const Index rows = kLaidOut ? j0 : a.rows;
    const Index blockRows = rows - (rows - firstRow) % kVectorLanes;
    Vec sum{};
    // kVectorLanes rows from row i; `in` is their data in a layout.
    auto block = [&](Index i, const double *in) {
        if constexpr (kLaidOut) {
            // The hardware prefetcher stalls while a block computes; asking 16 KB ahead keeps memory busy
            // (1.3× the stream-read instead of 1.7× at n = 4096, r = 8). Integer arithmetic, because near the
            // end the address lies past the data; a prefetch never faults.
            const std::uintptr_t ahead = reinterpret_cast<std::uintptr_t>(in) + kPrefetchAheadBytes;
            for (std::uintptr_t line = 0; line < kBlockValues * W * sizeof(double); line += 64)
                __builtin_prefetch(reinterpret_cast<const void *>(ahead + line));
        }
        const double *gammaI = a.gamma + i;
        Vec x[W] = {};
        for (Index c = 0; c < r; ++c) { // x_k = γγᵀ at rows i…, column j0+k (and at the mirrors)
            const Vec g = load(gammaI + c * a.ldGamma);
            for (int k = 0; k < W; ++k)
                x[k] += g * load(gammaJ + scratch(k, c));
        }
        Vec squares{};
        for (int k = 0; k < W; ++k) {
            if constexpr (S == PanelSource::Paired) {
                const double *values = in + kBlockValues * k;
                const Vec pUpper = load(values), pLower = load(values + kVectorLanes),
                          rUpper = load(values + 2 * kVectorLanes), rLower = load(values + 3 * kVectorLanes);
                const Vec upper = pUpper * x[k] - rUpper;
                const Vec lower = pLower * x[k] - rLower;
                squares += upper * upper + lower * lower;
                x[k] = pUpper * upper + pLower * lower; // now B
            } else {
                const Vec p = load(a.in + i + k * a.ldP);
                const Vec t = load(a.target + i + k * a.ldR);
                const Vec m = p * x[k] - t;
                squares += m * m;
                if (a.residual != nullptr)
                    store(a.residual + i + k * a.ldResidual, m);
                x[k] = p * m; // now P∘M
                if (twice)
                    x[k] += x[k];
            }
        }
        sum += squares;
        if (!wantGradient)
            return;
        for (Index c = 0; c < r; ++c) {
            double *rowsI = a.gradient + i + c * a.ldGradient;
            Vec t = load(rowsI);
            for (int k = 0; k < W; ++k)
                t += x[k] * load(gammaJ + scratch(k, c));
            store(rowsI, t);
            const Vec g = load(gammaI + c * a.ldGamma);
            for (int k = 0; k < W; ++k) {
                double *accumulator = towardJ + scratch(k, c);
                store(accumulator, load(accumulator) + x[k] * g);
            }
        }
    };
    if constexpr (kLaidOut) {
        // The panel's blocks as kLayoutStreams interleaved runs: one sequential stream per core keeps too
        // few reads in flight (the direct pass, reading 16 columns at once, was 1.5× faster at r = 1).
        const Index blocks = rows / kVectorLanes; // j0 is a multiple of 8
        const Index perStream = (blocks + kLayoutStreams - 1) / kLayoutStreams;
        for (Index b = 0; b < perStream; ++b)
            for (Index stream = 0; stream < kLayoutStreams; ++stream)
                if (const Index index = stream * perStream + b; index < blocks)
                    block(index * kVectorLanes, a.in + index * kBlockValues * W);
    } else {
        for (Index i = firstRow; i < blockRows; i += kVectorLanes)
            block(i, nullptr);
    }
    double total = laneSum(sum);
    if constexpr (!kLaidOut) {
        // The last (rows − firstRow) % kVectorLanes rows, one at a time.
        for (Index i = blockRows; i < rows; ++i)
            for (Index k = 0; k < W; ++k) {
                double x = 0;
                for (Index c = 0; c < r; ++c)
                    x += a.gamma[i + c * a.ldGamma] * a.gamma[j0 + k + c * a.ldGamma];
                const double p = a.in[i + k * a.ldP];
                const double m = p * x - a.target[i + k * a.ldR];
                total += m * m;
                if (a.residual != nullptr)
                    a.residual[i + k * a.ldResidual] = m;
                if (!wantGradient)
                    continue;
                const double b = twice ? 2 * p * m : p * m;
                for (Index c = 0; c < r; ++c) {
                    a.gradient[i + c * a.ldGradient] += b * a.gamma[j0 + k + c * a.ldGamma];
                    towardJ[scratch(k, c)] += b * a.gamma[i + c * a.ldGamma];
                }
            }
    }
    if (wantGradient)
        for (Index k = 0; k < W; ++k)
            for (Index c = 0; c < r; ++c)
                a.gradient[j0 + k + c * a.ldGradient] += laneSum(load(towardJ + scratch(k, c)));
    return twice ? 2 * total : total;
}

template <PanelSource S> void fillPanelKernels(PanelKernel (&kernels)[kPanelWidth]) {
    kernels[0] = &panelKernel<1, S>;
    kernels[1] = &panelKernel<2, S>;
    kernels[2] = &panelKernel<3, S>;
    kernels[3] = &panelKernel<4, S>;
    kernels[4] = &panelKernel<5, S>;
    kernels[5] = &panelKernel<6, S>;
    kernels[6] = &panelKernel<7, S>;
    kernels[7] = &panelKernel<8, S>;
}

inline Vec magnitude(Vec v) {
    return v < 0 ? -v : v;
}

// The rows j ≠ k of a row's arrays: [0, k) and [k + 1, n), each a vector at a time and then one at a time.
template <typename Vector, typename One>
void everyOtherEntry(const RowArrays &a, const Vector &vector, const One &one) {
    const Index from[2] = {0, a.k + 1}, to[2] = {a.k, a.n};
    for (int range = 0; range < 2; ++range) {
        Index j = from[range];
        for (; j + kVectorLanes <= to[range]; j += kVectorLanes)
            vector(j);
        for (; j < to[range]; ++j)
            one(j);
    }
}

double rowResiduals(const RowArrays &a) {
    Vec noise{};
    double tail = 0;
    Index j = 0;
    for (; j + kVectorLanes <= a.n; j += kVectorLanes) {
        Vec x{};
        for (Index c = 0; c < a.r; ++c)
            x += load(a.gamma + j + c * a.ldGamma) * a.gamma[a.k + c * a.ldGamma];
        store(a.x + j, x);
        const Vec pRow = load(a.pRow + j), rRow = load(a.rRow + j), pCol = load(a.pCol + j),
                  rCol = load(a.rCol + j);
        const Vec row = pRow * x - rRow, col = pCol * x - rCol;
        store(a.oldRow + j, row);
        store(a.oldCol + j, col);
        noise += magnitude(row) * (magnitude(pRow * x) + magnitude(rRow)) +
                 magnitude(col) * (magnitude(pCol * x) + magnitude(rCol));
    }
    for (; j < a.n; ++j) {
        double x = 0;
        for (Index c = 0; c < a.r; ++c)
            x += a.gamma[j + c * a.ldGamma] * a.gamma[a.k + c * a.ldGamma];
        a.x[j] = x;
        const double row = a.pRow[j] * a.x[j] - a.rRow[j];
        const double col = a.pCol[j] * a.x[j] - a.rCol[j];
        a.oldRow[j] = row;
        a.oldCol[j] = col;
        tail += magnitude(row) * (magnitude(a.pRow[j] * a.x[j]) + magnitude(a.rRow[j])) +
                magnitude(col) * (magnitude(a.pCol[j] * a.x[j]) + magnitude(a.rCol[j]));
    }
    return laneSum(noise) + tail;
}

// The change of m_kj² + m_jk² when X_kj = X_jk becomes changedX: both entries evaluated anew, then each
// square's change as (new − old)(new + old), which keeps the small difference exact.
template <typename T> inline T pairChange(T changedX, T pRow, T rRow, T oldRow, T pCol, T rCol, T oldCol) {
    const T row = pRow * changedX - rRow, col = pCol * changedX - rCol;
    return (row - oldRow) * (row + oldRow) + (col - oldCol) * (col + oldCol);
}

// Q columns of row k per pass over j (Q = 1 or kStepColumns): row k's seven arrays are read once for the Q.
template <int Q, bool BothSides>
void stepChanges(const RowArrays &a, const double *const *g, const double *step, double *plus,
                 double *minus) {
    Vec plusSums[Q] = {}, minusSums[Q] = {};
    double plusTail[Q] = {}, minusTail[Q] = {};
    everyOtherEntry(
        a,
        [&](Index j) {
            const Vec x = load(a.x + j), pr = load(a.pRow + j), rr = load(a.rRow + j),
                      orow = load(a.oldRow + j), pc = load(a.pCol + j), rc = load(a.rCol + j),
                      ocol = load(a.oldCol + j);
            for (int q = 0; q < Q; ++q) {
                const Vec change = step[q] * load(g[q] + j);
                plusSums[q] += pairChange(x + change, pr, rr, orow, pc, rc, ocol);
                if (BothSides)
                    minusSums[q] += pairChange(x - change, pr, rr, orow, pc, rc, ocol);
            }
        },
        [&](Index j) {
            for (int q = 0; q < Q; ++q) {
                const double change = step[q] * g[q][j];
                plusTail[q] += pairChange(a.x[j] + change, a.pRow[j], a.rRow[j], a.oldRow[j], a.pCol[j],
                                          a.rCol[j], a.oldCol[j]);
                if (BothSides)
                    minusTail[q] += pairChange(a.x[j] - change, a.pRow[j], a.rRow[j], a.oldRow[j], a.pCol[j],
                                               a.rCol[j], a.oldCol[j]);
            }
        });
    for (int q = 0; q < Q; ++q) {
        plus[q] = laneSum(plusSums[q]) + plusTail[q];
        if (BothSides)
            minus[q] = laneSum(minusSums[q]) + minusTail[q];
    }
}

// The columns side by side, as the panel kernels read them: several streams at once keep more reads in
// flight than one (one stream per core measured 1.25× slower than the direct pass at r = 1). One vector
// sum per column: independent additions, not one chain held back by the adder's latency.
double columnSum(const double *first, Index ld, Index rows, Index width) {
    Vec sums[kPanelWidth] = {};
    double tail = 0;
    const Index blockRows = rows - rows % kVectorLanes;
    for (Index i = 0; i < blockRows; i += kVectorLanes)
        for (Index k = 0; k < width; ++k)
            sums[k] += load(first + i + k * ld);
    Vec total{};
    for (Index k = 0; k < width; ++k) {
        total += sums[k];
        for (Index i = blockRows; i < rows; ++i)
            tail += first[i + k * ld];
    }
    return laneSum(total) + tail;
}

double multiplyAddLoop(std::int64_t iterations) {
    const Vec factor = Vec{} + 0.999999, shift = Vec{} + 1e-9;
    Vec v[kMultiplyAddVectors];
    for (int i = 0; i < kMultiplyAddVectors; ++i)
        v[i] = Vec{} + (1.0 + i);
    for (std::int64_t round = 0; round < iterations; ++round)
        for (int i = 0; i < kMultiplyAddVectors; ++i)
            v[i] = v[i] * factor + shift;
    Vec sum{};
    for (int i = 0; i < kMultiplyAddVectors; ++i)
        sum += v[i];
    return laneSum(sum);
}

KernelTable makeKernelTable() {
    KernelTable table{};
    table.vectorLanes = kVectorLanes;
    table.columnSum = &columnSum;
    table.multiplyAddLoop = &multiplyAddLoop;
    fillPanelKernels<PanelSource::Paired>(table.panel[static_cast<int>(PanelSource::Paired)]);
    fillPanelKernels<PanelSource::Columns>(table.panel[static_cast<int>(PanelSource::Columns)]);
    table.rowResiduals = &rowResiduals;
    table.oneColumnOneSide = &stepChanges<1, false>;
    table.oneColumnBothSides = &stepChanges<1, true>;
    table.wideBothSides = &stepChanges<kStepColumns, true>;
    return table;
}

} // namespace
} // namespace gradlens::detail
