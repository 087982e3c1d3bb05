#pragma once

#include "status.h"

#include <Eigen/Core>

#include <optional>
#include <string>
#include <string_view>

namespace gradlens {

enum class MatrixFormat { MatrixMarket, Delimited, Npy };

// By extension: .mtx → Matrix Market; .csv, .tsv, .txt → delimited text; .npy → NumPy. nullopt otherwise.
std::optional<MatrixFormat> formatForPath(std::string_view path);

// Reads a matrix file chosen by extension. Every error names the file, the line and what was expected:
// "R.mtx:4: expected 3 values per row, found 2". Nothing is allocated for sizes the file cannot hold or
// beyond the memory limit (memorylimit.h). Only regular files are read: a FIFO, a device or a directory is
// refused before it is opened (reading one could block forever). When notice is given, it receives what
// the user should know about a file that was read ("3 duplicate entries were summed, ...") or stays as is;
// it does not name the file (the caller does, as for γ's transpose).
Status readMatrix(const std::string &path, Eigen::MatrixXd &out, std::string *notice = nullptr);

// success for a regular file; otherwise "path: is a named pipe (FIFO), not a regular file ..." and so on.
Status checkRegularFile(const std::string &path);

// The bytes of a matrix file by the path's extension (.mtx array real general; .csv comma, .tsv tab, .txt
// space separated; .npy binary '<f8'), with 17 significant digits so that what is read back is
// bit-identical. The core only serialises: the CLI and the window write the bytes through QSaveFile
// (platform/savefile.h: writeMatrix, saveFiles). Fails, naming the path, for an unknown extension.
Status matrixFileBytes(const std::string &path, const Eigen::Ref<const Eigen::MatrixXd> &matrix,
                       std::string &bytes);

// Parsers over text already in memory; name is used in messages (usually the file name).
// Matrix Market: array (general, symmetric, skew-symmetric) and coordinate (real, integer, pattern;
// general, symmetric, skew-symmetric); symmetric storage is expanded; real and integer hermitian are read
// as symmetric. Duplicate coordinate entries are summed and reported through notice (see readMatrix).
// The parts (banner, size line, array body, coordinate body) are in matrixmarket.h.
Status parseMatrixMarket(std::string_view text, const std::string &name, Eigen::MatrixXd &out,
                         std::string *notice = nullptr);
// Delimited text: delimiter detected (',' ';' tab, else whitespace), optional header row, '#'/'%' comment
// lines, line endings LF, CRLF or CR, UTF-8 byte order mark, double quotes around fields; ragged rows are
// refused. The first row is a header only when none of its fields is a number (nor NA, null and the like);
// otherwise a field that does not parse is an error on line 1. A header whose first cell is empty (what
// pandas' to_csv writes for the index) marks a leading index column, dropped.
Status parseDelimited(std::string_view text, const std::string &name, Eigen::MatrixXd &out);

std::string toMatrixMarket(const Eigen::Ref<const Eigen::MatrixXd> &matrix); // array real general
std::string toDelimited(const Eigen::Ref<const Eigen::MatrixXd> &matrix, char delimiter = ',');

// Shortest text of 17 significant digits that reads back to the same double ("-0", "inf", "nan" included);
// independent of the C and C++ locales.
std::string formatDouble(double value);

// Parses a whole token as a double (leading '+', "inf", "nan" accepted), independent of the locale.
std::optional<double> parseDouble(std::string_view token);

} // namespace gradlens
