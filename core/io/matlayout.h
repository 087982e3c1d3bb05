#pragma once

#include "status.h"

#include <cstdint>
#include <istream>
#include <string>

namespace gradlens {

// Checks the structure of a .mat file before libmatio reads it. libmatio believes what a file claims: it
// reads a variable whose bytes are cut short without an error and leaves the missing entries uninitialised
// (a 3×3 double file cut by 8–72 bytes), and allocates for the sizes a header claims. So:
//   - MAT 5: each top-level element must fit in the file; an uncompressed numeric variable must hold the
//     bytes its dimensions need; a compressed one is inflated as a stream (nothing kept but its tags) and
//     checked the same way against its decompressed length.
//   - MAT 4 (what libmatio tries when there is no MAT 5 header): each variable must fit in the file.
//   - v7.3 (HDF5) passes unchecked: the HDF5 library checks its own structure.
// Errors name the file and the byte offset: "g.mat: byte 128: a variable declares 136 bytes but only 64
// follow: the file is truncated".
Status checkMatLayout(std::istream &file, std::uint64_t size, const std::string &name);

} // namespace gradlens
