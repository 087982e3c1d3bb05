#include "descent.h"
#include "generators.h"
#include "gradientforms.h"
#include "instruments.h"
#include "planted.h"
#include "race.h"

#include "testhelpers.h"
#include <Eigen/QR>

#include <cmath>
#include <limits>

using namespace gradlens;
using Eigen::MatrixXd;

namespace {

Problem planted(int n, int r, double noise = 0.0, WeightKind kind = WeightKind::Nonnegative) {
    return test::generatedProblem(n, r, kind, TargetKind::Planted, 17, noise);
}

void addOptimizerRows() {
    QTest::addColumn<int>("optimizer");
    for (OptimizerKind kind :
         {OptimizerKind::GradientDescent, OptimizerKind::Armijo, OptimizerKind::Exact,
          OptimizerKind::Momentum, OptimizerKind::Nesterov, OptimizerKind::Adam, OptimizerKind::LBFGS})
        QTest::newRow(std::string(optimizerName(kind)).c_str()) << int(kind);
}

Eigen::VectorXd flat(const MatrixXd &m) {
    return Eigen::Map<const Eigen::VectorXd>(m.data(), m.size());
}

} // namespace

Q_DECLARE_METATYPE(gradlens::WeightKind)

class TestDescent : public QObject {
    Q_OBJECT
private slots:
    // A paired layout of P and R is built where it pays off (general, r > 16), not below and not for
    // symmetric P and R (read in place, one triangle).
    void layoutOnlyWhereItPaysOff_data() {
        QTest::addColumn<int>("r");
        QTest::addColumn<WeightKind>("kind");
        QTest::addColumn<bool>("laidOut");
        QTest::newRow("r=2 general: in place") << 2 << WeightKind::Dense << false;
        QTest::newRow("r=16 general: in place") << 16 << WeightKind::Dense << false;
        QTest::newRow("r=7 symmetric: in place") << 7 << WeightKind::Symmetric << false;
        QTest::newRow("r=17 general: paired") << 17 << WeightKind::Dense << true;
        QTest::newRow("r=20 symmetric: in place") << 20 << WeightKind::Symmetric << false;
    }
    void layoutOnlyWhereItPaysOff() {
        QFETCH(int, r);
        QFETCH(WeightKind, kind);
        QFETCH(bool, laidOut);
        Problem problem = test::generatedProblem(40, r, kind, TargetKind::Random, 3);
        if (kind == WeightKind::Symmetric)
            problem.R = (0.5 * (problem.R + problem.R.transpose())).eval();
        const DescentRun run(problem, DescentOptions{});
        QCOMPARE(run.pairedLayout() != nullptr, laidOut);
        const Evaluation reference =
            evaluateStraightforward(problem.R, problem.P, problem.gamma, Convention::Full);
        GL_COMPARE_MATRICES(run.current().gradient, reference.gradient, 1e-13);
    }

    // The layout belongs to R and P: a run with a new γ takes the previous run's layout instead of building
    // its own, and steps exactly as a run that built it; a layout of other matrices' size is not taken.
    void layoutIsReusedForANewGamma() {
        const Problem first = test::generatedProblem(45, 17, WeightKind::Dense, TargetKind::Random, 4);
        const DescentRun previous(first, DescentOptions{});
        QVERIFY(previous.pairedLayout() != nullptr);
        Problem second = first;
        second.gamma = test::generatedProblem(45, 17, WeightKind::Dense, TargetKind::Random, 9).gamma;
        DescentRun reusing(second, DescentOptions{}, previous.sharedLayout());
        QCOMPARE(reusing.pairedLayout(), previous.pairedLayout());
        DescentRun building(second, DescentOptions{});
        QVERIFY(building.pairedLayout() != previous.pairedLayout());
        for (int i = 0; i < 5; ++i) {
            QVERIFY(!reusing.step());
            QVERIFY(!building.step());
        }
        QVERIFY(reusing.gamma() == building.gamma()); // the same layout, the same bits
        const Problem other = test::generatedProblem(44, 17, WeightKind::Dense, TargetKind::Random, 4);
        const DescentRun mismatched(other, DescentOptions{}, previous.sharedLayout());
        QVERIFY(mismatched.pairedLayout() != previous.pairedLayout());
        QCOMPARE(mismatched.pairedLayout()->size(), Eigen::Index(44));
    }

    // Before the first step, a new convention or variant starts the run afresh in its terms: the same start
    // record, evaluation counts and steps as a run begun with those options (what a session replays).
    void optionsBeforeTheFirstStepRestartTheRecord() {
        const Problem problem = test::generatedProblem(30, 3, WeightKind::Dense, TargetKind::Planted, 2);
        DescentOptions options;
        DescentRun changed(problem, options);
        options.convention = Convention::Half;
        options.variant = GradientVariant::DropFactorTwo;
        QVERIFY(changed.setOptions(options).ok);
        DescentRun begun(problem, options);
        for (int i = 0; i < 6; ++i) {
            QVERIFY(!changed.step());
            QVERIFY(!begun.step());
        }
        QCOMPARE(changed.history().size(), begun.history().size());
        for (std::size_t k = 0; k < begun.history().size(); ++k) {
            const IterationRecord &a = changed.history()[k], &b = begun.history()[k];
            QVERIFY2(a.loss == b.loss && a.gradientNorm == b.gradientNorm && a.step == b.step,
                     qPrintable(QString("record %1: loss %2 against %3").arg(k).arg(a.loss).arg(b.loss)));
            QCOMPARE(a.functionEvaluations, b.functionEvaluations);
            QCOMPARE(a.gradientEvaluations, b.gradientEvaluations);
        }
        // After a step the history stays: the change shows from there on.
        options.convention = Convention::Full;
        QVERIFY(changed.setOptions(options).ok);
        QCOMPARE(changed.history().size(), begun.history().size());
        QVERIFY(changed.history().front().loss == begun.history().front().loss);
    }

    void armijoDecreasesMonotonicallyAndFits() {
        const Problem problem = planted(30, 2);
        DescentOptions options;
        options.optimizer = OptimizerKind::Armijo;
        options.maxIterations = 2000;
        options.gradientTolerance = 1e-8;
        const DescentSummary summary = descend(problem, options);
        QCOMPARE(summary.history.size(), std::size_t(summary.iterations + 1));
        for (std::size_t i = 1; i < summary.history.size(); ++i)
            QVERIFY2(summary.history[i].loss < summary.history[i - 1].loss,
                     qPrintable(QString("iteration %1 did not decrease the loss").arg(i)));
        QVERIFY2(summary.finalLoss < 1e-6 * summary.initialLoss,
                 gradlens::test::describe(summary.finalLoss, 0, 1e-6 * summary.initialLoss).constData());
        GL_COMPARE_NEAR(summary.finalLoss, summary.history.back().loss, 0.0);
    }

    // A general problem's steps (P and R read in place at this r) are those of the straightforward
    // full-matrix gradient, taken here by hand.
    void fixedStepsMatchTheStraightforwardGradient() {
        const Problem problem = test::generatedProblem(37, 3, WeightKind::Dense, TargetKind::Random, 5);
        DescentOptions options;
        options.optimizer = OptimizerKind::GradientDescent;
        options.learningRate = 1e-4;
        options.maxIterations = 5;
        options.gradientTolerance = 0;
        const DescentSummary summary = descend(problem, options);
        QCOMPARE(summary.iterations, 5);
        MatrixXd gamma = problem.gamma;
        for (int iteration = 0; iteration <= 5; ++iteration) {
            const Evaluation reference =
                evaluateStraightforward(problem.R, problem.P, gamma, Convention::Full);
            const IterationRecord &record = summary.history[static_cast<std::size_t>(iteration)];
            GL_COMPARE_NEAR(record.loss, reference.loss, 1e-13 * reference.loss);
            GL_COMPARE_NEAR(record.gradientNorm, reference.gradient.norm(),
                            1e-13 * reference.gradient.norm());
            gamma -= options.learningRate * reference.gradient;
        }
    }

    void fixedStepDescends() {
        const Problem problem = planted(25, 2, 0.01);
        DescentOptions options;
        options.optimizer = OptimizerKind::GradientDescent;
        options.learningRate = 1e-3;
        options.maxIterations = 50;
        options.gradientTolerance = 0;
        const DescentSummary summary = descend(problem, options);
        QCOMPARE(summary.termination, Termination::MaxIterations);
        QCOMPARE(summary.iterations, 50);
        QCOMPARE(summary.history.size(), std::size_t(51));
        QVERIFY(summary.finalLoss < summary.initialLoss);
        for (const IterationRecord &record : summary.history)
            QVERIFY(record.iteration == 0 ? record.step == 0 : record.step == 1e-3);
    }

    // Under ½f the gradient halves; twice the learning rate then takes the very same steps.
    void halfConventionWithDoubleRateTakesTheSameSteps() {
        const Problem problem = planted(20, 3, 0.05);
        DescentOptions full, half;
        full.optimizer = half.optimizer = OptimizerKind::GradientDescent;
        full.learningRate = 1e-3;
        half.learningRate = 2e-3;
        half.convention = Convention::Half;
        full.maxIterations = half.maxIterations = 20;
        const DescentSummary a = descend(problem, full), b = descend(problem, half);
        QVERIFY(a.gamma == b.gamma);
        QVERIFY(b.finalLoss == 0.5 * a.finalLoss);
    }

    void convergesWhenGradientIsSmall() {
        const Problem problem = planted(10, 1);
        DescentOptions options;
        options.gradientTolerance = 1e30;
        const DescentSummary summary = descend(problem, options);
        QCOMPARE(summary.termination, Termination::Converged);
        QCOMPARE(summary.iterations, 0);
        QVERIFY(summary.message.find("tolerance") != std::string::npos);
    }

    void divergenceKeepsLastFiniteGamma() {
        const Problem problem = planted(20, 2, 0.1, WeightKind::Dense);
        DescentOptions options;
        options.optimizer = OptimizerKind::GradientDescent;
        options.learningRate = 10.0;
        options.maxIterations = 1000;
        const DescentSummary summary = descend(problem, options);
        QCOMPARE(summary.termination, Termination::Diverged);
        QVERIFY(summary.gamma.allFinite());
        QVERIFY(std::isfinite(summary.finalLoss));
        QVERIFY(summary.message.find("smaller learning rate") != std::string::npos);
        GL_COMPARE_NEAR(summary.finalLoss, summary.history.back().loss, 0.0);
    }

    // Gradient norms neither overflow nor underflow: at f ≈ 1e280 with entries of G near 1e285 (the seed's
    // norm() squared them to infinity and refused the finite start), and with G near 1e-220 (norm() gave 0).
    // Expected: the unit problem's norm times the scale factor of the gradient, b²/a.
    void gradientNormAtExtremeScales_data() {
        QTest::addColumn<double>("a");                          // γ·a
        QTest::addColumn<double>("b");                          // P∘γγᵀ and R ·b, so f·b², G·b²/a
        QTest::newRow("f ≈ 1e280, G ≈ 1e285") << 1e-5 << 1e140; // P∘M ≈ b²/a² stays finite
        QTest::newRow("G ≈ 1e-220") << 1.0 << 1e-110;
    }
    void gradientNormAtExtremeScales() {
        QFETCH(double, a);
        QFETCH(double, b);
        const Problem unit = planted(8, 2, 0.1, WeightKind::Dense);
        const Problem problem{unit.R * b, unit.P * (b / (a * a)), unit.gamma * a};
        DescentOptions options;
        options.optimizer = OptimizerKind::GradientDescent;
        options.maxIterations = 3;
        options.gradientTolerance = 0;
        const DescentSummary reference = descend(unit, options);
        options.learningRate *= (a / b) * (a / b); // the same steps in the scaled problem's units
        const DescentSummary summary = descend(problem, options);
        QVERIFY2(summary.termination == Termination::MaxIterations, summary.message.c_str());
        for (std::size_t k = 0; k < summary.history.size(); ++k) {
            const double expected = reference.history[k].gradientNorm * (b / a) * b;
            GL_COMPARE_NEAR(summary.history[k].gradientNorm, expected, 1e-10 * expected);
            const double loss = reference.history[k].loss * b * b;
            GL_COMPARE_NEAR(summary.history[k].loss, loss, 1e-10 * loss);
        }
    }

    // The optimizers whose steps come from the problem (the exact step, and momentum, Nesterov and L-BFGS,
    // which start from it) take the same path at γ·1e±75 (f·1e±300) as at the unit scale: the same
    // iterations and termination, the final loss scaled by s⁴ to 1e-12 of the start's. L-BFGS failed its
    // first step there when it began with a move of length 1.
    void scaleFreeOptimizers_data() {
        QTest::addColumn<int>("optimizer");
        QTest::addColumn<double>("scale");
        for (const OptimizerKind kind :
             {OptimizerKind::Exact, OptimizerKind::Momentum, OptimizerKind::Nesterov, OptimizerKind::LBFGS})
            for (const double scale : {1e-75, 1e75})
                QTest::addRow("%s at %g", std::string(optimizerName(kind)).c_str(), scale)
                    << int(kind) << scale;
    }
    void scaleFreeOptimizers() {
        QFETCH(int, optimizer);
        QFETCH(double, scale);
        const Problem unit = planted(12, 2, 0.0, WeightKind::Dense);
        const Problem scaled{unit.R * (scale * scale), unit.P, unit.gamma * scale};
        DescentOptions options;
        options.optimizer = OptimizerKind(optimizer);
        options.maxIterations = 400;
        options.gradientTolerance = 0;
        options.relativeTolerance = 1e-6;
        const DescentSummary reference = descend(unit, options);
        const DescentSummary summary = descend(scaled, options);
        QCOMPARE(reference.termination, Termination::Converged);
        QVERIFY2(summary.termination == Termination::Converged, summary.message.c_str());
        QCOMPARE(summary.iterations, reference.iterations);
        // The final loss is ~1e-10 of the start's, so it is known to ~1e-12 of the start's (the last bits
        // differ between builds): compare it on that scale.
        const double s4 = std::pow(scale, 4);
        GL_COMPARE_NEAR(summary.finalLoss, reference.finalLoss * s4, 1e-12 * reference.initialLoss * s4);
    }

    // Armijo with a first step of 1e300: every halving still overshoots. That is a step too large, not
    // rounding (the seed said "rounding limits further progress").
    void armijoFirstStepTooLarge() {
        const Problem problem = planted(10, 2, 0.1);
        DescentOptions options;
        options.learningRate = 1e300;
        const DescentSummary summary = descend(problem, options);
        QCOMPARE(summary.termination, Termination::LineSearchFailed);
        QVERIFY2(summary.message.find("too large") != std::string::npos, summary.message.c_str());
        QVERIFY2(summary.message.find("rounding") == std::string::npos, summary.message.c_str());
        QCOMPARE(summary.iterations, 0);
    }

    // Near a noisy minimum with tolerance 0 the steps go on being accepted while the loss no longer changes:
    // that ends the run as "stagnated", with the loss of the last steps unchanged to rounding.
    void stagnationIsATermination() {
        const Problem problem = planted(20, 2, 0.01);
        DescentOptions options;
        options.gradientTolerance = 0;
        options.maxIterations = 20000;
        const DescentSummary summary = descend(problem, options);
        QVERIFY2(summary.termination == Termination::Stagnated, summary.message.c_str());
        QCOMPARE(std::string(terminationName(summary.termination)), std::string("stagnated"));
        QVERIFY2(summary.message.find("stalled") != std::string::npos, summary.message.c_str());
        QVERIFY(summary.iterations < options.maxIterations);
        const auto &history = summary.history;
        QVERIFY(history.size() > std::size_t(options.stagnationIterations));
        for (std::size_t k = history.size() - std::size_t(options.stagnationIterations); k < history.size();
             ++k)
            GL_COMPARE_NEAR(history[k].loss, history[k - 1].loss,
                            4 * std::numeric_limits<double>::epsilon() * history[k - 1].loss);
    }

    // A long run keeps a bounded, thinned history (the first and the latest record, in order), while the
    // callback sees every record: `descend --iterations 100000000` kept 10 GB of records.
    void historyIsBoundedAndTheCallbackSeesEveryRecord() {
        const Problem problem = planted(12, 2, 0.1);
        DescentOptions options;
        options.optimizer = OptimizerKind::GradientDescent;
        options.learningRate = 1e-5;
        options.maxIterations = 5000;
        options.gradientTolerance = 0;
        options.stagnationIterations = 0;
        options.historyCapacity = 64;
        int seen = 0, lastSeen = -1;
        const DescentSummary summary =
            descend(problem, options, [&](const IterationRecord &record, const MatrixXd &) {
                if (record.iteration != lastSeen + 1)
                    return false;
                lastSeen = record.iteration;
                ++seen;
                return true;
            });
        QCOMPARE(summary.iterations, 5000);
        QCOMPARE(seen, 5001);
        QVERIFY2(summary.history.size() <= 65, qPrintable(QString::number(summary.history.size())));
        QVERIFY(summary.history.size() >= 32);
        QCOMPARE(summary.history.front().iteration, 0);
        QCOMPARE(summary.history.back().iteration, 5000);
        for (std::size_t k = 1; k < summary.history.size(); ++k)
            QVERIFY(summary.history[k].iteration > summary.history[k - 1].iteration);
    }

    // Back to an iteration and forward again retraces the run bit for bit (Armijo's trial step included).
    // (Velocity, Adam's moments and L-BFGS's pairs included.)
    void restoreRetracesTheRun_data() { addOptimizerRows(); }
    void restoreRetracesTheRun() {
        QFETCH(int, optimizer);
        const Problem problem = planted(20, 2, 0.1);
        DescentOptions options;
        options.optimizer = OptimizerKind(optimizer);
        options.learningRate = optimizer == int(OptimizerKind::Armijo) ? 0.05 : 1e-3;
        options.gradientTolerance = 0;
        DescentRun run(problem, options);
        DescentRun::State at10;
        for (int k = 1; k <= 30; ++k) {
            QVERIFY(!run.step());
            if (k == 10)
                at10 = run.state();
        }
        const MatrixXd gamma30 = run.gamma();
        const double loss30 = run.current().loss;
        const std::vector<IterationRecord> history30 = run.history();
        run.restore(at10);
        QCOMPARE(run.iteration(), 10);
        QCOMPARE(run.history().back().iteration, 10);
        QCOMPARE(run.history().size(), std::size_t(11));
        for (int k = 11; k <= 30; ++k)
            QVERIFY(!run.step());
        QVERIFY(run.gamma() == gamma30); // bit for bit
        GL_COMPARE_NEAR(run.current().loss, loss30, 0.0);
        QCOMPARE(run.history().size(), history30.size());
        for (std::size_t k = 0; k < history30.size(); ++k) {
            GL_COMPARE_NEAR(run.history()[k].step, history30[k].step, 0.0);
            QCOMPARE(run.history()[k].functionEvaluations, history30[k].functionEvaluations);
            QCOMPARE(run.history()[k].gradientEvaluations, history30[k].gradientEvaluations);
        }
    }

    // Every optimizer, at its defaults, brings a small planted problem to ‖G‖ ≤ 1e-6·‖G₀‖ (gd with a step
    // below 1/L of this problem).
    void optimizersConvergeOnAPlantedProblem_data() { addOptimizerRows(); }
    void optimizersConvergeOnAPlantedProblem() {
        QFETCH(int, optimizer);
        const GeneratedProblem generated =
            generateProblem(test::generatorOptions(20, 2, WeightKind::Dense, TargetKind::Planted, 3, 0.0));
        DescentOptions options;
        options.optimizer = OptimizerKind(optimizer);
        options.learningRate = 2e-3;
        options.maxIterations = 20000;
        options.gradientTolerance = 0;
        options.relativeTolerance = 1e-6;
        const DescentSummary summary = descend(generated.problem, options);
        QVERIFY2(summary.termination == Termination::Converged, summary.message.c_str());
        const double distance = distanceToPlanted(summary.gamma, generated.gammaStar);
        QVERIFY2(distance < 1e-3 * generated.gammaStar.norm(),
                 test::describe(distance, 0, 1e-3 * generated.gammaStar.norm()).constData());
        QCOMPARE(summary.functionEvaluations, summary.history.back().functionEvaluations);
        QCOMPARE(summary.gradientEvaluations, summary.history.back().gradientEvaluations);
    }

    // With β = 0 heavy ball and Nesterov are gradient descent, bit for bit.
    void zeroMomentumIsGradientDescent_data() {
        QTest::addColumn<int>("optimizer");
        QTest::newRow("momentum") << int(OptimizerKind::Momentum);
        QTest::newRow("nesterov") << int(OptimizerKind::Nesterov);
    }
    void zeroMomentumIsGradientDescent() {
        QFETCH(int, optimizer);
        const Problem problem = test::generatedProblem(25, 3, WeightKind::Dense, TargetKind::Random, 8);
        DescentOptions options;
        options.optimizer = OptimizerKind::GradientDescent;
        options.learningRate = 1e-3;
        options.stepDecay = 0.1;
        options.maxIterations = 30;
        options.gradientTolerance = 0;
        const DescentSummary gd = descend(problem, options);
        options.optimizer = OptimizerKind(optimizer);
        options.momentum = 0;
        options.scaleStep = false;
        const DescentSummary zero = descend(problem, options);
        QCOMPARE(zero.iterations, 30);
        QVERIFY(zero.gamma == gd.gamma);
        for (std::size_t k = 0; k < gd.history.size(); ++k)
            GL_COMPARE_NEAR(zero.history[k].loss, gd.history[k].loss, 0.0);
        for (std::size_t k = 1; k < gd.history.size(); ++k) // t₀/(1 + k·decay), k steps before this one
            GL_COMPARE_NEAR(gd.history[k].step, 1e-3 / (1 + double(k - 1) * 0.1), 1e-18);
    }

    // n = r = 1, R = P = 1, γ = 2: f = (4 − 1)² = 9, G = 2(M + M)γ = 24. Adam's first moments are
    // m̂ = G, ŝ = G², so γ₁ = 2 − 0.1·24/(24 + 1e-8) = 1.9000000000416666…
    void adamFirstStepByHand() {
        const Problem problem{MatrixXd::Constant(1, 1, 1.0), MatrixXd::Constant(1, 1, 1.0),
                              MatrixXd::Constant(1, 1, 2.0)};
        DescentOptions options;
        options.optimizer = OptimizerKind::Adam;
        options.scaleStep = false;
        options.learningRate = 0.1;
        DescentRun run(problem, options);
        GL_COMPARE_NEAR(run.current().loss, 9.0, 0.0);
        GL_COMPARE_NEAR(run.current().gradient(0, 0), 24.0, 0.0);
        QVERIFY(!run.step());
        GL_COMPARE_NEAR(run.gamma()(0, 0), 1.9000000000416666, 4e-16);
        GL_COMPARE_NEAR(run.history().back().step, 0.1, 0.0);
    }

    // Scaled to the problem, Adam's first move is as long as the exact line search's, times the factor.
    void adamScaledFirstMove() {
        const Problem problem = planted(30, 3, 0.1, WeightKind::Dense);
        DescentOptions options;
        options.optimizer = OptimizerKind::Adam;
        DescentRun run(problem, options);
        const LineProfile profile = lineProfile(problem, run.current().gradient);
        const double expected = 0.5 * profile.exactMinimizer * run.gradientNorm(); // Adam's default factor
        QVERIFY(!run.step());
        const double moved = (run.gamma() - problem.gamma).norm();
        GL_COMPARE_NEAR(moved, expected, 1e-6 * expected); // each entry moves t₀·|G|/(|G| + ε)
    }

    // Each accepted L-BFGS step satisfies the strong Wolfe conditions along its direction.
    void lbfgsStepsSatisfyTheWolfeConditions() {
        const Problem problem = planted(25, 3, 0.05, WeightKind::Dense);
        DescentOptions options;
        options.optimizer = OptimizerKind::LBFGS;
        options.gradientTolerance = 0;
        DescentRun run(problem, options);
        for (int k = 0; k < 40; ++k) {
            const MatrixXd gamma = run.gamma(), G = run.current().gradient;
            const double loss = run.current().loss;
            const auto stopped = run.step();
            if (stopped) { // only once converged to rounding
                QVERIFY2(run.gradientNorm() < 1e-8 * run.history().front().gradientNorm,
                         run.message().c_str());
                break;
            }
            const double t = run.history().back().step;
            const Eigen::VectorXd direction = flat(run.gamma() - gamma) / t;
            const double slope = flat(G).dot(direction);
            QVERIFY(slope < 0);
            const double bound = loss + options.wolfeSufficientDecrease * t * slope;
            QVERIFY2(run.current().loss <= bound, test::describe(run.current().loss, bound, 0).constData());
            const double curvature = std::abs(flat(run.current().gradient).dot(direction));
            QVERIFY2(curvature <= options.wolfeCurvature * std::abs(slope) * (1 + 1e-12),
                     test::describe(curvature, options.wolfeCurvature * std::abs(slope), 0).constData());
        }
        QVERIFY(run.iteration() >= 10);
        // the state holds γ and 2m correction vectors
        QVERIFY(run.state().bytes() >= sizeof(double) * std::size_t(run.gamma().size()) * (1 + 2 * 10));
    }

    // The counts agree with a gradient source that counts its calls; f is counted with each gradient
    // (a fused pass), and alone for Armijo's trials and the exact step's quartic.
    void evaluationCountsMatchACountingWrapper_data() { addOptimizerRows(); }
    void evaluationCountsMatchACountingWrapper() {
        QFETCH(int, optimizer);
        const Problem problem = planted(15, 2, 0.1, WeightKind::Dense);
        std::int64_t calls = 0;
        DescentOptions options;
        options.optimizer = OptimizerKind(optimizer);
        options.learningRate = 1e-3;
        options.maxIterations = 25;
        options.gradientTolerance = 0;
        options.gradientSourceName = "counting";
        options.gradientSource = [&](const MatrixXd &gamma, MatrixXd &gradient) {
            ++calls;
            gradient =
                gradientVariant(problem.R, problem.P, gamma, GradientVariant::Correct, Convention::Full);
            return Status::success();
        };
        const DescentSummary summary = descend(problem, options);
        QCOMPARE(summary.iterations, 25);
        QCOMPARE(summary.gradientEvaluations, calls);
        const IterationRecord &last = summary.history.back();
        QCOMPARE(last.gradientEvaluations, calls);
        const std::int64_t k = summary.iterations;
        switch (OptimizerKind(optimizer)) {
        case OptimizerKind::GradientDescent:
            QCOMPARE(last.functionEvaluations, calls);
            break;
        case OptimizerKind::LBFGS: // every line-search trial is a fused pass; the first step's trial, a
                                   // quartic
            QCOMPARE(last.functionEvaluations, calls + 1);
            break;
        case OptimizerKind::Momentum:
        case OptimizerKind::Nesterov:
        case OptimizerKind::Adam: // the step's scale: one quartic
            QCOMPARE(calls, k + 1);
            QCOMPARE(last.functionEvaluations, calls + 1);
            break;
        case OptimizerKind::Exact:
            QCOMPARE(calls, k + 1);
            QCOMPARE(last.functionEvaluations, calls + k);
            break;
        case OptimizerKind::Armijo:
            QCOMPARE(calls, k + 1);
            QVERIFY(last.functionEvaluations >= calls + k);
            break;
        }
    }

    // Another optimizer mid-run starts afresh from the current γ: the same steps as a new run from there.
    void switchingOptimizerStartsItAfresh() {
        Problem problem = planted(20, 2, 0.1, WeightKind::Dense);
        DescentOptions options;
        options.optimizer = OptimizerKind::Momentum;
        options.gradientTolerance = 0;
        DescentRun run(problem, options);
        for (int k = 0; k < 5; ++k)
            QVERIFY(!run.step());
        for (OptimizerKind next : {OptimizerKind::Adam, OptimizerKind::LBFGS, OptimizerKind::Momentum}) {
            options.optimizer = next;
            QVERIFY(run.setOptions(options).ok);
            Problem here = problem;
            here.gamma = run.gamma();
            DescentRun fresh(here, options);
            for (int k = 0; k < 5; ++k) {
                QVERIFY(!run.step());
                QVERIFY(!fresh.step());
            }
            QVERIFY(run.gamma() == fresh.gamma());
        }
    }

    // A race runs each optimizer from the same start and keeps every record with its time.
    void raceKeepsEveryRecord() {
        const Problem problem = planted(15, 2, 0.1, WeightKind::Dense);
        std::vector<DescentOptions> runs(3);
        runs[0].optimizer = OptimizerKind::Armijo;
        runs[1].optimizer = OptimizerKind::LBFGS;
        runs[2].optimizer = OptimizerKind::Nesterov;
        for (DescentOptions &options : runs)
            options.maxIterations = 20;
        const std::vector<RaceRun> results = race(problem, runs);
        QCOMPARE(results.size(), std::size_t(3));
        QCOMPARE(results[1].optimizer, std::string("lbfgs"));
        for (const RaceRun &run : results) {
            QCOMPARE(run.records.size(), std::size_t(run.summary.iterations + 1));
            QCOMPARE(run.seconds.size(), run.records.size());
            GL_COMPARE_NEAR(run.records.front().loss, results[0].records.front().loss, 0.0);
            for (std::size_t k = 1; k < run.records.size(); ++k) {
                QVERIFY(run.seconds[k] >= run.seconds[k - 1]);
                QVERIFY(run.records[k].functionEvaluations > run.records[k - 1].functionEvaluations);
            }
            QCOMPARE(run.records.back().gradientEvaluations, run.summary.gradientEvaluations);
        }
        const std::string csv = raceToCsv(results);
        QVERIFY(csv.starts_with("optimizer,iteration,function_evaluations,gradient_evaluations,seconds,loss,"
                                "grad_norm\narmijo,0,1,1,"));
        bool stop = false;
        const std::vector<RaceRun> cancelled = race(problem, runs, [&] { return stop = true; });
        QCOMPARE(cancelled.size(), std::size_t(1));
        QCOMPARE(cancelled[0].summary.termination, Termination::Stopped);
    }

    // The exact line search takes the minimiser of f(γ − tG) along each gradient: no sampled step is lower.
    void exactLineSearchTakesTheBestStep() {
        const Problem problem = planted(15, 2, 0.1);
        DescentOptions options;
        options.optimizer = OptimizerKind::Exact;
        DescentRun run(problem, options);
        for (int k = 0; k < 8; ++k) {
            const MatrixXd gamma = run.gamma(), G = run.current().gradient;
            QVERIFY2(!run.step(), run.message().c_str());
            const double taken = run.current().loss;
            QVERIFY(taken < run.history()[run.history().size() - 2].loss);
            for (int s = 0; s <= 400; ++s) {
                const double t = run.history().back().step * std::pow(10.0, -2.0 + s / 100.0);
                const double sampled = evaluateLoss(problem.R, problem.P, gamma - t * G, Convention::Full);
                QVERIFY2(taken <= sampled + 1e-10 * taken,
                         qPrintable(QStringLiteral("f at t = %1 is %2 < %3").arg(t).arg(sampled).arg(taken)));
            }
        }
        QCOMPARE(parseOptimizer("exact"), std::optional(OptimizerKind::Exact));
    }

    // The distance to the planted γ* up to rotation: zero for γ*Q with any orthogonal Q, √2 for two
    // orthogonal unit columns, never more than the plain distance.
    void distanceToPlantedIgnoresRotation_data() {
        QTest::addColumn<int>("r");
        for (int r : {1, 2, 3, 5})
            QTest::addRow("r = %d", r) << r;
    }
    void distanceToPlantedIgnoresRotation() {
        QFETCH(int, r);
        const Problem problem = planted(20, r, 0.1);
        const MatrixXd gammaStar = problem.gamma;
        // A random orthogonal Q: the Q of a QR factorisation of a seeded Gaussian matrix.
        const MatrixXd A = generateGamma(r, r, 99);
        const MatrixXd Q = Eigen::HouseholderQR<MatrixXd>(A).householderQ();
        QVERIFY((Q.transpose() * Q - MatrixXd::Identity(r, r)).norm() < 1e-13);
        GL_COMPARE_NEAR(distanceToPlanted(gammaStar * Q, gammaStar), 0.0, 1e-13 * gammaStar.norm());
        const MatrixXd other = generateGamma(20, r, 7);
        QVERIFY(distanceToPlanted(other, gammaStar) <= (other - gammaStar).norm() + 1e-14);
        const MatrixXd e1 = (MatrixXd(2, 1) << 1, 0).finished(), e2 = (MatrixXd(2, 1) << 0, 1).finished();
        GL_COMPARE_NEAR(distanceToPlanted(e1, e2), std::sqrt(2.0), 1e-15);
    }

    // The relative tolerance: converged once ‖G‖ ≤ tol·‖G₀‖ (the absolute 1e-6 is out of reach at large n).
    void relativeToleranceConverges() {
        const Problem problem = planted(25, 2, 0.1);
        DescentOptions options;
        options.gradientTolerance = 0;
        options.relativeTolerance = 1e-3;
        options.maxIterations = 100000;
        const DescentSummary summary = descend(problem, options);
        QCOMPARE(summary.termination, Termination::Converged);
        QVERIFY(summary.finalGradientNorm <= 1e-3 * summary.history.front().gradientNorm);
        QVERIFY(summary.history[summary.history.size() - 2].gradientNorm >
                1e-3 * summary.history.front().gradientNorm);
        options.relativeTolerance = -1;
        QVERIFY(!options.validate());
    }

    void callbackStopsTheRun() {
        const Problem problem = planted(15, 2, 0.1);
        DescentOptions options;
        options.maxIterations = 100;
        options.gradientTolerance = 0;
        int seen = 0;
        const DescentSummary summary =
            descend(problem, options, [&](const IterationRecord &record, const MatrixXd &gamma) {
                ++seen;
                return record.iteration < 3 && gamma.allFinite();
            });
        QCOMPARE(summary.termination, Termination::Stopped);
        QCOMPARE(summary.iterations, 3);
        QCOMPARE(seen, 4); // the start and three steps
    }

    // Stepping a DescentRun by hand takes exactly the steps descend() takes.
    void runStepsMatchDescend() {
        const Problem problem = planted(20, 2, 0.05);
        DescentOptions options;
        options.maxIterations = 15;
        options.gradientTolerance = 0;
        const DescentSummary summary = descend(problem, options);
        DescentRun run(problem, options);
        for (int i = 0; i < 15; ++i)
            QVERIFY(!run.step().has_value());
        QCOMPARE(run.iteration(), 15);
        QVERIFY(run.gamma() == summary.gamma);
        QCOMPARE(run.history().size(), summary.history.size());
        GL_COMPARE_NEAR(run.current().loss, summary.finalLoss, 0.0);
    }

    // New options apply from the next step on; invalid ones are refused and the old ones kept.
    void runOptionsChangeBetweenSteps() {
        const Problem problem = planted(20, 2, 0.05);
        DescentOptions options;
        options.optimizer = OptimizerKind::GradientDescent;
        options.learningRate = 1e-3;
        DescentRun run(problem, options);
        QVERIFY(!run.step());
        options.learningRate = 2e-3;
        QVERIFY(run.setOptions(options).ok);
        const MatrixXd before = run.gamma();
        const MatrixXd gradient = run.current().gradient;
        QVERIFY(!run.step());
        GL_COMPARE_MATRICES(run.gamma(), MatrixXd(before - 2e-3 * gradient), 0.0);
        QCOMPARE(run.history().back().step, 2e-3);
        DescentOptions bad = options;
        bad.learningRate = -1;
        const Status refused = run.setOptions(bad);
        QVERIFY(!refused.ok);
        QVERIFY(refused.message.find("learning rate") != std::string::npos);
        QCOMPARE(run.options().learningRate, 2e-3);
    }

    // A diverged run stays where it was: the last finite γ, and it does not move again.
    void runBlocksAfterDivergence() {
        const Problem problem = planted(20, 2, 0.1, WeightKind::Dense);
        DescentOptions options;
        options.optimizer = OptimizerKind::GradientDescent;
        options.learningRate = 10.0;
        DescentRun run(problem, options);
        std::optional<Termination> stopped;
        for (int i = 0; i < 1000 && !stopped; ++i)
            stopped = run.step();
        QCOMPARE(stopped, std::optional<Termination>(Termination::Diverged));
        const MatrixXd last = run.gamma();
        QVERIFY(last.allFinite());
        QCOMPARE(run.step(), std::optional<Termination>(Termination::Diverged));
        QVERIFY(run.gamma() == last);
    }

    void invalidInput_data() {
        QTest::addColumn<double>("learningRate");
        QTest::addColumn<int>("iterations");
        QTest::addColumn<double>("tolerance");
        QTest::addColumn<bool>("badProblem");
        QTest::addColumn<QString>("message");
        QTest::newRow("negative rate") << -1.0 << 10 << 0.0 << false << "learning rate";
        QTest::newRow("NaN rate") << std::nan("") << 10 << 0.0 << false << "learning rate";
        QTest::newRow("negative iterations") << 0.1 << -2 << 0.0 << false << "iteration limit";
        QTest::newRow("negative tolerance") << 0.1 << 10 << -1.0 << false << "tolerance";
        QTest::newRow("bad problem") << 0.1 << 10 << 0.0 << true << "R is 3×3, expected 4×4";
        QTest::newRow("momentum 1") << 0.1 << 10 << 0.0 << false << "momentum β must be in [0, 1)";
        QTest::newRow("Adam β₂ 1") << 0.1 << 10 << 0.0 << false << "β₂ must be in [0, 1)";
        QTest::newRow("Adam ε 0") << 0.1 << 10 << 0.0 << false << "ε must be";
        QTest::newRow("negative decay") << 0.1 << 10 << 0.0 << false << "step decay";
        QTest::newRow("no memory") << 0.1 << 10 << 0.0 << false << "L-BFGS memory";
        QTest::newRow("c₂ below c₁") << 0.1 << 10 << 0.0 << false << "c₂ must be in (c₁, 1)";
    }
    void invalidInput() {
        QFETCH(double, learningRate);
        QFETCH(int, iterations);
        QFETCH(double, tolerance);
        QFETCH(bool, badProblem);
        QFETCH(QString, message);
        Problem problem = planted(4, 1);
        if (badProblem)
            problem.R = MatrixXd::Zero(3, 3);
        DescentOptions options;
        options.learningRate = learningRate;
        options.maxIterations = iterations;
        options.gradientTolerance = tolerance;
        const QByteArray row = QTest::currentDataTag();
        if (row == "momentum 1")
            options.momentum = 1;
        else if (row == "Adam β₂ 1")
            options.adamBeta2 = 1;
        else if (row == "Adam ε 0")
            options.adamEpsilon = 0;
        else if (row == "negative decay")
            options.stepDecay = -1;
        else if (row == "no memory")
            options.lbfgsMemory = 0;
        else if (row == "c₂ below c₁")
            options.wolfeCurvature = 1e-5;
        const DescentSummary summary = descend(problem, options);
        QCOMPARE(summary.termination, Termination::InvalidInput);
        QVERIFY2(QString::fromStdString(summary.message).contains(message), summary.message.c_str());
    }

    void historyCsv() {
        const std::vector<IterationRecord> history{{0, 2.5, 1.0, 0.0, 1, 1}, {1, 0.1, 0.25, 0.5, 4, 2}};
        QCOMPARE(QString::fromStdString(historyToCsv(history)),
                 QString("iteration,loss,grad_norm,step,function_evaluations,gradient_evaluations\n"
                         "0,2.5,1,0,1,1\n1,0.10000000000000001,0.25,0.5,4,2\n"));
    }
};

QTEST_APPLESS_MAIN(TestDescent)
#include "tst_descent.moc"
