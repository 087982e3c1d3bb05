#include "matlayout.h"

#include "textscan.h"

#include <algorithm>
#include <array>
#include <sstream>

#include <optional>
#include <zlib.h>

namespace gradlens {

namespace {

// MAT 5 data types (the tag's type field) and array classes, as the format's documentation numbers them.
enum : std::uint32_t { miINT8 = 1, miUINT32 = 6, miINT32 = 5, miMATRIX = 14, miCOMPRESSED = 15 };
constexpr std::uint64_t kHeaderBytes = 128;

// Bytes per element of a numeric data type, 0 for the others.
std::uint64_t elementBytes(std::uint32_t type) {
    // miINT8 … miUINT64, then miUTF8, miUTF16, miUTF32 (char data); 0 for miMATRIX, miCOMPRESSED, reserved
    constexpr std::array<std::uint64_t, 19> sizes = {0, 1, 1, 2, 2, 4, 4, 4, 0, 8, 0, 0, 8, 8, 0, 0, 1, 2, 4};
    return type < sizes.size() ? sizes[type] : 0;
}

Status errorAt(const std::string &name, std::uint64_t offset, const std::string &message) {
    return Status::failure(name + ": byte " + std::to_string(offset) + ": " + message);
}

std::uint64_t padded8(std::uint64_t bytes) {
    return (bytes + 7) / 8 * 8;
}

// Reads tags and small fields at offsets, in the file's byte order.
class Reader {
public:
    Reader(std::istream &file, bool bigEndian)
        : m_file(file)
        , m_bigEndian(bigEndian) {}

    bool u32(std::uint64_t offset, std::uint32_t &value) {
        unsigned char bytes[4];
        m_file.clear();
        m_file.seekg(std::streamoff(offset));
        if (!m_file.read(reinterpret_cast<char *>(bytes), 4))
            return false;
        value = 0;
        for (int k = 0; k < 4; ++k)
            value = (value << 8) | bytes[m_bigEndian ? k : 3 - k];
        return true;
    }

    // A data element's tag at offset: type, size of its data, where the data start and where the next
    // element starts. The small format packs up to 4 bytes of data into the tag itself.
    struct Tag {
        std::uint32_t type = 0;
        std::uint64_t bytes = 0, data = 0, next = 0;
    };
    bool tag(std::uint64_t offset, Tag &tag) {
        std::uint32_t first = 0, second = 0;
        if (!u32(offset, first) || !u32(offset + 4, second))
            return false;
        if (first >> 16) { // small data element: size in the upper half, data in the second word
            tag = {first & 0xffff, first >> 16, offset + 4, offset + 8};
            return true;
        }
        tag = {first, second, offset + 8, 0};
        tag.next = tag.data + (first == miCOMPRESSED ? second : padded8(second));
        return true;
    }

private:
    std::istream &m_file;
    bool m_bigEndian;
};

std::string quotedName(std::istream &file, const Reader::Tag &tag) {
    std::string text(std::size_t(std::min<std::uint64_t>(tag.bytes, 63)), '\0');
    file.clear();
    file.seekg(std::streamoff(tag.data));
    file.read(text.data(), std::streamsize(text.size()));
    return "'" + text::printable(text) + "'";
}

// MAT 5 array classes: 1 cell, 2 struct, 3 object, 4 char, 5 sparse, 6–15 numeric, 16 function, 17 opaque.
enum : std::uint32_t { mxCELL = 1, mxSTRUCT = 2, mxOBJECT = 3, mxCHAR = 4, mxSPARSE = 5, mxOPAQUE = 17 };
constexpr int kMaxDepth =
    16; // cells in cells in ...: deeper than anyone writes, shallow enough for the stack

Status checkVariable(std::istream &file, Reader &reader, std::uint64_t start, std::uint64_t end,
                     const std::string &name, int depth);

// The dimensions' product (saturated, so that nothing below overflows) and their text ("3×4").
Status readDimensions(Reader &reader, const Reader::Tag &dims, const std::string &name,
                      const std::string &variable, unsigned __int128 &count, std::string &shape) {
    count = 1;
    for (std::uint64_t k = 0; k < dims.bytes / 4; ++k) {
        std::uint32_t extent = 0;
        reader.u32(dims.data + 4 * k, extent);
        if (extent > 0x7fffffff)
            return errorAt(name, dims.data + 4 * k, variable + " has a negative dimension");
        count = std::min<unsigned __int128>(count * extent, std::uint64_t(1) << 62);
        shape += (k ? "×" : "") + std::to_string(extent);
    }
    return Status::success();
}

// Numeric and char data: the real (and imaginary) part must hold what the dimensions need.
Status checkData(Reader &reader, std::uint64_t offset, std::uint64_t end, bool complex,
                 unsigned __int128 count, const std::string &shape, const std::string &name,
                 const std::string &variable) {
    for (const char *part : {"real", "imaginary"}) {
        if (part[0] == 'i' && !complex)
            break;
        Reader::Tag data;
        if (!reader.tag(offset, data) || data.data + data.bytes > end)
            return errorAt(name, offset,
                           variable + ": the " + part + " data are cut short: the file is damaged");
        const std::uint64_t size = elementBytes(data.type);
        if (size == 0)
            return errorAt(name, offset, variable + ": unknown data type " + std::to_string(data.type));
        if (count * size > data.bytes)
            return errorAt(name, offset,
                           variable + ": its " + part + " data hold " + std::to_string(data.bytes) +
                               " bytes but " + shape + " values need " +
                               std::to_string(std::uint64_t(count * size)) + ": the file is damaged");
        offset = data.next;
    }
    return Status::success();
}

// The elements of a cell, struct or object: elements × fields variables, each checked in turn. libmatio
// allocates for the count its header claims, so the count must first fit in the bytes there are.
Status checkContents(std::istream &file, Reader &reader, std::uint64_t offset, std::uint64_t end,
                     unsigned __int128 elements, const std::string &name, const std::string &variable,
                     int depth) {
    if (elements * 8 > end - std::min(offset, end))
        return errorAt(name, offset,
                       variable + " claims " + std::to_string(std::uint64_t(elements)) +
                           " elements, more than its bytes can hold: the file is damaged");
    for (unsigned __int128 k = 0; k < elements; ++k) {
        Reader::Tag element;
        if (!reader.tag(offset, element) || element.type != miMATRIX || element.data + element.bytes > end)
            return errorAt(name, offset, variable + ": an element is damaged or cut short");
        if (element.bytes > 0)
            if (Status inner =
                    checkVariable(file, reader, element.data, element.data + element.bytes, name, depth + 1);
                !inner)
                return inner;
        offset = element.next;
    }
    return Status::success();
}

// Inside one variable [start, end): flags, dimensions, name, then what its class holds. Numeric and char
// data must hold what the dimensions need; cells, structs and objects are checked element by element.
Status checkVariable(std::istream &file, Reader &reader, std::uint64_t start, std::uint64_t end,
                     const std::string &name, int depth) {
    if (depth > kMaxDepth)
        return errorAt(name, start, "variables nested more than " + std::to_string(kMaxDepth) + " deep");
    Reader::Tag flags, dims, label;
    auto inside = [&](const Reader::Tag &t) { return t.data + t.bytes <= end; };
    if (!reader.tag(start, flags) || !inside(flags) || flags.type != miUINT32 || flags.bytes < 8)
        return errorAt(name, start, "a variable's array flags are damaged");
    std::uint32_t flagWord = 0;
    reader.u32(flags.data, flagWord);
    const std::uint32_t arrayClass = flagWord & 0xff;
    if (arrayClass > mxOPAQUE)
        return errorAt(name, flags.data, "unknown array class " + std::to_string(arrayClass));
    if (arrayClass == mxOPAQUE) {
        // A MATLAB object (string, table, ...): its layout differs (names where dimensions would be), but
        // libmatio reads the next two tags all the same, and allocates what they claim: they must fit.
        Reader::Tag first, second;
        if (!reader.tag(flags.next, first) || !inside(first) || !reader.tag(first.next, second) ||
            !inside(second))
            return errorAt(name, flags.next, "an object variable is damaged or cut short");
        return Status::success();
    }
    if (!reader.tag(flags.next, dims) || !inside(dims) || dims.type != miINT32 || dims.bytes % 4 != 0)
        return errorAt(name, flags.next, "a variable's dimensions are damaged");
    if (!reader.tag(dims.next, label) || !inside(label))
        return errorAt(name, dims.next, "a variable's name is damaged");
    const std::string variable = "variable " + quotedName(file, label);
    unsigned __int128 count = 1;
    std::string shape;
    if (Status read = readDimensions(reader, dims, name, variable, count, shape); !read)
        return read;
    if (arrayClass == 0) // libmatio's "empty" class: nothing to hold
        return count == 0 ? Status::success()
                          : errorAt(name, flags.data, variable + " has no class but " + shape + " elements");
    if (arrayClass == mxCHAR || arrayClass > mxSPARSE)
        return checkData(reader, label.next, end, flagWord & 0x800, count, shape, name, variable);
    if (arrayClass == mxSPARSE)
        return Status::success(); // its index and value arrays are sized by their own tags
    if (arrayClass == mxCELL)
        return checkContents(file, reader, label.next, end, count, name, variable, depth);
    // struct, object: (object: a class name first), then the field name length and the field names
    std::uint64_t offset = label.next;
    Reader::Tag className, fieldLength, fieldNames;
    if (arrayClass == mxOBJECT) {
        if (!reader.tag(offset, className) || !inside(className))
            return errorAt(name, offset, variable + ": its class name is damaged");
        offset = className.next;
    }
    std::uint32_t length = 0;
    if (!reader.tag(offset, fieldLength) || !inside(fieldLength) || fieldLength.bytes < 4 ||
        !reader.u32(fieldLength.data, length) || !reader.tag(fieldLength.next, fieldNames) ||
        !inside(fieldNames))
        return errorAt(name, offset, variable + ": its field names are damaged");
    const std::uint64_t fields = length == 0 ? 0 : fieldNames.bytes / length;
    return checkContents(file, reader, fieldNames.next, end, count * fields, name, variable, depth);
}

// A compressed variable is a zlib stream of a whole miMATRIX element. It is inflated as a stream (64 KiB at
// a time, keeping at most its first 64 MiB) to learn its true length; its tags are then checked against
// that length like an uncompressed variable's. A cell or struct whose contents lie beyond what is kept
// cannot be checked, and is refused.
Status checkCompressedVariable(std::istream &file, Reader::Tag element, bool bigEndian,
                               const std::string &name) {
    constexpr std::size_t kKept = std::size_t(64) << 20, kChunk = 65536;
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK)
        return errorAt(name, element.data, "cannot start decompressing a variable");
    std::string kept, input(kChunk, '\0'), output(kChunk, '\0');
    std::uint64_t inflated = 0, remaining = element.bytes;
    int result = Z_OK;
    file.clear();
    file.seekg(std::streamoff(element.data));
    while (result != Z_STREAM_END && remaining > 0) {
        const std::size_t take = std::size_t(std::min<std::uint64_t>(remaining, kChunk));
        if (!file.read(input.data(), std::streamsize(take)))
            break;
        remaining -= take;
        stream.next_in = reinterpret_cast<Bytef *>(input.data());
        stream.avail_in = uInt(take);
        do {
            stream.next_out = reinterpret_cast<Bytef *>(output.data());
            stream.avail_out = uInt(kChunk);
            result = inflate(&stream, Z_NO_FLUSH);
            const std::size_t produced = kChunk - stream.avail_out;
            kept.append(output.data(), std::min(produced, kKept - std::min(kKept, kept.size())));
            inflated += produced;
        } while (result == Z_OK && stream.avail_out == 0);
        if (result != Z_OK && result != Z_STREAM_END)
            break;
    }
    inflateEnd(&stream);
    if (result != Z_STREAM_END)
        return errorAt(name, element.data,
                       "a compressed variable is damaged or cut short (" + std::to_string(inflated) +
                           " bytes decompressed)");
    std::istringstream inner(kept);
    Reader innerReader(inner, bigEndian);
    Reader::Tag matrix;
    if (inflated < 8 || !innerReader.tag(0, matrix) || matrix.type != miMATRIX)
        return errorAt(name, element.data, "a compressed variable does not hold a matrix element");
    if (matrix.data + matrix.bytes > inflated)
        return errorAt(name, element.data,
                       "a compressed variable declares " + std::to_string(matrix.bytes) +
                           " bytes but holds " + std::to_string(inflated - matrix.data) +
                           ": the file is damaged");
    std::uint32_t flagWord = 0;
    if (inflated > kept.size() && innerReader.u32(matrix.data + 8, flagWord) &&
        ((flagWord & 0xff) == mxCELL || (flagWord & 0xff) == mxSTRUCT || (flagWord & 0xff) == mxOBJECT))
        return errorAt(name, element.data,
                       "a compressed cell or struct decompresses to " + std::to_string(inflated) +
                           " bytes, more than can be checked: save the matrix on its own");
    // Offsets in messages about the inside are within the decompressed stream: say so.
    const Status variable =
        checkVariable(inner, innerReader, matrix.data, matrix.data + matrix.bytes,
                      name + " (compressed variable at byte " + std::to_string(element.data - 8) + ")", 0);
    return variable;
}

// MAT 4 (MATLAB 4, "save -v4"): variables one after another, each a 20-byte header (type, rows, columns,
// imaginary flag, name length), the name, then rows × columns values of the type's precision. Each must fit
// in the file: libmatio otherwise believes the header and allocates for it.
Status checkMat4Layout(std::istream &file, std::uint64_t size, const std::string &name) {
    constexpr std::uint64_t precisionBytes[] = {8, 4, 4, 2, 2, 1}; // double single int32 int16 uint16 uint8
    for (std::uint64_t offset = 0; offset < size;) {
        if (size - offset < 20)
            return errorAt(name, offset, "not a MAT 5 file, and too short for a MAT 4 variable header");
        std::uint32_t type = 0;
        Reader little(file, false);
        little.u32(offset, type);
        Reader reader(file, type > 9999); // the type is small in the file's own byte order
        std::uint32_t fields[5] = {};
        for (int k = 0; k < 5; ++k)
            reader.u32(offset + 4 * std::uint64_t(k), fields[k]);
        type = fields[0];
        const std::uint32_t machine = type / 1000, zero = type / 100 % 10, precision = type / 10 % 10,
                            kind = type % 10;
        if (machine > 1 || zero != 0 || precision > 5 || kind > 2 || fields[3] > 1)
            return errorAt(name, offset,
                           "not a MATLAB .mat file (neither a MAT 5 header nor a MAT 4 variable)");
        const unsigned __int128 values = (unsigned __int128)fields[1] * fields[2] * (fields[3] ? 2 : 1);
        const unsigned __int128 needed = 20 + fields[4] + values * precisionBytes[precision];
        if (needed > size - offset)
            return errorAt(name, offset,
                           "a MAT 4 variable of " + std::to_string(fields[1]) + "×" +
                               std::to_string(fields[2]) + " needs more bytes than the " +
                               std::to_string(size - offset) +
                               " that follow: the file is truncated or not a .mat file");
        offset += std::uint64_t(needed);
    }
    return Status::success();
}

} // namespace

Status checkMatLayout(std::istream &file, std::uint64_t size, const std::string &name) {
    if (size == 0)
        return errorAt(name, 0, "the file is empty");
    char header[kHeaderBytes] = {};
    file.clear();
    file.seekg(0);
    if (size < kHeaderBytes || !file.read(header, kHeaderBytes))
        return checkMat4Layout(file, size, name); // too short for MAT 5's header
    const bool little = header[126] == 'I' && header[127] == 'M',
               big = header[126] == 'M' && header[127] == 'I';
    const unsigned version = little ? unsigned((unsigned char)header[125]) << 8 | (unsigned char)header[124]
                                    : unsigned((unsigned char)header[124]) << 8 | (unsigned char)header[125];
    if ((little || big) && version == 0x0200)
        return Status::success(); // v7.3: HDF5, checked by the HDF5 library
    if ((!little && !big) || version != 0x0100)
        return checkMat4Layout(file, size, name); // what libmatio tries when the MAT 5 header is not there
    Reader reader(file, big);
    for (std::uint64_t offset = kHeaderBytes; offset < size;) {
        Reader::Tag element;
        if (size - offset < 8 || !reader.tag(offset, element))
            return errorAt(name, offset,
                           "the file ends inside a variable's tag (" + std::to_string(size - offset) +
                               " bytes): the file is truncated");
        if (element.data + element.bytes > size)
            return errorAt(name, offset,
                           "a variable declares " + std::to_string(element.bytes) + " bytes but only " +
                               std::to_string(size - element.data) + " follow: the file is truncated");
        if (element.type == miCOMPRESSED)
            if (Status inner = checkCompressedVariable(file, element, big, name); !inner)
                return inner;
        if (element.type == miMATRIX && element.bytes > 0)
            if (Status inner =
                    checkVariable(file, reader, element.data, element.data + element.bytes, name, 0);
                !inner)
                return inner;
        offset = element.next;
    }
    return Status::success();
}

} // namespace gradlens
