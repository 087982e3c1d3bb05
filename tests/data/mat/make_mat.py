#!/usr/bin/env python3
"""Writes small MATLAB .mat (MAT 5, and MAT 4) files next to this script, laid out by hand as the format's
documentation describes them (no SciPy needed): valid ones, and truncated and corrupted ones that must be
refused. They seed the .mat fuzzer (scripts/fuzz.sh) and tst_matrixio reads each one. Re-run after editing;
the files are committed. Files named fuzz_* are inputs libFuzzer found, kept as found."""
import os
import struct
import zlib

here = os.path.dirname(os.path.abspath(__file__))
miINT8, miUINT8, miINT32, miUINT32, miDOUBLE, miMATRIX, miCOMPRESSED = 1, 2, 5, 6, 9, 14, 15
mxDOUBLE, mxINT32, mxUINT8 = 6, 12, 9


def pad8(data):
    return data + b"\0" * (-len(data) % 8)


def element(kind, data):
    return struct.pack("<II", kind, len(data)) + pad8(data)


def variable(name, cls, kind, dims, data, logical=False, complex_part=None):
    flags = cls | (0x200 if logical else 0) | (0x800 if complex_part is not None else 0)
    body = element(miUINT32, struct.pack("<II", flags, 0))
    body += element(miINT32, struct.pack("<%di" % len(dims), *dims))
    body += element(miINT8, name.encode())
    body += element(kind, data)
    if complex_part is not None:
        body += element(kind, complex_part)
    return element(miMATRIX, body)


def cell(name, dims, elements):
    """A cell array: flags, dims, name, then one miMATRIX per element (their names empty)."""
    body = element(miUINT32, struct.pack("<II", 1, 0)) + element(miINT32, struct.pack("<%di" % len(dims), *dims))
    return element(miMATRIX, body + element(miINT8, name.encode()) + b"".join(elements))


def struct_array(name, fields):
    """A 1×1 struct: field names padded to 32 bytes, then one miMATRIX per field."""
    body = element(miUINT32, struct.pack("<II", 2, 0)) + element(miINT32, struct.pack("<2i", 1, 1))
    body += element(miINT8, name.encode()) + element(miINT32, struct.pack("<i", 32))
    body += element(miINT8, b"".join(f.encode().ljust(32, b"\0") for f in fields))
    return element(miMATRIX, body + b"".join(variable("", mxDOUBLE, miDOUBLE, [1, 1], doubles([k]))
                                             for k in range(len(fields))))


def compressed(matrix_element):
    z = zlib.compress(matrix_element)
    return struct.pack("<II", miCOMPRESSED, len(z)) + z


def mat(*variables):
    text = b"MATLAB 5.0 MAT-file, written by Gradient Lens tests/data/mat/make_mat.py"
    return text.ljust(116, b" ") + b"\0" * 8 + struct.pack("<H", 0x0100) + b"IM" + b"".join(variables)


def mat4(name, rows, cols, data, precision=0):
    """A MAT 4 variable ("save -v4"): type (little-endian IEEE, precision), rows, columns, imaginary flag,
    name length with its NUL, then the name and the column-major values."""
    header = struct.pack("<5i", precision * 10, rows, cols, 0, len(name) + 1)
    return header + name.encode() + b"\0" + data


doubles = lambda values: struct.pack("<%dd" % len(values), *values)
gamma = variable("gamma", mxDOUBLE, miDOUBLE, [3, 3], doubles([1, 2, 3, 4, 5, 6, 7, 8, 9]))
valid = mat(gamma)
files = {
    "valid_double.mat": valid,
    "valid_compressed.mat": mat(compressed(gamma)),
    # MATLAB stores small whole numbers of a double array in a narrower type: still a double class
    "valid_double_stored_as_uint8.mat": mat(variable("g", mxDOUBLE, miUINT8, [2, 2], bytes([1, 2, 3, 4]))),
    "valid_int32.mat": mat(variable("n", mxINT32, miINT32, [2, 1], struct.pack("<2i", -5, 7))),
    "valid_logical.mat": mat(variable("mask", mxUINT8, miUINT8, [1, 3], bytes([1, 0, 1]), logical=True)),
    "valid_two_variables.mat": mat(gamma, variable("R", mxDOUBLE, miDOUBLE, [1, 1], doubles([2.5]))),
    "valid_v4.mat": mat4("gamma", 3, 3, doubles([1, 2, 3, 4, 5, 6, 7, 8, 9])),
    "bad_v4_truncated.mat": mat4("gamma", 3, 3, doubles([1, 2, 3, 4, 5, 6, 7, 8, 9]))[:-16],
    "bad_v4_huge_claimed_size.mat": mat4("g", 100000, 100000, doubles([1])),
    "valid_beside_cell_and_struct.mat": mat(cell("C", [1, 2], [variable("", mxDOUBLE, miDOUBLE, [1, 1], doubles([1])),
                                                              variable("", mxDOUBLE, miDOUBLE, [1, 1], doubles([2]))]),
                                            struct_array("S", ["a", "b"]), gamma),
    # libmatio allocates a pointer per element a cell claims: 10^10 of them for this 300-byte file
    "bad_cell_claims_10000000000_elements.mat": mat(cell("C", [100000, 100000],
                                                         [variable("", mxDOUBLE, miDOUBLE, [1, 1], doubles([1]))]), gamma),
    # class 17 (an object): libmatio reads the tag after the flags and allocates what it claims (2 GB here)
    "bad_object_with_huge_tag.mat": mat(element(miMATRIX, element(miUINT32, struct.pack("<II", 17, 0)) +
                                                struct.pack("<II", miINT32, 0x7f000000) + b"\0" * 16), gamma),
    "bad_empty.mat": b"",
    "bad_text_file.mat": b"1,2,3\n4,5,6\n7,8,9\n" * 3,
    "bad_truncated_by_20.mat": valid[:-20],
    "bad_truncated_by_72.mat": valid[:-72],
    "bad_truncated_in_tag.mat": valid[:132],
    "bad_compressed_truncated.mat": mat(compressed(gamma))[:-8],
    "bad_dims_larger_than_data.mat": mat(variable("gamma", mxDOUBLE, miDOUBLE, [3, 4],
                                                  doubles([1, 2, 3, 4, 5, 6, 7, 8, 9]))),
    "bad_compressed_dims_larger_than_data.mat": mat(compressed(variable("gamma", mxDOUBLE, miDOUBLE, [3, 4],
                                                                        doubles([1, 2, 3, 4, 5, 6, 7, 8, 9])))),
    "bad_compressed_stream_corrupted.mat": mat(compressed(gamma)[:40] + b"\xff" * 8 + compressed(gamma)[48:]),
    "bad_complex.mat": mat(variable("z", mxDOUBLE, miDOUBLE, [1, 2], doubles([1, 2]),
                                    complex_part=doubles([0, 1]))),
    "bad_three_dims.mat": mat(variable("t", mxDOUBLE, miDOUBLE, [1, 2, 2], doubles([1, 2, 3, 4]))),
    "bad_negative_dim.mat": mat(variable("g", mxDOUBLE, miDOUBLE, [3, -1], doubles([1, 2, 3]))),
}
for name, content in files.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(content)
print(len(files), "files")
