#include "deviation.h"
#include "evaluation.h"
#include "generators.h"
#include "numericgradient.h"
#include "testhelpers.h"

#include <cmath>
#include <limits>

using namespace gradlens;
using Eigen::MatrixXd;

Q_DECLARE_METATYPE(gradlens::DifferenceMethod)
Q_DECLARE_METATYPE(gradlens::Convention)

namespace {

Problem generated(int n, int r, std::uint64_t seed = 3, WeightKind kind = WeightKind::Dense) {
    return test::generatedProblem(n, r, kind, TargetKind::Random, seed);
}

void addMethodRows() {
    QTest::addColumn<DifferenceMethod>("method");
    QTest::addColumn<double>("tolerance"); // relative to max |gradient|
    QTest::newRow("forward") << DifferenceMethod::Forward << 1e-6;
    QTest::newRow("backward") << DifferenceMethod::Backward << 1e-6;
    QTest::newRow("central") << DifferenceMethod::Central << 1e-9;
    QTest::newRow("complex step") << DifferenceMethod::ComplexStep << 1e-13;
    QTest::newRow("ridders") << DifferenceMethod::Ridders << 1e-10;
}

} // namespace

class TestNumericGradient : public QObject {
    Q_OBJECT
private slots:
    void structuredAgreesWithAnalytic_data() { addMethodRows(); }
    void structuredAgreesWithAnalytic() {
        QFETCH(DifferenceMethod, method);
        QFETCH(double, tolerance);
        // r = 3 and 6: central differences take the columns four at a time, padded past the last one.
        for (int r : {3, 6}) {
            const Problem problem = generated(50, r);
            for (Convention convention : {Convention::Full, Convention::Half}) {
                EvaluationOptions evaluation;
                evaluation.convention = convention;
                NumericOptions options;
                options.method = method;
                options.convention = convention;
                GL_COMPARE_MATRICES(structuredNumericGradient(problem, options).gradient,
                                    evaluate(problem, evaluation).gradient, tolerance);
            }
        }
    }

    // The black-box path perturbs γ and calls f; the structured path evaluates only the changed entries.
    // With the same steps they must agree up to the black box's larger rounding error.
    void structuredAgreesWithBlackBox_data() {
        QTest::addColumn<DifferenceMethod>("method");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("forward") << DifferenceMethod::Forward << 1e-6;
        QTest::newRow("backward") << DifferenceMethod::Backward << 1e-6;
        QTest::newRow("central") << DifferenceMethod::Central << 1e-8;
        QTest::newRow("complex step") << DifferenceMethod::ComplexStep << 1e-13;
        QTest::newRow("ridders") << DifferenceMethod::Ridders << 1e-8;
    }
    void structuredAgreesWithBlackBox() {
        QFETCH(DifferenceMethod, method);
        QFETCH(double, tolerance);
        const Problem problem = generated(14, 2, 11);
        NumericOptions options;
        options.method = method;
        const ScalarFunction f = [&](const MatrixXd &gamma) {
            return evaluateLoss(problem.R, problem.P, gamma, Convention::Full, Symmetry::General);
        };
        const ComplexFunction complexF = [&](const Eigen::MatrixXcd &gamma) {
            return complexLoss(problem.R, problem.P, gamma, Convention::Full);
        };
        const NumericGradient blackBox = blackBoxNumericGradient(f, problem.gamma, options, complexF);
        const NumericGradient structured = structuredNumericGradient(problem, options);
        QVERIFY(structured.steps == blackBox.steps);
        GL_COMPARE_MATRICES(structured.gradient, blackBox.gradient, tolerance);
    }

    // Central differences are within their own error estimate (Richardson truncation + rounding) of the
    // truth.
    void centralWithinErrorEstimate() {
        for (std::uint64_t seed : {1u, 2u, 3u}) {
            const Problem problem = generated(40, 3, seed, WeightKind::Mask);
            NumericOptions options;
            options.estimateError = true;
            const NumericGradient numeric = structuredNumericGradient(problem, options);
            const MatrixXd analytic = evaluate(problem).gradient;
            QCOMPARE(numeric.errorEstimate.rows(), analytic.rows());
            for (Eigen::Index k = 0; k < analytic.rows(); ++k)
                for (Eigen::Index c = 0; c < analytic.cols(); ++c) {
                    const double deviation = std::abs(numeric.gradient(k, c) - analytic(k, c));
                    QVERIFY2(deviation <= numeric.errorEstimate(k, c),
                             qPrintable(QString("entry (%1, %2): deviation %3 > estimate %4")
                                            .arg(k)
                                            .arg(c)
                                            .arg(deviation, 0, 'g', 3)
                                            .arg(numeric.errorEstimate(k, c), 0, 'g', 3)));
                    QVERIFY(numeric.errorEstimate(k, c) < 1e-6 * analytic.cwiseAbs().maxCoeff());
                }
        }
    }

    void defaultStep_data() {
        QTest::addColumn<DifferenceMethod>("method");
        QTest::addColumn<double>("entry");
        QTest::addColumn<double>("maxAbs");
        QTest::addColumn<double>("expected");
        const double eps = std::numeric_limits<double>::epsilon();
        QTest::newRow("central, γ of order 1") << DifferenceMethod::Central << 0.5 << 1.0 << std::cbrt(eps);
        QTest::newRow("central, γ = 0") << DifferenceMethod::Central << 0.0 << 0.0 << std::cbrt(eps);
        QTest::newRow("central, huge γ") << DifferenceMethod::Central << 3e6 << 1e6 << std::cbrt(eps) * 3e6;
        QTest::newRow("central, tiny γ")
            << DifferenceMethod::Central << 1e-9 << 2e-8 << std::cbrt(eps) * 2e-8;
        QTest::newRow("forward, γ of order 1")
            << DifferenceMethod::Forward << 0.1 << 2.0 << std::sqrt(eps) * 2.0;
        QTest::newRow("backward, tiny γ")
            << DifferenceMethod::Backward << 1e-7 << 1e-7 << std::sqrt(eps) * 1e-7;
        QTest::newRow("complex step") << DifferenceMethod::ComplexStep << 1.0 << 1.0 << 1e-20;
    }
    void defaultStep() {
        QFETCH(DifferenceMethod, method);
        QFETCH(double, entry);
        QFETCH(double, maxAbs);
        QFETCH(double, expected);
        GL_COMPARE_NEAR(gradlens::defaultStep(method, entry, maxAbs), expected, 1e-15 * expected);
    }

    void stepsScaleWithGamma() {
        Problem problem = generated(10, 2);
        problem.gamma *= 1e-5;
        const NumericGradient numeric = structuredNumericGradient(problem, {});
        const double expected =
            std::cbrt(std::numeric_limits<double>::epsilon()) * problem.gamma.cwiseAbs().maxCoeff();
        GL_COMPARE_NEAR(numeric.steps(0, 0), expected, 1e-3 * expected);
    }

    // With R, P, γ of order 1e-6 a step changes f by less than f's rounding error.
    void precisionGuard_data() {
        QTest::addColumn<double>("scale");
        QTest::addColumn<DifferenceMethod>("method");
        QTest::addColumn<bool>("informative");
        QTest::newRow("order 1, central") << 1.0 << DifferenceMethod::Central << true;
        QTest::newRow("order 1e-6, central") << 1e-6 << DifferenceMethod::Central << false;
        QTest::newRow("order 1e-6, forward") << 1e-6 << DifferenceMethod::Forward << false;
        QTest::newRow("order 1e-6, complex step") << 1e-6 << DifferenceMethod::ComplexStep << true;
    }
    void precisionGuard() {
        QFETCH(double, scale);
        QFETCH(DifferenceMethod, method);
        QFETCH(bool, informative);
        Problem problem = generated(20, 2);
        problem.R *= scale;
        problem.P *= scale;
        problem.gamma *= scale;
        NumericOptions options;
        options.method = method;
        const NumericGradient numeric = structuredNumericGradient(problem, options);
        const MatrixXd analytic = evaluate(problem).gradient;
        const PrecisionGuard guard =
            assessFiniteDifferences(problem, numeric.steps, analytic, Convention::Full, method);
        QVERIFY2(guard.informative == informative, guard.explanation.c_str());
        QVERIFY(!guard.explanation.empty());
    }

    void complexLossExtendsRealLoss() {
        const Problem problem = generated(30, 4);
        const std::complex<double> value =
            complexLoss(problem.R, problem.P, problem.gamma.cast<std::complex<double>>(), Convention::Half);
        const double real = evaluateLoss(problem.R, problem.P, problem.gamma, Convention::Half);
        GL_COMPARE_NEAR(value.real(), real, 1e-13 * real);
        GL_COMPARE_NEAR(value.imag(), 0.0, 0.0);
    }

    void cancellationStopsEarly() {
        const Problem problem = generated(200, 2);
        NumericOptions options;
        int calls = 0;
        options.progress = [&](double fraction) {
            ++calls;
            return fraction < 0.3;
        };
        const NumericGradient numeric = structuredNumericGradient(problem, options);
        QVERIFY(numeric.cancelled);
        QVERIFY(calls >= 1 && calls < 4); // 64-row chunks: 0.32 is reached on the second call
    }

    // Checks read R, P and γ where they are (the window's worker passes a shared problem's R and P with the
    // run's γ): blocks of larger matrices, with their own strides, give the very same numbers.
    void viewsOfMatricesHeldApartGiveTheSameResults() {
        const Problem problem = test::generatedProblem(23, 2, WeightKind::Dense, TargetKind::Random, 4);
        MatrixXd bigR = MatrixXd::Zero(30, 26), bigP = MatrixXd::Zero(25, 24),
                 bigGamma = MatrixXd::Zero(27, 5);
        bigR.block(4, 2, 23, 23) = problem.R;
        bigP.block(1, 1, 23, 23) = problem.P;
        bigGamma.block(3, 2, 23, 2) = problem.gamma;
        const ProblemView view{bigR.block(4, 2, 23, 23), bigP.block(1, 1, 23, 23),
                               bigGamma.block(3, 2, 23, 2)};
        QCOMPARE(view.n(), Eigen::Index(23));
        QCOMPARE(view.r(), Eigen::Index(2));
        NumericOptions central;
        central.method = DifferenceMethod::Central;
        const NumericGradient fromView = structuredNumericGradient(view, central);
        const NumericGradient fromProblem = structuredNumericGradient(problem, central);
        QVERIFY(fromView.gradient == fromProblem.gradient);
        const Evaluation analytic = evaluate(problem);
        const PrecisionGuard a = assessFiniteDifferences(view, fromView.steps, analytic.gradient,
                                                         Convention::Full, DifferenceMethod::Central);
        const PrecisionGuard b = assessFiniteDifferences(problem, fromProblem.steps, analytic.gradient,
                                                         Convention::Full, DifferenceMethod::Central);
        QVERIFY(a.roundingNoise == b.roundingNoise);
        QVERIFY(a.informative && b.informative);
    }
};

QTEST_APPLESS_MAIN(TestNumericGradient)
#include "tst_numericgradient.moc"
