// Built with -mavx2 -mfma (core/CMakeLists.txt); called only where the CPU has both.
#include "pairedkernel_impl.h"

namespace gradlens::detail {

PanelKernel pairedKernelAvx2(std::ptrdiff_t width) {
    return kernelForWidth(width);
}

} // namespace gradlens::detail
