// Built for the baseline instruction set of the target (any x86-64 for a portable build).
#include "pairedkernel_impl.h"

namespace gradlens::detail {

PanelKernel pairedKernelGeneric(std::ptrdiff_t width) {
    return kernelForWidth(width);
}

} // namespace gradlens::detail
