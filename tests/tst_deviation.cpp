#include "deviation.h"
#include "testhelpers.h"

#include <limits>

using namespace gradlens;
using Eigen::MatrixXd;

class TestDeviation : public QObject {
    Q_OBJECT
private slots:
    // a = [1 −2; 0.5 0], b = [1.1 −2; 0.5 0.001]:
    //   |a − b| = [0.1 0; 0 0.001], max 0.1 at (0, 0); max relative 0.1 / max|a| = 0.1 / 2 = 0.05;
    //   mixed(0,0) = 0.1 / (1e-12 + 1e-6·1.1), mixed(1,1) = 0.001 / (1e-12 + 1e-6·0.001)
    void handWorked() {
        MatrixXd a(2, 2), b(2, 2);
        a << 1, -2, 0.5, 0;
        b << 1.1, -2, 0.5, 0.001;
        const DeviationReport report = compareGradients(a, b);
        GL_COMPARE_NEAR(report.maxAbsolute, 0.1, 1e-15);
        GL_COMPARE_NEAR(report.maxRelative, 0.05, 1e-15);
        QCOMPARE(report.worstRow, Eigen::Index(0));
        QCOMPARE(report.worstColumn, Eigen::Index(0));
        GL_COMPARE_NEAR(report.absolute(1, 1), 0.001, 1e-18);
        GL_COMPARE_NEAR(report.mixed(0, 0), 0.1 / (1e-12 + 1.1e-6), 1e-9 * report.mixed(0, 0));
        GL_COMPARE_NEAR(report.mixed(1, 1), 0.001 / (1e-12 + 1e-9), 1e-9 * report.mixed(1, 1));
        GL_COMPARE_NEAR(report.maxMixed, std::max(report.mixed(0, 0), report.mixed(1, 1)), 0.0);
    }

    // Per-entry atol (the check's resolution): a = [1 0], b = [1.5 0], atol = [0.1 0], rtol 0.1:
    //   mixed = [0.5 / (0.1 + 0.1·1.5), 0] = [2, 0]: an entry where both are exactly 0 and nothing can be
    //   resolved deviates by 0, not 0/0.
    void perEntryAbsoluteTolerance() {
        MatrixXd a(1, 2), b(1, 2), atol(1, 2);
        a << 1, 0;
        b << 1.5, 0;
        atol << 0.1, 0;
        const DeviationReport report = compareGradients(a, b, atol, 0.1);
        GL_COMPARE_NEAR(report.mixed(0, 0), 2.0, 1e-15);
        GL_COMPARE_NEAR(report.mixed(0, 1), 0.0, 0.0);
        GL_COMPARE_NEAR(report.maxMixed, 2.0, 1e-15);
        GL_COMPARE_NEAR(report.maxAbsolute, 0.5, 0.0);
        b(0, 1) = std::numeric_limits<double>::quiet_NaN();
        QVERIFY(std::isnan(compareGradients(a, b, atol, 0.1).maxMixed));
    }

    void identicalGradientsDeviateByZero() {
        MatrixXd a(3, 2);
        a << 1, 2, 3, 4, 5, 6;
        const DeviationReport report = compareGradients(a, a);
        GL_COMPARE_NEAR(report.maxAbsolute, 0.0, 0.0);
        GL_COMPARE_NEAR(report.maxRelative, 0.0, 0.0);
        GL_COMPARE_NEAR(report.maxMixed, 0.0, 0.0);
    }

    void zeroAnalyticGradient() {
        const MatrixXd zero = MatrixXd::Zero(2, 2);
        QVERIFY(compareGradients(zero, zero).maxRelative == 0.0);
        MatrixXd nonzero = zero;
        nonzero(1, 0) = 1e-3;
        QVERIFY(std::isinf(compareGradients(zero, nonzero).maxRelative));
    }

    void nanIsTheWorstDeviation() {
        MatrixXd a = MatrixXd::Ones(2, 2), b = MatrixXd::Ones(2, 2);
        b(0, 1) = std::numeric_limits<double>::quiet_NaN();
        b(1, 1) = 5;
        const DeviationReport report = compareGradients(a, b);
        QVERIFY(std::isnan(report.maxAbsolute));
        QCOMPARE(report.worstRow, Eigen::Index(0));
        QCOMPARE(report.worstColumn, Eigen::Index(1));
    }
};

QTEST_APPLESS_MAIN(TestDeviation)
#include "tst_deviation.moc"
