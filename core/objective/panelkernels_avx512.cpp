// Built for x86-64-v4 with eight-wide vectors (core/CMakeLists.txt); used only where the CPU has AVX-512.
#define GRADLENS_VECTOR_LANES 8
#include "panelkernels_impl.h"

namespace gradlens::detail {

const KernelTable &kernelTableAvx512() {
    static const KernelTable table = makeKernelTable();
    return table;
}

} // namespace gradlens::detail
