#pragma once

// The paired layout's panel kernel: its arguments and the two builds of it (see pairedkernel_impl.h).

#include <cstddef>
#include <cstdint>

namespace gradlens::detail {

constexpr std::ptrdiff_t kPanelWidth = 8;
constexpr std::ptrdiff_t kLanes = 4; // rows per block: one four-wide vector
// Per block and column: P(i, j), P(j, i), R(i, j), R(j, i) for the block's four rows.
constexpr std::ptrdiff_t kBlockValues = 16;
constexpr std::uintptr_t kPrefetchAheadBytes = 16384;

// One panel J = columns [j0, j0 + w) of the layout, and where its results go.
struct PanelArguments {
    const double *in;       // the panel's pairs, as PairedLayout lays them out
    std::ptrdiff_t j0;      // first column of the panel
    const double *gamma;    // γ: n×r, column-major
    std::ptrdiff_t ldGamma; // γ's column stride
    std::ptrdiff_t r;
    double *gradient;          // this thread's (A + Aᵀ)γ, or nullptr for the loss alone
    std::ptrdiff_t ldGradient; // its column stride
    double *gammaJ;            // scratch: kPanelWidth·r·kLanes doubles
    double *towardJ;           // scratch: kPanelWidth·r·kLanes doubles
};

// Σ (m_ij² + m_ji²) over the panel's pairs above its diagonal block; see panelPairs.
using PanelKernel = double (*)(const PanelArguments &);

PanelKernel pairedKernelAvx2(std::ptrdiff_t width);    // needs a CPU with AVX2 and FMA
PanelKernel pairedKernelGeneric(std::ptrdiff_t width); // any x86-64

} // namespace gradlens::detail
