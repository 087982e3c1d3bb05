#pragma once

// Tolerance comparisons for computed doubles: on failure both values, their difference and the tolerance
// are printed. Never QCOMPARE computed doubles.

#include <QTest>

#include "generators.h"

#include <Eigen/Core>

#include <cmath>
#include <string>

namespace gradlens::test {

// Generator options for a test problem; every suite builds its problems through these two.
inline GeneratorOptions generatorOptions(Eigen::Index n, Eigen::Index r, WeightKind kind, TargetKind target,
                                         std::uint64_t seed, double noise = 0.01) {
    GeneratorOptions options;
    options.n = n;
    options.r = r;
    options.weightKind = kind;
    options.targetKind = target;
    options.seed = seed;
    options.noise = noise;
    return options;
}

inline Problem generatedProblem(Eigen::Index n, Eigen::Index r, WeightKind kind, TargetKind target,
                                std::uint64_t seed, double noise = 0.01) {
    return generateProblem(generatorOptions(n, r, kind, target, seed, noise)).problem;
}

inline bool nearlyEqual(double actual, double expected, double tolerance) {
    return std::abs(actual - expected) <= tolerance || (std::isnan(actual) && std::isnan(expected));
}

inline QByteArray describe(double actual, double expected, double tolerance) {
    return QByteArray("actual ") + QByteArray::number(actual, 'g', 17) + ", expected " +
           QByteArray::number(expected, 'g', 17) + ", |difference| " +
           QByteArray::number(std::abs(actual - expected), 'g', 3) + " > tolerance " +
           QByteArray::number(tolerance, 'g', 3);
}

// Largest |a − b| over entries, and where it is.
inline double maxAbsDifference(const Eigen::MatrixXd &a, const Eigen::MatrixXd &b) {
    return (a - b).cwiseAbs().maxCoeff();
}

inline double relativeDifference(const Eigen::MatrixXd &actual, const Eigen::MatrixXd &expected) {
    const double scale = expected.cwiseAbs().maxCoeff();
    return maxAbsDifference(actual, expected) / (scale > 0 ? scale : 1.0);
}

} // namespace gradlens::test

#define GL_COMPARE_NEAR(actual, expected, tolerance)                                                         \
    do {                                                                                                     \
        const double glActual = (actual), glExpected = (expected), glTolerance = (tolerance);                \
        if (!gradlens::test::nearlyEqual(glActual, glExpected, glTolerance))                                 \
            QFAIL((QByteArray(#actual " vs " #expected ": ") +                                               \
                   gradlens::test::describe(glActual, glExpected, glTolerance))                              \
                      .constData());                                                                         \
    } while (false)

// Matrices: same shape, and max |a − b| ≤ tolerance·max(1, max|expected|) (relative to the expected scale).
#define GL_COMPARE_MATRICES(actual, expected, relativeTolerance)                                             \
    do {                                                                                                     \
        const Eigen::MatrixXd glA = (actual), glE = (expected);                                              \
        QCOMPARE(glA.rows(), glE.rows());                                                                    \
        QCOMPARE(glA.cols(), glE.cols());                                                                    \
        const double glRel = gradlens::test::relativeDifference(glA, glE);                                   \
        if (!(glRel <= (relativeTolerance)))                                                                 \
            QFAIL((QByteArray(#actual " vs " #expected ": relative max difference ") +                       \
                   QByteArray::number(glRel, 'g', 3) + " > " +                                               \
                   QByteArray::number((relativeTolerance), 'g', 3) + " (expected scale " +                   \
                   QByteArray::number(glE.cwiseAbs().maxCoeff(), 'g', 6) + ")")                              \
                      .constData());                                                                         \
    } while (false)
