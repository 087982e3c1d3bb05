#pragma once

#include "linereader.h"
#include "status.h"

#include <Eigen/Core>

#include <cstdint>
#include <string>

namespace gradlens {

// The parts of a Matrix Market reader, each usable and testable alone; parseMatrixMarket (matrixio.h)
// chains them: banner, size line, then the array or the coordinate body. Each reads from a LineReader
// positioned where its part starts and names the file and the line in its errors.

enum class MatrixMarketField { Real, Integer, Pattern };
enum class MatrixMarketSymmetry { General, Symmetric, SkewSymmetric };

struct MatrixMarketHeader {
    bool coordinate = false; // "coordinate" (sparse entries) or "array" (dense, column-major)
    MatrixMarketField field = MatrixMarketField::Real;
    // "hermitian" with a real or integer field is read as symmetric: a real hermitian matrix is one.
    MatrixMarketSymmetry symmetry = MatrixMarketSymmetry::General;
    std::uint64_t rows = 0, cols = 0;
    std::uint64_t entries = 0; // coordinate: entries the size line declares; array: values stored
    std::size_t sizeLine = 0;  // line number of the size line, for messages
};

// Line 1: "%%MatrixMarket matrix <array|coordinate> <real|integer|pattern> <symmetry>". Complex fields and
// anything but a matrix are refused.
Status parseMatrixMarketBanner(LineReader &reader, const std::string &name, MatrixMarketHeader &header);

// The size line after comments: "rows cols" (array) or "rows cols entries" (coordinate). Checks the size
// against the memory limit (memorylimit.h) and the declared count against the bytes left.
Status parseMatrixMarketSize(LineReader &reader, const std::string &name, MatrixMarketHeader &header);

// Array body: header.entries values in column-major order (symmetric: lower triangle with the diagonal;
// skew-symmetric: strictly lower), any number per line; then only comments.
Status parseMatrixMarketArray(LineReader &reader, const std::string &name, const MatrixMarketHeader &header,
                              Eigen::MatrixXd &out);

// Coordinate body: header.entries lines "i j [value]" (1-based; pattern: value 1). An entry given more than
// once is summed, as SciPy's mmread and GraphBLAS do (finite-element assembly writes such files);
// duplicates counts the entries that landed on a cell already given. Symmetric and skew-symmetric files
// store the lower triangle; each entry, duplicates included, is mirrored (negated for skew).
Status parseMatrixMarketCoordinate(LineReader &reader, const std::string &name,
                                   const MatrixMarketHeader &header, Eigen::MatrixXd &out,
                                   std::uint64_t &duplicates);

} // namespace gradlens
