#include "matrixmarket.h"

#include "matrixio.h"
#include "memorylimit.h"
#include "textscan.h"

#include <vector>

namespace gradlens {

using namespace gradlens::text;
using Eigen::Index;

namespace {

const char *symmetryName(MatrixMarketSymmetry symmetry) {
    switch (symmetry) {
    case MatrixMarketSymmetry::General:
        return "general";
    case MatrixMarketSymmetry::Symmetric:
        return "symmetric";
    case MatrixMarketSymmetry::SkewSymmetric:
        return "skew-symmetric";
    }
    return "";
}

// Integer fields hold whole numbers written as such: "3.5" or "1e3" there means a mislabelled file.
Status parseValue(std::string_view token, const MatrixMarketHeader &header, const std::string &name,
                  std::size_t line, double &value) {
    const bool integer = header.field == MatrixMarketField::Integer;
    std::optional<double> parsed;
    if (!integer || token.find_first_not_of("+-0123456789") == std::string_view::npos)
        parsed = parseDouble(token);
    if (!parsed)
        return errorAt(
            name, line,
            std::string(integer ? "expected an integer (the field is integer)" : "expected a number") +
                ", found " + quoted(token));
    value = *parsed;
    return Status::success();
}

// After the last value only comments and blank lines may follow (anything else: a wrong size line).
Status expectOnlyComments(LineReader &reader, const std::string &name, const MatrixMarketHeader &header) {
    std::string_view line;
    while (reader.next(line))
        if (isContent(trim(line), "%"))
            return errorAt(name, reader.lineNumber(),
                           "more " + std::string(header.coordinate ? "entries" : "values") + " than the " +
                               std::to_string(header.entries) + " the size line declares");
    return Status::success();
}

// Stores value at (i, j) and its mirror; accumulate sums onto what is there (coordinate duplicates).
void place(Eigen::MatrixXd &matrix, MatrixMarketSymmetry symmetry, Index i, Index j, double value,
           bool accumulate) {
    double &cell = matrix(i, j);
    cell = accumulate ? cell + value : value;
    if (i == j || symmetry == MatrixMarketSymmetry::General)
        return;
    matrix(j, i) = symmetry == MatrixMarketSymmetry::Symmetric ? cell : -cell;
}

} // namespace

Status parseMatrixMarketBanner(LineReader &reader, const std::string &name, MatrixMarketHeader &header) {
    std::string_view line;
    if (!reader.next(line))
        return errorAt(name, 1, "the file is empty: expected a \"%%MatrixMarket matrix ...\" header");
    const auto words = splitWhitespace(line);
    if (words.empty() || lower(words[0]) != "%%matrixmarket")
        return errorAt(name, 1,
                       "expected a \"%%MatrixMarket matrix <format> <field> <symmetry>\" header, found " +
                           quoted(line));
    if (words.size() != 5)
        return errorAt(name, 1,
                       "the header needs 4 words after %%MatrixMarket (matrix, format, field, symmetry), "
                       "found " +
                           std::to_string(words.size() - 1));
    if (lower(words[1]) != "matrix")
        return errorAt(name, 1, "only \"matrix\" objects are supported, found " + quoted(words[1]));
    const std::string format = lower(words[2]), field = lower(words[3]), symmetry = lower(words[4]);
    if (format != "array" && format != "coordinate")
        return errorAt(name, 1, "format must be \"array\" or \"coordinate\", found " + quoted(words[2]));
    if (field == "complex")
        return errorAt(name, 1, "complex matrices are not supported: R, P and γ are real");
    if (field != "real" && field != "integer" && field != "pattern" && field != "double")
        return errorAt(name, 1, "field must be real, integer or pattern, found " + quoted(words[3]));
    if (field == "pattern" && format == "array")
        return errorAt(name, 1, "the pattern field is only valid with the coordinate format");
    if (symmetry == "hermitian" && field == "pattern")
        return errorAt(name, 1, "a hermitian matrix needs a real or integer field, found pattern");
    if (symmetry != "general" && symmetry != "symmetric" && symmetry != "skew-symmetric" &&
        symmetry != "hermitian")
        return errorAt(name, 1,
                       "symmetry must be general, symmetric, skew-symmetric or hermitian, found " +
                           quoted(words[4]));
    header.coordinate = format == "coordinate";
    header.field = field == "integer"   ? MatrixMarketField::Integer
                   : field == "pattern" ? MatrixMarketField::Pattern
                                        : MatrixMarketField::Real;
    header.symmetry = symmetry == "general"          ? MatrixMarketSymmetry::General
                      : symmetry == "skew-symmetric" ? MatrixMarketSymmetry::SkewSymmetric
                                                     : MatrixMarketSymmetry::Symmetric; // or real hermitian
    return Status::success();
}

Status parseMatrixMarketSize(LineReader &reader, const std::string &name, MatrixMarketHeader &header) {
    std::vector<std::string_view> tokens;
    std::string_view line;
    while (tokens.empty() && reader.next(line))
        if (const std::string_view content = trim(line); isContent(content, "%"))
            tokens = splitWhitespace(content);
    const std::string what = header.coordinate ? "rows columns entries" : "rows columns";
    header.sizeLine = reader.lineNumber();
    if (tokens.empty())
        return errorAt(name, header.sizeLine + 1, "the size line is missing: expected \"" + what + "\"");
    const std::size_t expected = header.coordinate ? 3 : 2;
    if (tokens.size() != expected)
        return errorAt(name, header.sizeLine,
                       "the size line needs " + std::to_string(expected) + " numbers (" + what + "), found " +
                           std::to_string(tokens.size()));
    std::uint64_t sizes[3] = {0, 0, 0};
    for (std::size_t i = 0; i < expected; ++i) {
        const auto count = parseCount(tokens[i]);
        if (!count)
            return errorAt(name, header.sizeLine,
                           "expected a non-negative integer in the size line, found " + quoted(tokens[i]));
        sizes[i] = *count;
    }
    const std::uint64_t rows = sizes[0], cols = sizes[1];
    const std::string shape = std::to_string(rows) + "×" + std::to_string(cols);
    if (rows == 0 || cols == 0)
        return errorAt(name, header.sizeLine, "the matrix is empty (" + shape + ")");
    if (Status size = checkMatrixSize(rows, cols); !size)
        return errorAt(name, header.sizeLine, size.message);
    const MatrixMarketSymmetry symmetry = header.symmetry;
    if (symmetry != MatrixMarketSymmetry::General && rows != cols)
        return errorAt(name, header.sizeLine,
                       std::string(symmetryName(symmetry)) + " matrices must be square, found " + shape);
    header.rows = rows;
    header.cols = cols;
    header.entries = header.coordinate                                 ? sizes[2]
                     : symmetry == MatrixMarketSymmetry::Symmetric     ? rows * (rows + 1) / 2
                     : symmetry == MatrixMarketSymmetry::SkewSymmetric ? rows * (rows - 1) / 2
                                                                       : rows * cols;
    // Each value needs at least two bytes ("0\n"), each coordinate entry at least four ("1 1\n"). This also
    // bounds a coordinate count above rows × cols, which duplicates make legitimate.
    const std::uint64_t perEntry = header.coordinate ? 4 : 2;
    if (header.entries > (reader.remainingBytes() + 1) / perEntry)
        return errorAt(name, header.sizeLine,
                       "declares " + std::to_string(header.entries) +
                           (header.coordinate ? " entries" : " values") + " but only " +
                           std::to_string(reader.remainingBytes()) +
                           " bytes follow: the file is truncated or the size is wrong");
    return Status::success();
}

Status parseMatrixMarketArray(LineReader &reader, const std::string &name, const MatrixMarketHeader &header,
                              Eigen::MatrixXd &out) {
    const auto symmetry = header.symmetry;
    const bool skew = symmetry == MatrixMarketSymmetry::SkewSymmetric;
    // The first stored row of each column: 0 (general), the diagonal (symmetric), below it (skew).
    auto firstRow = [&](std::uint64_t column) {
        return symmetry == MatrixMarketSymmetry::General ? 0 : skew ? column + 1 : column;
    };
    Eigen::MatrixXd matrix = Eigen::MatrixXd::Zero(Index(header.rows), Index(header.cols));
    std::uint64_t read = 0, column = 0, row = firstRow(0);
    std::string_view line;
    while (read < header.entries && reader.next(line)) {
        const std::string_view content = trim(line);
        if (!isContent(content, "%"))
            continue;
        for (std::string_view token : splitWhitespace(content)) {
            if (read == header.entries)
                return errorAt(name, reader.lineNumber(),
                               "more values than the " + std::to_string(header.entries) +
                                   " the size line declares");
            double value = 0;
            if (Status parsed = parseValue(token, header, name, reader.lineNumber(), value); !parsed)
                return parsed;
            place(matrix, symmetry, Index(row), Index(column), value, false);
            ++read;
            if (++row == header.rows) {
                ++column;
                row = firstRow(column);
            }
        }
    }
    if (read < header.entries)
        return errorAt(name, reader.lineNumber(),
                       "expected " + std::to_string(header.entries) + " values, found only " +
                           std::to_string(read) + ": the file ends early");
    if (Status rest = expectOnlyComments(reader, name, header); !rest)
        return rest;
    out = std::move(matrix);
    return Status::success();
}

namespace {

// One coordinate line "i j [value]": checks the fields and the indices, gives 0-based (i, j) and the value.
Status parseEntry(std::string_view content, std::size_t lineNumber, const std::string &name,
                  const MatrixMarketHeader &header, Index &row, Index &col, double &value) {
    const auto tokens = splitWhitespace(content);
    const bool pattern = header.field == MatrixMarketField::Pattern;
    const std::size_t expected = pattern ? 2 : 3;
    if (tokens.size() != expected)
        return errorAt(name, lineNumber,
                       "expected " + std::to_string(expected) + " fields (row column" +
                           (pattern ? "" : " value") + "), found " + std::to_string(tokens.size()));
    const auto i = parseCount(tokens[0]), j = parseCount(tokens[1]);
    if (!i || !j)
        return errorAt(name, lineNumber,
                       "expected integer row and column indices, found " + quoted(tokens[0]) + " " +
                           quoted(tokens[1]));
    const std::string at = "(" + std::to_string(*i) + ", " + std::to_string(*j) + ")";
    if (*i < 1 || *i > header.rows || *j < 1 || *j > header.cols)
        return errorAt(name, lineNumber,
                       "index " + at + " is outside the " + std::to_string(header.rows) + "×" +
                           std::to_string(header.cols) + " matrix (indices start at 1)");
    if (header.symmetry != MatrixMarketSymmetry::General && *j > *i)
        return errorAt(name, lineNumber,
                       "a " + std::string(symmetryName(header.symmetry)) +
                           " file stores the lower triangle only, found " + at);
    if (header.symmetry == MatrixMarketSymmetry::SkewSymmetric && *i == *j)
        return errorAt(name, lineNumber,
                       "a skew-symmetric matrix has a zero diagonal; found an entry at " + at);
    row = Index(*i - 1);
    col = Index(*j - 1);
    value = 1.0;
    return pattern ? Status::success() : parseValue(tokens[2], header, name, lineNumber, value);
}

} // namespace

Status parseMatrixMarketCoordinate(LineReader &reader, const std::string &name,
                                   const MatrixMarketHeader &header, Eigen::MatrixXd &out,
                                   std::uint64_t &duplicates) {
    Eigen::MatrixXd matrix = Eigen::MatrixXd::Zero(Index(header.rows), Index(header.cols));
    std::vector<bool> seen(std::size_t(header.rows * header.cols), false); // one bit a cell: to count
    std::uint64_t read = 0;
    duplicates = 0;
    std::string_view line;
    while (read < header.entries && reader.next(line)) {
        const std::string_view content = trim(line);
        if (!isContent(content, "%"))
            continue;
        Index i = 0, j = 0;
        double value = 0;
        if (Status entry = parseEntry(content, reader.lineNumber(), name, header, i, j, value); !entry)
            return entry;
        const std::size_t cell = std::size_t(i) + std::size_t(j) * std::size_t(header.rows);
        duplicates += seen[cell] ? 1 : 0;
        seen[cell] = true;
        place(matrix, header.symmetry, i, j, value, true);
        ++read;
    }
    if (read < header.entries)
        return errorAt(name, reader.lineNumber(),
                       "expected " + std::to_string(header.entries) + " entries, found only " +
                           std::to_string(read) + ": the file ends early");
    if (Status rest = expectOnlyComments(reader, name, header); !rest)
        return rest;
    out = std::move(matrix);
    return Status::success();
}

} // namespace gradlens
