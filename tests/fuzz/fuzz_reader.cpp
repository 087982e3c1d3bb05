// libFuzzer harness, built once per reader with GRADLENS_FUZZ_PARSER naming its parse function: any bytes
// must give a matrix or a clear error, never a crash, a hang or a sanitizer report.
#include "matrixio.h"
#include "npyformat.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    Eigen::MatrixXd matrix;
    const gradlens::Status status = gradlens::GRADLENS_FUZZ_PARSER(
        std::string_view(reinterpret_cast<const char *>(data), size), "fuzz", matrix);
    if (status.ok && (matrix.rows() < 1 || matrix.cols() < 1))
        std::abort(); // success must mean a real matrix
    if (!status.ok && status.message.rfind("fuzz", 0) != 0)
        std::abort(); // every error names the input
    return 0;
}
