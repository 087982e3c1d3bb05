// Built with -mavx2 -mfma (core/CMakeLists.txt); used only where the CPU has both.
#define GRADLENS_VECTOR_LANES 4
#include "panelkernels_impl.h"

namespace gradlens::detail {

const KernelTable &kernelTableAvx2() {
    static const KernelTable table = makeKernelTable();
    return table;
}

} // namespace gradlens::detail
