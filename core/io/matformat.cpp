#include "matformat.h"

#ifdef GRADLENS_HAVE_MATIO
#include <matio.h>
#endif

#include "matlayout.h"
#include "memorylimit.h"
#include "textscan.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

namespace gradlens {

#ifndef GRADLENS_HAVE_MATIO

namespace {

Status notBuilt(const std::string &path) {
    return Status::failure(path +
                           ": .mat files need libmatio, which this build does not have (install Debian's "
                           "libmatio-dev and rebuild), or save the matrix as .npy, .mtx or .csv");
}

} // namespace

bool matSupportBuilt() {
    return false;
}

Status readMat(const std::string &path, const std::string &, Eigen::MatrixXd &) {
    return notBuilt(path);
}

Status writeMat(const std::string &path, const std::string &, const Eigen::Ref<const Eigen::MatrixXd> &) {
    return notBuilt(path);
}

#else

namespace {

struct FileCloser {
    void operator()(mat_t *file) const { Mat_Close(file); }
};
struct VariableFreer {
    void operator()(matvar_t *variable) const { Mat_VarFree(variable); }
};
using MatFile = std::unique_ptr<mat_t, FileCloser>;
using MatVariable = std::unique_ptr<matvar_t, VariableFreer>;

bool numericClass(matio_classes type) {
    return type >= MAT_C_DOUBLE && type <= MAT_C_UINT64;
}

// Why a variable cannot be a matrix here, or "" when it can.
std::string refusal(const matvar_t &variable) {
    switch (variable.class_type) {
    case MAT_C_CELL:
        return "is a cell array";
    case MAT_C_STRUCT:
        return "is a struct";
    case MAT_C_OBJECT:
    case MAT_C_FUNCTION:
    case MAT_C_OPAQUE:
        return "is an object";
    case MAT_C_CHAR:
        return "is text (char)";
    case MAT_C_SPARSE:
        return "is sparse; save full(A) instead";
    case MAT_C_EMPTY:
        return "is empty";
    default:
        break;
    }
    if (!numericClass(variable.class_type))
        return "has an unsupported class";
    if (variable.isComplex)
        return "is complex: R, P and γ are real";
    if (variable.rank != 2)
        return "has " + std::to_string(variable.rank) + " dimensions, expected 2";
    if (variable.dims[0] == 0 || variable.dims[1] == 0)
        return "is empty (" + std::to_string(variable.dims[0]) + "×" + std::to_string(variable.dims[1]) + ")";
    return {};
}

// libmatio reports damaged files through its log (to stderr by default): silenced, so that the one line
// this reader returns is all the user sees.
void silenceMatioLog() {
    static std::once_flag once;
    std::call_once(once, [] { Mat_LogInitFunc("gradlens", [](int, char *) {}); });
}

Status checkLayout(const std::string &path) {
    std::ifstream file(path, std::ios::binary);
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    if (!file || error)
        return Status::failure(path + ": cannot open: " + (error ? error.message() : std::strerror(errno)));
    return checkMatLayout(file, size, path);
}

// The variable to read when none is named: the only one that can be a matrix. Otherwise the message says
// which variables there are and why each one that cannot be read is refused.
Status chooseVariable(mat_t *file, const std::string &path, std::string &chosen) {
    std::vector<std::string> usable, refused;
    while (MatVariable info{Mat_VarReadNextInfo(file)}) {
        const std::string name = info->name ? info->name : "";
        if (const std::string why = refusal(*info); why.empty())
            usable.push_back(name);
        else
            refused.push_back("'" + text::printable(name) + "' " + why);
    }
    Mat_Rewind(file);
    auto list = [](const std::vector<std::string> &items) {
        std::string text;
        for (const std::string &item : items)
            text += (text.empty() ? "" : ", ") + text::printable(item, 200);
        return text;
    };
    if (usable.size() == 1) {
        chosen = usable.front();
        return Status::success();
    }
    if (usable.empty())
        return Status::failure(
            path + ": no numeric 2-D variable" +
            (refused.empty() ? std::string(" (the file holds no variables)") : ": " + list(refused)));
    return Status::failure(path + ": several numeric variables (" + list(usable) + "): name one, as in " +
                           path + ":" + text::printable(usable.front()));
}

// Reads the data into a zero-initialised buffer of the variable's class: whatever libmatio does not fill
// stays 0, never uninitialised memory, and its return code is checked.
template <typename T> Status readAs(mat_t *file, matvar_t *info, Eigen::MatrixXd &out) {
    std::vector<T> buffer(std::size_t(out.size()), T{});
    int start[2] = {0, 0}, stride[2] = {1, 1};
    int edge[2] = {int(out.rows()), int(out.cols())};
    if (Mat_VarReadData(file, info, buffer.data(), start, stride, edge) != 0)
        return Status::failure("could not be read (the file is damaged)");
    for (Eigen::Index k = 0; k < out.size(); ++k)
        out.data()[k] = static_cast<double>(buffer[std::size_t(k)]); // MATLAB is column-major, like Eigen
    return Status::success();
}

Status readData(mat_t *file, matvar_t *info, Eigen::MatrixXd &out) {
    switch (info->class_type) {
    case MAT_C_DOUBLE:
        return readAs<double>(file, info, out);
    case MAT_C_SINGLE:
        return readAs<float>(file, info, out);
    case MAT_C_INT8:
        return readAs<std::int8_t>(file, info, out);
    case MAT_C_UINT8: // logical arrays are uint8
        return readAs<std::uint8_t>(file, info, out);
    case MAT_C_INT16:
        return readAs<std::int16_t>(file, info, out);
    case MAT_C_UINT16:
        return readAs<std::uint16_t>(file, info, out);
    case MAT_C_INT32:
        return readAs<std::int32_t>(file, info, out);
    case MAT_C_UINT32:
        return readAs<std::uint32_t>(file, info, out);
    case MAT_C_INT64:
        return readAs<std::int64_t>(file, info, out);
    case MAT_C_UINT64:
        return readAs<std::uint64_t>(file, info, out);
    default:
        return Status::failure("has an unsupported class");
    }
}

} // namespace

bool matSupportBuilt() {
    return true;
}

Status readMat(const std::string &path, const std::string &variable, Eigen::MatrixXd &out) {
    silenceMatioLog();
    if (Status layout = checkLayout(path); !layout)
        return layout;
    MatFile file(Mat_Open(path.c_str(), MAT_ACC_RDONLY));
    if (!file)
        return Status::failure(
            path + ": cannot open as a MATLAB .mat file (missing, unreadable or not a .mat file)");
    std::string chosen = variable;
    if (chosen.empty())
        if (Status choice = chooseVariable(file.get(), path, chosen); !choice)
            return choice;
    MatVariable info(Mat_VarReadInfo(file.get(), chosen.c_str()));
    if (!info)
        return Status::failure(path + ": no variable named '" + text::printable(chosen) + "'");
    const std::string prefix = path + ": variable '" + text::printable(chosen) + "' ";
    if (const std::string why = refusal(*info); !why.empty())
        return Status::failure(prefix + why);
    const std::uint64_t rows = info->dims[0], cols = info->dims[1];
    if (Status size = checkMatrixSize(rows, cols); !size)
        return Status::failure(prefix.substr(0, prefix.size() - 1) + ": " + size.message);
    if (rows > std::uint64_t(std::numeric_limits<int>::max()) ||
        cols > std::uint64_t(std::numeric_limits<int>::max()))
        return Status::failure(prefix + "has more than 2^31 rows or columns");
    Eigen::MatrixXd matrix(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    if (Status read = readData(file.get(), info.get(), matrix); !read)
        return Status::failure(prefix + read.message);
    out = std::move(matrix);
    return Status::success();
}

Status writeMat(const std::string &path, const std::string &variable,
                const Eigen::Ref<const Eigen::MatrixXd> &matrix) {
    MatFile file(Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5));
    if (!file)
        return Status::failure(path + ": cannot create the .mat file");
    const Eigen::MatrixXd contiguous = matrix; // column-major, as MATLAB stores it
    std::size_t dims[2] = {static_cast<std::size_t>(matrix.rows()), static_cast<std::size_t>(matrix.cols())};
    MatVariable out(Mat_VarCreate(variable.c_str(), MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims,
                                  const_cast<double *>(contiguous.data()), MAT_F_DONT_COPY_DATA));
    if (!out || Mat_VarWrite(file.get(), out.get(), MAT_COMPRESSION_NONE) != 0)
        return Status::failure(path + ": cannot write variable '" + variable + "'");
    return Status::success();
}

#endif

} // namespace gradlens
