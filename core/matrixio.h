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
// "R.mtx:4: expected 3 values per row, found 2". Nothing is allocated for sizes the file cannot hold.
Status readMatrix(const std::string &path, Eigen::MatrixXd &out);

// Writes by extension (.csv comma, .tsv tab, .txt space separated; .npy binary '<f8') with 17 significant
// digits, so that what is read back is bit-identical. The file is written to a temporary name first and
// renamed, so a failed write never destroys an existing file.
Status writeMatrix(const std::string &path, const Eigen::Ref<const Eigen::MatrixXd> &matrix);

// Parsers over text already in memory; name is used in messages (usually the file name).
// Matrix Market: array (general, symmetric, skew-symmetric) and coordinate (real, integer, pattern;
// general, symmetric, skew-symmetric); symmetric storage is expanded.
Status parseMatrixMarket(std::string_view text, const std::string &name, Eigen::MatrixXd &out);
// Delimited text: delimiter detected (',' ';' tab, else whitespace), optional header row, '#'/'%' comment
// lines, CRLF, UTF-8 byte order mark, double quotes around fields; ragged rows are refused. A header whose
// first cell is empty (what pandas' to_csv writes for the index) marks a leading index column, dropped.
Status parseDelimited(std::string_view text, const std::string &name, Eigen::MatrixXd &out);

std::string toMatrixMarket(const Eigen::Ref<const Eigen::MatrixXd> &matrix); // array real general
std::string toDelimited(const Eigen::Ref<const Eigen::MatrixXd> &matrix, char delimiter = ',');

// Writes text to path through a temporary file and a rename: a failed write leaves any old file intact.
Status writeTextFile(const std::string &path, std::string_view text);

// Shortest text of 17 significant digits that reads back to the same double ("-0", "inf", "nan" included);
// independent of the C and C++ locales.
std::string formatDouble(double value);

// Parses a whole token as a double (leading '+', "inf", "nan" accepted), independent of the locale.
std::optional<double> parseDouble(std::string_view token);

} // namespace gradlens
