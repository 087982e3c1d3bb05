// The derivation with numbers: the entry-wise terms of ∂f/∂γ_kc against a hand-worked case and the
// matrix form computed independently.
#include "derivation.h"
#include "gradientforms.h"
#include "testhelpers.h"

using namespace gradlens;
using Eigen::MatrixXd;

class TestDerivation : public QObject {
    Q_OBJECT

private slots:
    // n = 2, r = 1, γ = (1, 2): X = [[1, 2], [2, 4]], M = P∘X − R = [[1, 3], [5, 16]],
    // P∘M = [[1, 6], [15, 64]]; for k = 0: Σ_j (P∘M)_0j γ_j = 13, Σ_i (P∘M)_i0 γ_i = 31; for k = 1: 143, 134.
    void handWorked_data() {
        QTest::addColumn<int>("row");
        QTest::addColumn<int>("convention");
        QTest::addColumn<double>("first");
        QTest::addColumn<double>("second");
        QTest::addColumn<double>("diagonal");
        QTest::newRow("k = 0, f") << 0 << int(Convention::Full) << 26.0 << 62.0 << 2.0;
        QTest::newRow("k = 1, f") << 1 << int(Convention::Full) << 286.0 << 268.0 << 256.0;
        QTest::newRow("k = 0, ½f") << 0 << int(Convention::Half) << 13.0 << 31.0 << 1.0;
    }
    void handWorked() {
        QFETCH(int, row);
        QFETCH(int, convention);
        QFETCH(double, first);
        QFETCH(double, second);
        QFETCH(double, diagonal);
        Problem problem;
        problem.P = (MatrixXd(2, 2) << 1, 2, 3, 4).finished();
        problem.R = (MatrixXd(2, 2) << 0, 1, 1, 0).finished();
        problem.gamma = (MatrixXd(2, 1) << 1, 2).finished();
        const EntryDerivation derivation = deriveEntry(problem, row, 0, Convention(convention));
        GL_COMPARE_NEAR(derivation.firstTerm, first, 0.0);
        GL_COMPARE_NEAR(derivation.secondTerm, second, 0.0);
        GL_COMPARE_NEAR(derivation.diagonal, diagonal, 0.0);
        QCOMPARE(derivation.terms.size(), std::size_t(4));
    }

    // On random problems: the two sums are the matrix form's two terms, their total is the gradient, the
    // j = k term stands in both sums, and the terms come largest first.
    void matchesTheMatrixForm_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("r");
        QTest::addColumn<int>("kind");
        QTest::newRow("n = 1") << 1 << 1 << int(WeightKind::Dense);
        QTest::newRow("n = 17, r = 3, dense") << 17 << 3 << int(WeightKind::Dense);
        QTest::newRow("n = 30, r = 2, mask") << 30 << 2 << int(WeightKind::Mask);
        QTest::newRow("n = 12, r = 4, symmetric") << 12 << 4 << int(WeightKind::Symmetric);
    }
    void matchesTheMatrixForm() {
        QFETCH(int, n);
        QFETCH(int, r);
        QFETCH(int, kind);
        const Problem problem = test::generatedProblem(n, r, WeightKind(kind), TargetKind::Planted, 5);
        const MatrixXd M = problem.P.cwiseProduct(problem.gamma * problem.gamma.transpose()) - problem.R;
        const MatrixXd weighted = problem.P.cwiseProduct(M);
        const MatrixXd first = 2 * weighted * problem.gamma,
                       second = 2 * weighted.transpose() * problem.gamma;
        const MatrixXd gradient = gradientVariant(problem, GradientVariant::Correct, Convention::Full);
        for (Eigen::Index k = 0; k < n; ++k)
            for (Eigen::Index c = 0; c < r; ++c) {
                const EntryDerivation derivation = deriveEntry(problem, k, c);
                const double scale = 1e-13 * (1 + std::abs(first(k, c)) + std::abs(second(k, c)));
                GL_COMPARE_NEAR(derivation.firstTerm, first(k, c), scale);
                GL_COMPARE_NEAR(derivation.secondTerm, second(k, c), scale);
                GL_COMPARE_NEAR(derivation.total(), gradient(k, c),
                                1e-12 * (1 + gradient.cwiseAbs().maxCoeff()));
                int diagonalTerms = 0;
                for (const DerivationTerm &term : derivation.terms)
                    if (term.index == k && term.value == derivation.diagonal)
                        ++diagonalTerms;
                QCOMPARE(diagonalTerms, 2);
                for (std::size_t t = 1; t < derivation.terms.size(); ++t)
                    QVERIFY(std::abs(derivation.terms[t - 1].value) >= std::abs(derivation.terms[t].value));
            }
    }
};

QTEST_GUILESS_MAIN(TestDerivation)
#include "tst_derivation.moc"
