#include "matrixio.h"

#include "matformat.h"
#include "matrixmarket.h"
#include "memorylimit.h"
#include "npyformat.h"
#include "textscan.h"

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
using text::errorAt;
using text::quoted;
using text::splitWhitespace;
using text::trim;

namespace {

std::string extensionOf(std::string_view path) {
    return text::lower(std::filesystem::path(path).extension().string());
}

// A missing-value marker is data that is absent, not a column name: a row holding one is not a header.
bool isMissingMarker(std::string_view field) {
    const std::string word = text::lower(field);
    return word == "na" || word == "n/a" || word == "null" || word == "none" || word == "-";
}

// A first row is a header only when no field in it is a number (or a missing-value marker): "x,y" is a
// header; "1,2x,3", "1,NA,3", a non-breaking space or a quoted "1,5" is a bad first row, reported as such
// rather than dropped. Empty fields alone do not make a header either ("1,,3" is a bad row).
bool isHeaderRow(const std::vector<std::string_view> &fields) {
    const bool anyWord =
        std::any_of(fields.begin(), fields.end(), [](std::string_view f) { return !f.empty(); });
    const bool anyData = std::any_of(fields.begin(), fields.end(), [](std::string_view f) {
        return parseDouble(f).has_value() || isMissingMarker(f);
    });
    return anyWord && !anyData;
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
    const std::string extension = extensionOf(path);
    if (extension == ".mtx")
        return MatrixFormat::MatrixMarket;
    if (extension == ".csv" || extension == ".tsv" || extension == ".txt")
        return MatrixFormat::Delimited;
    if (extension == ".npy")
        return MatrixFormat::Npy;
    return std::nullopt;
}

Status parseMatrixMarket(std::string_view text, const std::string &name, MatrixXd &out, std::string *notice) {
    LineReader reader(text);
    MatrixMarketHeader header;
    if (Status banner = parseMatrixMarketBanner(reader, name, header); !banner)
        return banner;
    if (Status size = parseMatrixMarketSize(reader, name, header); !size)
        return size;
    if (!header.coordinate)
        return parseMatrixMarketArray(reader, name, header, out);
    std::uint64_t duplicates = 0;
    if (Status body = parseMatrixMarketCoordinate(reader, name, header, out, duplicates); !body)
        return body;
    if (duplicates > 0 && notice)
        *notice = std::to_string(duplicates) +
                  (duplicates == 1 ? " duplicate entry was" : " duplicate entries were") +
                  " summed, as SciPy and GraphBLAS do";
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
            indexColumn =
                fields.size() > 1 && fields.front().empty() &&
                std::none_of(fields.begin() + 1, fields.end(), [](std::string_view f) { return f.empty(); });
            if (isHeaderRow(fields) || indexColumn)
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
    if (Status size = checkMatrixSize(rows, columns); !size)
        return errorAt(name, reader.lineNumber(), size.message);
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

Status checkRegularFile(const std::string &path) {
    std::error_code error;
    const std::filesystem::file_status status = std::filesystem::status(path, error);
    if (error)
        return Status::failure(path + ": cannot open: " + error.message());
    using std::filesystem::file_type;
    switch (status.type()) {
    case file_type::regular:
        return Status::success();
    case file_type::directory:
        return Status::failure(path + ": is a directory, not a matrix file");
    case file_type::fifo:
        return Status::failure(path +
                               ": is a named pipe (FIFO), not a regular file: save the matrix to a file "
                               "first (reading a pipe could wait forever)");
    case file_type::character:
    case file_type::block:
        return Status::failure(path + ": is a device, not a regular file");
    case file_type::socket:
        return Status::failure(path + ": is a socket, not a regular file");
    default:
        return Status::failure(path + ": is not a regular file");
    }
}

namespace {

Status readBytes(const std::string &path, std::string &bytes) {
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return Status::failure(path + ": cannot open: " + std::strerror(errno));
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    if (error)
        return Status::failure(path + ": cannot read its size: " + error.message());
    bytes.assign(static_cast<std::size_t>(size), '\0');
    file.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (file.bad() || file.gcount() != static_cast<std::streamsize>(bytes.size()))
        return Status::failure(path + ": read error: " + std::strerror(errno));
    return Status::success();
}

} // namespace

Status readMatrix(const std::string &path, MatrixXd &out, std::string *notice) {
    // "file.mat" or "file.mat:variable"
    const std::size_t matEnd = text::lower(path).rfind(".mat");
    if (matEnd != std::string::npos && (matEnd + 4 == path.size() || path[matEnd + 4] == ':')) {
        const std::string file = path.substr(0, matEnd + 4);
        if (Status regular = checkRegularFile(file); !regular)
            return regular;
        return readMat(file, matEnd + 4 < path.size() ? path.substr(matEnd + 5) : "", out);
    }
    const auto format = formatForPath(path);
    if (!format)
        return Status::failure(path + ": unknown file type \"" +
                               std::filesystem::path(path).extension().string() +
                               "\" (expected .mtx, .csv, .tsv, .txt, .npy or .mat)");
    if (Status regular = checkRegularFile(path); !regular)
        return regular;
    std::string bytes;
    if (Status read = readBytes(path, bytes); !read)
        return read;
    switch (*format) {
    case MatrixFormat::MatrixMarket:
        return parseMatrixMarket(bytes, path, out, notice);
    case MatrixFormat::Delimited:
        return parseDelimited(bytes, path, out);
    case MatrixFormat::Npy:
        return parseNpy(bytes, path, out);
    }
    return Status::failure(path + ": unknown format");
}

Status matrixFileBytes(const std::string &path, const Eigen::Ref<const MatrixXd> &matrix,
                       std::string &bytes) {
    const auto format = formatForPath(path);
    if (!format)
        return Status::failure(path + ": unknown file type \"" +
                               std::filesystem::path(path).extension().string() +
                               "\" (expected .mtx, .csv, .tsv, .txt or .npy)");
    switch (*format) {
    case MatrixFormat::MatrixMarket:
        bytes = toMatrixMarket(matrix);
        return Status::success();
    case MatrixFormat::Npy:
        bytes = toNpy(matrix);
        return Status::success();
    case MatrixFormat::Delimited: {
        const std::string extension = extensionOf(path);
        bytes = toDelimited(matrix, extension == ".tsv" ? '\t' : extension == ".txt" ? ' ' : ',');
        return Status::success();
    }
    }
    return Status::failure(path + ": unknown format");
}

} // namespace gradlens
