// libFuzzer harness, built once per reader with GRADLENS_FUZZ_PARSER naming its parse function: any bytes
// must give a matrix or a clear error, never a crash, a hang or a sanitizer report.
#include "matrixio.h"
#include "npyformat.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <unistd.h>

namespace {

// The .mat reader opens a path (libmatio reads files): the bytes go to one temporary file per process,
// which is what the error messages must then name.
char matFile[] = "/tmp/gradlens_fuzz_XXXXXX.mat"; // a plain array: still there when atexit handlers run

std::string matPath() {
    static const bool created = [] {
        const int fd = mkstemps(matFile, 4);
        if (fd < 0)
            std::abort();
        close(fd);
        std::atexit([] { unlink(matFile); }); // one file per run, removed when libFuzzer exits
        return true;
    }();
    return created ? matFile : "";
}

gradlens::Status readMatBytes(std::string_view bytes, const std::string &, Eigen::MatrixXd &out) {
    std::FILE *file = std::fopen(matPath().c_str(), "wb");
    if (!file || std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size() || std::fclose(file) != 0)
        std::abort();
    return gradlens::readMatrix(matPath(), out);
}

[[maybe_unused]] std::string nameFor(gradlens::Status (*parser)(std::string_view, const std::string &,
                                                                Eigen::MatrixXd &)) {
    return parser == &readMatBytes ? matPath() : "fuzz";
}

// parseMatrixMarket takes an optional notice: wrap so every parser has the same shape.
gradlens::Status parseMatrixMarket(std::string_view bytes, const std::string &name, Eigen::MatrixXd &out) {
    std::string notice;
    return gradlens::parseMatrixMarket(bytes, name, out, &notice);
}
using gradlens::parseDelimited;
using gradlens::parseNpy;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    Eigen::MatrixXd matrix;
    const std::string name = nameFor(&GRADLENS_FUZZ_PARSER);
    const gradlens::Status status =
        GRADLENS_FUZZ_PARSER(std::string_view(reinterpret_cast<const char *>(data), size), name, matrix);
    if (status.ok && (matrix.rows() < 1 || matrix.cols() < 1))
        std::abort(); // success must mean a real matrix
    if (!status.ok && status.message.rfind(name, 0) != 0)
        std::abort(); // every error names the input
    if (!status.ok && status.message.find('\n') != std::string::npos)
        std::abort(); // in one line
    return 0;
}
