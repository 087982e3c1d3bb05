#include "matformat.h"
#include "matrixio.h"
#include "matrixmarket.h"
#include "npyformat.h"
#include "savefile.h"

#ifdef GRADLENS_HAVE_MATIO
#include <matio.h>
#endif
#include "random.h"
#include "testhelpers.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

using namespace gradlens;
Q_DECLARE_METATYPE(Eigen::MatrixXd)
using Eigen::MatrixXd;

namespace {

bool bitIdentical(const MatrixXd &a, const MatrixXd &b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

MatrixXd awkwardValues() {
    const double values[] = {0.0,
                             -0.0,
                             4.9406564584124654e-324,
                             -2.2250738585072009e-308,
                             1e300,
                             -1e-300,
                             0.1 + 0.2,
                             1.0 / 3.0,
                             std::numeric_limits<double>::max(),
                             std::numeric_limits<double>::min(),
                             -123456789.123456789,
                             1e-5,
                             6.02214076e23};
    MatrixXd matrix(5, 7);
    Random random(3);
    for (Eigen::Index i = 0; i < matrix.size(); ++i)
        matrix.data()[i] = i < 13 ? values[i] : random.normal() * std::pow(10.0, random.uniform(-20, 20));
    return matrix;
}

MatrixXd parsed(const char *text, bool matrixMarket) {
    MatrixXd matrix;
    const Status status =
        matrixMarket ? parseMatrixMarket(text, "test", matrix) : parseDelimited(text, "test", matrix);
    if (!status.ok)
        qWarning("%s", status.message.c_str());
    return matrix;
}

MatrixXd of(int rows, int cols, std::initializer_list<double> rowMajor) {
    MatrixXd matrix(rows, cols);
    auto it = rowMajor.begin();
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j)
            matrix(i, j) = *it++;
    return matrix;
}

// A .npy file built byte by byte as the format's documentation describes it.
std::string npyBytes(int major, const std::string &descr, bool fortran, const std::string &shape,
                     const std::string &data) {
    std::string header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                         ", 'shape': " + shape + ", }";
    const std::size_t lengthWidth = major == 1 ? 2 : 4;
    const std::size_t unpadded = 6 + 2 + lengthWidth + header.size() + 1;
    header += std::string((64 - unpadded % 64) % 64, ' ') + "\n";
    std::string bytes = std::string("\x93NUMPY") + char(major) + char(0);
    for (std::size_t k = 0; k < lengthWidth; ++k)
        bytes += char((header.size() >> (8 * k)) & 0xff);
    return bytes + header + data;
}

// Little- or big-endian bytes of a value of type T.
template <typename T> std::string raw(T value, bool bigEndian = false) {
    std::string bytes(sizeof(T), '\0');
    std::memcpy(bytes.data(), &value, sizeof(T));
    if (bigEndian)
        std::reverse(bytes.begin(), bytes.end());
    return bytes;
}

template <typename T> std::string rawAll(std::initializer_list<T> values, bool bigEndian = false) {
    std::string bytes;
    for (T value : values)
        bytes += raw(value, bigEndian);
    return bytes;
}

MatrixXd fromFile(const QString &name) {
    MatrixXd matrix;
    const Status status = readMatrix(QDir(GRADLENS_TEST_DATA).filePath(name).toStdString(), matrix);
    if (!status.ok)
        qWarning("%s", status.message.c_str());
    return matrix;
}

} // namespace

class TestMatrixIo : public QObject {
    Q_OBJECT
private slots:
    void roundTripIsBitIdentical_data() {
        QTest::addColumn<QString>("fileName");
        QTest::newRow("Matrix Market") << "m.mtx";
        QTest::newRow("CSV") << "m.csv";
        QTest::newRow("TSV") << "m.tsv";
        QTest::newRow("TXT") << "m.txt";
        QTest::newRow("NumPy") << "m.npy";
    }
    void roundTripIsBitIdentical() {
        QFETCH(QString, fileName);
        QTemporaryDir dir;
        const std::string path = dir.filePath(fileName).toStdString();
        const MatrixXd original = awkwardValues();
        QVERIFY(writeMatrix(path, original).ok);
        MatrixXd back;
        const Status status = readMatrix(path, back);
        QVERIFY2(status.ok, status.message.c_str());
        QVERIFY(bitIdentical(original, back));
    }

    // Every version, both orders and each dtype, in both byte orders, from bytes laid out by hand.
    void npyReadsEveryVariant_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<MatrixXd>("expected");
        const MatrixXd m23 = of(2, 3, {1, -2, 3, 4, 5, -6});
        auto row = [](const char *name, const std::string &bytes, const MatrixXd &expected) {
            QTest::newRow(name) << QByteArray(bytes.data(), qsizetype(bytes.size())) << expected;
        };
        row("v1 <f8 C", npyBytes(1, "<f8", false, "(2, 3)", rawAll<double>({1, -2, 3, 4, 5, -6})), m23);
        row("v1 <f8 Fortran", npyBytes(1, "<f8", true, "(2, 3)", rawAll<double>({1, 4, -2, 5, 3, -6})), m23);
        row("v2 <f8", npyBytes(2, "<f8", false, "(2, 3)", rawAll<double>({1, -2, 3, 4, 5, -6})), m23);
        row("v3 <f8", npyBytes(3, "<f8", false, "(2, 3)", rawAll<double>({1, -2, 3, 4, 5, -6})), m23);
        row(">f8", npyBytes(1, ">f8", false, "(2, 3)", rawAll<double>({1, -2, 3, 4, 5, -6}, true)), m23);
        row("<f4", npyBytes(1, "<f4", false, "(2, 3)", rawAll<float>({1, -2, 3, 4, 5, -6})), m23);
        row(">f4 Fortran", npyBytes(1, ">f4", true, "(2, 3)", rawAll<float>({1, 4, -2, 5, 3, -6}, true)),
            m23);
        row("<i8", npyBytes(1, "<i8", false, "(2, 3)", rawAll<std::int64_t>({1, -2, 3, 4, 5, -6})), m23);
        row(">i8", npyBytes(1, ">i8", false, "(2, 3)", rawAll<std::int64_t>({1, -2, 3, 4, 5, -6}, true)),
            m23);
        row("<i4", npyBytes(1, "<i4", false, "(2, 3)", rawAll<std::int32_t>({1, -2, 3, 4, 5, -6})), m23);
        row(">i4", npyBytes(1, ">i4", false, "(2, 3)", rawAll<std::int32_t>({1, -2, 3, 4, 5, -6}, true)),
            m23);
        row("|u1", npyBytes(1, "|u1", false, "(2, 2)", std::string("\x00\x01\xfe\xff", 4)),
            of(2, 2, {0, 1, 254, 255}));
        row("|b1", npyBytes(1, "|b1", false, "(2, 2)", std::string("\x01\x00\x00\x01", 4)),
            of(2, 2, {1, 0, 0, 1}));
        row("shape (n,) is a column", npyBytes(1, "<f8", false, "(3,)", rawAll<double>({1, 2, 3})),
            of(3, 1, {1, 2, 3}));
        row("shape () is 1×1", npyBytes(1, "<f8", false, "()", raw(2.5)), of(1, 1, {2.5}));
        row("unpadded header",
            std::string("\x93NUMPY\x01\x00", 8) + raw<std::uint16_t>(56) +
                "{'shape':(1,1),'fortran_order':False,'descr':'<f8'}     " + raw(7.0),
            of(1, 1, {7.0}));
    }
    void npyReadsEveryVariant() {
        QFETCH(QByteArray, bytes);
        QFETCH(MatrixXd, expected);
        MatrixXd matrix;
        const Status status =
            parseNpy(std::string_view(bytes.constData(), std::size_t(bytes.size())), "t.npy", matrix);
        QVERIFY2(status.ok, status.message.c_str());
        QVERIFY(bitIdentical(matrix, expected));
    }

    // What toNpy writes is the documented layout: magic, version 1.0, a header padded to 64 bytes.
    void npyWriterLayout() {
        const std::string bytes = toNpy(of(2, 2, {1, 2, 3, 4}));
        QCOMPARE(QByteArray(bytes.data(), 8), QByteArray("\x93NUMPY\x01\x00", 8));
        const std::size_t headerLength = std::uint8_t(bytes[8]) | (std::size_t(std::uint8_t(bytes[9])) << 8);
        QCOMPARE((10 + headerLength) % 64, std::size_t(0));
        QCOMPARE(bytes[10 + headerLength - 1], '\n');
        QVERIFY(bytes.find("'descr': '<f8'") != std::string::npos);
        QVERIFY(bytes.find("'shape': (2, 2)") != std::string::npos);
        QCOMPARE(bytes.size(), 10 + headerLength + 32);
        double second = 0;
        std::memcpy(&second, bytes.data() + 10 + headerLength + 8, 8);
        QCOMPARE(second, 2.0); // C order: row by row
    }

    // Files in the exact shapes other tools write, all holding the same 3×3 matrix (to their precision).
    void interoperability_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<double>("tolerance");
        QTest::addColumn<bool>("fourDigits");
        QTest::newRow("MATLAB dlmwrite") << "interop/matlab_dlmwrite.csv" << 0.0 << true;
        QTest::newRow("MATLAB dlmwrite, newline pc") << "interop/matlab_dlmwrite_pc.csv" << 0.0 << true;
        QTest::newRow("NumPy savetxt %.18e") << "interop/numpy_savetxt.txt" << 0.0 << false;
        QTest::newRow("SciPy mmwrite, dense") << "interop/scipy_mmwrite.mtx" << 0.0 << false;
        QTest::newRow("pandas to_csv with index") << "interop/pandas_to_csv.csv" << 0.0 << false;
        QTest::newRow("Julia writedlm") << "interop/julia_writedlm.tsv" << 0.0 << false;
        QTest::newRow("Octave save -ascii") << "interop/octave_save_ascii.txt" << 1e-15 << false;
        QTest::newRow("spreadsheet ; with BOM, CRLF, header")
            << "interop/spreadsheet_semicolon_bom.csv" << 0.0 << false;
    }
    void interoperability() {
        QFETCH(QString, file);
        QFETCH(double, tolerance);
        QFETCH(bool, fourDigits);
        const MatrixXd matrix = fromFile(file);
        const MatrixXd expected =
            fourDigits ? of(3, 3, {0.8147, 0.9134, 0.2785, 0.9058, 0.6324, 0.5469, 0.127, 0.0975, 0.9575})
                       : of(3, 3, {1, -0.25, 0.3, 4, 5, -6, 7, 8, 0.01});
        GL_COMPARE_MATRICES(matrix, expected, tolerance);
    }

    // .mat through libmatio: the named variable, or the only numeric one; numeric and logical classes
    // become double; complex, sparse, cell and struct variables are refused by name.
    void matFiles() {
#ifndef GRADLENS_HAVE_MATIO
        QVERIFY(!matSupportBuilt());
        MatrixXd unused;
        const Status status = readMatrix("x.mat", unused);
        QVERIFY(!status.ok && status.message.find("libmatio") != std::string::npos);
        QSKIP("built without libmatio");
#else
        QTemporaryDir dir;
        const std::string path = dir.filePath("mixed.mat").toStdString();
        mat_t *file = Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5);
        QVERIFY(file);
        std::size_t dims[2] = {2, 3};
        auto write = [&](const char *name, matio_classes type, matio_types data, void *values,
                         int flags = 0) {
            matvar_t *variable = Mat_VarCreate(name, type, data, 2, dims, values, flags);
            QVERIFY(variable && Mat_VarWrite(file, variable, MAT_COMPRESSION_NONE) == 0);
            Mat_VarFree(variable);
        };
        double doubles[6] = {1, 4, -2, 5, 3, -6}; // column-major 2×3
        float singles[6] = {1, 4, -2, 5, 3, -6};
        std::int32_t ints[6] = {1, 4, -2, 5, 3, -6};
        std::uint8_t logical[6] = {1, 0, 0, 1, 1, 0};
        double imaginary[6] = {0, 0, 0, 0, 0, 1};
        mat_complex_split_t complex{doubles, imaginary};
        write("A", MAT_C_DOUBLE, MAT_T_DOUBLE, doubles);
        write("S", MAT_C_SINGLE, MAT_T_SINGLE, singles);
        write("I", MAT_C_INT32, MAT_T_INT32, ints);
        write("L", MAT_C_UINT8, MAT_T_UINT8, logical, MAT_F_LOGICAL);
        write("Z", MAT_C_DOUBLE, MAT_T_DOUBLE, &complex, MAT_F_COMPLEX);
        matvar_t *cellItem = Mat_VarCreate("c", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, doubles, 0);
        std::size_t cellDims[2] = {1, 1};
        matvar_t *cell = Mat_VarCreate("C", MAT_C_CELL, MAT_T_CELL, 2, cellDims, nullptr, 0);
        Mat_VarSetCell(cell, 0, cellItem);
        QVERIFY(Mat_VarWrite(file, cell, MAT_COMPRESSION_NONE) == 0);
        Mat_VarFree(cell);
        Mat_Close(file);

        const MatrixXd expected = of(2, 3, {1, -2, 3, 4, 5, -6});
        for (const char *name : {"A", "S", "I"}) {
            MatrixXd matrix;
            const Status status = readMatrix(path + ":" + name, matrix);
            QVERIFY2(status.ok, status.message.c_str());
            QVERIFY(matrix == expected);
        }
        MatrixXd logicalMatrix;
        QVERIFY(readMatrix(path + ":L", logicalMatrix).ok);
        QVERIFY(logicalMatrix == of(2, 3, {1, 0, 1, 0, 1, 0}));
        for (const auto &[name, words] :
             {std::pair{"Z", "complex"}, std::pair{"C", "cell"}, std::pair{"Q", "no variable"}}) {
            MatrixXd matrix;
            const Status status = readMatrix(path + ":" + name, matrix);
            QVERIFY(!status.ok);
            QVERIFY2(status.message.find(words) != std::string::npos &&
                         status.message.find("mixed.mat") != std::string::npos,
                     status.message.c_str());
        }
        // Without a name: several numeric variables → the message lists them.
        MatrixXd unnamed;
        const Status ambiguous = readMatrix(path, unnamed);
        QVERIFY2(!ambiguous.ok && ambiguous.message.find("A, S, I") != std::string::npos,
                 ambiguous.message.c_str());
        // One numeric variable: it is taken. writeMat's output reads back bit-identical.
        const std::string single = dir.filePath("gamma.mat").toStdString();
        const MatrixXd original = awkwardValues();
        QVERIFY(writeMat(single, "gamma", original).ok);
        MatrixXd back;
        QVERIFY(readMatrix(single, back).ok);
        QVERIFY(bitIdentical(back, original));
#endif
    }

    // A .mat variable cut short, or whose dimensions claim more than its data hold, is refused with the
    // file and the byte offset; libmatio alone returned uninitialised entries for cuts of 8–72 bytes.
    void damagedMatIsRefused_data() {
        QTest::addColumn<bool>("compressed");
        QTest::addColumn<int>("cut");     // bytes cut from the end
        QTest::addColumn<int>("patchAt"); // offset of a byte set to patchValue, or -1
        QTest::addColumn<int>("patchValue");
        QTest::addColumn<QString>("expected");
        for (int cut : {8, 16, 20, 40, 64, 72})
            QTest::addRow("cut by %d bytes", cut)
                << false << cut << -1 << 0 << "byte 128: a variable declares 128 bytes but only";
        QTest::newRow("compressed, cut by 8 bytes")
            << true << 8 << -1 << 0 << "byte 128: a variable declares";
        // Uncompressed layout: tag at 128, flags at 136, dims tag at 152, dims at 160 (rows) and 164 (cols).
        QTest::newRow("columns 3 → 4") << false << 0 << 164 << 4
                                       << "byte 184: variable 'gamma': its real data hold 72 bytes but 3×4 "
                                          "values need 96: the file is damaged";
        QTest::newRow("rows 3 → 200") << false << 0 << 160 << 200 << "but 200×3 values need 4800";
    }
    void damagedMatIsRefused() {
#ifndef GRADLENS_HAVE_MATIO
        QSKIP("built without libmatio");
#else
        QFETCH(bool, compressed);
        QFETCH(int, cut);
        QFETCH(int, patchAt);
        QFETCH(int, patchValue);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath("g.mat");
        {
            mat_t *file = Mat_CreateVer(path.toLocal8Bit().constData(), nullptr, MAT_FT_MAT5);
            std::size_t dims[2] = {3, 3};
            double values[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
            matvar_t *variable = Mat_VarCreate("gamma", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, values, 0);
            QVERIFY(Mat_VarWrite(file, variable, compressed ? MAT_COMPRESSION_ZLIB : MAT_COMPRESSION_NONE) ==
                    0);
            Mat_VarFree(variable);
            Mat_Close(file);
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray bytes = file.readAll();
        file.close();
        MatrixXd whole;
        QVERIFY(readMatrix(path.toStdString(), whole).ok); // the file as written reads
        bytes.chop(cut);
        if (patchAt >= 0)
            bytes[patchAt] = char(patchValue);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size());
        file.close();
        MatrixXd matrix;
        const Status status = readMatrix(path.toStdString(), matrix);
        QVERIFY2(!status.ok, qPrintable(QString("read %1×%2").arg(matrix.rows()).arg(matrix.cols())));
        QVERIFY2(QString::fromStdString(status.message).startsWith(path + ": byte "), status.message.c_str());
        QVERIFY2(QString::fromStdString(status.message).contains(expected), status.message.c_str());
#endif
    }

    // The .mat fixtures (tests/data/mat/make_mat.py, also the fuzzer's seeds): valid ones read, truncated
    // and corrupted ones are refused naming the file, the byte or the variable, and the problem.
    void matFixtures_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<MatrixXd>("expected");
        QTest::addColumn<QString>("error");
        const MatrixXd nine = of(3, 3, {1, 4, 7, 2, 5, 8, 3, 6, 9});
        QTest::newRow("valid double") << "valid_double.mat" << nine << "";
        QTest::newRow("valid compressed") << "valid_compressed.mat" << nine << "";
        QTest::newRow("double stored as uint8")
            << "valid_double_stored_as_uint8.mat" << of(2, 2, {1, 3, 2, 4}) << "";
        QTest::newRow("int32") << "valid_int32.mat" << of(2, 1, {-5, 7}) << "";
        QTest::newRow("logical") << "valid_logical.mat" << of(1, 3, {1, 0, 1}) << "";
        QTest::newRow("named variable") << "valid_two_variables.mat:R" << of(1, 1, {2.5}) << "";
        QTest::newRow("two variables, none named")
            << "valid_two_variables.mat" << MatrixXd() << ": several numeric variables (gamma, R): name one";
        QTest::newRow("truncated by 20") << "bad_truncated_by_20.mat" << MatrixXd()
                                         << ": byte 128: a variable declares 128 bytes but only 108 follow: "
                                            "the file is truncated";
        QTest::newRow("truncated by 72") << "bad_truncated_by_72.mat" << MatrixXd()
                                         << ": byte 128: a variable declares 128 bytes but only 56 follow";
        QTest::newRow("truncated in a tag") << "bad_truncated_in_tag.mat" << MatrixXd()
                                            << ": byte 128: the file ends inside a variable's tag";
        QTest::newRow("compressed, truncated")
            << "bad_compressed_truncated.mat" << MatrixXd() << ": byte 128: a variable declares";
        QTest::newRow("dimensions larger than the data")
            << "bad_dims_larger_than_data.mat" << MatrixXd()
            << ": byte 184: variable 'gamma': its real data hold 72 bytes but 3×4 values need 96";
        QTest::newRow("compressed, dimensions larger than the data")
            << "bad_compressed_dims_larger_than_data.mat" << MatrixXd()
            << " (compressed variable at byte 128): byte 56: variable 'gamma': its real data hold 72 bytes "
               "but "
               "3×4 values need 96";
        QTest::newRow("compressed stream corrupted")
            << "bad_compressed_stream_corrupted.mat" << MatrixXd()
            << ": byte 136: a compressed variable is damaged or cut short";
        QTest::newRow("MAT 4") << "valid_v4.mat" << nine << "";
        QTest::newRow("MAT 4, truncated")
            << "bad_v4_truncated.mat" << MatrixXd()
            << ": byte 0: a MAT 4 variable of 3×3 needs more bytes than the 82 that follow";
        QTest::newRow("MAT 4 header claiming 100000×100000 (libmatio allocated for it)")
            << "bad_v4_huge_claimed_size.mat" << MatrixXd()
            << ": byte 0: a MAT 4 variable of 100000×100000 needs more bytes than the 30 that follow";
        QTest::newRow("fuzz find: 63 bytes taken for a MAT 4 header (2 GB allocated)")
            << "fuzz_v4_header_claims_1296630016x32782.mat" << MatrixXd()
            << ": byte 0: a MAT 4 variable of 1296630016×32782 needs more bytes";
        QTest::newRow("a text file named .mat")
            << "bad_text_file.mat" << MatrixXd() << ": byte 0: not a MATLAB .mat file";
        QTest::newRow("beside a cell and a struct") << "valid_beside_cell_and_struct.mat" << nine << "";
        QTest::newRow("cell claiming 10^10 elements (libmatio allocated for them)")
            << "bad_cell_claims_10000000000_elements.mat" << MatrixXd()
            << ": byte 184: variable 'C' claims 10000000000 elements, more than its bytes can hold";
        QTest::newRow("fuzz find: classes 0 and 192 (an 8.6 GB allocation)")
            << "fuzz_class_0_and_192.mat" << MatrixXd()
            << ": byte 144: variable 'gamma' has no class but 3×3 elements";
        QTest::newRow("fuzz find: flags of a wrong type, an object with a huge tag (a 6.4 GB allocation)")
            << "fuzz_opaque_class_with_huge_tag.mat" << MatrixXd()
            << ": byte 136: a variable's array flags are damaged";
        QTest::newRow("object whose next tag claims 2 GB")
            << "bad_object_with_huge_tag.mat" << MatrixXd()
            << ": byte 152: an object variable is damaged or cut short";
        QTest::newRow("empty") << "bad_empty.mat" << MatrixXd() << ": byte 0: the file is empty";
        QTest::newRow("complex") << "bad_complex.mat" << MatrixXd()
                                 << ": no numeric 2-D variable: 'z' is complex: R, P and γ are real";
        QTest::newRow("three dimensions") << "bad_three_dims.mat" << MatrixXd()
                                          << ": no numeric 2-D variable: 't' has 3 dimensions, expected 2";
        QTest::newRow("negative dimension")
            << "bad_negative_dim.mat" << MatrixXd() << ": byte 164: variable 'g' has a negative dimension";
    }
    void matFixtures() {
#ifndef GRADLENS_HAVE_MATIO
        QSKIP("built without libmatio");
#else
        QFETCH(QString, file);
        QFETCH(MatrixXd, expected);
        QFETCH(QString, error);
        const QString path = QDir(GRADLENS_TEST_DATA).filePath("mat/" + file);
        MatrixXd matrix;
        const Status status = readMatrix(path.toStdString(), matrix);
        if (error.isEmpty()) {
            QVERIFY2(status.ok, status.message.c_str());
            QVERIFY(matrix == expected);
            return;
        }
        QVERIFY(!status.ok);
        const QString fileOnly = path.section(':', 0, 0);
        QVERIFY2(QString::fromStdString(status.message).startsWith(fileOnly + error), status.message.c_str());
#endif
    }

    // Without a variable name, a file whose variables are all refused says which and why.
    void matRefusalsNameEachVariable() {
#ifndef GRADLENS_HAVE_MATIO
        QSKIP("built without libmatio");
#else
        QTemporaryDir dir;
        const std::string path = dir.filePath("refused.mat").toStdString();
        mat_t *file = Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5);
        QVERIFY(file);
        auto write = [&](matvar_t *variable) {
            QVERIFY(variable && Mat_VarWrite(file, variable, MAT_COMPRESSION_NONE) == 0);
            Mat_VarFree(variable);
        };
        double values[8] = {1, 2, 3, 4, 5, 6, 7, 8}, imaginary[8] = {};
        mat_complex_split_t complex{values, imaginary};
        std::size_t square[2] = {2, 2}, cube[3] = {2, 2, 2}, empty[2] = {0, 3}, one[2] = {1, 1};
        write(Mat_VarCreate("Z", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, square, &complex, MAT_F_COMPLEX));
        write(Mat_VarCreate("T", MAT_C_DOUBLE, MAT_T_DOUBLE, 3, cube, values, 0));
        write(Mat_VarCreate("E", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, empty, nullptr, 0));
        mat_uint32_t ir[1] = {0}, jc[2] = {0, 1};
        mat_sparse_t sparse{};
        sparse.nzmax = 1;
        sparse.ir = ir;
        sparse.nir = 1;
        sparse.jc = jc;
        sparse.njc = 2;
        sparse.ndata = 1;
        sparse.data = values;
        write(Mat_VarCreate("S", MAT_C_SPARSE, MAT_T_DOUBLE, 2, one, &sparse, 0));
        Mat_Close(file);
        MatrixXd matrix;
        const Status status = readMatrix(path, matrix);
        QVERIFY(!status.ok);
        QCOMPARE(QString::fromStdString(status.message),
                 QString::fromStdString(path) +
                     ": no numeric 2-D variable: 'Z' is complex: R, P and γ are real, 'T' has 3 dimensions, "
                     "expected 2, 'E' is empty (0×3), 'S' is sparse; save full(A) instead");
#endif
    }

    // A γ stored as a row is used as the column it stands for, with a notice; nothing else is turned.
    void rowGammaIsTransposedWithANotice() {
        Problem problem{MatrixXd::Ones(4, 4), MatrixXd::Ones(4, 4), of(1, 4, {1, 2, 3, 4})};
        const std::string notice = orientGamma(problem);
        QCOMPARE(problem.gamma.rows(), Eigen::Index(4));
        QCOMPARE(problem.gamma(3, 0), 4.0);
        QVERIFY2(notice.find("1×4") != std::string::npos && notice.find("transpose") != std::string::npos,
                 notice.c_str());
        Problem other{MatrixXd::Ones(4, 4), MatrixXd::Ones(4, 4), MatrixXd::Ones(2, 4)};
        QVERIFY(orientGamma(other).empty());
        QCOMPARE(other.gamma.rows(), Eigen::Index(2));
    }

    void readsWhatOthersWrite_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("matrixMarket");
        QTest::addColumn<MatrixXd>("expected");
        QTest::newRow("mtx array general, several values per line")
            << "%%MatrixMarket matrix array real general\n% comment\n2 3\n1 2\n3 4\n5 6\n"
            << true << of(2, 3, {1, 3, 5, 2, 4, 6});
        QTest::newRow("mtx array symmetric (lower triangle by columns)")
            << "%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n"
            << true << of(3, 3, {1, 2, 3, 2, 4, 5, 3, 5, 6});
        QTest::newRow("mtx array skew-symmetric")
            << "%%MatrixMarket matrix array real skew-symmetric\n2 2\n7\n"
            << true << of(2, 2, {0, -7, 7, 0});
        QTest::newRow("mtx coordinate real general, CRLF")
            << "%%MatrixMarket matrix coordinate real general\r\n2 2 2\r\n1 1 1.5\r\n2 1 -2e3\r\n"
            << true << of(2, 2, {1.5, 0, -2000, 0});
        QTest::newRow("mtx coordinate integer symmetric")
            << "%%MatrixMarket matrix coordinate integer symmetric\n3 3 2\n2 1 4\n3 3 9\n"
            << true << of(3, 3, {0, 4, 0, 4, 0, 0, 0, 0, 9});
        QTest::newRow("mtx coordinate pattern")
            << "%%MatrixMarket matrix coordinate pattern general\n2 2 2\n1 2\n2 1\n"
            << true << of(2, 2, {0, 1, 1, 0});
        QTest::newRow("scipy mmwrite dense array") << "%%MatrixMarket matrix array real general\n%\n2 "
                                                      "2\n1.000000000000000e+00\n-2.500000000000000e-01\n"
                                                      "3.000000000000000e+00\n4.000000000000000e+00\n"
                                                   << true << of(2, 2, {1, 3, -0.25, 4});
        QTest::newRow("csv plain") << "1,2\n3,4\n" << false << of(2, 2, {1, 2, 3, 4});
        QTest::newRow("csv header, comments, BOM, CRLF")
            << "\xEF\xBB\xBFx,y\r\n# a comment\r\n1.5,+2\r\n\r\n% another\r\n-3,4e-2\r\n"
            << false << of(2, 2, {1.5, 2, -3, 0.04});
        QTest::newRow("semicolons") << "1;2;3\n4;5;6\n" << false << of(2, 3, {1, 2, 3, 4, 5, 6});
        QTest::newRow("tabs") << "1\t2\n3\t4\n" << false << of(2, 2, {1, 2, 3, 4});
        QTest::newRow("numpy savetxt %.18e, spaces")
            << "1.000000000000000000e+00 2.500000000000000000e-01\n-3.000000000000000000e+00 "
               "0.000000000000000000e+00\n"
            << false << of(2, 2, {1, 0.25, -3, 0});
        QTest::newRow("matlab dlmwrite") << "1,2.5,-3\n4,5,6\n" << false << of(2, 3, {1, 2.5, -3, 4, 5, 6});
        QTest::newRow("column vector") << "1\n2\n3\n" << false << of(3, 1, {1, 2, 3});
        QTest::newRow("csv CR-only line endings") << "x,y\r1,2\r3,4\r" << false << of(2, 2, {1, 2, 3, 4});
        QTest::newRow("mtx CR-only line endings")
            << "%%MatrixMarket matrix array real general\r% c\r1 2\r5\r6\r" << true << of(1, 2, {5, 6});
        QTest::newRow("csv header of words only") << "a,b\n1,2\n" << false << of(1, 2, {1, 2});
        QTest::newRow("mtx coordinate, more entries than cells (duplicates)")
            << "%%MatrixMarket matrix coordinate real general\n1 1 3\n1 1 1\n1 1 2\n1 1 4\n"
            << true << of(1, 1, {7});
    }
    void readsWhatOthersWrite() {
        QFETCH(QString, text);
        QFETCH(bool, matrixMarket);
        QFETCH(MatrixXd, expected);
        const QByteArray bytes = text.toUtf8();
        MatrixXd matrix;
        const Status status = matrixMarket ? parseMatrixMarket(bytes.toStdString(), "test", matrix)
                                           : parseDelimited(bytes.toStdString(), "test", matrix);
        QVERIFY2(status.ok, status.message.c_str());
        QVERIFY2(matrix == expected, qPrintable(QString("read %1×%2").arg(matrix.rows()).arg(matrix.cols())));
    }

    // Files that were refused before issue 17 and are valid: tests/data/valid.
    void validFixtures_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<MatrixXd>("expected");
        QTest::addColumn<QString>("notice");
        QTest::newRow("real hermitian (was in the bad corpus)")
            << "valid/mm_real_hermitian.mtx" << of(3, 3, {1, 2, 3, 2, 4, 5, 3, 5, 6}) << "";
        QTest::newRow("symmetric with duplicate entries")
            << "valid/mm_coord_duplicates.mtx" << of(3, 3, {1.5, 2.5, 0, 2.5, 0, 0, 0, 0, 3})
            << "2 duplicate entries were summed, as SciPy and GraphBLAS do";
    }
    void validFixtures() {
        QFETCH(QString, file);
        QFETCH(MatrixXd, expected);
        QFETCH(QString, notice);
        MatrixXd matrix;
        std::string said;
        const Status status =
            readMatrix(QDir(GRADLENS_TEST_DATA).filePath(file).toStdString(), matrix, &said);
        QVERIFY2(status.ok, status.message.c_str());
        QVERIFY(matrix == expected);
        QCOMPARE(QString::fromStdString(said), notice);
    }

    // Duplicate coordinate entries are summed as SciPy's mmread and GraphBLAS sum them, mirrored entries on
    // both sides, with one notice that counts them; a file without duplicates gives no notice.
    void duplicatesAreSummedWithOneNotice_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<MatrixXd>("expected");
        QTest::addColumn<QString>("notice");
        const QString coordinate = "%%MatrixMarket matrix coordinate ";
        QTest::newRow("general") << coordinate + "real general\n2 2 4\n1 1 1\n2 1 2\n1 1 3\n2 1 -0.5\n"
                                 << of(2, 2, {4, 0, 1.5, 0}) << "2 duplicate entries were summed, as SciPy";
        QTest::newRow("symmetric, off the diagonal")
            << coordinate + "real symmetric\n2 2 3\n2 1 1\n2 1 2\n2 2 5\n"
            << of(2, 2, {0, 3, 3, 5}) << "1 duplicate entry was summed";
        QTest::newRow("symmetric, on the diagonal (not doubled)")
            << coordinate + "real symmetric\n2 2 2\n1 1 1\n1 1 2\n"
            << of(2, 2, {3, 0, 0, 0}) << "1 duplicate entry was summed";
        QTest::newRow("skew-symmetric") << coordinate + "real skew-symmetric\n2 2 2\n2 1 1\n2 1 2\n"
                                        << of(2, 2, {0, -3, 3, 0}) << "1 duplicate entry was summed";
        QTest::newRow("pattern counts each occurrence")
            << coordinate + "pattern general\n2 2 3\n1 2\n1 2\n1 2\n"
            << of(2, 2, {0, 3, 0, 0}) << "2 duplicate entries were summed";
        QTest::newRow("no duplicates, no notice") << coordinate + "real general\n2 2 2\n1 1 1\n2 2 2\n"
                                                  << of(2, 2, {1, 0, 0, 2}) << "";
    }
    void duplicatesAreSummedWithOneNotice() {
        QFETCH(QString, text);
        QFETCH(MatrixXd, expected);
        QFETCH(QString, notice);
        MatrixXd matrix;
        std::string said;
        const Status status = parseMatrixMarket(text.toStdString(), "P.mtx", matrix, &said);
        QVERIFY2(status.ok, status.message.c_str());
        QVERIFY2(matrix == expected, qPrintable(QString("read %1×%2").arg(matrix.rows()).arg(matrix.cols())));
        QVERIFY2(notice.isEmpty() ? said.empty() : QString::fromStdString(said).startsWith(notice),
                 said.c_str());
        // Through the file reader too: the notice leaves the reader, not the file name (the caller adds it).
        QTemporaryDir dir;
        const std::string path = dir.filePath("P.mtx").toStdString();
        QFile file(QString::fromStdString(path));
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write(text.toUtf8()) > 0);
        file.close();
        std::string fromFile;
        QVERIFY(readMatrix(path, matrix, &fromFile).ok);
        QCOMPARE(QString::fromStdString(fromFile), QString::fromStdString(said));
    }

    // A real or integer hermitian matrix is a symmetric one: both formats read as the symmetric file does.
    void realHermitianReadsAsSymmetric_data() {
        QTest::addColumn<QString>("body");
        QTest::newRow("array real") << "array real %1\n3 3\n1\n2\n3\n4\n5\n6\n";
        QTest::newRow("coordinate real") << "coordinate real %1\n3 3 3\n2 1 4\n3 3 9\n3 2 -1.5\n";
        QTest::newRow("coordinate integer") << "coordinate integer %1\n2 2 2\n2 1 -4\n1 1 7\n";
    }
    void realHermitianReadsAsSymmetric() {
        QFETCH(QString, body);
        MatrixXd hermitian, symmetric;
        const Status status = parseMatrixMarket(
            ("%%MatrixMarket matrix " + body.arg("hermitian")).toStdString(), "h", hermitian);
        QVERIFY2(status.ok, status.message.c_str());
        QVERIFY(parseMatrixMarket(("%%MatrixMarket matrix " + body.arg("symmetric")).toStdString(), "s",
                                  symmetric)
                    .ok);
        QVERIFY(bitIdentical(hermitian, symmetric));
        QVERIFY(hermitian == hermitian.transpose());
    }

    // Each part of the Matrix Market reader alone, from a LineReader where its part starts.
    void matrixMarketPartsAlone() {
        MatrixMarketHeader header;
        LineReader banner("%%MatrixMarket matrix coordinate integer skew-symmetric\n");
        QVERIFY(parseMatrixMarketBanner(banner, "t", header).ok);
        QVERIFY(header.coordinate && header.field == MatrixMarketField::Integer &&
                header.symmetry == MatrixMarketSymmetry::SkewSymmetric);

        LineReader size("% comment\n\n3 3 2\n2 1 5\n3 1 -1\n");
        QVERIFY(parseMatrixMarketSize(size, "t", header).ok);
        QCOMPARE(header.sizeLine, std::size_t(3));
        QCOMPARE(header.entries, std::uint64_t(2));
        MatrixXd matrix;
        std::uint64_t duplicates = 1;
        QVERIFY(parseMatrixMarketCoordinate(size, "t", header, matrix, duplicates).ok);
        QVERIFY(matrix == of(3, 3, {0, -5, 1, 5, 0, 0, -1, 0, 0}));
        QCOMPARE(duplicates, std::uint64_t(0));

        MatrixMarketHeader array; // a hand-made header: the body needs no banner or size line
        array.rows = 2;
        array.cols = 2;
        array.entries = 3;
        array.symmetry = MatrixMarketSymmetry::Symmetric;
        LineReader body("1 2\n% between\n3\n");
        QVERIFY(parseMatrixMarketArray(body, "t", array, matrix).ok);
        QVERIFY(matrix == of(2, 2, {1, 2, 2, 3}));
        LineReader tooMany("1 2 3 4\n");
        const Status refused = parseMatrixMarketArray(tooMany, "t", array, matrix);
        QVERIFY2(!refused.ok && refused.message == "t:1: more values than the 3 the size line declares",
                 refused.message.c_str());
    }

    // "\n", "\r\n" and a lone "\r" end a line alike, and the line numbers agree.
    void lineEndings_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("LF") << QByteArray("a\n\nb\n");
        QTest::newRow("CRLF") << QByteArray("a\r\n\r\nb\r\n");
        QTest::newRow("CR") << QByteArray("a\r\rb\r");
        QTest::newRow("no final newline") << QByteArray("a\r\n\nb");
    }
    void lineEndings() {
        QFETCH(QByteArray, text);
        LineReader reader(std::string_view(text.constData(), std::size_t(text.size())));
        std::string_view line;
        QStringList lines;
        while (reader.next(line))
            lines << QString::fromUtf8(line.data(), qsizetype(line.size()));
        QCOMPARE(lines, QStringList({"a", "", "b"}));
        QCOMPARE(reader.lineNumber(), std::size_t(3));
    }

    // One limit for every reader: GRADLENS_MAX_MATRIX_BYTES lowers (or raises) it; the message says what the
    // matrix would take. A bad value is reported, not ignored.
    void memoryLimitIsOneSettableLimit_data() {
        QTest::addColumn<QByteArray>("limit");
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        const QByteArray coordinate = "%%MatrixMarket matrix coordinate real general\n20 20 1\n1 1 1\n";
        QTest::newRow("mtx over a 1000-byte limit")
            << QByteArray("1000") << "m.mtx" << coordinate
            << "m.mtx:2: a 20×20 matrix needs 3.1 KiB, more than the 1000 bytes "
               "allowed (raise GRADLENS_MAX_MATRIX_BYTES";
        QTest::newRow("mtx under a raised limit") << QByteArray("4000") << "m.mtx" << coordinate << "";
        const std::string npy = npyBytes(1, "<f8", false, "(20, 20)", std::string(3200, '\0'));
        QTest::newRow("npy over the limit")
            << QByteArray("1000") << "m.npy" << QByteArray(npy.data(), qsizetype(npy.size()))
            << "m.npy: byte 10: a 20×20 matrix needs 3.1 KiB";
        QTest::newRow("csv over the limit") << QByteArray("16") << "m.csv" << QByteArray("1,2\n3,4\n")
                                            << "m.csv:2: a 2×2 matrix needs 32 bytes, more than the 16 bytes";
        QTest::newRow("not a number")
            << QByteArray("2G") << "m.mtx" << coordinate
            << "GRADLENS_MAX_MATRIX_BYTES must be a whole number of bytes above 0, found "
               "\"2G\"";
    }
    void memoryLimitIsOneSettableLimit() {
        QFETCH(QByteArray, limit);
        QFETCH(QString, fileName);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(fileName);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size());
        file.close();
        qputenv("GRADLENS_MAX_MATRIX_BYTES", limit);
        MatrixXd matrix;
        const Status status = readMatrix(path.toStdString(), matrix);
        qunsetenv("GRADLENS_MAX_MATRIX_BYTES");
        if (expected.isEmpty()) {
            QVERIFY2(status.ok, status.message.c_str());
            return;
        }
        QVERIFY(!status.ok);
        QVERIFY2(QString::fromStdString(status.message).startsWith(dir.path()), status.message.c_str());
        QVERIFY2(QString::fromStdString(status.message).contains(expected), status.message.c_str());
        QVERIFY(status.message.find('\n') == std::string::npos);
    }

    // A FIFO, a directory or a device would block or never end: refused before opening, by the core reader
    // that the CLI and the window both call.
    void nonRegularFilesAreRefused_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("FIFO .csv") << "fifo.csv"
                                   << "is a named pipe (FIFO), not a regular file";
        QTest::newRow("FIFO .mat") << "fifo.mat"
                                   << "is a named pipe (FIFO), not a regular file";
        QTest::newRow("directory") << "dir.mtx"
                                   << "is a directory, not a matrix file";
        QTest::newRow("/dev/zero") << "/dev/zero"
                                   << "is a device, not a regular file";
    }
    void nonRegularFilesAreRefused() {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QString path = kind.startsWith('/') ? kind : dir.filePath(kind);
        if (kind.startsWith("fifo"))
            QVERIFY(mkfifo(path.toLocal8Bit().constData(), 0600) == 0);
        if (kind.startsWith("dir"))
            QVERIFY(QDir().mkpath(path));
        if (kind == "/dev/zero") {
            // /dev/zero has no matrix extension: read it through a symbolic link that has one.
            path = dir.filePath("zero.npy");
            QVERIFY(QFile::link("/dev/zero", path));
        }
        MatrixXd matrix;
        const Status status = readMatrix(path.toStdString(), matrix);
        QVERIFY(!status.ok);
        QVERIFY2(status.message.rfind(path.toStdString() + ": " + expected.toStdString(), 0) == 0,
                 status.message.c_str());
    }

    void nonFiniteValuesAreRead() {
        const MatrixXd matrix = parsed("NaN,inf\n-Inf,1\n", false);
        QCOMPARE(matrix.rows(), Eigen::Index(2));
        QVERIFY(std::isnan(matrix(0, 0)));
        QVERIFY(std::isinf(matrix(0, 1)) && matrix(0, 1) > 0);
        QVERIFY(std::isinf(matrix(1, 0)) && matrix(1, 0) < 0);
    }

    void badInputIsRefused_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("matrixMarket");
        QTest::addColumn<QString>("expected"); // "test:<line>: <words>"
        QTest::newRow("empty mtx") << QByteArray() << true << "test:1: the file is empty";
        QTest::newRow("no header") << QByteArray("2 2\n1\n2\n3\n4\n") << true
                                   << "test:1: expected a \"%%MatrixMarket";
        QTest::newRow("complex field") << QByteArray("%%MatrixMarket matrix array complex general\n") << true
                                       << "test:1: complex matrices are not supported";
        QTest::newRow("complex hermitian")
            << QByteArray("%%MatrixMarket matrix coordinate complex hermitian\n") << true
            << "test:1: complex matrices are not supported";
        QTest::newRow("pattern hermitian")
            << QByteArray("%%MatrixMarket matrix coordinate pattern hermitian\n") << true
            << "test:1: a hermitian matrix needs a real or integer field";
        QTest::newRow("upper entry in a hermitian file")
            << QByteArray("%%MatrixMarket matrix coordinate real hermitian\n2 2 1\n1 2 1\n") << true
            << "test:3: a symmetric file stores the lower triangle only, found (1, 2)";
        QTest::newRow("csv first row with a typo")
            << QByteArray("1,2x,3\n4,5,6\n") << false << "test:1: field 2: expected a number, found \"2x\"";
        QTest::newRow("csv first row with NA")
            << QByteArray("1,NA,3\n4,5,6\n") << false << "test:1: field 2: expected a number, found \"NA\"";
        QTest::newRow("csv first row, a single NA")
            << QByteArray("NA\n4\n") << false << "test:1: field 1: expected a number, found \"NA\"";
        QTest::newRow("csv first row with a non-breaking space")
            << QByteArray("1,\xc2\xa0"
                          "2,3\n4,5,6\n")
            << false << "test:1: field 2: expected a number, found \"<U+00A0>2\"";
        QTest::newRow("csv first row with a quoted decimal comma")
            << QByteArray("\"1,5\",2,3\n4,5,6\n") << false
            << "test:1: field 1: expected a number, found \"\"1\"";
        QTest::newRow("csv CR-only endings, ragged")
            << QByteArray("1,2\r3\r") << false << "test:2: this row has 1 fields, expected 2";
        QTest::newRow("mtx coordinate 32768×32768 from a 37-byte header")
            << QByteArray("%%MatrixMarket matrix coordinate real general\n32768 32768 1\n1 1 1\n") << true
            << "test:2: a 32768×32768 matrix needs 8.0 GiB, more than the "
               "2.0 GiB allowed (raise GRADLENS_MAX_MATRIX_BYTES";
        QTest::newRow("more coordinate entries than the file can hold")
            << QByteArray("%%MatrixMarket matrix coordinate real general\n3 3 99999999999\n1 1 1.0\n") << true
            << "test:2: declares 99999999999 entries but only 8 bytes follow";
        QTest::newRow("missing size line") << QByteArray("%%MatrixMarket matrix array real general\n% only\n")
                                           << true << "the size line is missing";
        QTest::newRow("size not a number") << QByteArray("%%MatrixMarket matrix array real general\n2 x\n")
                                           << true << "test:2: expected a non-negative integer";
        QTest::newRow("too few values")
            << QByteArray("%%MatrixMarket matrix array real general\n2 2\n1.0\n2.0\n3.0\n") << true
            << "expected 4 values, found only 3";
        QTest::newRow("too many values")
            << QByteArray("%%MatrixMarket matrix array real general\n1 2\n1\n2\n3\n") << true
            << "test:5: more values than the 2";
        QTest::newRow("value not a number")
            << QByteArray("%%MatrixMarket matrix array real general\n1 2\n1\nabc\n") << true
            << "test:4: expected a number, found \"abc\"";
        QTest::newRow("index out of range")
            << QByteArray("%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1.0\n") << true
            << "test:3: index (3, 1) is outside the 2×2 matrix";
        QTest::newRow("huge claimed size")
            << QByteArray("%%MatrixMarket matrix array real general\n100000000 100000000\n1\n") << true
            << "test:2: a 100000000×100000000 matrix needs 71 PiB";
        QTest::newRow("claims more than the file holds")
            << QByteArray("%%MatrixMarket matrix array real general\n3000 3000\n1\n2\n") << true
            << "test:2: declares 9000000 values but only 4 bytes follow";
        QTest::newRow("csv ragged row")
            << QByteArray("1,2,3\n4,5\n") << false << "test:2: this row has 2 fields, expected 3 like line 1";
        QTest::newRow("csv empty field") << QByteArray("1,,3\n") << false << "test:1: field 2 is empty";
        QTest::newRow("csv not a number")
            << QByteArray("1,2\n3,x4\n") << false << "test:2: field 2: expected a number, found \"x4\"";
        QTest::newRow("csv only a header") << QByteArray("a,b\n") << false << "no numeric rows";
        QTest::newRow("binary junk") << QByteArray("\x01\x02\x00\xff", 4) << false << "test:1: binary data";
    }
    void badInputIsRefused() {
        QFETCH(QByteArray, text);
        QFETCH(bool, matrixMarket);
        QFETCH(QString, expected);
        MatrixXd matrix;
        const std::string_view view(text.constData(), static_cast<std::size_t>(text.size()));
        const Status status =
            matrixMarket ? parseMatrixMarket(view, "test", matrix) : parseDelimited(view, "test", matrix);
        QVERIFY(!status.ok);
        QVERIFY2(QString::fromStdString(status.message).contains(expected), status.message.c_str());
    }

    void fileErrorsNameTheFile() {
        MatrixXd matrix;
        Status status = readMatrix("/nonexistent/dir/R.mtx", matrix);
        QVERIFY(!status.ok);
        QVERIFY2(status.message.find("/nonexistent/dir/R.mtx: cannot open") == 0, status.message.c_str());
        status = readMatrix("matrix.xlsx", matrix);
        QVERIFY2(status.message.find("unknown file type \".xlsx\"") != std::string::npos,
                 status.message.c_str());
        QTemporaryDir dir;
        status = writeMatrix(dir.filePath("missing/sub/out.mtx").toStdString(), MatrixXd::Ones(2, 2));
        QVERIFY2(!status.ok && status.message.find("cannot write") != std::string::npos,
                 status.message.c_str());
    }

    void formatIgnoresLocale() {
        QCOMPARE(QString::fromStdString(formatDouble(0.5)), QString("0.5"));
        QCOMPARE(QString::fromStdString(formatDouble(-0.0)), QString("-0"));
        QCOMPARE(QString::fromStdString(formatDouble(0.1 + 0.2)), QString("0.30000000000000004"));
        QVERIFY(!parseDouble("1,5"));
        QVERIFY(!parseDouble("++1"));
        QVERIFY(*parseDouble("+1e-400") == 0.0);
    }
};

QTEST_APPLESS_MAIN(TestMatrixIo)
#include "tst_matrixio.moc"
