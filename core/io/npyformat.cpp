#include "npyformat.h"

#include "memorylimit.h"
#include "textscan.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

namespace gradlens {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";

// The message may quote the header's own text (a key, a dtype): escaped so that it stays one line.
Status errorAt(const std::string &name, std::size_t offset, const std::string &message) {
    return Status::failure(name + ": byte " + std::to_string(offset) + ": " + text::printable(message, 400));
}

std::uint64_t readLittle(std::string_view bytes, std::size_t offset, int width) {
    std::uint64_t value = 0;
    for (int k = width - 1; k >= 0; --k)
        value = (value << 8) | static_cast<unsigned char>(bytes[offset + std::size_t(k)]);
    return value;
}

// A minimal reader of the header's Python dict literal: {'descr': '<f8', 'fortran_order': False,
// 'shape': (3, 4), }. Keys may come in any order; whitespace and a trailing comma are allowed.
class HeaderParser {
public:
    explicit HeaderParser(std::string_view text)
        : m_text(text) {}

    bool parse(std::string &descr, bool &fortranOrder, std::vector<std::uint64_t> &shape,
               std::string &error) {
        bool haveDescr = false, haveOrder = false, haveShape = false;
        skipSpace();
        if (!take('{'))
            return fail(error, "expected '{' to open the header dictionary");
        while (true) {
            skipSpace();
            if (take('}'))
                break;
            std::string key;
            if (!readString(key))
                return fail(error, "expected a quoted key in the header dictionary");
            skipSpace();
            if (!take(':'))
                return fail(error, "expected ':' after '" + key + "'");
            skipSpace();
            if (key == "descr") {
                if (!readString(descr))
                    return fail(error, "'descr' must be a string such as '<f8' (structured dtypes are not "
                                       "supported)");
                haveDescr = true;
            } else if (key == "fortran_order") {
                if (m_text.substr(m_position, 4) == "True") {
                    fortranOrder = true;
                    m_position += 4;
                } else if (m_text.substr(m_position, 5) == "False") {
                    fortranOrder = false;
                    m_position += 5;
                } else {
                    return fail(error, "'fortran_order' must be True or False");
                }
                haveOrder = true;
            } else if (key == "shape") {
                if (!readShape(shape))
                    return fail(error, "'shape' must be a tuple of whole numbers such as (3, 4)");
                haveShape = true;
            } else {
                return fail(error, "unexpected key '" + key + "' in the header");
            }
            skipSpace();
            if (take(','))
                continue;
            skipSpace();
            if (take('}'))
                break;
            return fail(error, "expected ',' or '}' in the header dictionary");
        }
        if (!haveDescr || !haveOrder || !haveShape)
            return fail(error, "the header must give 'descr', 'fortran_order' and 'shape'");
        return true;
    }

private:
    bool fail(std::string &error, std::string message) {
        error = std::move(message);
        return false;
    }
    void skipSpace() {
        while (m_position < m_text.size() && (m_text[m_position] == ' ' || m_text[m_position] == '\t' ||
                                              m_text[m_position] == '\n' || m_text[m_position] == '\r'))
            ++m_position;
    }
    bool take(char c) {
        if (m_position < m_text.size() && m_text[m_position] == c) {
            ++m_position;
            return true;
        }
        return false;
    }
    bool readString(std::string &out) {
        if (m_position >= m_text.size() || (m_text[m_position] != '\'' && m_text[m_position] != '"'))
            return false;
        const char quote = m_text[m_position++];
        const std::size_t end = m_text.find(quote, m_position);
        if (end == std::string_view::npos || end - m_position > 64)
            return false;
        out = std::string(m_text.substr(m_position, end - m_position));
        m_position = end + 1;
        return true;
    }
    bool readShape(std::vector<std::uint64_t> &shape) {
        if (!take('('))
            return false;
        while (true) {
            skipSpace();
            if (take(')'))
                return true;
            std::uint64_t value = 0;
            std::size_t digits = 0;
            while (m_position < m_text.size() && m_text[m_position] >= '0' && m_text[m_position] <= '9') {
                if (value > (std::numeric_limits<std::uint64_t>::max() - 9) / 10)
                    return false;
                value = value * 10 + std::uint64_t(m_text[m_position++] - '0');
                ++digits;
            }
            if (m_position < m_text.size() && m_text[m_position] == 'L') // Python 2 longs
                ++m_position;
            if (digits == 0 || shape.size() > 32)
                return false;
            shape.push_back(value);
            skipSpace();
            if (take(','))
                continue;
            skipSpace();
            return take(')');
        }
    }

    std::string_view m_text;
    std::size_t m_position = 0;
};

struct Dtype {
    char kind = 'f'; // f, i, u, b
    int size = 8;
    bool bigEndian = false;
};

std::optional<Dtype> parseDescr(const std::string &descr, std::string &error) {
    if (descr.size() >= 2 && descr[1] == 'O') {
        error = "object arrays (dtype '" + descr + "') are not supported: save a numeric array";
        return std::nullopt;
    }
    if (descr.size() < 3) {
        error = "unknown dtype '" + descr + "'";
        return std::nullopt;
    }
    Dtype dtype;
    const char order = descr[0];
    if (order != '<' && order != '>' && order != '|' && order != '=') {
        error = "unknown byte order in dtype '" + descr + "'";
        return std::nullopt;
    }
    dtype.bigEndian = order == '>';
    dtype.kind = descr[1];
    const std::string sizeText = descr.substr(2);
    if (dtype.kind == 'c') {
        error = "complex arrays (dtype '" + descr + "') are not supported: R, P and γ are real";
        return std::nullopt;
    }
    if (sizeText.size() != 1 || sizeText[0] < '1' || sizeText[0] > '8') {
        error = "unsupported dtype '" + descr + "'";
        return std::nullopt;
    }
    dtype.size = sizeText[0] - '0';
    const bool supported = (dtype.kind == 'f' && (dtype.size == 4 || dtype.size == 8)) ||
                           ((dtype.kind == 'i' || dtype.kind == 'u') &&
                            (dtype.size == 1 || dtype.size == 2 || dtype.size == 4 || dtype.size == 8)) ||
                           (dtype.kind == 'b' && dtype.size == 1);
    if (!supported) {
        error = "unsupported dtype '" + descr + "' (supported: f8 f4 i8 i4 i2 i1 u8 u4 u2 u1 b1)";
        return std::nullopt;
    }
    return dtype;
}

// One element at p as a double.
double elementAt(const unsigned char *p, const Dtype &dtype) {
    std::uint64_t bits = 0;
    for (int k = 0; k < dtype.size; ++k) {
        const int byte = dtype.bigEndian ? k : dtype.size - 1 - k;
        bits = (bits << 8) | p[byte];
    }
    switch (dtype.kind) {
    case 'f':
        if (dtype.size == 8)
            return std::bit_cast<double>(bits);
        return double(std::bit_cast<float>(std::uint32_t(bits)));
    case 'i': {
        const int shift = 64 - 8 * dtype.size; // sign-extend
        return double(std::int64_t(bits << shift) >> shift);
    }
    case 'u':
        return double(bits);
    case 'b':
        return bits != 0 ? 1.0 : 0.0;
    }
    return 0.0;
}

} // namespace

Status parseNpy(std::string_view bytes, const std::string &name, MatrixXd &out) {
    if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic)
        return errorAt(name, 0, "not a NumPy .npy file: it does not start with \"\\x93NUMPY\"");
    if (bytes.size() < 10)
        return errorAt(name, bytes.size(), "the file ends inside the .npy preamble");
    const int major = static_cast<unsigned char>(bytes[6]);
    const int minor = static_cast<unsigned char>(bytes[7]);
    if (major < 1 || major > 3 || minor != 0)
        return errorAt(name, 6,
                       "unsupported .npy version " + std::to_string(major) + "." + std::to_string(minor) +
                           " (supported: 1.0, 2.0, 3.0)");
    const int lengthWidth = major == 1 ? 2 : 4;
    const std::size_t headerStart = 8 + std::size_t(lengthWidth);
    if (bytes.size() < headerStart)
        return errorAt(name, bytes.size(), "the file ends inside the header length");
    const std::uint64_t headerLength = readLittle(bytes, 8, lengthWidth);
    if (headerLength > bytes.size() - headerStart)
        return errorAt(name, 8,
                       "the header claims " + std::to_string(headerLength) + " bytes but only " +
                           std::to_string(bytes.size() - headerStart) + " follow");
    const std::string_view header = bytes.substr(headerStart, std::size_t(headerLength));
    if (major < 3 &&
        std::any_of(header.begin(), header.end(), [](char c) { return (unsigned char)c >= 0x80; }))
        return errorAt(name, headerStart, "the header of a version 1 or 2 file must be ASCII");

    std::string descr, error;
    bool fortranOrder = false;
    std::vector<std::uint64_t> shape;
    if (!HeaderParser(header).parse(descr, fortranOrder, shape, error))
        return errorAt(name, headerStart, "bad header: " + error);
    const auto dtype = parseDescr(descr, error);
    if (!dtype)
        return errorAt(name, headerStart, error);
    if (shape.size() > 2)
        return errorAt(name, headerStart,
                       std::to_string(shape.size()) + "-dimensional arrays are not supported: expected a "
                                                      "matrix (n, m), a vector (n,) or a scalar ()");
    const std::uint64_t rows = shape.empty() ? 1 : shape[0];
    const std::uint64_t cols = shape.size() == 2 ? shape[1] : 1;
    if (rows == 0 || cols == 0)
        return errorAt(name, headerStart, "the array is empty (shape has a zero)");
    if (Status size = checkMatrixSize(rows, cols); !size)
        return errorAt(name, headerStart, size.message);
    const std::uint64_t count = rows * cols;
    const std::size_t dataStart = headerStart + std::size_t(headerLength);
    const std::uint64_t needed = count * std::uint64_t(dtype->size);
    if (bytes.size() - dataStart < needed)
        return errorAt(name, dataStart,
                       "the file is truncated: shape " + std::to_string(rows) + "×" + std::to_string(cols) +
                           " of '" + descr + "' needs " + std::to_string(needed) + " bytes of data, found " +
                           std::to_string(bytes.size() - dataStart));
    if (bytes.size() - dataStart > needed)
        return errorAt(name, dataStart + std::size_t(needed),
                       std::to_string(bytes.size() - dataStart - needed) +
                           " bytes follow the data: the header's shape does not match the file");

    MatrixXd matrix(static_cast<Index>(rows), static_cast<Index>(cols));
    const auto *data = reinterpret_cast<const unsigned char *>(bytes.data() + dataStart);
    const bool nativeDouble = dtype->kind == 'f' && dtype->size == 8 && !dtype->bigEndian &&
                              std::endian::native == std::endian::little;
    if (nativeDouble && (fortranOrder || cols == 1 || rows == 1)) {
        std::memcpy(matrix.data(), data, std::size_t(needed)); // already in Eigen's order: one copy
    } else if (nativeDouble) {
        // C order: a row-major view of the bytes (possibly unaligned), transposed by Eigen's copy.
        using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        matrix = Eigen::Map<const RowMajor, Eigen::Unaligned>(reinterpret_cast<const double *>(data),
                                                              Index(rows), Index(cols));
    } else {
        for (std::uint64_t k = 0; k < count; ++k) {
            // Element k in file order; C order is row-major, Fortran order column-major.
            const std::uint64_t i = fortranOrder ? k % rows : k / cols;
            const std::uint64_t j = fortranOrder ? k / rows : k % cols;
            matrix(Index(i), Index(j)) = elementAt(data + k * std::uint64_t(dtype->size), *dtype);
        }
    }
    out = std::move(matrix);
    return Status::success();
}

std::string toNpy(const Eigen::Ref<const MatrixXd> &matrix) {
    std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" +
                         std::to_string(matrix.rows()) + ", " + std::to_string(matrix.cols()) + "), }";
    // Pad with spaces and a newline so that magic + version + length + header is a multiple of 64.
    const std::size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    std::string bytes(kMagic);
    bytes += '\x01';
    bytes += '\x00';
    bytes += char(header.size() & 0xff);
    bytes += char((header.size() >> 8) & 0xff);
    bytes += header;
    const std::size_t dataStart = bytes.size();
    bytes.resize(dataStart + std::size_t(matrix.size()) * 8);
    std::size_t offset = dataStart;
    for (Index i = 0; i < matrix.rows(); ++i)
        for (Index j = 0; j < matrix.cols(); ++j) {
            const std::uint64_t bits = std::bit_cast<std::uint64_t>(matrix(i, j));
            for (int b = 0; b < 8; ++b)
                bytes[offset++] = char((bits >> (8 * b)) & 0xff);
        }
    return bytes;
}

} // namespace gradlens
