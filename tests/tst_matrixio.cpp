#include "matformat.h"
#include "matrixio.h"
#include "npyformat.h"

#ifdef GRADLENS_HAVE_MATIO
#include <matio.h>
#endif
#include "random.h"
#include "testhelpers.h"

#include <QDir>
#include <QTemporaryDir>

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
        QTest::newRow("hermitian") << QByteArray("%%MatrixMarket matrix coordinate real hermitian\n") << true
                                   << "test:1: hermitian";
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
        QTest::newRow("duplicate entry")
            << QByteArray("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n1 1 2\n") << true
            << "test:4: entry (1, 1) appears twice";
        QTest::newRow("huge claimed size")
            << QByteArray("%%MatrixMarket matrix array real general\n100000000 100000000\n1\n") << true
            << "test:2: the size 100000000×100000000 is too large";
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

    void failedWriteKeepsTheOldFile() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("kept.mtx").toStdString();
        QVERIFY(writeMatrix(path, MatrixXd::Constant(2, 2, 7.0)).ok);
        // A directory where the temporary file would go makes the write fail.
        QVERIFY(QDir().mkpath(QString::fromStdString(path + ".part")));
        QVERIFY(!writeMatrix(path, MatrixXd::Zero(2, 2)).ok);
        MatrixXd back;
        QVERIFY(readMatrix(path, back).ok);
        QVERIFY(back == MatrixXd::Constant(2, 2, 7.0));
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
