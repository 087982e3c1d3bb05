// libFuzzer harness: any bytes must give a matrix or a clear error, never a crash, a hang or a sanitizer
// report. A matrix that is returned must have the shape it claims.
#include "matrixio.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    Eigen::MatrixXd matrix;
    const gradlens::Status status = gradlens::parseMatrixMarket(
        std::string_view(reinterpret_cast<const char *>(data), size), "fuzz", matrix);
    if (status.ok && (matrix.rows() < 1 || matrix.cols() < 1))
        std::abort(); // success must mean a real matrix
    if (!status.ok && status.message.rfind("fuzz", 0) != 0)
        std::abort(); // every error names the input
    return 0;
}
