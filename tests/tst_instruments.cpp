#include "descent.h"
#include "evaluation.h"
#include "gradientcheck.h"
#include "instruments.h"
#include "pairedlayout.h"
#include "random.h"
#include "testhelpers.h"

#include <cmath>

using namespace gradlens;
using Eigen::MatrixXd;

namespace {

Problem nonSymmetric(std::uint64_t seed = 3) {
    return test::generatedProblem(30, 3, WeightKind::Dense, TargetKind::Random, seed);
}

Problem symmetric(std::uint64_t seed = 4) {
    Problem problem = test::generatedProblem(30, 3, WeightKind::Symmetric, TargetKind::Random, seed);
    problem.R = (0.5 * (problem.R + problem.R.transpose())).eval();
    return problem;
}

} // namespace

class TestInstruments : public QObject {
    Q_OBJECT
private slots:
    // The correct gradient and its entry-wise form: slope 2; each teaching mistake: slope 1.
    void taylorSlopes_data() {
        QTest::addColumn<QString>("variant");
        QTest::addColumn<double>("expectedSlope");
        QTest::addColumn<int>("verdict");
        QTest::newRow("correct") << "correct" << 2.0 << int(TaylorVerdict::Consistent);
        QTest::newRow("entrywise") << "entrywise" << 2.0 << int(TaylorVerdict::Consistent);
        QTest::newRow("drop-transpose") << "drop-transpose" << 1.0 << int(TaylorVerdict::Wrong);
        QTest::newRow("drop-factor-two") << "drop-factor-two" << 1.0 << int(TaylorVerdict::Wrong);
        QTest::newRow("no-outer-p") << "no-outer-p" << 1.0 << int(TaylorVerdict::Wrong);
        QTest::newRow("flip-sign") << "flip-sign" << 1.0 << int(TaylorVerdict::Wrong);
    }
    void taylorSlopes() {
        QFETCH(QString, variant);
        QFETCH(double, expectedSlope);
        QFETCH(int, verdict);
        for (TaylorDirection direction : {TaylorDirection::Random, TaylorDirection::NegativeGradient}) {
            TaylorOptions options;
            options.variant = *parseGradientVariant(variant.toStdString());
            options.direction = direction;
            const TaylorResult result = taylorTest(nonSymmetric(), options);
            QCOMPARE(result.t.size(), std::size_t(50));
            GL_COMPARE_NEAR(result.slope, expectedSlope, 0.1);
            QCOMPARE(int(result.verdict), verdict);
            QCOMPARE(result.windowEnd - result.windowBegin, 10);
            QVERIFY(!result.explanation.empty());
        }
    }

    // Through a descent's paired layout the Taylor test evaluates the same losses up to rounding: the
    // remainders above the rounding floor agree, and so do the slope and the verdict, for a right and a
    // wrong gradient.
    void taylorThroughPairedLayoutAgrees_data() {
        QTest::addColumn<int>("variant");
        QTest::newRow("correct") << int(GradientVariant::Correct);
        QTest::newRow("flip-sign") << int(GradientVariant::FlipSign);
    }
    void taylorThroughPairedLayoutAgrees() {
        QFETCH(int, variant);
        const Problem problem = nonSymmetric(12);
        const PairedLayout layout(problem.R, problem.P);
        TaylorOptions options;
        options.variant = GradientVariant(variant);
        const TaylorResult direct = taylorTest(problem, options);
        options.pairedLayout = &layout;
        const TaylorResult paired = taylorTest(problem, options);
        QCOMPARE(paired.verdict, direct.verdict);
        GL_COMPARE_NEAR(paired.slope, direct.slope, 1e-3);
        QCOMPARE(paired.t, direct.t);
        for (std::size_t k = 0; k < direct.t.size(); ++k)
            if (direct.error[k] > 1e4 * direct.roundingFloor)
                GL_COMPARE_NEAR(paired.error[k], direct.error[k], 1e-2 * direct.error[k]);
        // The losses really come from the layout: one of another P gives other remainders.
        const PairedLayout otherWeights(problem.R, 2.0 * problem.P);
        options.pairedLayout = &otherWeights;
        QVERIFY(taylorTest(problem, options).error != direct.error);
    }

    // The random direction is not γ itself, even for a problem generated with the same seed: along D = γ
    // the dropped-transpose mistake cancels (⟨(A − Aᵀ)γ, γ⟩ = 0) and would pass.
    void randomDirectionIsNotGamma() {
        const Problem problem = test::generatedProblem(40, 3, WeightKind::Dense, TargetKind::Planted, 1);
        TaylorOptions options;
        options.seed = 1;
        options.variant = GradientVariant::DropTranspose;
        QCOMPARE(taylorTest(problem, options).verdict, TaylorVerdict::Wrong);
    }

    // E(t) is what its definition says, recomputed here from the loss alone.
    void taylorErrorIsTheRemainder() {
        const Problem problem = nonSymmetric(5);
        TaylorOptions options;
        options.direction = TaylorDirection::NegativeGradient;
        options.points = 5;
        const TaylorResult result = taylorTest(problem, options);
        const MatrixXd G = evaluate(problem).gradient;
        const MatrixXd D = -G * (problem.gamma.norm() / G.norm());
        const double f0 = evaluateLoss(problem.R, problem.P, problem.gamma, Convention::Full);
        for (std::size_t k = 0; k < result.t.size(); ++k) {
            const double t = result.t[k];
            const double expected =
                std::abs(evaluateLoss(problem.R, problem.P, problem.gamma + t * D, Convention::Full) - f0 -
                         t * G.cwiseProduct(D).sum());
            GL_COMPARE_NEAR(result.error[k], expected, 1e-9 * std::max(expected, 1.0));
        }
    }

    // With symmetric P and R the two gradient terms are equal, so dropping one and doubling the other is
    // invisible: the Taylor test passes.
    void droppedTransposeIsInvisibleWhenSymmetric() {
        TaylorOptions options;
        options.variant = GradientVariant::DropTranspose;
        const TaylorResult result = taylorTest(symmetric(), options);
        QCOMPARE(result.verdict, TaylorVerdict::Consistent);
        GL_COMPARE_NEAR(result.slope, 2.0, 0.1);
    }

    // Nothing to conclude when E(t) is rounding: P = 0 (f does not depend on γ).
    void roundingFloorGivesNoVerdict() {
        Problem problem = nonSymmetric(6);
        problem.P *= 0.0;
        const TaylorResult result = taylorTest(problem, TaylorOptions{});
        QCOMPARE(result.verdict, TaylorVerdict::Rounding);
        QVERIFY(result.explanation.find("nothing to conclude") != std::string::npos);
    }

    // An R of 1e12 with γ of order one: the direction's length follows √(max|R| / max|P|), the size at which
    // γ matters, so the second-order term rises above f's rounding and the test decides (with ‖D‖ = 1, as
    // before, E(t) stayed at the rounding floor).
    void largeTargetIsDecided() {
        Problem problem = nonSymmetric(6);
        problem.R *= 1e12;
        const TaylorResult result = taylorTest(problem, TaylorOptions{});
        QVERIFY2(result.verdict == TaylorVerdict::Consistent, result.explanation.c_str());
        GL_COMPARE_NEAR(result.slope, 2.0, 0.1);
    }

    // The V: central's best deviation near 1e-10 of the gradient's scale, complex step at rounding, and both
    // ends of the central curve worse than its best.
    void sweepShowsTruncationAndRounding() {
        const SweepResult sweep = stepSweep(nonSymmetric(7));
        QCOMPARE(sweep.steps.size(), std::size_t(27));
        GL_COMPARE_NEAR(sweep.steps.front(), 1e-1, 1e-16);
        GL_COMPARE_NEAR(sweep.steps.back(), 1e-14, 1e-28);
        const double scale = sweep.scale;
        const double forward = sweep.bestDeviation[0] / scale, central = sweep.bestDeviation[1] / scale,
                     complex = sweep.bestDeviation[2] / scale;
        qInfo("best relative deviations: forward %.2e at h %.0e, central %.2e at h %.0e, complex %.2e",
              forward, sweep.bestStep[0], central, sweep.bestStep[1], complex);
        QVERIFY2(central < 1e-9 && central > 1e-14, qPrintable(QString::number(central)));
        QVERIFY2(complex < 1e-14, qPrintable(QString::number(complex)));
        QVERIFY2(forward < 1e-6 && forward > central, qPrintable(QString::number(forward)));
        QVERIFY(sweep.deviation[1].front() > 1e3 * sweep.bestDeviation[1]); // truncation at h = 0.1
        QVERIFY(sweep.deviation[1].back() > 10 * sweep.bestDeviation[1]);   // rounding at h = 1e-14
        QVERIFY(sweep.bestStep[1] > sweep.bestStep[2] || sweep.bestDeviation[2] <= sweep.bestDeviation[1]);
    }

    // φ(t) = f(γ − tG) from the quartic's coefficients against a direct evaluation at random t.
    void profileReproducesTheLoss_data() {
        QTest::addColumn<int>("convention");
        QTest::newRow("f") << int(Convention::Full);
        QTest::newRow("half f") << int(Convention::Half);
    }
    void profileReproducesTheLoss() {
        QFETCH(int, convention);
        const Problem problem = nonSymmetric(8);
        const MatrixXd G = evaluate(problem).gradient;
        const LineProfile profile = lineProfile(problem, G, Convention(convention));
        Random random(99);
        for (int k = 0; k < 20; ++k) {
            const double t = (random.uniform() - 0.3) * 0.02;
            const double direct =
                evaluateLoss(problem.R, problem.P, problem.gamma - t * G, Convention(convention));
            GL_COMPARE_NEAR(profile.valueAt(t), direct, 1e-12 * std::abs(direct));
        }
        // c1 = −‖G‖²·(1 or ½)… for G the gradient of the same convention's f: φ'(0) = −⟨∇f, G⟩.
        const MatrixXd gradientOfConvention =
            evaluate(problem, {true, false, Convention(convention)}).gradient;
        GL_COMPARE_NEAR(profile.coefficients[1], -gradientOfConvention.cwiseProduct(G).sum(),
                        1e-12 * std::abs(profile.coefficients[1]));
        // The exact minimiser is a critical point and no sampled t does better.
        const double t = profile.exactMinimizer;
        const auto &c = profile.coefficients;
        const double slope = c[1] + t * (2 * c[2] + t * (3 * c[3] + t * 4 * c[4]));
        GL_COMPARE_NEAR(slope, 0.0, 1e-8 * std::abs(c[1]));
        for (int k = -200; k <= 200; ++k)
            QVERIFY(profile.valueAt(t * (1 + k / 100.0)) >= profile.minimumValue * (1 - 1e-12));
    }

    // Data scaled ×30 gave coefficients from 1e11 to 1e43 and a minimiser 0 (the seed's companion matrix lost
    // the root near 1e-8); ×1e-5 gave a point that was not a critical point. Checked against the loss
    // evaluated directly along the line: no sampled t is lower, and the minimum is a critical point.
    void profileAtExtremeDataScales_data() {
        QTest::addColumn<double>("scale");
        QTest::addColumn<bool>("consistent"); // γ·s, P/s, R·s instead of all three ·s
        for (double scale : {30.0, 1e-5, 1.0})
            QTest::addRow("all ×%g", scale) << scale << false;
        for (double scale : {1e-150, 1e150})
            QTest::addRow("consistent ×%g", scale) << scale << true;
    }
    void profileAtExtremeDataScales() {
        QFETCH(double, scale);
        QFETCH(bool, consistent);
        const Problem base = nonSymmetric(8);
        const Problem problem{base.R * scale,
                              consistent ? MatrixXd(base.P / scale) : MatrixXd(base.P * scale),
                              base.gamma * scale};
        const MatrixXd G = evaluate(problem).gradient;
        const LineProfile profile = lineProfile(problem, G);
        // At 1e150 some coefficient overflows in f's units (c_k has units f/t^k); the note says so.
        const bool finite = std::all_of(profile.coefficients.begin(), profile.coefficients.end(),
                                        [](double c) { return std::isfinite(c); });
        QVERIFY2(profile.note.empty() == finite, profile.note.c_str());
        const double t = profile.exactMinimizer;
        auto direct = [&](double step) {
            return evaluateLoss(problem.R, problem.P, problem.gamma - step * G, Convention::Full);
        };
        const double f0 = direct(0.0), fStar = direct(t);
        QVERIFY2(t > 0, qPrintable(QString::number(t)));
        QVERIFY(fStar < f0);
        GL_COMPARE_NEAR(profile.minimumValue, fStar, 1e-9 * f0);
        // Independent: f itself on both sides of t*, and on a log grid of t over 30 decades.
        QVERIFY(direct(t * 0.999) >= fStar - 1e-12 * f0 && direct(t * 1.001) >= fStar - 1e-12 * f0);
        for (int k = 0; k <= 300; ++k) {
            const double sample = t * std::pow(10.0, -15.0 + k * 0.1);
            // Far out the loss overflows (inf, or NaN where a zero of P meets an infinite γγᵀ): not lower.
            QVERIFY2(!(direct(sample) < fStar - 1e-9 * f0), qPrintable(QString("f(%1) = %2 < f(t* = %3) = %4")
                                                                           .arg(sample)
                                                                           .arg(direct(sample))
                                                                           .arg(t)
                                                                           .arg(fStar)));
        }
    }

    // Infinite losses: no minimiser, and a note that says so (the seed answered 0).
    void profileOfInfiniteLoss() {
        const Problem problem = nonSymmetric(8);
        const MatrixXd G =
            MatrixXd::Constant(problem.n(), problem.r(), std::numeric_limits<double>::infinity());
        const LineProfile profile = lineProfile(problem, G);
        QVERIFY(std::isnan(profile.exactMinimizer));
        QVERIFY2(profile.note.find("not finite") != std::string::npos, profile.note.c_str());
    }

    // Armijo's trial steps halve until the sufficient-decrease test holds, checked here on the loss itself.
    void armijoTrialsEndAtTheAcceptedStep() {
        const Problem problem = nonSymmetric(10);
        const MatrixXd G = evaluate(problem).gradient;
        const LineProfile profile = lineProfile(problem, G);
        const std::vector<double> trials = armijoTrials(profile, 1.0);
        QVERIFY(trials.size() > 1);
        const double f0 = evaluateLoss(problem.R, problem.P, problem.gamma, Convention::Full);
        const double squaredNorm = G.squaredNorm();
        for (std::size_t k = 0; k < trials.size(); ++k) {
            GL_COMPARE_NEAR(trials[k], std::pow(0.5, double(k)), 0.0);
            const double f =
                evaluateLoss(problem.R, problem.P, problem.gamma - trials[k] * G, Convention::Full);
            const bool accepted = f <= f0 - 1e-4 * trials[k] * squaredNorm;
            QCOMPARE(accepted, k + 1 == trials.size());
        }
    }

    // One entry in detail: the estimates agree with the analytic value to each method's accuracy, the
    // losses are f(γ ± h e_kc), and a mistake variant shows up as a large error.
    void entryDetailOfOneEntry() {
        const Problem problem = nonSymmetric(11);
        const EntryDetail detail = entryDetail(problem, 4, 1);
        const double g = evaluate(problem).gradient(4, 1);
        GL_COMPARE_NEAR(detail.analytic, g, 0.0);
        GL_COMPARE_NEAR(detail.gamma, problem.gamma(4, 1), 0.0);
        QCOMPARE(detail.estimates.size(), std::size_t(5));
        const double tolerance[] = {1e-5, 1e-5, 1e-8, 1e-12,
                                    1e-9}; // forward, backward, central, complex, Ridders
        for (std::size_t m = 0; m < detail.estimates.size(); ++m) {
            const EntryEstimate &e = detail.estimates[m];
            GL_COMPARE_NEAR(e.value, g, tolerance[m] * std::abs(g));
            QVERIFY(e.resolvable);
            QVERIFY(e.step > 0);
            if (e.method == DifferenceMethod::Central) {
                Problem plus = problem;
                plus.gamma(4, 1) += e.step;
                GL_COMPARE_NEAR(e.lossPlus, evaluateLoss(plus.R, plus.P, plus.gamma, Convention::Full), 0.0);
                GL_COMPARE_NEAR(e.value, (e.lossPlus - e.lossMinus) / (2 * e.step), 1e-9 * std::abs(g));
            }
        }
        const EntryDetail wrong = entryDetail(problem, 4, 1, GradientVariant::FlipSign);
        GL_COMPARE_NEAR(wrong.correct, g, 0.0);
        QVERIFY(wrong.estimates[2].relativeError > 0.01);
        // The verdict is the one check's, for the selected formula.
        QCOMPARE(QString::fromStdString(detail.verdict), QString("consistent"));
        QCOMPARE(QString::fromStdString(wrong.verdict), QString("inconsistent"));
        QVERIFY(detail.resolution > 0 && detail.resolution < 1e-6 * std::abs(g));
    }

    // At 1e-170 (γ·s, P/s, R·s) every change h·g underflows: no estimate, complex step included, is called
    // resolvable (complex step always was).
    void entryDetailUnderflowIsNotResolvable() {
        const Problem base = nonSymmetric(6);
        const double s = 1e-170;
        const Problem problem{base.R * s, base.P / s, base.gamma * s};
        const EntryDetail detail = entryDetail(problem, 2, 1);
        for (const EntryEstimate &e : detail.estimates)
            QVERIFY2(!e.resolvable, differenceMethodName(e.method).data());
        // The verdict comes from the one check: γγᵀ ≈ 1e-340 underflows in these units, so the gradient
        // computed here has lost its precision and nothing can be judged.
        QCOMPARE(QString::fromStdString(detail.verdict), QString("inconclusive"));
        QVERIFY2(detail.verdictExplanation.find("underflow") != std::string::npos,
                 detail.verdictExplanation.c_str());
    }

    // Descent follows the selected variant: a fixed step moves γ by −lr times that variant's gradient.
    void descentUsesTheSelectedVariant() {
        const Problem problem = nonSymmetric(9);
        DescentOptions options;
        options.optimizer = OptimizerKind::GradientDescent;
        options.learningRate = 1e-4;
        options.variant = GradientVariant::DropFactorTwo;
        DescentRun run(problem, options);
        QVERIFY(!run.step());
        const MatrixXd expected =
            problem.gamma - 1e-4 * gradientVariant(problem, GradientVariant::DropFactorTwo, Convention::Full);
        GL_COMPARE_MATRICES(run.gamma(), expected, 1e-15);
        options.variant = GradientVariant::Correct;
        QVERIFY(run.setOptions(options).ok);
        Problem moved = problem;
        moved.gamma = run.gamma();
        // Descent evaluates P and R in place below r = 8: the same pass gives the same bits.
        QVERIFY(run.pairedLayout() == nullptr);
        GL_COMPARE_MATRICES(run.current().gradient, evaluate(moved).gradient, 0.0);
    }
};

QTEST_MAIN(TestInstruments)
#include "tst_instruments.moc"
