#include "generators.h"

#include "nametable.h"

#include "random.h"

#include <cmath>
#include <string>
#include <utility>

namespace gradlens {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

constexpr NameTable<WeightKind, 5> kWeightNames{{
    {WeightKind::Dense, "dense"},
    {WeightKind::Nonnegative, "nonnegative"},
    {WeightKind::Mask, "mask"},
    {WeightKind::Symmetric, "symmetric"},
    {WeightKind::ZeroDiagonal, "zero-diagonal"},
}};
constexpr NameTable<TargetKind, 2> kTargetNames{{
    {TargetKind::Random, "random"},
    {TargetKind::Planted, "planted"},
}};

enum Stream : std::uint64_t {
    StreamR = 1,
    StreamP = 2,
    StreamGamma = 3,
    StreamGammaStar = 4,
    StreamNoise = 5
};

double factorScale(Index r) {
    return 1.0 / std::sqrt(std::sqrt(static_cast<double>(r)));
}

MatrixXd weights(const GeneratorOptions &options) {
    const Index n = options.n;
    Random random(options.seed, StreamP);
    switch (options.weightKind) {
    case WeightKind::Dense:
        return normalMatrix(n, n, random, 1.0);
    case WeightKind::Nonnegative:
        return normalMatrix(n, n, random, 1.0).cwiseAbs();
    case WeightKind::Mask: {
        MatrixXd mask(n, n);
        for (Index j = 0; j < n; ++j)
            for (Index i = 0; i < n; ++i)
                mask(i, j) = random.uniform() < options.maskDensity ? 1.0 : 0.0;
        return mask;
    }
    case WeightKind::Symmetric: {
        const MatrixXd a = normalMatrix(n, n, random, 1.0);
        MatrixXd symmetric = (a + a.transpose()) * std::sqrt(0.5);
        // Rounding can differ between (i, j) and (j, i) of a sum; mirror so symmetry is exact.
        symmetric.triangularView<Eigen::StrictlyLower>() = symmetric.transpose();
        return symmetric;
    }
    case WeightKind::ZeroDiagonal: {
        MatrixXd p = normalMatrix(n, n, random, 1.0);
        p.diagonal().setZero();
        return p;
    }
    }
    return MatrixXd::Zero(n, n);
}

// P∘(γ*γ*ᵀ) summed in a fixed order (no BLAS, no contraction): identical on every platform.
MatrixXd plantedProduct(const MatrixXd &p, const MatrixXd &gammaStar) {
    const Index n = gammaStar.rows();
    MatrixXd product(n, n);
    for (Index j = 0; j < n; ++j)
        for (Index i = 0; i < n; ++i) {
            double x = 0;
            for (Index c = 0; c < gammaStar.cols(); ++c)
                x += gammaStar(i, c) * gammaStar(j, c);
            product(i, j) = p(i, j) * x;
        }
    return product;
}

} // namespace

MatrixXd normalMatrix(Index rows, Index cols, Random &random, double scale) {
    MatrixXd matrix(rows, cols);
    for (Index j = 0; j < cols; ++j) // column-major fill, so the sequence→entry mapping is fixed
        for (Index i = 0; i < rows; ++i)
            matrix(i, j) = scale * random.normal();
    return matrix;
}

std::string_view weightKindName(WeightKind kind) {
    return nameOf(kWeightNames, kind);
}
std::optional<WeightKind> parseWeightKind(std::string_view name) {
    return parseName(kWeightNames, name);
}
std::string_view targetKindName(TargetKind kind) {
    return nameOf(kTargetNames, kind);
}
std::optional<TargetKind> parseTargetKind(std::string_view name) {
    return parseName(kTargetNames, name);
}

Status GeneratorOptions::validate() const {
    if (n < 1)
        return Status::failure("n must be at least 1, got " + std::to_string(n));
    if (r < 1)
        return Status::failure("r must be at least 1, got " + std::to_string(r));
    if (n > 46340) // n² entries must stay addressable and allocatable
        return Status::failure("n = " + std::to_string(n) + " is too large (at most 46340)");
    if (!(maskDensity >= 0.0 && maskDensity <= 1.0))
        return Status::failure("mask density must be in [0, 1], got " + std::to_string(maskDensity));
    if (!(noise >= 0.0) || !std::isfinite(noise))
        return Status::failure("noise must be finite and ≥ 0, got " + std::to_string(noise));
    return Status::success();
}

MatrixXd generateGamma(Index n, Index r, std::uint64_t seed) {
    Random random(seed, StreamGamma);
    return normalMatrix(n, r, random, factorScale(r));
}

GeneratedProblem generateProblem(const GeneratorOptions &options) {
    GeneratedProblem generated;
    Problem &problem = generated.problem;
    problem.P = weights(options);
    problem.gamma = generateGamma(options.n, options.r, options.seed);
    if (options.targetKind == TargetKind::Random) {
        Random random(options.seed, StreamR);
        problem.R = normalMatrix(options.n, options.n, random, 1.0);
    } else {
        Random starRandom(options.seed, StreamGammaStar);
        generated.gammaStar = normalMatrix(options.n, options.r, starRandom, factorScale(options.r));
        Random noiseRandom(options.seed, StreamNoise);
        problem.R = plantedProduct(problem.P, generated.gammaStar) +
                    normalMatrix(options.n, options.n, noiseRandom, options.noise);
    }
    // Symmetric P comes with symmetric R, so the whole problem is symmetric (and the fast path applies).
    if (options.weightKind == WeightKind::Symmetric)
        problem.R.triangularView<Eigen::StrictlyLower>() = problem.R.transpose();
    return generated;
}

} // namespace gradlens
