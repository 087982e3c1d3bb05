#include "matrixio.h"

#include "matformat.h"
#include "npyformat.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

namespace gradlens {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

// A matrix may not claim more entries than this (8 GiB of doubles): refused before allocating.
constexpr std::uint64_t kMaxEntries = std::uint64_t{1} << 30;

std::string lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

std::string_view trim(std::string_view text) {
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; };
    while (!text.empty() && isSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

std::vector<std::string_view> splitWhitespace(std::string_view line) {
    std::vector<std::string_view> tokens;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i])))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i])))
            ++i;
        if (i > start)
            tokens.push_back(line.substr(start, i - start));
    }
    return tokens;
}

// Quotes a token for a message, cut short and with control bytes escaped so binary junk stays one line.
std::string quoted(std::string_view token) {
    std::string result = "\"";
    for (std::size_t i = 0; i < token.size() && i < 40; ++i) {
        const auto c = static_cast<unsigned char>(token[i]);
        if (c < 0x20 || c == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
            result += escaped;
        } else {
            result += static_cast<char>(c);
        }
    }
    if (token.size() > 40)
        result += "…";
    return result + "\"";
}

// Walks text line by line, counting lines from 1; strips a trailing '\r'.
class LineReader {
public:
    explicit LineReader(std::string_view text)
        : m_text(text) {}

    bool next(std::string_view &line) {
        if (m_position >= m_text.size())
            return false;
        const std::size_t end = m_text.find('\n', m_position);
        const std::size_t stop = end == std::string_view::npos ? m_text.size() : end;
        line = m_text.substr(m_position, stop - m_position);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        m_position = end == std::string_view::npos ? m_text.size() : end + 1;
        ++m_line;
        return true;
    }
    std::size_t lineNumber() const { return m_line; }
    std::size_t remainingBytes() const { return m_text.size() - std::min(m_position, m_text.size()); }

private:
    std::string_view m_text;
    std::size_t m_position = 0;
    std::size_t m_line = 0;
};

Status errorAt(const std::string &name, std::size_t line, const std::string &message) {
    return Status::failure(name + ":" + std::to_string(line) + ": " + message);
}

std::optional<std::uint64_t> parseCount(std::string_view token) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (error != std::errc() || end != token.data() + token.size())
        return std::nullopt;
    return value;
}

} // namespace

std::optional<double> parseDouble(std::string_view token) {
    if (!token.empty() && token.front() == '+')
        token.remove_prefix(1);
    if (token.empty() || token.front() == '+')
        return std::nullopt;
    double value = 0;
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (end != token.data() + token.size())
        return std::nullopt;
    if (error == std::errc::result_out_of_range) {
        // from_chars reports overflow and underflow without a value: follow strtod (±inf, or ±0/subnormal).
        const std::string copy(token);
        return std::strtod(copy.c_str(), nullptr);
    }
    if (error != std::errc())
        return std::nullopt;
    return value;
}

std::string formatDouble(double value) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 17);
    return std::string(buffer, result.ptr);
}

std::optional<MatrixFormat> formatForPath(std::string_view path) {
    const std::string extension = lower(std::filesystem::path(path).extension().string());
    if (extension == ".mtx")
        return MatrixFormat::MatrixMarket;
    if (extension == ".csv" || extension == ".tsv" || extension == ".txt")
        return MatrixFormat::Delimited;
    if (extension == ".npy")
        return MatrixFormat::Npy;
    return std::nullopt;
}

Status parseMatrixMarket(std::string_view text, const std::string &name, MatrixXd &out) {
    LineReader reader(text);
    std::string_view line;
    if (!reader.next(line))
        return errorAt(name, 1, "the file is empty: expected a \"%%MatrixMarket matrix ...\" header");
    const auto header = splitWhitespace(line);
    if (header.empty() || lower(header[0]) != "%%matrixmarket")
        return errorAt(name, 1,
                       "expected a \"%%MatrixMarket matrix <format> <field> <symmetry>\" header, found " +
                           quoted(line));
    if (header.size() != 5)
        return errorAt(name, 1,
                       "the header needs 4 words after %%MatrixMarket (matrix, format, field, "
                       "symmetry), found " +
                           std::to_string(header.size() - 1));
    if (lower(header[1]) != "matrix")
        return errorAt(name, 1, "only \"matrix\" objects are supported, found " + quoted(header[1]));
    const std::string format = lower(header[2]), field = lower(header[3]), symmetry = lower(header[4]);
    if (format != "array" && format != "coordinate")
        return errorAt(name, 1, "format must be \"array\" or \"coordinate\", found " + quoted(header[2]));
    if (field == "complex")
        return errorAt(name, 1, "complex matrices are not supported: R, P and γ are real");
    if (field != "real" && field != "integer" && field != "pattern" && field != "double")
        return errorAt(name, 1, "field must be real, integer or pattern, found " + quoted(header[3]));
    if (field == "pattern" && format == "array")
        return errorAt(name, 1, "the pattern field is only valid with the coordinate format");
    if (symmetry == "hermitian")
        return errorAt(name, 1, "hermitian matrices are not supported: R, P and γ are real");
    if (symmetry != "general" && symmetry != "symmetric" && symmetry != "skew-symmetric")
        return errorAt(name, 1,
                       "symmetry must be general, symmetric or skew-symmetric, found " + quoted(header[4]));
    const bool coordinate = format == "coordinate";
    const bool integerField = field == "integer";
    // Integer fields hold whole numbers written as such: "3.5" or "1e3" there means a mislabelled file.
    auto parseValue = [integerField](std::string_view token) -> std::optional<double> {
        if (!integerField)
            return parseDouble(token);
        if (token.find_first_not_of("+-0123456789") != std::string_view::npos)
            return std::nullopt;
        return parseDouble(token);
    };
    const bool symmetric = symmetry == "symmetric", skew = symmetry == "skew-symmetric";

    // Size line, after comments and blank lines.
    std::vector<std::string_view> sizeTokens;
    while (reader.next(line)) {
        const std::string_view content = trim(line);
        if (content.empty() || content.front() == '%')
            continue;
        sizeTokens = splitWhitespace(content);
        break;
    }
    const std::size_t sizeLine = reader.lineNumber();
    const std::size_t expectedSizeTokens = coordinate ? 3 : 2;
    if (sizeTokens.empty())
        return errorAt(name, sizeLine + 1,
                       "the size line is missing: expected \"rows columns" +
                           std::string(coordinate ? " entries" : "") + "\"");
    if (sizeTokens.size() != expectedSizeTokens)
        return errorAt(name, sizeLine,
                       "the size line needs " + std::to_string(expectedSizeTokens) +
                           " numbers (rows columns" + (coordinate ? " entries" : "") + "), found " +
                           std::to_string(sizeTokens.size()));
    std::uint64_t sizes[3] = {0, 0, 0};
    for (std::size_t i = 0; i < expectedSizeTokens; ++i) {
        const auto count = parseCount(sizeTokens[i]);
        if (!count)
            return errorAt(name, sizeLine,
                           "expected a non-negative integer in the size line, found " +
                               quoted(sizeTokens[i]));
        sizes[i] = *count;
    }
    const std::uint64_t rows = sizes[0], cols = sizes[1];
    if (rows == 0 || cols == 0)
        return errorAt(name, sizeLine,
                       "the matrix is empty (" + std::to_string(rows) + "×" + std::to_string(cols) + ")");
    if (rows > kMaxEntries || cols > kMaxEntries || rows * cols > kMaxEntries)
        return errorAt(name, sizeLine,
                       "the size " + std::to_string(rows) + "×" + std::to_string(cols) +
                           " is too large (at most " + std::to_string(kMaxEntries) + " entries)");
    if ((symmetric || skew) && rows != cols)
        return errorAt(name, sizeLine,
                       symmetry + " matrices must be square, found " + std::to_string(rows) + "×" +
                           std::to_string(cols));
    const std::uint64_t n = rows;
    const std::uint64_t valueCount = coordinate  ? sizes[2]
                                     : symmetric ? n * (n + 1) / 2
                                     : skew      ? n * (n - 1) / 2
                                                 : rows * cols;
    if (coordinate && valueCount > rows * cols)
        return errorAt(name, sizeLine,
                       "declares " + std::to_string(valueCount) + " entries, more than the " +
                           std::to_string(rows * cols) + " cells of the matrix");
    // Each value needs at least two bytes ("0\n"), each coordinate entry at least four ("1 1\n").
    const std::uint64_t minimumBytes = valueCount * (coordinate ? 4 : 2);
    if (minimumBytes > reader.remainingBytes() + 1)
        return errorAt(name, sizeLine,
                       "declares " + std::to_string(valueCount) + (coordinate ? " entries" : " values") +
                           " but only " + std::to_string(reader.remainingBytes()) +
                           " bytes follow: the file is truncated or the size is wrong");

    MatrixXd matrix = MatrixXd::Zero(static_cast<Index>(rows), static_cast<Index>(cols));
    std::uint64_t read = 0;
    if (!coordinate) {
        // Column-major order; symmetric: lower triangle with diagonal, skew: strictly lower.
        std::uint64_t column = 0, row = symmetric ? 0 : skew ? 1 : 0;
        if (skew && n == 1)
            read = valueCount; // a 1×1 skew-symmetric matrix is zero and stores nothing
        while (read < valueCount && reader.next(line)) {
            const std::string_view content = trim(line);
            if (content.empty() || content.front() == '%')
                continue;
            for (std::string_view token : splitWhitespace(content)) {
                if (read == valueCount)
                    return errorAt(name, reader.lineNumber(),
                                   "more values than the " + std::to_string(valueCount) +
                                       " the size line declares");
                const auto value = parseValue(token);
                if (!value)
                    return errorAt(name, reader.lineNumber(),
                                   std::string(integerField ? "expected an integer (the field is integer)"
                                                            : "expected a number") +
                                       ", found " + quoted(token));
                const auto i = static_cast<Index>(row), j = static_cast<Index>(column);
                matrix(i, j) = *value;
                if (symmetric)
                    matrix(j, i) = *value;
                if (skew)
                    matrix(j, i) = -*value;
                ++read;
                if (++row == rows) {
                    ++column;
                    row = symmetric ? column : skew ? column + 1 : 0;
                }
            }
        }
    } else {
        std::vector<bool> seen(static_cast<std::size_t>(rows * cols), false);
        const std::size_t tokensPerEntry = field == "pattern" ? 2 : 3;
        while (reader.next(line)) {
            const std::string_view content = trim(line);
            if (content.empty() || content.front() == '%')
                continue;
            const auto tokens = splitWhitespace(content);
            const std::size_t lineNumber = reader.lineNumber();
            if (read == valueCount)
                return errorAt(name, lineNumber,
                               "more entries than the " + std::to_string(valueCount) +
                                   " the size line declares");
            if (tokens.size() != tokensPerEntry)
                return errorAt(name, lineNumber,
                               "expected " + std::to_string(tokensPerEntry) + " fields (row column" +
                                   (tokensPerEntry == 3 ? " value" : "") + "), found " +
                                   std::to_string(tokens.size()));
            const auto i = parseCount(tokens[0]), j = parseCount(tokens[1]);
            if (!i || !j)
                return errorAt(name, lineNumber,
                               "expected integer row and column indices, found " + quoted(tokens[0]) + " " +
                                   quoted(tokens[1]));
            if (*i < 1 || *i > rows || *j < 1 || *j > cols)
                return errorAt(name, lineNumber,
                               "index (" + std::to_string(*i) + ", " + std::to_string(*j) +
                                   ") is outside the " + std::to_string(rows) + "×" + std::to_string(cols) +
                                   " matrix (indices start at 1)");
            if ((symmetric || skew) && *j > *i)
                return errorAt(name, lineNumber,
                               "a " + symmetry + " file stores the lower triangle only, found (" +
                                   std::to_string(*i) + ", " + std::to_string(*j) + ")");
            if (skew && *i == *j)
                return errorAt(name, lineNumber,
                               "a skew-symmetric matrix has a zero diagonal; found an entry at (" +
                                   std::to_string(*i) + ", " + std::to_string(*j) + ")");
            double value = 1.0;
            if (tokensPerEntry == 3) {
                const auto parsed = parseValue(tokens[2]);
                if (!parsed)
                    return errorAt(name, lineNumber,
                                   std::string(integerField ? "expected an integer (the field is integer)"
                                                            : "expected a number") +
                                       ", found " + quoted(tokens[2]));
                value = *parsed;
            }
            const auto row = static_cast<Index>(*i - 1), col = static_cast<Index>(*j - 1);
            const auto cell = static_cast<std::size_t>(*i - 1 + (*j - 1) * rows);
            if (seen[cell])
                return errorAt(name, lineNumber,
                               "entry (" + std::to_string(*i) + ", " + std::to_string(*j) +
                                   ") appears twice");
            seen[cell] = true;
            matrix(row, col) = value;
            if (symmetric)
                matrix(col, row) = value;
            if (skew)
                matrix(col, row) = -value;
            ++read;
        }
    }
    if (read < valueCount)
        return errorAt(name, reader.lineNumber(),
                       "expected " + std::to_string(valueCount) + (coordinate ? " entries" : " values") +
                           ", found only " + std::to_string(read) + ": the file ends early");
    // Anything but comments after the last value is an error (a wrong size line, usually).
    while (reader.next(line)) {
        const std::string_view content = trim(line);
        if (!content.empty() && content.front() != '%')
            return errorAt(name, reader.lineNumber(),
                           "more values than the " + std::to_string(valueCount) + " the size line declares");
    }
    out = std::move(matrix);
    return Status::success();
}

Status parseDelimited(std::string_view text, const std::string &name, MatrixXd &out) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    LineReader reader(text);
    std::string_view line;
    char delimiter = 0; // 0: runs of whitespace
    bool delimiterKnown = false;
    std::size_t columns = 0, firstRowLine = 0;
    std::vector<double> values; // row-major while reading
    std::size_t rows = 0;
    std::vector<std::string_view> fields;

    auto split = [&](std::string_view content) {
        fields.clear();
        if (delimiter == 0) {
            fields = splitWhitespace(content);
            return;
        }
        std::size_t start = 0;
        while (true) {
            const std::size_t end = content.find(delimiter, start);
            std::string_view field =
                trim(content.substr(start, end == std::string_view::npos ? end : end - start));
            if (field.size() >= 2 && field.front() == '"' && field.back() == '"')
                field = field.substr(1, field.size() - 2);
            fields.push_back(field);
            if (end == std::string_view::npos)
                break;
            start = end + 1;
        }
    };
    bool indexColumn = false; // pandas' to_csv: an empty first header cell, then a row label per row

    while (reader.next(line)) {
        const std::string_view content = trim(line);
        if (content.empty() || content.front() == '#' || content.front() == '%')
            continue;
        const std::size_t lineNumber = reader.lineNumber();
        if (content.find('\0') != std::string_view::npos)
            return errorAt(name, lineNumber, "binary data (a NUL byte): this is not a text file");
        if (!delimiterKnown) {
            for (char candidate : {',', ';', '\t'})
                if (content.find(candidate) != std::string_view::npos) {
                    delimiter = candidate;
                    break;
                }
            delimiterKnown = true;
            split(content);
            // A first row with a word in it is a header (empty fields alone are not: "1,,3" is a bad row),
            // and so is pandas' ",0,1,2": an empty first cell over an index column.
            const bool word = std::any_of(fields.begin(), fields.end(), [](std::string_view field) {
                return !field.empty() && !parseDouble(field);
            });
            indexColumn =
                fields.size() > 1 && fields.front().empty() &&
                std::none_of(fields.begin() + 1, fields.end(), [](std::string_view f) { return f.empty(); });
            if (word || indexColumn)
                continue;
        } else {
            split(content);
        }
        if (indexColumn) {
            if (fields.empty() || !parseDouble(fields.front()))
                return errorAt(
                    name, lineNumber,
                    "the header's empty first cell marks an index column, but this row's first field "
                    "is " +
                        quoted(fields.empty() ? std::string_view() : fields.front()));
            fields.erase(fields.begin());
            if (fields.empty())
                return errorAt(name, lineNumber, "this row has a row label but no values");
        }
        if (columns == 0) {
            columns = fields.size();
            firstRowLine = lineNumber;
        } else if (fields.size() != columns) {
            return errorAt(name, lineNumber,
                           "this row has " + std::to_string(fields.size()) + " fields, expected " +
                               std::to_string(columns) + " like line " + std::to_string(firstRowLine));
        }
        for (std::size_t c = 0; c < fields.size(); ++c) {
            if (fields[c].empty())
                return errorAt(name, lineNumber, "field " + std::to_string(c + 1) + " is empty");
            const auto value = parseDouble(fields[c]);
            if (!value)
                return errorAt(name, lineNumber,
                               "field " + std::to_string(c + 1) + ": expected a number, found " +
                                   quoted(fields[c]));
            values.push_back(*value);
        }
        ++rows;
    }
    if (rows == 0)
        return errorAt(name, std::max<std::size_t>(reader.lineNumber(), 1),
                       "no numeric rows: the file holds no matrix");
    MatrixXd matrix(static_cast<Index>(rows), static_cast<Index>(columns));
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < columns; ++j)
            matrix(static_cast<Index>(i), static_cast<Index>(j)) = values[i * columns + j];
    out = std::move(matrix);
    return Status::success();
}

std::string toMatrixMarket(const Eigen::Ref<const MatrixXd> &matrix) {
    std::string text = "%%MatrixMarket matrix array real general\n% written by Gradient Lens\n";
    text += std::to_string(matrix.rows()) + " " + std::to_string(matrix.cols()) + "\n";
    text.reserve(text.size() + static_cast<std::size_t>(matrix.size()) * 25);
    for (Index j = 0; j < matrix.cols(); ++j)
        for (Index i = 0; i < matrix.rows(); ++i) {
            text += formatDouble(matrix(i, j));
            text += '\n';
        }
    return text;
}

std::string toDelimited(const Eigen::Ref<const MatrixXd> &matrix, char delimiter) {
    std::string text;
    text.reserve(static_cast<std::size_t>(matrix.size()) * 25);
    for (Index i = 0; i < matrix.rows(); ++i) {
        for (Index j = 0; j < matrix.cols(); ++j) {
            if (j > 0)
                text += delimiter;
            text += formatDouble(matrix(i, j));
        }
        text += '\n';
    }
    return text;
}

Status readMatrix(const std::string &path, MatrixXd &out) {
    // "file.mat" or "file.mat:variable"
    const std::size_t matEnd = lower(path).rfind(".mat");
    if (matEnd != std::string::npos && (matEnd + 4 == path.size() || path[matEnd + 4] == ':'))
        return readMat(path.substr(0, matEnd + 4), matEnd + 4 < path.size() ? path.substr(matEnd + 5) : "",
                       out);
    const auto format = formatForPath(path);
    if (!format)
        return Status::failure(path + ": unknown file type \"" +
                               std::filesystem::path(path).extension().string() +
                               "\" (expected .mtx, .csv, .tsv, .txt, .npy or .mat)");
    std::error_code error;
    if (std::filesystem::is_directory(path, error))
        return Status::failure(path + ": is a directory, not a matrix file");
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return Status::failure(path + ": cannot open: " + std::strerror(errno));
    const auto size = std::filesystem::file_size(path, error);
    if (error)
        return Status::failure(path + ": cannot read its size: " + error.message());
    std::string bytes(static_cast<std::size_t>(size), '\0');
    file.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (file.bad() || file.gcount() != static_cast<std::streamsize>(bytes.size()))
        return Status::failure(path + ": read error: " + std::strerror(errno));
    switch (*format) {
    case MatrixFormat::MatrixMarket:
        return parseMatrixMarket(bytes, path, out);
    case MatrixFormat::Delimited:
        return parseDelimited(bytes, path, out);
    case MatrixFormat::Npy:
        return parseNpy(bytes, path, out);
    }
    return Status::failure(path + ": unknown format");
}

Status writeTextFile(const std::string &path, std::string_view text) {
    const std::string temporary = path + ".part";
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        if (!file)
            return Status::failure(path + ": cannot write: " + std::strerror(errno));
        file.write(text.data(), static_cast<std::streamsize>(text.size()));
        file.close();
        if (!file) {
            std::error_code ignored;
            std::filesystem::remove(temporary, ignored);
            return Status::failure(path + ": write failed (disk full?)");
        }
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error) {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        return Status::failure(path + ": cannot replace the file: " + error.message());
    }
    return Status::success();
}

Status writeMatrix(const std::string &path, const Eigen::Ref<const MatrixXd> &matrix) {
    const auto format = formatForPath(path);
    if (!format)
        return Status::failure(path + ": unknown file type \"" +
                               std::filesystem::path(path).extension().string() +
                               "\" (expected .mtx, .csv, .tsv, .txt or .npy)");
    switch (*format) {
    case MatrixFormat::MatrixMarket:
        return writeTextFile(path, toMatrixMarket(matrix));
    case MatrixFormat::Npy:
        return writeTextFile(path, toNpy(matrix));
    case MatrixFormat::Delimited: {
        const std::string extension = lower(std::filesystem::path(path).extension().string());
        return writeTextFile(path, toDelimited(matrix, extension == ".tsv"   ? '\t'
                                                       : extension == ".txt" ? ' '
                                                                             : ','));
    }
    }
    return Status::failure(path + ": unknown format");
}

} // namespace gradlens
