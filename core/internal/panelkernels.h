#pragma once

// The register kernels behind every pass over P and R (and the numerical gradient's rows), and the table
// that picks their build: each is compiled for AVX-512, for AVX2 + FMA and for the baseline x86-64 (see
// panelkernels_impl.h), so that a portable binary runs on any x86-64 and is still fast where the CPU can.

#include <cstddef>
#include <cstdint>

namespace gradlens::detail {

using Index = std::ptrdiff_t;

constexpr Index kPanelWidth = 8;
constexpr Index kMaxVectorLanes = 8; // the widest kernel build's vectors (AVX-512)
// The paired layout's blocks hold as many rows as the kernel build's vectors (4 or 8: a panel's j0 is a
// multiple of 8, so its rows split into whole blocks). Per block and column: P(i, j), P(j, i), R(i, j),
// R(j, i) for the block's rows.
constexpr Index pairedBlockValues(Index lanes) {
    return 4 * lanes;
}
constexpr std::uintptr_t kPrefetchAheadBytes = 16384;
constexpr Index kLayoutStreams = 4; // interleaved runs of blocks a layout kernel reads at once

// Where a panel kernel reads P and R from.
enum class PanelSource {
    Paired,  // the paired layout: each entry beside its mirror, rows above the panel's diagonal block
    Columns, // P and R as stored (column-major), rows [firstRow, rows)
};
constexpr int kPanelSources = 2;

// One panel J = columns [j0, j0 + w), and where its results go.
struct PanelArguments {
    const double *in;     // Paired: the panel's blocks as laid out. Columns: &P(0, j0)
    const double *target; // Columns: &R(0, j0)
    Index ldP, ldR;       // Columns: the column strides of P and R
    double *residual;     // Columns: &M(0, j0) to store M, or nullptr
    Index ldResidual;     // its column stride
    Index firstRow, rows; // Columns: rows [firstRow, rows) (Paired: the j0 rows above the diagonal)
    bool twice;           // Columns: the upper triangle of symmetric P and R, each entry its mirror too
    Index j0;             // first column of the panel
    const double *gamma;  // γ: n×r, column-major
    Index ldGamma;        // γ's column stride
    Index r;              // γ's columns
    double *gradient;     // this thread's (A + Aᵀ)γ, or nullptr for the loss alone
    Index ldGradient;     // its column stride
    double *gammaJ;       // scratch: kPanelWidth·r·kMaxVectorLanes doubles
    double *towardJ;      // scratch: kPanelWidth·r·kMaxVectorLanes doubles
};

// Returns Σ m² over the entries the panel stands for (mirrors included); with a gradient, rows I of
// `gradient` gain B γ_J and rows J gain Bᵀ γ_I, B the weighted residual of the visited entries (with their
// mirrors' part, B_ij = P_ij M_ij + P_ji M_ji, where a visited entry stands for its mirror too).
using PanelKernel = double (*)(const PanelArguments &);

// Row k of the structured numerical gradient: the 2n − 1 entries of X = γγᵀ a change of γ_kc touches.
struct RowArrays {
    const double *gamma;       // γ: n×r, column-major
    Index ldGamma, r;          // γ's column stride and columns
    double *x;                 // X_kj = γ_k·γ_j: written by rowResiduals
    const double *pRow, *rRow; // P_kj, R_kj
    const double *pCol, *rCol; // P_jk, R_jk
    double *oldRow, *oldCol;   // M_kj, M_jk: written by rowResiduals
    Index n, k;
};

// Fills x, oldRow and oldCol; returns Σ_j |m|(|p x| + |r|) over both, the scale of their rounding.
using RowResiduals = double (*)(const RowArrays &);
// For q < Q: the change of Σ_{j≠k} m_kj² + m_jk² when X_kj = X_jk becomes x_j + step[q]·g[q][j] (into
// plus[q]) and, with both sides, x_j − step[q]·g[q][j] (into minus[q]). Every changed entry is evaluated
// anew and the change of its square taken as (new − old)(new + old): an honest difference of f, no
// algebraic shortcut.
using StepChanges = void (*)(const RowArrays &, const double *const *g, const double *step, double *plus,
                             double *minus);
constexpr int kStepColumns = 4; // columns of row k per pass of the wide StepChanges

// Σ of the `width` ≤ kPanelWidth columns of `rows` doubles from `first` (column stride ld), read at memory
// speed: the benchmark's floor.
using ColumnSum = double (*)(const double *first, Index ld, Index rows, Index width);

// `iterations` rounds of multiply-adds on twelve independent vectors: timed by the benchmark, the rate this
// core sustains (kMultiplyAddVectors·vectorLanes per round), the floor of a pass bound by its arithmetic.
using MultiplyAddLoop = double (*)(std::int64_t iterations);
constexpr int kMultiplyAddVectors = 12;

struct KernelTable {
    Index vectorLanes;                             // rows per kernel step, and per block of the paired layout
    PanelKernel panel[kPanelSources][kPanelWidth]; // by source and panel width − 1
    ColumnSum columnSum;
    MultiplyAddLoop multiplyAddLoop;
    RowResiduals rowResiduals;
    StepChanges oneColumnOneSide, oneColumnBothSides, wideBothSides; // the last: kStepColumns columns
};

const KernelTable &kernelTableAvx512();  // needs a CPU with x86-64-v4 (AVX-512 F, VL, DQ, BW, CD)
const KernelTable &kernelTableAvx2();    // needs a CPU with AVX2 and FMA
const KernelTable &kernelTableGeneric(); // any x86-64
// The widest build the CPU runs: AVX-512 (eight-wide vectors), AVX2 + FMA, or the baseline.
// GRADLENS_KERNEL=avx2 or =generic forces a narrower one (the tests run all three).
const KernelTable &kernels();

inline PanelKernel panelKernel(PanelSource source, Index width) {
    return kernels().panel[static_cast<int>(source)][width - 1];
}

} // namespace gradlens::detail
