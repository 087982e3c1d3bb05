#pragma once

#include "status.h"

#include <Eigen/Core>

#include <string>
#include <string_view>

namespace gradlens {

// NumPy .npy, versions 1, 2 and 3. Read: C and Fortran order; dtypes f8, f4, i8, i4, i2, i1, u8, u4, u2,
// u1 and b1 in either byte order, converted to double; shapes () (1×1), (n,) (a column n×1) and (n, m).
// Object, structured and complex arrays and more than two dimensions are refused with a message. Sizes
// are checked against the bytes present before anything is allocated. Errors name the file and the byte
// offset: "g.npy: byte 10: ...".
Status parseNpy(std::string_view bytes, const std::string &name, Eigen::MatrixXd &out);

// Version 1.0, '<f8', C order, shape (rows, cols): what numpy.load reads back bit-identical.
std::string toNpy(const Eigen::Ref<const Eigen::MatrixXd> &matrix);

} // namespace gradlens
