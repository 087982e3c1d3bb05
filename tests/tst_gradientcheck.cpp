#include "deviation.h"
#include "gradientcheck.h"
#include "gradientforms.h"
#include "instruments.h"
#include "numericgradient.h"
#include "testhelpers.h"

#include <array>
#include <cmath>
#include <map>

using namespace gradlens;
using Eigen::MatrixXd;

namespace {

Problem nonSymmetric(Eigen::Index n = 12, Eigen::Index r = 2, std::uint64_t seed = 5) {
    return test::generatedProblem(n, r, WeightKind::Dense, TargetKind::Random, seed);
}

// The same problem at scale s, consistently: γ·s, P/s, R·s, so P∘γγᵀ and R both scale by s, f by s² and
// the gradient by s. Powers of ten (not two) so that the scaling itself rounds, as real data would.
Problem scaled(const Problem &problem, double s) {
    return Problem{problem.R * s, problem.P / s, problem.gamma * s};
}

// The terms of the derivation formed literally as n×n matrices, an independent reference for the
// fingerprint (which sums them column by column).
struct Terms {
    MatrixXd A, At, M, Mt, diagonal, PMt; // (P∘M)γ, (Pᵀ∘Mᵀ)γ, Mγ, Mᵀγ, P_kk M_kk γ_kc, (P∘Mᵀ)γ
};

Terms literalTerms(const Problem &problem) {
    const MatrixXd M = problem.P.cwiseProduct(problem.gamma * problem.gamma.transpose()) - problem.R;
    const MatrixXd PM = problem.P.cwiseProduct(M);
    Terms terms;
    terms.A = PM * problem.gamma;
    terms.At = PM.transpose() * problem.gamma;
    terms.M = M * problem.gamma;
    terms.Mt = M.transpose() * problem.gamma;
    terms.diagonal = (problem.P.diagonal().cwiseProduct(M.diagonal())).asDiagonal() * problem.gamma;
    terms.PMt = problem.P.cwiseProduct(M.transpose()) * problem.gamma;
    return terms;
}

QString verdictName(const GradientCheck &check) {
    return QString::fromStdString(std::string(checkVerdictName(check.verdict)));
}

} // namespace

class TestGradientCheck : public QObject {
    Q_OBJECT
private slots:
    // At a planted minimum (noise 0) the gradient is rounding: the seed's check called the correct gradient
    // inconsistent there (max_rel 2.4e5). Every method now says there is nothing to compare, for the
    // correct gradient and for any mistake, which is just as much zero there.
    void stationaryAtAMinimum_data() {
        QTest::addColumn<int>("method");
        QTest::addColumn<int>("variant");
        for (DifferenceMethod method : {DifferenceMethod::Central, DifferenceMethod::Forward,
                                        DifferenceMethod::ComplexStep, DifferenceMethod::Ridders})
            for (GradientVariant variant : {GradientVariant::Correct, GradientVariant::DropTranspose})
                QTest::addRow("%s, %s", differenceMethodName(method).data(),
                              gradientVariantName(variant).data())
                    << int(method) << int(variant);
    }
    void stationaryAtAMinimum() {
        QFETCH(int, method);
        QFETCH(int, variant);
        const GeneratedProblem generated =
            generateProblem(test::generatorOptions(30, 2, WeightKind::Dense, TargetKind::Planted, 4, 0.0));
        const Problem atMinimum{generated.problem.R, generated.problem.P, generated.gammaStar};
        GradientCheckOptions options;
        options.method = DifferenceMethod(method);
        const MatrixXd candidate = gradientVariant(atMinimum, GradientVariant(variant), Convention::Full);
        const GradientCheck check = checkGradient(atMinimum, candidate, options);
        QVERIFY2(check.verdict == CheckVerdict::StationaryToRounding,
                 qPrintable(verdictName(check) + ": " + QString::fromStdString(check.explanation)));
        QVERIFY(check.stationary);
        // The bound is from the terms summed: far above the gradient, far below the terms' own size.
        QVERIFY(check.roundingBound.maxCoeff() >= candidate.cwiseAbs().maxCoeff());
    }

    // At the same minimum a gradient that is not zero is wrong, and the check says so.
    void nonZeroAtAMinimumIsInconsistent() {
        const GeneratedProblem generated =
            generateProblem(test::generatorOptions(30, 2, WeightKind::Dense, TargetKind::Planted, 4, 0.0));
        const Problem atMinimum{generated.problem.R, generated.problem.P, generated.gammaStar};
        const MatrixXd candidate = MatrixXd::Constant(30, 2, 1e-3);
        const GradientCheck check = checkGradient(atMinimum, candidate);
        QVERIFY2(check.verdict == CheckVerdict::Inconsistent, check.explanation.c_str());
    }

    // Scale-free verdicts: the correct gradient is never inconsistent, a wrong one never consistent, from
    // 1e-150 to 1e150, with finite differences and with complex step, n = 1 too.
    void verdictsAtEveryScale_data() {
        QTest::addColumn<double>("scale");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("method");
        QTest::addColumn<int>("variant");
        for (double scale : {1e-150, 1e-100, 1e-6, 1.0, 1e6, 1e100, 1e150})
            for (int n : {1, 7})
                for (DifferenceMethod method : {DifferenceMethod::Central, DifferenceMethod::ComplexStep})
                    // At n = 1, P∘M is symmetric and 1×1: drop-transpose is the correct gradient there.
                    for (GradientVariant variant :
                         {GradientVariant::Correct, GradientVariant::FlipSign, GradientVariant::DiagonalOnce,
                          n == 1 ? GradientVariant::DropFactorTwo : GradientVariant::DropTranspose})
                        QTest::addRow("%g, n=%d, %s, %s", scale, n, differenceMethodName(method).data(),
                                      gradientVariantName(variant).data())
                            << scale << n << int(method) << int(variant);
    }
    void verdictsAtEveryScale() {
        QFETCH(double, scale);
        QFETCH(int, n);
        QFETCH(int, method);
        QFETCH(int, variant);
        const Problem problem = scaled(nonSymmetric(n, 2, 11), scale);
        const MatrixXd candidate = gradientVariant(problem, GradientVariant(variant), Convention::Full);
        QVERIFY(candidate.allFinite());
        GradientCheckOptions options;
        options.method = DifferenceMethod(method);
        const GradientCheck check = checkGradient(problem, candidate, options);
        const QString what = verdictName(check) + ": " + QString::fromStdString(check.explanation);
        if (GradientVariant(variant) == GradientVariant::Correct)
            QVERIFY2(check.verdict == CheckVerdict::Consistent || check.verdict == CheckVerdict::Inconclusive,
                     qPrintable(what));
        else
            QVERIFY2(check.verdict == CheckVerdict::Inconsistent ||
                         check.verdict == CheckVerdict::Inconclusive,
                     qPrintable(what));
        // Rescaled by powers of two, the check should decide everywhere, not merely avoid a wrong answer.
        QVERIFY2(check.verdict != CheckVerdict::Inconclusive, qPrintable(what));
    }

    // Below the representable range the gradient computed in the problem's own units has lost its precision
    // (γγᵀ ≈ 1e-340 underflows): the check says so (inconclusive) for a correct and a wrong formula alike,
    // where it called the correct one inconsistent.
    void belowTheRepresentableRange_data() {
        QTest::addColumn<double>("scale");
        QTest::addColumn<int>("variant");
        for (double scale : {1e-170, 1e-200})
            for (GradientVariant variant : {GradientVariant::Correct, GradientVariant::FlipSign})
                QTest::addRow("%g, %s", scale, gradientVariantName(variant).data()) << scale << int(variant);
    }
    void belowTheRepresentableRange() {
        QFETCH(double, scale);
        QFETCH(int, variant);
        const Problem problem = scaled(nonSymmetric(6, 2, 11), scale);
        const GradientCheck check =
            checkGradient(problem, gradientVariant(problem, GradientVariant(variant), Convention::Full));
        QVERIFY2(check.verdict == CheckVerdict::Inconclusive, check.explanation.c_str());
        QVERIFY2(check.explanation.find("underflow") != std::string::npos, check.explanation.c_str());
    }

    // Without rescaling, complex step's imaginary parts underflow at 1e-170 (a wrong gradient used to pass)
    // and 1e-100 with R, P, γ all scaled (the correct one used to fail): the guard now calls it
    // uninformative, like finite differences whose change underflows.
    void complexStepUnderflowIsUninformative_data() {
        QTest::addColumn<double>("scaleR");
        QTest::addColumn<double>("scaleP");
        QTest::addColumn<double>("scaleGamma");
        QTest::newRow("consistent 1e-170") << 1e-170 << 1e170 << 1e-170;
        QTest::newRow("all 1e-100") << 1e-100 << 1e-100 << 1e-100;
    }
    void complexStepUnderflowIsUninformative() {
        QFETCH(double, scaleR);
        QFETCH(double, scaleP);
        QFETCH(double, scaleGamma);
        const Problem base = nonSymmetric(8, 2, 3);
        const Problem problem{base.R * scaleR, base.P * scaleP, base.gamma * scaleGamma};
        for (DifferenceMethod method : {DifferenceMethod::ComplexStep, DifferenceMethod::Central}) {
            NumericOptions numeric;
            numeric.method = method;
            const NumericGradient result = structuredNumericGradient(problem, numeric);
            const PrecisionGuard guard =
                assessFiniteDifferences(problem, result.steps, result.gradient, Convention::Full, method);
            QVERIFY2(!guard.informative, guard.explanation.c_str());
            QVERIFY2(guard.explanation.find("underflow") != std::string::npos, guard.explanation.c_str());
        }
    }

    // Non-finite numbers get their own words: a step lost in γ's rounding (the seed said "at most nan"),
    // a NaN numerical gradient (complex step's was "accurate to rounding").
    void nonFiniteHasItsOwnMessage() {
        const Problem problem = nonSymmetric();
        NumericOptions numeric;
        numeric.step = 1e-20;
        const NumericGradient result = structuredNumericGradient(problem, numeric);
        const PrecisionGuard lost = assessFiniteDifferences(problem, result.steps, result.gradient,
                                                            Convention::Full, DifferenceMethod::Central);
        QVERIFY(!lost.informative);
        QVERIFY2(lost.explanation.find("lost in rounding") != std::string::npos, lost.explanation.c_str());
        QVERIFY2(lost.explanation.find("nan") == std::string::npos, lost.explanation.c_str());

        MatrixXd nan = MatrixXd::Ones(problem.n(), problem.r());
        nan(2, 1) = std::numeric_limits<double>::quiet_NaN();
        const PrecisionGuard complexNan =
            assessFiniteDifferences(problem, MatrixXd::Constant(problem.n(), problem.r(), 1e-20), nan,
                                    Convention::Full, DifferenceMethod::ComplexStep);
        QVERIFY(!complexNan.informative);
        QVERIFY2(complexNan.explanation.find("NaN at (3, 2)") != std::string::npos,
                 complexNan.explanation.c_str());

        const GradientCheck check = checkGradient(problem, nan);
        QCOMPARE(check.verdict, CheckVerdict::Inconsistent);
        QVERIFY2(check.explanation.find("NaN at (3, 2)") != std::string::npos, check.explanation.c_str());
    }

    // The Taylor test reads the same at 1e-150 and 1e150 as at 1.
    void taylorIsScaleFree_data() {
        QTest::addColumn<double>("scale");
        QTest::addColumn<int>("variant");
        QTest::addColumn<int>("verdict");
        for (double scale : {1e-150, 1e-6, 1.0, 1e150}) {
            QTest::addRow("%g, correct", scale)
                << scale << int(GradientVariant::Correct) << int(TaylorVerdict::Consistent);
            QTest::addRow("%g, flip-sign", scale)
                << scale << int(GradientVariant::FlipSign) << int(TaylorVerdict::Wrong);
        }
    }
    void taylorIsScaleFree() {
        QFETCH(double, scale);
        QFETCH(int, variant);
        QFETCH(int, verdict);
        TaylorOptions options;
        options.variant = GradientVariant(variant);
        const TaylorResult result = taylorTest(scaled(nonSymmetric(), scale), options);
        QVERIFY2(int(result.verdict) == verdict, result.explanation.c_str());
        GL_COMPARE_NEAR(result.slope, verdict == int(TaylorVerdict::Consistent) ? 2.0 : 1.0, 0.1);
        // E is reported in f's units: f scales by s², so E(1) does too.
        const TaylorResult unit = taylorTest(nonSymmetric(), options);
        GL_COMPARE_NEAR(result.error.back() / (scale * scale), unit.error.back(), 1e-6 * unit.error.back());
    }

    // R, P and γ all scaled by s put γ far below the size at which it matters: the seed's Taylor test found
    // slope 2 (second order swamping everything) and called a flipped sign consistent at 1e-100. A wrong
    // gradient is now never consistent, and a correct one never wrong.
    void taylorNeverPassesAWrongGradient_data() {
        QTest::addColumn<double>("scale");
        QTest::addColumn<int>("variant");
        for (double scale : {1e-100, 1e-20, 1e-6, 1e3})
            for (GradientVariant variant : {GradientVariant::Correct, GradientVariant::FlipSign})
                QTest::addRow("all ×%g, %s", scale, gradientVariantName(variant).data())
                    << scale << int(variant);
    }
    void taylorNeverPassesAWrongGradient() {
        QFETCH(double, scale);
        QFETCH(int, variant);
        const Problem base = nonSymmetric();
        const Problem problem{base.R * scale, base.P * scale, base.gamma * scale};
        TaylorOptions options;
        options.variant = GradientVariant(variant);
        const TaylorResult result = taylorTest(problem, options);
        if (GradientVariant(variant) == GradientVariant::Correct)
            QVERIFY2(result.verdict != TaylorVerdict::Wrong, result.explanation.c_str());
        else
            QVERIFY2(result.verdict != TaylorVerdict::Consistent, result.explanation.c_str());
    }

    // Infinite losses are not "exact to rounding".
    void taylorWithInfiniteLoss() {
        Problem problem = nonSymmetric();
        problem.R *= 1e160; // f ≈ 1e320 overflows, while every entry is finite
        problem.gamma *= 1e80;
        TaylorOptions options;
        options.gradient = nullptr;
        const MatrixXd infinite =
            MatrixXd::Constant(problem.n(), problem.r(), std::numeric_limits<double>::infinity());
        options.gradient = &infinite;
        const TaylorResult result = taylorTest(problem, options);
        QCOMPARE(result.verdict, TaylorVerdict::NotFinite);
        QVERIFY2(result.explanation.find("not finite") != std::string::npos, result.explanation.c_str());
    }

    // Each named mistake, built from literal n×n terms, is recognised by name; the explanation says what
    // it is in words.
    void fingerprintNamesTheMistake_data() {
        QTest::addColumn<QString>("expected");
        QTest::addColumn<int>("convention");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("correct") << "correct" << int(Convention::Full) << "correct";
        QTest::newRow("correct, ½f") << "correct" << int(Convention::Half) << "correct";
        QTest::newRow("drop-transpose") << "drop-transpose" << int(Convention::Full) << "4.00·(P∘M)γ";
        QTest::newRow("missing-transpose-term")
            << "missing-transpose-term" << int(Convention::Full) << "transpose term";
        QTest::newRow("drop-factor-two: the gradient of ½f")
            << "drop-factor-two" << int(Convention::Full) << "gradient of ½f";
        QTest::newRow("twice under ½f: the gradient of f")
            << "twice" << int(Convention::Half) << "gradient of f";
        QTest::newRow("flip-sign") << "flip-sign" << int(Convention::Full) << "sign";
        QTest::newRow("no-outer-p") << "no-outer-p" << int(Convention::Full) << "outer P";
        QTest::newRow("diagonal-once") << "diagonal-once" << int(Convention::Full) << "counted once";
        QTest::newRow("p-not-transposed") << "p-not-transposed" << int(Convention::Full) << "Pᵀ";
    }
    void fingerprintNamesTheMistake() {
        QFETCH(QString, expected);
        QFETCH(int, convention);
        QFETCH(QString, phrase);
        const Problem problem = nonSymmetric();
        const Terms t = literalTerms(problem);
        const double c = 2.0 * conventionFactor(Convention(convention)); // 2 for f, 1 for ½f
        const std::map<QString, MatrixXd> candidates{
            {"correct", c * (t.A + t.At)},           {"drop-transpose", 2 * c * t.A},
            {"missing-transpose-term", c * t.A},     {"drop-factor-two", 0.5 * c * (t.A + t.At)},
            {"twice", 2 * c * (t.A + t.At)},         {"flip-sign", -c * (t.A + t.At)},
            {"no-outer-p", c * (t.M + t.Mt)},        {"diagonal-once", c * (t.A + t.At - t.diagonal)},
            {"p-not-transposed", c * (t.A + t.PMt)},
        };
        const Fingerprint fingerprint =
            fingerprintGradient(problem, candidates.at(expected), Convention(convention));
        QCOMPARE(QString::fromStdString(fingerprint.nearest), expected);
        QVERIFY2(QString::fromStdString(fingerprint.explanation).contains(phrase),
                 fingerprint.explanation.c_str());
        QVERIFY(fingerprint.residual < 1e-10);
    }

    // The fingerprint in the problem's own units, even when the check rescales it: M-only terms scale unlike
    // the gradient (γ×1e70 with R×1e140 named no-outer-p "0.5·Mγ + 0.5·Mᵀγ: no named mistake"). A zero G is
    // not "correct".
    void fingerprintAtExtremeScales_data() {
        QTest::addColumn<double>("gammaScale");
        QTest::addColumn<double>("weightScale");
        QTest::addColumn<double>("targetScale");
        QTest::addColumn<int>("variant");
        QTest::addColumn<QString>("expected");
        for (const auto &[name, scales] : {std::pair{"γ×1e70, R×1e140", std::array{1e70, 1.0, 1e140}},
                                           std::pair{"P, R×1e-100", std::array{1.0, 1e-100, 1e-100}},
                                           std::pair{"γ×1e-70, R×1e-140", std::array{1e-70, 1.0, 1e-140}}}) {
            QTest::addRow("%s, no-outer-p", name)
                << scales[0] << scales[1] << scales[2] << int(GradientVariant::NoOuterP) << "no-outer-p";
            QTest::addRow("%s, drop-transpose", name)
                << scales[0] << scales[1] << scales[2] << int(GradientVariant::DropTranspose)
                << "drop-transpose";
        }
    }
    void fingerprintAtExtremeScales() {
        QFETCH(double, gammaScale);
        QFETCH(double, weightScale);
        QFETCH(double, targetScale);
        QFETCH(int, variant);
        QFETCH(QString, expected);
        const Problem base = nonSymmetric();
        const Problem problem{base.R * targetScale, base.P * weightScale, base.gamma * gammaScale};
        const MatrixXd G = gradientVariant(problem, GradientVariant(variant), Convention::Full);
        const GradientCheck check = checkGradient(problem, G);
        QVERIFY(check.rescaled);
        QCOMPARE(check.verdict, CheckVerdict::Inconsistent);
        QVERIFY2(QString::fromStdString(check.fingerprint.nearest) == expected,
                 check.fingerprint.explanation.c_str());
    }
    void zeroGradientIsNotCorrect() {
        const Problem problem = nonSymmetric();
        const GradientCheck check = checkGradient(problem, MatrixXd::Zero(problem.n(), problem.r()));
        QCOMPARE(check.verdict, CheckVerdict::Inconsistent);
        QCOMPARE(QString::fromStdString(check.fingerprint.nearest), QStringLiteral("none"));
        QVERIFY2(check.fingerprint.explanation.find("zero to rounding") != std::string::npos,
                 check.fingerprint.explanation.c_str());
    }

    // The teaching variants of gradientforms are the mistakes of the same name.
    void variantsAreRecognised_data() {
        QTest::addColumn<int>("variant");
        QTest::addColumn<QString>("expected");
        QTest::newRow("correct") << int(GradientVariant::Correct) << "correct";
        QTest::newRow("entrywise") << int(GradientVariant::Entrywise) << "correct";
        for (GradientVariant variant :
             {GradientVariant::DropTranspose, GradientVariant::DropFactorTwo, GradientVariant::NoOuterP,
              GradientVariant::FlipSign, GradientVariant::DiagonalOnce})
            QTest::newRow(gradientVariantName(variant).data())
                << int(variant) << QString::fromStdString(std::string(gradientVariantName(variant)));
    }
    void variantsAreRecognised() {
        QFETCH(int, variant);
        QFETCH(QString, expected);
        const Problem problem = nonSymmetric(20, 3, 8);
        const GradientCheck check =
            checkGradient(problem, gradientVariant(problem, GradientVariant(variant), Convention::Full));
        QCOMPARE(QString::fromStdString(check.fingerprint.nearest), expected);
        QCOMPARE(check.verdict,
                 expected == "correct" ? CheckVerdict::Consistent : CheckVerdict::Inconsistent);
    }

    // The diagonal mistake by hand, n = 2: the j = k term P_kk M_kk γ_k once instead of twice.
    void diagonalOnceByHand() {
        Problem problem;
        problem.R = (MatrixXd(2, 2) << 1, 2, 3, 4).finished();
        problem.P = (MatrixXd(2, 2) << 2, 1, 0.5, 3).finished();
        problem.gamma = (MatrixXd(2, 1) << 1, 2).finished();
        // X = [1 2; 2 4], M = P∘X − R = [1 0; −2 8], P∘M = [2 0; −1 24].
        // Correct: 2(P∘M + (P∘M)ᵀ)γ = 2·[4 −1; −1 48]·[1; 2] = [4; 190].
        // Diagonal once: minus 2·P_kk M_kk γ_k = [2·2·1·1; 2·3·8·2] = [4; 96] → [0; 94].
        const MatrixXd correct = gradientVariant(problem, GradientVariant::Correct, Convention::Full);
        const MatrixXd once = gradientVariant(problem, GradientVariant::DiagonalOnce, Convention::Full);
        GL_COMPARE_NEAR(correct(0, 0), 4.0, 1e-14);
        GL_COMPARE_NEAR(correct(1, 0), 190.0, 1e-13);
        GL_COMPARE_NEAR(once(0, 0), 0.0, 1e-14);
        GL_COMPARE_NEAR(once(1, 0), 94.0, 1e-13);
    }

    // Symmetric P and R make the dropped transpose the correct gradient: it is named "correct", and the
    // sentence says which mistakes cannot be told apart here.
    void symmetricProblemNamesTheTwins() {
        Problem problem = test::generatedProblem(12, 2, WeightKind::Symmetric, TargetKind::Random, 4);
        problem.R = (0.5 * (problem.R + problem.R.transpose())).eval();
        const Fingerprint fingerprint = fingerprintGradient(
            problem, gradientVariant(problem, GradientVariant::DropTranspose, Convention::Full),
            Convention::Full);
        QCOMPARE(QString::fromStdString(fingerprint.nearest), QString("correct"));
        QVERIFY2(fingerprint.explanation.find("cannot be told from drop-transpose") != std::string::npos,
                 fingerprint.explanation.c_str());
        QVERIFY(
            !fingerprint.coefficients[1].second); // (Pᵀ∘Mᵀ)γ equals (P∘M)γ here: no coefficient of its own
    }

    // A gradient wrong in one row only: no named mistake explains it, and the fingerprint says where.
    void unexplainedDeviationIsLocated() {
        const Problem problem = nonSymmetric();
        MatrixXd candidate = gradientVariant(problem, GradientVariant::Correct, Convention::Full);
        candidate.row(4) *= 1.5;
        const Fingerprint fingerprint = fingerprintGradient(problem, candidate, Convention::Full);
        QCOMPARE(QString::fromStdString(fingerprint.nearest), QString("none"));
        QVERIFY2(fingerprint.explanation.find("row 5") != std::string::npos, fingerprint.explanation.c_str());
        QVERIFY(fingerprint.residual > 1e-3);
    }

    // The rounding bound, checked against a literal evaluation with the magnitudes by hand at n = 1:
    // G = 4 P (P γ² − R) γ; terms: N = |P|γ² + |R|, bound = ε(n + r + 2)·2·(2|P| N |γ|).
    void roundingBoundByHand() {
        Problem problem;
        problem.R = MatrixXd::Constant(1, 1, 3.0);
        problem.P = MatrixXd::Constant(1, 1, -2.0);
        problem.gamma = MatrixXd::Constant(1, 1, 0.5);
        const MatrixXd bound = gradientRoundingBound(problem, Convention::Full);
        const double expected =
            std::numeric_limits<double>::epsilon() * 4 * 2 * (2 * 2 * (2 * 0.25 + 3) * 0.5);
        GL_COMPARE_NEAR(bound(0, 0), expected, 1e-15 * expected);
        GL_COMPARE_NEAR(gradientRoundingBound(problem, Convention::Half)(0, 0), expected / 2,
                        1e-15 * expected);
    }
};

QTEST_MAIN(TestGradientCheck)
#include "tst_gradientcheck.moc"
