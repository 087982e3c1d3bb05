#include "problem.h"
#include "testhelpers.h"

#include <limits>

using namespace gradlens;
using Eigen::MatrixXd;

class TestProblem : public QObject {
    Q_OBJECT
private slots:
    void validate_data() {
        QTest::addColumn<int>("rRows");
        QTest::addColumn<int>("rCols");
        QTest::addColumn<int>("pRows");
        QTest::addColumn<int>("pCols");
        QTest::addColumn<int>("gammaRows");
        QTest::addColumn<int>("gammaCols");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("valid 4x4, r=2") << 4 << 4 << 4 << 4 << 4 << 2 << true << "";
        QTest::newRow("valid n=1, r=1") << 1 << 1 << 1 << 1 << 1 << 1 << true << "";
        QTest::newRow("R not square") << 4 << 3 << 4 << 4 << 4 << 2 << false << "R is 4×3, expected 4×4";
        QTest::newRow("P wrong size") << 4 << 4 << 5 << 5 << 4 << 2 << false << "P is 5×5, expected 4×4";
        QTest::newRow("gamma rows differ") << 4 << 4 << 4 << 4 << 3 << 2 << false << "R is 4×4, expected 3×3";
        QTest::newRow("gamma no columns") << 4 << 4 << 4 << 4 << 4 << 0 << false << "γ is 4×0";
        QTest::newRow("all empty") << 0 << 0 << 0 << 0 << 0 << 0 << false << "n ≥ 1 and r ≥ 1";
    }
    void validate() {
        QFETCH(int, rRows);
        QFETCH(int, rCols);
        QFETCH(int, pRows);
        QFETCH(int, pCols);
        QFETCH(int, gammaRows);
        QFETCH(int, gammaCols);
        QFETCH(bool, ok);
        QFETCH(QString, messagePart);
        const Problem problem{MatrixXd::Ones(rRows, rCols), MatrixXd::Ones(pRows, pCols),
                              MatrixXd::Ones(gammaRows, gammaCols)};
        const Status status = problem.validate();
        QCOMPARE(status.ok, ok);
        QVERIFY2(QString::fromStdString(status.message).contains(messagePart), status.message.c_str());
    }

    void nonFiniteEntries_data() {
        QTest::addColumn<int>("matrix"); // 0 R, 1 P, 2 γ
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("expected");
        const double inf = std::numeric_limits<double>::infinity();
        QTest::newRow("NaN in R") << 0 << std::numeric_limits<double>::quiet_NaN() << "R(2, 3) is NaN";
        QTest::newRow("+Inf in P") << 1 << inf << "P(2, 3) is +Inf";
        QTest::newRow("-Inf in gamma") << 2 << -inf << "γ(2, 1) is -Inf";
    }
    void nonFiniteEntries() {
        QFETCH(int, matrix);
        QFETCH(double, value);
        QFETCH(QString, expected);
        Problem problem{MatrixXd::Ones(3, 3), MatrixXd::Ones(3, 3), MatrixXd::Ones(3, 1)};
        if (matrix == 0)
            problem.R(1, 2) = value;
        else if (matrix == 1)
            problem.P(1, 2) = value;
        else
            problem.gamma(1, 0) = value;
        const Status status = problem.validate();
        QVERIFY(!status.ok);
        QVERIFY2(QString::fromStdString(status.message).contains(expected), status.message.c_str());
    }

    void symmetryDetection() {
        MatrixXd a = MatrixXd::Random(130, 130); // test data only; generators do not use Random()
        MatrixXd symmetric = a + a.transpose();
        QVERIFY(isSymmetricProblem(symmetric, symmetric));
        QVERIFY(!isSymmetricProblem(symmetric, a));
        symmetric(129, 3) += 1e-12; // a single entry off, in the last tile row
        QVERIFY(!isSymmetricProblem(symmetric, MatrixXd(a + a.transpose())));
    }
};

QTEST_APPLESS_MAIN(TestProblem)
#include "tst_problem.moc"
