#!/usr/bin/env python3
"""Writes the malformed-file corpus next to this script. Each file must be refused (exit 2) by
`gradlens-cli eval --R FILE --P P3.mtx --gamma gamma3.mtx` with a message naming the file; the suite checks
every file here. Re-run after editing; the files are committed, this script documents what each one is.
Files named fuzz_* are inputs libFuzzer found (scripts/fuzz.sh), kept as found after the fix."""
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))
files = {}

def npy(header, data=b"", version=(1, 0), magic=b"\x93NUMPY", pad=True):
    h = header.encode("latin-1")
    if pad:
        width = 2 if version[0] == 1 else 4
        total = 6 + 2 + width + len(h) + 1
        h += b" " * ((64 - total % 64) % 64) + b"\n"
    length = struct.pack("<H", len(h)) if version[0] == 1 else struct.pack("<I", len(h))
    return magic + bytes(version) + length + h + data

f8 = lambda values: struct.pack("<%dd" % len(values), *values)

# ---- Matrix Market -------------------------------------------------------------------------------------
mm = "%%MatrixMarket matrix "
files.update({
    "mm_empty.mtx": b"",
    "mm_only_whitespace.mtx": b"   \n\n  \n",
    "mm_no_banner.mtx": b"3 3\n1\n2\n3\n4\n5\n6\n7\n8\n9\n",
    "mm_truncated_banner.mtx": b"%%MatrixMarket matrix arr",
    "mm_banner_too_few_words.mtx": (mm + "array real\n3 3\n").encode(),
    "mm_banner_too_many_words.mtx": (mm + "array real general extra\n3 3\n").encode(),
    "mm_not_matrix_object.mtx": b"%%MatrixMarket vector array real general\n3\n1\n2\n3\n",
    "mm_bad_format.mtx": (mm + "dense real general\n3 3\n").encode(),
    "mm_complex_field.mtx": (mm + "array complex general\n1 1\n1 2\n").encode(),
    # "array real hermitian" is valid since issue 17 (read as symmetric): see tests/data/valid/.
    "mm_complex_hermitian.mtx": (mm + "array complex hermitian\n1 1\n1 0\n").encode(),
    "mm_pattern_hermitian.mtx": (mm + "coordinate pattern hermitian\n3 3 1\n1 1\n").encode(),
    "mm_bad_field.mtx": (mm + "array quaternion general\n1 1\n1\n").encode(),
    "mm_bad_symmetry.mtx": (mm + "array real diagonal\n1 1\n1\n").encode(),
    "mm_pattern_array.mtx": (mm + "array pattern general\n1 1\n1\n").encode(),
    "mm_missing_size.mtx": (mm + "array real general\n% only comments\n").encode(),
    "mm_size_one_number.mtx": (mm + "array real general\n3\n").encode(),
    "mm_size_not_numbers.mtx": (mm + "array real general\nthree three\n").encode(),
    "mm_size_negative.mtx": (mm + "array real general\n-3 3\n").encode(),
    "mm_size_zero.mtx": (mm + "array real general\n0 0\n").encode(),
    "mm_huge_claimed_size.mtx": (mm + "array real general\n4000000000 4000000000\n1\n").encode(),
    "mm_claims_more_than_content.mtx": (mm + "array real general\n1000 1000\n1\n2\n3\n").encode(),
    "mm_too_few_values.mtx": (mm + "array real general\n3 3\n" + "1\n" * 8).encode(),
    "mm_too_many_values.mtx": (mm + "array real general\n3 3\n" + "1\n" * 10).encode(),
    "mm_value_not_number.mtx": (mm + "array real general\n3 3\n1\n2\nx\n4\n5\n6\n7\n8\n9\n").encode(),
    "mm_value_half_number.mtx": (mm + "array real general\n3 3\n1\n2\n3.5.6\n4\n5\n6\n7\n8\n9\n").encode(),
    "mm_integer_field_with_fraction.mtx": (mm + "array integer general\n3 3\n1\n2\n3.5\n4\n5\n6\n7\n8\n9\n").encode(),
    "mm_coord_out_of_range.mtx": (mm + "coordinate real general\n3 3 2\n1 1 1.0\n4 1 2.0\n").encode(),
    "mm_coord_zero_index.mtx": (mm + "coordinate real general\n3 3 1\n0 1 1.0\n").encode(),
    "mm_coord_missing_value.mtx": (mm + "coordinate real general\n3 3 1\n1 1\n").encode(),
    "mm_coord_too_few_entries.mtx": (mm + "coordinate real general\n3 3 3\n1 1 1.0\n2 2 2.0\n").encode(),
    "mm_coord_too_many_entries.mtx": (mm + "coordinate real general\n3 3 1\n1 1 1.0\n2 2 2.0\n").encode(),
    "mm_coord_index_not_integer.mtx": (mm + "coordinate real general\n3 3 1\n1.5 1 1.0\n").encode(),
    "mm_coord_huge_nnz.mtx": (mm + "coordinate real general\n3 3 99999999999\n1 1 1.0\n").encode(),
    "mm_symmetric_not_square.mtx": (mm + "array real symmetric\n3 2\n1\n2\n3\n4\n5\n").encode(),
    "mm_symmetric_upper_entry.mtx": (mm + "coordinate real symmetric\n3 3 1\n1 3 1.0\n").encode(),
    "mm_skew_diagonal_entry.mtx": (mm + "coordinate real skew-symmetric\n3 3 1\n2 2 1.0\n").encode(),
    "mm_binary_junk.mtx": bytes(range(256)) * 4,
    "mm_nul_in_values.mtx": (mm + "array real general\n3 3\n1\n2\n").encode() + b"\x00\x00\x00\n",
    "mm_nan_value.mtx": (mm + "array real general\n3 3\n1\n2\nnan\n4\n5\n6\n7\n8\n9\n").encode(),
    "mm_inf_value.mtx": (mm + "array real general\n3 3\n1\n2\ninf\n4\n5\n6\n7\n8\n9\n").encode(),
    "mm_not_square.mtx": (mm + "array real general\n3 2\n1\n2\n3\n4\n5\n6\n").encode(),
    "mm_wrong_size.mtx": (mm + "array real general\n4 4\n" + "1\n" * 16).encode(),
    "mm_overflowing_value.mtx": (mm + "array real general\n3 3\n1\n2\n1e999\n4\n5\n6\n7\n8\n9\n").encode(),
})

# ---- Delimited text ------------------------------------------------------------------------------------
files.update({
    "csv_empty.csv": b"",
    "csv_only_header.csv": b"a,b,c\n",
    "csv_only_comments.csv": b"# nothing\n% here\n",
    "csv_ragged_short.csv": b"1,2,3\n4,5\n7,8,9\n",
    "csv_ragged_long.csv": b"1,2,3\n4,5,6,7\n7,8,9\n",
    "csv_not_a_number.csv": b"1,2,3\n4,five,6\n7,8,9\n",
    "csv_empty_field.csv": b"1,2,3\n4,,6\n7,8,9\n",
    "csv_trailing_delimiter.csv": b"1,2,3,\n4,5,6,\n7,8,9,\n",
    "csv_mixed_delimiters.csv": b"1,2,3\n4;5;6\n7,8,9\n",
    "csv_decimal_comma.csv": b"1;2,5;3\n4;5;6\n7;8;9\n",
    "csv_binary_junk.csv": bytes(range(1, 256)) * 8,
    "csv_nul_byte.csv": b"1,2,3\n4,\x005,6\n7,8,9\n",
    "csv_nan.csv": b"1,2,3\n4,NaN,6\n7,8,9\n",
    "csv_inf.csv": b"1,2,3\n4,-Inf,6\n7,8,9\n",
    "csv_not_square.csv": b"1,2\n3,4\n5,6\n",
    "csv_wrong_size.csv": b"1,2\n3,4\n",
    "csv_second_header.csv": b"a,b,c\n1,2,3\nd,e,f\n7,8,9\n",
    "csv_hex_numbers.csv": b"0x1,2,3\n4,5,6\n7,8,9\n",
    "csv_thousands_separator.csv": b"1,2,3\n4,\"5,000\",6\n7,8,9\n",
    "csv_index_column_bad_label.csv": b",a,b,c\nx,1,2,3\ny,4,5,6\nz,7,8,9\n",
    "tsv_ragged.tsv": b"1\t2\t3\n4\t5\n7\t8\t9\n",
    "tsv_not_a_number.tsv": b"1\t2\t3\n4\tfive\t6\n7\t8\t9\n",
    "txt_ragged_whitespace.txt": b"1 2 3\n4 5\n7 8 9\n",
    "txt_words.txt": b"one two three\nfour five six\n",
    "unknown_extension.dat": b"1 2 3\n4 5 6\n7 8 9\n",
    "no_extension": b"1,2,3\n4,5,6\n7,8,9\n",
})

# ---- NumPy .npy ----------------------------------------------------------------------------------------
good_header = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), }"
nine = f8([1, 2, 3, 4, 5, 6, 7, 8, 9])
files.update({
    "npy_empty.npy": b"",
    "npy_bad_magic.npy": b"\x93NUMPZ\x01\x00" + b"\x00" * 80,
    "npy_text_file.npy": b"1,2,3\n4,5,6\n7,8,9\n",
    "npy_only_magic.npy": b"\x93NUMPY",
    "npy_bad_version.npy": npy(good_header, nine, version=(4, 0)),
    "npy_header_length_too_long.npy": b"\x93NUMPY\x01\x00\xff\xff{'descr': '<f8'",
    "npy_truncated_header.npy": npy(good_header, nine)[:40],
    "npy_header_not_dict.npy": npy("['<f8', False, (3, 3)]", nine),
    "npy_header_missing_shape.npy": npy("{'descr': '<f8', 'fortran_order': False, }", nine),
    "npy_header_missing_descr.npy": npy("{'fortran_order': False, 'shape': (3, 3), }", nine),
    "npy_header_bad_order.npy": npy("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (3, 3), }", nine),
    "npy_header_bad_shape.npy": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, x), }", nine),
    "npy_header_unknown_key.npy": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), 'x': 1}", nine),
    "npy_object_dtype.npy": npy("{'descr': '|O', 'fortran_order': False, 'shape': (3,), }", b"\x80\x04" * 12),
    "npy_complex_dtype.npy": npy("{'descr': '<c16', 'fortran_order': False, 'shape': (3, 3), }", nine * 2),
    "npy_string_dtype.npy": npy("{'descr': '<U5', 'fortran_order': False, 'shape': (3, 3), }", b"\x00" * 180),
    "npy_f2_dtype.npy": npy("{'descr': '<f2', 'fortran_order': False, 'shape': (3, 3), }", b"\x00" * 18),
    "npy_structured_dtype.npy": npy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3, 3), }", nine),
    "npy_three_dims.npy": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3, 1), }", nine),
    "npy_zero_shape.npy": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", b""),
    "npy_truncated_data.npy": npy(good_header, nine[:50]),
    "npy_extra_data.npy": npy(good_header, nine + f8([10])),
    "npy_huge_shape.npy": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4000000000, 4000000000), }", nine),
    "npy_overflowing_shape.npy": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999, 3), }", nine),
    "npy_nan.npy": npy(good_header, f8([1, 2, float("nan"), 4, 5, 6, 7, 8, 9])),
    "npy_wrong_size.npy": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f8([1, 2, 3, 4])),
    "npy_v1_non_ascii_header.npy": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), 'é': 1}", nine),
})

for name, content in files.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(content)
print(len(files), "files")
