#include "matrixio.h"
#include "random.h"
#include "testhelpers.h"

#include <QDir>
#include <QTemporaryDir>

#include <cstring>
#include <limits>

using namespace gradlens;
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

} // namespace

class TestMatrixIo : public QObject {
    Q_OBJECT
private slots:
    void roundTripIsBitIdentical_data() {
        QTest::addColumn<QString>("fileName");
        QTest::newRow("Matrix Market") << "m.mtx";
        QTest::newRow("CSV") << "m.csv";
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
