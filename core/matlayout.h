#pragma once

#include "status.h"

#include <cstdint>
#include <istream>
#include <string>

namespace gradlens {

// Checks the element structure of a MAT 5 file before libmatio reads it. libmatio reads a variable whose
// bytes are cut short without an error and leaves the missing entries uninitialised (a 3×3 double file
// cut by 8–72 bytes), so each top-level element must fit in the file, and an uncompressed numeric variable
// must hold the bytes its dimensions need. Files that are not MAT 5 (v4, v7.3/HDF5) pass unchecked;
// compressed variables are checked at their tag (their inside is libmatio's). Errors name the file and the
// byte offset: "g.mat: byte 128: variable 'g' declares 136 bytes but only 64 follow: the file is truncated".
Status checkMat5Layout(std::istream &file, std::uint64_t size, const std::string &name);

} // namespace gradlens
