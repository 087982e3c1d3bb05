// Built for the baseline instruction set of the target (any x86-64 for a portable build).
#define GRADLENS_VECTOR_LANES 4
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
        const char *forcedName = std::getenv("GRADLENS_KERNEL");
        const std::string_view forced = forcedName != nullptr ? forcedName : "";
        const bool avx2 =
            forced != "generic" && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        const bool avx512 = avx2 && forced != "avx2" && __builtin_cpu_supports("avx512f") &&
                            __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                            __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512cd");
        return avx512 ? kernelTableAvx512() : avx2 ? kernelTableAvx2() : kernelTableGeneric();
    }();
    return table;
}

} // namespace gradlens::detail
