#include "benchmark.h"
#include "evaluation.h"
#include "generators.h"
#include "gradientforms.h"
#include "numericgradient.h"
#include "pairedlayout.h"
#include "testhelpers.h"

#include <cmath>

using namespace gradlens;
using Eigen::MatrixXd;

namespace {

// n = 3, r = 1, worked out by hand:
//   γ = (1, 2, −1)ᵀ, X = γγᵀ = [1 2 −1; 2 4 −2; −1 −2 1]
//   P = [1 2 0; 0 1 1; 1 0 2] (not symmetric), R = [0 1 1; 2 3 0; 1 −1 1]
//   P∘X = [1 4 0; 0 4 −2; −1 0 2],  M = P∘X − R = [1 3 −1; −2 1 −2; −2 1 1],  f = Σ M² = 26
//   A = P∘M = [1 6 0; 0 1 −2; −2 0 2],  A + Aᵀ = [2 6 −2; 6 2 −2; −2 −2 4]
//   (A + Aᵀ)γ = (16, 12, −10)ᵀ,  ∂f/∂γ = 2(A + Aᵀ)γ = (32, 24, −20)ᵀ;  under ½f: 13 and (16, 12, −10)ᵀ
Problem handWorkedProblem() {
    Problem problem;
    problem.gamma.resize(3, 1);
    problem.gamma << 1, 2, -1;
    problem.P.resize(3, 3);
    problem.P << 1, 2, 0, 0, 1, 1, 1, 0, 2;
    problem.R.resize(3, 3);
    problem.R << 0, 1, 1, 2, 3, 0, 1, -1, 1;
    return problem;
}

// n = 3, r = 1, symmetric P and R, worked out by hand:
//   γ = (1, 2, −1)ᵀ, X = γγᵀ = [1 2 −1; 2 4 −2; −1 −2 1]
//   P = [1 2 0; 2 1 1; 0 1 2], R = [0 1 1; 1 3 0; 1 0 1]
//   P∘X = [1 4 0; 4 4 −2; 0 −2 2],  M = P∘X − R = [1 3 −1; 3 1 −2; −1 −2 1],  f = Σ M² = 31
//   A = P∘M = [1 6 0; 6 1 −2; 0 −2 2] = Aᵀ,  (A + Aᵀ)γ = 2Aγ = (26, 20, −12)ᵀ,  ∂f/∂γ = (52, 40, −24)ᵀ;
//   under ½f: 15.5 and (26, 20, −12)ᵀ
Problem handWorkedSymmetricProblem() {
    Problem problem;
    problem.gamma.resize(3, 1);
    problem.gamma << 1, 2, -1;
    problem.P.resize(3, 3);
    problem.P << 1, 2, 0, 2, 1, 1, 0, 1, 2;
    problem.R.resize(3, 3);
    problem.R << 0, 1, 1, 1, 3, 0, 1, 0, 1;
    return problem;
}

// A random problem with P and R made exactly symmetric.
Problem symmetrized(Problem problem) {
    problem.P = (0.5 * (problem.P + problem.P.transpose())).eval();
    problem.R = (0.5 * (problem.R + problem.R.transpose())).eval();
    return problem;
}

Problem generated(int n, int r, WeightKind kind, TargetKind target = TargetKind::Random,
                  std::uint64_t seed = 7) {
    return test::generatedProblem(n, r, kind, target, seed);
}

} // namespace

Q_DECLARE_METATYPE(gradlens::Convention)
Q_DECLARE_METATYPE(gradlens::WeightKind)
Q_DECLARE_METATYPE(gradlens::Symmetry)

class TestEvaluation : public QObject {
    Q_OBJECT
private slots:
    void handWorked_data() {
        QTest::addColumn<Convention>("convention");
        QTest::addColumn<int>("blockSize");
        QTest::addColumn<int>("threads");
        QTest::addColumn<double>("loss");
        QTest::addColumn<double>("scale"); // gradient = scale · (16, 12, −10)
        for (int block : {1, 2, 64})
            for (int threads : {1, 2}) {
                const QByteArray tag =
                    "block " + QByteArray::number(block) + ", threads " + QByteArray::number(threads);
                QTest::newRow("f, " + tag) << Convention::Full << block << threads << 26.0 << 2.0;
                QTest::newRow("½f, " + tag) << Convention::Half << block << threads << 13.0 << 1.0;
            }
    }
    void handWorked() {
        QFETCH(Convention, convention);
        QFETCH(int, blockSize);
        QFETCH(int, threads);
        QFETCH(double, loss);
        QFETCH(double, scale);
        EvaluationOptions options;
        options.convention = convention;
        options.panelWidth = blockSize;
        options.threads = threads;
        options.wantResidual = true;
        const Evaluation evaluation = evaluate(handWorkedProblem(), options);
        GL_COMPARE_NEAR(evaluation.loss, loss, 0.0); // small integers: exact
        const Eigen::Vector3d expected = scale * Eigen::Vector3d(16, 12, -10);
        for (int k = 0; k < 3; ++k)
            GL_COMPARE_NEAR(evaluation.gradient(k, 0), expected(k), 0.0);
        MatrixXd residual(3, 3);
        residual << 1, 3, -1, -2, 1, -2, -2, 1, 1;
        QVERIFY(evaluation.residual == residual);
        QVERIFY(!evaluation.symmetricPath);
        GL_COMPARE_MATRICES(entrywiseGradient(handWorkedProblem().R, handWorkedProblem().P,
                                              handWorkedProblem().gamma, convention),
                            MatrixXd(expected), 0.0);
    }

    // The fused pass, the straightforward full-matrix form, the entry-wise form and complex step agree.
    void formsAgree_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("r");
        QTest::addColumn<WeightKind>("kind");
        QTest::addColumn<int>("blockSize");
        QTest::addColumn<Symmetry>("symmetry");
        QTest::newRow("n=1 r=1") << 1 << 1 << WeightKind::Dense << 0 << Symmetry::General;
        QTest::newRow("n=7 r=2, 3×3 tiles") << 7 << 2 << WeightKind::Dense << 3 << Symmetry::General;
        QTest::newRow("n=11 r=3 symmetric, 2×2 tiles")
            << 11 << 3 << WeightKind::Symmetric << 2 << Symmetry::Symmetric;
        QTest::newRow("n=29 r=2 symmetric, 4×4 tiles")
            << 29 << 2 << WeightKind::Symmetric << 4 << Symmetry::Symmetric;
        QTest::newRow("n=130 r=3 dense, ragged last tile")
            << 130 << 3 << WeightKind::Dense << 0 << Symmetry::General;
        QTest::newRow("n=130 r=8 symmetric, one-triangle path")
            << 130 << 8 << WeightKind::Symmetric << 0 << Symmetry::Symmetric;
        QTest::newRow("n=200 r=5 mask") << 200 << 5 << WeightKind::Mask << 0 << Symmetry::Auto;
        QTest::newRow("n=65 r=1 zero diagonal") << 65 << 1 << WeightKind::ZeroDiagonal << 0 << Symmetry::Auto;
        QTest::newRow("n=96 r=4 nonnegative, 32×32 tiles")
            << 96 << 4 << WeightKind::Nonnegative << 32 << Symmetry::General;
    }
    void formsAgree() {
        QFETCH(int, n);
        QFETCH(int, r);
        QFETCH(WeightKind, kind);
        QFETCH(int, blockSize);
        QFETCH(Symmetry, symmetry);
        const Problem problem = generated(n, r, kind);
        EvaluationOptions options;
        options.panelWidth = blockSize;
        options.symmetry = symmetry;
        options.wantResidual = true;
        const Evaluation fused = evaluate(problem, options);
        const Evaluation reference =
            evaluateStraightforward(problem.R, problem.P, problem.gamma, Convention::Full);
        GL_COMPARE_NEAR(fused.loss, reference.loss, 1e-13 * reference.loss);
        GL_COMPARE_MATRICES(fused.gradient, reference.gradient, 1e-13);
        GL_COMPARE_MATRICES(fused.residual, reference.residual, 1e-14);
        GL_COMPARE_MATRICES(entrywiseGradient(problem.R, problem.P, problem.gamma, Convention::Full),
                            reference.gradient, 1e-13);
        NumericOptions complexStep;
        complexStep.method = DifferenceMethod::ComplexStep;
        GL_COMPARE_MATRICES(structuredNumericGradient(problem, complexStep).gradient, reference.gradient,
                            1e-13);
    }

    void zeroWeightsGiveExactlyZeroGradient() {
        Problem problem = generated(70, 3, WeightKind::Dense);
        problem.P.setZero();
        const Evaluation evaluation = evaluate(problem);
        QVERIFY2(evaluation.gradient.cwiseAbs().maxCoeff() == 0.0,
                 "gradient with P = 0 must be exactly zero");
        GL_COMPARE_NEAR(evaluation.loss, problem.R.squaredNorm(), 1e-13 * problem.R.squaredNorm());
    }

    // γ → 2^k γ and R → 2^(2k) R scale M by 2^(2k), f by 2^(4k) and the gradient by 2^(3k), exactly:
    // powers of two only change exponents, so every rounding happens identically.
    void powerOfTwoScalingIsExact_data() {
        QTest::addColumn<int>("k");
        QTest::addColumn<Symmetry>("symmetry");
        for (int k : {-3, 1, 5}) {
            QTest::newRow(("k=" + QByteArray::number(k) + " general").constData()) << k << Symmetry::General;
            QTest::newRow(("k=" + QByteArray::number(k) + " symmetric path").constData())
                << k << Symmetry::Symmetric;
        }
    }
    void powerOfTwoScalingIsExact() {
        QFETCH(int, k);
        QFETCH(Symmetry, symmetry);
        Problem problem =
            generated(100, 3, symmetry == Symmetry::Symmetric ? WeightKind::Symmetric : WeightKind::Dense);
        EvaluationOptions options;
        options.symmetry = symmetry;
        options.wantResidual = true;
        const Evaluation base = evaluate(problem, options);
        problem.gamma *= std::ldexp(1.0, k);
        problem.R *= std::ldexp(1.0, 2 * k);
        const Evaluation scaled = evaluate(problem, options);
        QVERIFY2(scaled.loss == std::ldexp(base.loss, 4 * k),
                 gradlens::test::describe(scaled.loss, std::ldexp(base.loss, 4 * k), 0).constData());
        QVERIFY(scaled.residual == std::ldexp(1.0, 2 * k) * base.residual);
        QVERIFY(scaled.gradient == std::ldexp(1.0, 3 * k) * base.gradient);
    }

    void symmetricPathMatchesGeneralPath() {
        const Problem problem = generated(150, 4, WeightKind::Symmetric, TargetKind::Planted);
        EvaluationOptions general, symmetric, automatic;
        general.symmetry = Symmetry::General;
        symmetric.symmetry = Symmetry::Symmetric;
        general.wantResidual = symmetric.wantResidual = true;
        const Evaluation a = evaluate(problem, general);
        const Evaluation b = evaluate(problem, symmetric);
        QVERIFY(!a.symmetricPath);
        QVERIFY(b.symmetricPath);
        QVERIFY(evaluate(problem, automatic).symmetricPath);
        QVERIFY(!evaluate(generated(150, 4, WeightKind::Dense), automatic).symmetricPath);
        GL_COMPARE_NEAR(b.loss, a.loss, 1e-13 * a.loss);
        GL_COMPARE_MATRICES(b.gradient, a.gradient, 1e-13);
        GL_COMPARE_MATRICES(b.residual, a.residual, 0.0);
    }

    void halfConventionHalvesEverything() {
        const Problem problem = generated(90, 2, WeightKind::Mask);
        EvaluationOptions full, half;
        half.convention = Convention::Half;
        const Evaluation f = evaluate(problem, full);
        const Evaluation h = evaluate(problem, half);
        QVERIFY(h.loss == 0.5 * f.loss);
        QVERIFY(h.gradient == 0.5 * f.gradient);
    }

    void lossOnlyPassWritesNoMatrices() {
        const Problem problem = generated(80, 3, WeightKind::Dense);
        EvaluationOptions lossOnly;
        lossOnly.wantGradient = false;
        const Evaluation onlyLoss = evaluate(problem, lossOnly);
        QCOMPARE(onlyLoss.gradient.size(), Eigen::Index(0));
        QCOMPARE(onlyLoss.residual.size(), Eigen::Index(0));
        QVERIFY(onlyLoss.loss == evaluate(problem).loss); // same tiles, same order: identical
        QVERIFY(evaluateLoss(problem.R, problem.P, problem.gamma, Convention::Full) == onlyLoss.loss);
    }

    void reproducibleForAThreadCount() {
        const Problem problem = generated(300, 5, WeightKind::Dense);
        EvaluationOptions options;
        options.threads = 2;
        const Evaluation first = evaluate(problem, options);
        const Evaluation second = evaluate(problem, options);
        QVERIFY(first.loss == second.loss);
        QVERIFY(first.gradient == second.gradient);
    }

    void stridedViewsAreHandled() {
        // Blocks of larger matrices: R and P with different outer strides.
        const Problem problem = generated(40, 2, WeightKind::Dense);
        MatrixXd bigR = MatrixXd::Zero(50, 45), bigP = MatrixXd::Zero(47, 41);
        bigR.topLeftCorner(40, 40) = problem.R;
        bigP.block(3, 1, 40, 40) = problem.P;
        const Evaluation viaViews =
            evaluate(bigR.topLeftCorner(40, 40), bigP.block(3, 1, 40, 40), problem.gamma);
        const Evaluation direct = evaluate(problem);
        GL_COMPARE_NEAR(viaViews.loss, direct.loss, 1e-13 * direct.loss);
        GL_COMPARE_MATRICES(viaViews.gradient, direct.gradient, 1e-13);
    }

    // The paired layout (descent's path for general problems) against the straightforward form: ragged last
    // panels (n not a multiple of 8: every kernel width), r below and above the panel width, 1–3 threads.
    void pairedLayoutMatchesStraightforward_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("r");
        QTest::addColumn<WeightKind>("kind");
        QTest::addColumn<int>("threads");
        QTest::newRow("n=1 r=1") << 1 << 1 << WeightKind::Dense << 2;
        QTest::newRow("n=8 r=2, one panel, diagonal only") << 8 << 2 << WeightKind::Dense << 1;
        QTest::newRow("n=9 r=3, ragged panel of 1") << 9 << 3 << WeightKind::Dense << 2;
        QTest::newRow("n=18 r=1, ragged panel of 2") << 18 << 1 << WeightKind::Dense << 1;
        QTest::newRow("n=27 r=2, ragged panel of 3") << 27 << 2 << WeightKind::Nonnegative << 2;
        QTest::newRow("n=36 r=4, ragged panel of 4") << 36 << 4 << WeightKind::Dense << 2;
        QTest::newRow("n=37 r=2, ragged panel of 5") << 37 << 2 << WeightKind::Nonnegative << 2;
        QTest::newRow("n=30 r=6, ragged panel of 6") << 30 << 6 << WeightKind::Dense << 2;
        QTest::newRow("n=15 r=7, ragged panel of 7") << 15 << 7 << WeightKind::Dense << 3;
        QTest::newRow("n=130 r=8, 1 thread") << 130 << 8 << WeightKind::Dense << 1;
        QTest::newRow("n=130 r=8, 2 threads") << 130 << 8 << WeightKind::Dense << 2;
        QTest::newRow("n=200 r=5 mask") << 200 << 5 << WeightKind::Mask << 2;
        QTest::newRow("n=65 r=1 zero diagonal") << 65 << 1 << WeightKind::ZeroDiagonal << 2;
        QTest::newRow("n=96 r=4 symmetric") << 96 << 4 << WeightKind::Symmetric << 2;
        QTest::newRow("n=70 r=13, r above the panel width") << 70 << 13 << WeightKind::Dense << 2;
        QTest::newRow("n=256 r=3, power of two") << 256 << 3 << WeightKind::Dense << 2;
    }
    void pairedLayoutMatchesStraightforward() {
        QFETCH(int, n);
        QFETCH(int, r);
        QFETCH(WeightKind, kind);
        QFETCH(int, threads);
        const Problem problem = generated(n, r, kind);
        const PairedLayout layout(problem.R, problem.P);
        QCOMPARE(layout.size(), Eigen::Index(n));
        EvaluationOptions options;
        options.threads = threads;
        const Evaluation paired = layout.evaluate(problem.gamma, options);
        const Evaluation reference =
            evaluateStraightforward(problem.R, problem.P, problem.gamma, Convention::Full);
        GL_COMPARE_NEAR(paired.loss, reference.loss, 1e-13 * reference.loss);
        GL_COMPARE_MATRICES(paired.gradient, reference.gradient, 1e-13);
        QCOMPARE(paired.residual.size(), Eigen::Index(0));
    }

    void pairedLayoutHandWorked() {
        const Problem problem = handWorkedProblem();
        const PairedLayout layout(problem.R, problem.P);
        EvaluationOptions half;
        half.convention = Convention::Half;
        const Evaluation full = layout.evaluate(problem.gamma);
        GL_COMPARE_NEAR(full.loss, 26.0, 0.0); // small integers: exact, see handWorkedProblem()
        GL_COMPARE_MATRICES(full.gradient, MatrixXd(Eigen::Vector3d(32, 24, -20)), 0.0);
        const Evaluation halved = layout.evaluate(problem.gamma, half);
        GL_COMPARE_NEAR(halved.loss, 13.0, 0.0);
        GL_COMPARE_MATRICES(halved.gradient, MatrixXd(Eigen::Vector3d(16, 12, -10)), 0.0);
        EvaluationOptions lossOnly;
        lossOnly.wantGradient = false;
        const Evaluation onlyLoss = layout.evaluate(problem.gamma, lossOnly);
        QCOMPARE(onlyLoss.gradient.size(), Eigen::Index(0));
        QVERIFY(onlyLoss.loss == full.loss);
    }

    // The symmetric hand-worked case through the one-triangle pass (every thread count and panel width),
    // and through the general pass and the paired layout: small integers, so each must give them exactly.
    void symmetricHandWorked_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("panelWidth");
        for (int threads : {1, 2, 3}) {
            for (int width : {1, 2, 8})
                QTest::newRow(("one triangle, threads " + QByteArray::number(threads) + ", panel width " +
                               QByteArray::number(width))
                                  .constData())
                    << "one triangle" << threads << width;
            QTest::newRow(("both triangles, threads " + QByteArray::number(threads)).constData())
                << "both triangles" << threads << 0;
            QTest::newRow(("paired layout, threads " + QByteArray::number(threads)).constData())
                << "paired layout" << threads << 0;
        }
    }
    void symmetricHandWorked() {
        QFETCH(QString, path);
        QFETCH(int, threads);
        QFETCH(int, panelWidth);
        const Problem problem = handWorkedSymmetricProblem();
        QVERIFY(isSymmetricProblem(problem.R, problem.P));
        for (Convention convention : {Convention::Full, Convention::Half}) {
            EvaluationOptions options;
            options.convention = convention;
            options.threads = threads;
            options.panelWidth = panelWidth;
            options.symmetry = path == "one triangle" ? Symmetry::Symmetric : Symmetry::General;
            options.wantResidual = path != "paired layout";
            const Evaluation evaluation =
                path == "paired layout" ? PairedLayout(problem.R, problem.P).evaluate(problem.gamma, options)
                                        : evaluate(problem, options);
            QCOMPARE(evaluation.symmetricPath, path == "one triangle");
            const double scale = convention == Convention::Full ? 1.0 : 0.5;
            GL_COMPARE_NEAR(evaluation.loss, 31.0 * scale, 0.0);
            GL_COMPARE_MATRICES(evaluation.gradient, MatrixXd(scale * Eigen::Vector3d(52, 40, -24)), 0.0);
            if (options.wantResidual) {
                MatrixXd residual(3, 3);
                residual << 1, 3, -1, 3, 1, -2, -1, -2, 1;
                QVERIFY(evaluation.residual == residual);
            }
        }
    }

    // The one-triangle pass against the straightforward full-matrix form: ragged sizes (n not a multiple of
    // the 4-row block or the 8-column panel), r = 1 … 13, 1–3 threads; to 1e-14 relative.
    void symmetricPathsMatchStraightforward_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("r");
        QTest::addColumn<int>("threads");
        for (int n : {1, 5, 13, 30, 67, 130})
            for (int r = 1; r <= 13; ++r)
                for (int threads : {1, 2, 3})
                    QTest::newRow(("n=" + QByteArray::number(n) + " r=" + QByteArray::number(r) +
                                   " threads " + QByteArray::number(threads))
                                      .constData())
                        << n << r << threads;
    }
    void symmetricPathsMatchStraightforward() {
        QFETCH(int, n);
        QFETCH(int, r);
        QFETCH(int, threads);
        const Problem problem = symmetrized(
            generated(n, r, WeightKind::Dense, TargetKind::Random, static_cast<std::uint64_t>(100 * n + r)));
        const Evaluation reference =
            evaluateStraightforward(problem.R, problem.P, problem.gamma, Convention::Full);
        EvaluationOptions options;
        options.threads = threads;
        options.symmetry = Symmetry::Symmetric;
        options.wantResidual = true;
        const Evaluation inPlace = evaluate(problem, options);
        QVERIFY(inPlace.symmetricPath);
        GL_COMPARE_NEAR(inPlace.loss, reference.loss, 1e-14 * reference.loss);
        GL_COMPARE_MATRICES(inPlace.gradient, reference.gradient, 1e-14);
        GL_COMPARE_MATRICES(inPlace.residual, reference.residual, 1e-14);
        QVERIFY(inPlace.residual == inPlace.residual.transpose()); // the mirror is copied, not recomputed
    }

    // The benchmark's floor reads every entry once: integers, so the sums are exact.
    void streamReadSumsEveryEntry_data() {
        QTest::addColumn<int>("n");
        for (int n : {1, 3, 8, 13, 67})
            QTest::newRow(("n=" + QByteArray::number(n)).constData()) << n;
    }
    void streamReadSumsEveryEntry() {
        QFETCH(int, n);
        MatrixXd a(n + 2, n), b(n, n);
        for (Eigen::Index j = 0; j < n; ++j)
            for (Eigen::Index i = 0; i < a.rows(); ++i)
                a(i, j) = double((i * 7 + j * 3) % 11) - 5.0;
        b = MatrixXd::Constant(n, n, 2.0);
        const double expected = a.topRows(n).sum() + b.sum();
        GL_COMPARE_NEAR(streamRead(a.topRows(n), b), expected, 0.0);
        GL_COMPARE_NEAR(singleStreamRead(a.topRows(n), b), expected, 0.0);
    }

    void pairedLayoutReadsStridedViewsAndIsReproducible() {
        const Problem problem = generated(45, 3, WeightKind::Dense);
        MatrixXd bigR = MatrixXd::Zero(50, 49), bigP = MatrixXd::Zero(52, 47);
        bigR.block(2, 3, 45, 45) = problem.R;
        bigP.block(5, 1, 45, 45) = problem.P;
        const PairedLayout fromViews(bigR.block(2, 3, 45, 45), bigP.block(5, 1, 45, 45));
        const PairedLayout direct(problem.R, problem.P);
        EvaluationOptions options;
        options.threads = 2;
        const Evaluation a = fromViews.evaluate(problem.gamma, options);
        const Evaluation b = direct.evaluate(problem.gamma, options);
        QVERIFY(a.loss == b.loss); // same layout, same thread count: bit-identical
        QVERIFY(a.gradient == b.gradient);
        const Evaluation reference = evaluate(problem);
        GL_COMPARE_NEAR(a.loss, reference.loss, 1e-13 * reference.loss);
        GL_COMPARE_MATRICES(a.gradient, reference.gradient, 1e-13);
    }
};

QTEST_APPLESS_MAIN(TestEvaluation)
#include "tst_evaluation.moc"
