#include "evaluation.h"
#include "generators.h"
#include "gradientforms.h"
#include "landscapeslice.h"
#include "random.h"

#include "testhelpers.h"

#include <cmath>

using namespace gradlens;
using Eigen::MatrixXd;

class TestLandscapeSlice : public QObject {
    Q_OBJECT
private slots:
    // The grid from the 15 coefficients equals f evaluated directly at random grid points.
    void gridMatchesDirectEvaluation_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("r");
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("half");
        QTest::newRow("n 2, r 1") << 2 << 1 << int(WeightKind::Dense) << false;
        QTest::newRow("n 5, r 2, symmetric") << 5 << 2 << int(WeightKind::Symmetric) << false;
        QTest::newRow("n 64, r 3, general") << 64 << 3 << int(WeightKind::Dense) << false;
        QTest::newRow("n 67 ragged, r 2, general") << 67 << 2 << int(WeightKind::Dense) << false;
        QTest::newRow("n 131 ragged, r 3, symmetric") << 131 << 3 << int(WeightKind::Symmetric) << false;
        QTest::newRow("n 150, r 1, mask, half") << 150 << 1 << int(WeightKind::Mask) << true;
    }
    void gridMatchesDirectEvaluation() {
        QFETCH(int, n);
        QFETCH(int, r);
        QFETCH(int, kind);
        QFETCH(bool, half);
        const Convention convention = half ? Convention::Half : Convention::Full;
        const Problem problem =
            test::generatedProblem(n, r, WeightKind(kind), TargetKind::Random, std::uint64_t(n + r));
        SliceDirectionOptions options;
        options.convention = convention;
        MatrixXd D1, D2;
        const Status made = sliceDirections(problem, options, D1, D2);
        QVERIFY2(made.ok, made.message.c_str());
        GL_COMPARE_NEAR(D1.norm(), problem.gamma.norm(), 1e-12 * problem.gamma.norm());
        GL_COMPARE_NEAR(D2.norm(), problem.gamma.norm(), 1e-12 * problem.gamma.norm());
        GL_COMPARE_NEAR(D1.cwiseProduct(D2).sum(), 0.0, 1e-12 * D1.squaredNorm());
        const SliceCoefficients coefficients = sliceCoefficients(problem, D1, D2, convention);
        const SliceGrid grid = sliceGrid(coefficients, 1.5, 41);
        QCOMPARE(grid.f.rows(), Eigen::Index(41));
        GL_COMPARE_NEAR(grid.a.front(), -1.5, 0.0);
        GL_COMPARE_NEAR(grid.a.back(), 1.5, 0.0);
        Random random(5);
        for (int sample = 0; sample < 12; ++sample) {
            const auto i = Eigen::Index(random.next() % 41), j = Eigen::Index(random.next() % 41);
            const double a = grid.a[std::size_t(i)], b = grid.b[std::size_t(j)];
            const double direct =
                evaluateLoss(problem.R, problem.P, problem.gamma + a * D1 + b * D2, convention);
            GL_COMPARE_NEAR(grid.f(i, j), direct, 1e-12 * std::abs(direct));
        }
        // The centre is f(γ); the grid's minimum is no lower than any point of it.
        const double centre = evaluateLoss(problem.R, problem.P, problem.gamma, convention);
        GL_COMPARE_NEAR(coefficients.valueAt(0, 0), centre, 1e-12 * centre);
        QVERIFY(grid.minimum <= grid.f.minCoeff());
    }

    // Downhill along −G: the a-coefficient is −‖G‖·‖D1‖ (the directional derivative).
    void gradientDirectionGoesDownhill() {
        const Problem problem = test::generatedProblem(30, 2, WeightKind::Dense, TargetKind::Random, 3);
        MatrixXd D1, D2;
        QVERIFY(sliceDirections(problem, {}, D1, D2).ok);
        const MatrixXd G = gradientVariant(problem, GradientVariant::Correct, Convention::Full);
        const SliceCoefficients coefficients = sliceCoefficients(problem, D1, D2);
        const double expected = -G.norm() * D1.norm();
        GL_COMPARE_NEAR(coefficients.c[std::size_t(SliceCoefficients::index(1, 0))], expected,
                        1e-12 * std::abs(expected));
    }

    // The planted direction is not scaled: (1, 0) is γ* (up to rotation), where a noiseless planted f is 0.
    void plantedDirectionReachesThePlantedFactor() {
        const GeneratedProblem generated =
            generateProblem(test::generatorOptions(25, 2, WeightKind::Dense, TargetKind::Planted, 4, 0.0));
        SliceDirectionOptions options;
        options.first = SliceDirection::Planted;
        options.second = SliceDirection::Random;
        options.gammaStar = &generated.gammaStar;
        MatrixXd D1, D2;
        QVERIFY(sliceDirections(generated.problem, options, D1, D2).ok);
        const SliceCoefficients coefficients = sliceCoefficients(generated.problem, D1, D2);
        const double start = coefficients.valueAt(0, 0);
        GL_COMPARE_NEAR(coefficients.valueAt(1, 0), 0.0, 1e-12 * start);
        options.gammaStar = nullptr;
        QVERIFY(!sliceDirections(generated.problem, options, D1, D2).ok);
        options.first = options.second = SliceDirection::Gradient;
        const Status parallel = sliceDirections(generated.problem, options, D1, D2);
        QVERIFY(!parallel.ok);
        QVERIFY2(QString::fromStdString(parallel.message).contains("parallel"), parallel.message.c_str());
    }

    // Points of the plane project to their own coordinates; a point off it to the nearest one.
    void trajectoryProjectsOntoThePlane() {
        const Problem problem = test::generatedProblem(12, 3, WeightKind::Dense, TargetKind::Random, 9);
        MatrixXd D1, D2;
        QVERIFY(sliceDirections(problem, {}, D1, D2).ok);
        MatrixXd off = MatrixXd::Zero(12, 3);
        off(0, 0) = 1;
        off -= (off.cwiseProduct(D1).sum() / D1.squaredNorm()) * D1 +
               (off.cwiseProduct(D2).sum() / D2.squaredNorm()) * D2;
        const std::vector<MatrixXd> trajectory{problem.gamma, problem.gamma + 0.3 * D1 - 0.7 * D2,
                                               problem.gamma - 2 * D2 + off};
        const std::vector<PlanePoint> points =
            projectOntoPlane(problem.gamma, D1, D2, {&trajectory[0], &trajectory[1], &trajectory[2]});
        QCOMPARE(points.size(), std::size_t(3));
        GL_COMPARE_NEAR(points[0].a, 0.0, 0.0);
        GL_COMPARE_NEAR(points[1].a, 0.3, 1e-14);
        GL_COMPARE_NEAR(points[1].b, -0.7, 1e-14);
        GL_COMPARE_NEAR(points[1].offPlane, 0.0, 1e-13);
        GL_COMPARE_NEAR(points[2].a, 0.0, 1e-14);
        GL_COMPARE_NEAR(points[2].b, -2.0, 1e-14);
        GL_COMPARE_NEAR(points[2].offPlane, off.norm(), 1e-13);
    }
};

QTEST_APPLESS_MAIN(TestLandscapeSlice)
#include "tst_landscapeslice.moc"
