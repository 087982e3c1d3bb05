#pragma once

#include "status.h"

#include <Eigen/Core>

#include <string>

namespace gradlens {

// MATLAB .mat files through libmatio (an optional dependency: without it every call reports that .mat
// support was not built in). Reads one numeric 2-D variable: the one named (path "file.mat:gamma"), or the
// only numeric 2-D variable in the file. Numeric and logical classes are converted to double; complex,
// sparse, cell, struct, char and object variables are refused with a message naming the variable.
bool matSupportBuilt();
Status readMat(const std::string &path, const std::string &variable, Eigen::MatrixXd &out);

// Writes one double variable (MAT 5 format), e.g. for tests and for users who want a .mat back.
Status writeMat(const std::string &path, const std::string &variable,
                const Eigen::Ref<const Eigen::MatrixXd> &matrix);

} // namespace gradlens
