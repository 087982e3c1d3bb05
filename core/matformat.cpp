#include "matformat.h"

#ifdef GRADLENS_HAVE_MATIO
#include <matio.h>
#endif

#include <cstdint>
#include <memory>
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

constexpr std::uint64_t kMaxEntries = std::uint64_t(1) << 30;

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
        return "is empty";
    return {};
}

template <typename T> void convert(const void *data, Eigen::MatrixXd &out) {
    const T *values = static_cast<const T *>(data);
    for (Eigen::Index k = 0; k < out.size(); ++k)
        out.data()[k] = static_cast<double>(values[k]); // MATLAB is column-major, like Eigen
}

} // namespace

bool matSupportBuilt() {
    return true;
}

Status readMat(const std::string &path, const std::string &variable, Eigen::MatrixXd &out) {
    MatFile file(Mat_Open(path.c_str(), MAT_ACC_RDONLY));
    if (!file)
        return Status::failure(
            path + ": cannot open as a MATLAB .mat file (missing, unreadable or not a .mat file)");
    std::string chosen = variable;
    if (chosen.empty()) {
        std::vector<std::string> numeric, all;
        while (MatVariable info{Mat_VarReadNextInfo(file.get())}) {
            const std::string name = info->name ? info->name : "";
            all.push_back(name);
            if (refusal(*info).empty())
                numeric.push_back(name);
        }
        auto list = [](const std::vector<std::string> &names) {
            std::string text;
            for (const std::string &name : names)
                text += (text.empty() ? "" : ", ") + name;
            return text.empty() ? std::string("none") : text;
        };
        if (numeric.size() != 1)
            return Status::failure(path + ": " +
                                   (numeric.empty()
                                        ? "no numeric 2-D variable (variables: " + list(all) + ")"
                                        : "several numeric variables (" + list(numeric) +
                                              "): name one, as in " + path + ":" + numeric.front()));
        chosen = numeric.front();
        Mat_Rewind(file.get());
    }
    MatVariable info(Mat_VarReadInfo(file.get(), chosen.c_str()));
    if (!info)
        return Status::failure(path + ": no variable named '" + chosen + "'");
    if (const std::string why = refusal(*info); !why.empty())
        return Status::failure(path + ": variable '" + chosen + "' " + why);
    const std::uint64_t rows = info->dims[0], cols = info->dims[1];
    if (rows > kMaxEntries || cols > kMaxEntries || rows * cols > kMaxEntries)
        return Status::failure(path + ": variable '" + chosen + "' is too large to load");
    MatVariable data(Mat_VarRead(file.get(), chosen.c_str()));
    if (!data || !data->data)
        return Status::failure(path + ": variable '" + chosen + "' could not be read (the file is damaged)");
    Eigen::MatrixXd matrix(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    switch (data->class_type) {
    case MAT_C_DOUBLE:
        convert<double>(data->data, matrix);
        break;
    case MAT_C_SINGLE:
        convert<float>(data->data, matrix);
        break;
    case MAT_C_INT8:
        convert<std::int8_t>(data->data, matrix);
        break;
    case MAT_C_UINT8:
        convert<std::uint8_t>(data->data, matrix);
        break; // logical arrays are uint8
    case MAT_C_INT16:
        convert<std::int16_t>(data->data, matrix);
        break;
    case MAT_C_UINT16:
        convert<std::uint16_t>(data->data, matrix);
        break;
    case MAT_C_INT32:
        convert<std::int32_t>(data->data, matrix);
        break;
    case MAT_C_UINT32:
        convert<std::uint32_t>(data->data, matrix);
        break;
    case MAT_C_INT64:
        convert<std::int64_t>(data->data, matrix);
        break;
    case MAT_C_UINT64:
        convert<std::uint64_t>(data->data, matrix);
        break;
    default:
        return Status::failure(path + ": variable '" + chosen + "' has an unsupported class");
    }
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
