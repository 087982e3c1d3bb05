// Built for the baseline instruction set of the target (any x86-64 for a portable build).
#include "panelkernels_impl.h"

#include <cstdlib>
#include <string_view>

namespace gradlens::detail {

const KernelTable &kernelTableGeneric() {
    static const KernelTable table = makeKernelTable();
    return table;
}

const KernelTable &kernels() {
    static const KernelTable &table = []() -> const KernelTable & {
        const char *forced = std::getenv("GRADLENS_KERNEL");
        if (forced != nullptr && std::string_view(forced) == "generic")
            return kernelTableGeneric();
        const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        return avx2 ? kernelTableAvx2() : kernelTableGeneric();
    }();
    return table;
}

} // namespace gradlens::detail
