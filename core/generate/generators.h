#pragma once

#include "problem.h"
#include "status.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace gradlens {

enum class WeightKind { Dense, Nonnegative, Mask, Symmetric, ZeroDiagonal };
enum class TargetKind { Random, Planted };

std::string_view weightKindName(WeightKind kind);
std::optional<WeightKind> parseWeightKind(std::string_view name);
std::string_view targetKindName(TargetKind kind);
std::optional<TargetKind> parseTargetKind(std::string_view name);

struct GeneratorOptions {
    Eigen::Index n = 40;
    Eigen::Index r = 3;
    std::uint64_t seed = 1;
    WeightKind weightKind = WeightKind::Dense; // the default problem is non-symmetric on purpose
    double maskDensity = 0.5;                  // fraction of ones for WeightKind::Mask, in [0, 1]
    TargetKind targetKind = TargetKind::Planted;
    double noise = 0.01; // standard deviation of the noise added to a planted R

    Status validate() const;
};

struct GeneratedProblem {
    Problem problem;
    Eigen::MatrixXd gammaStar; // n×r planted factor; empty unless TargetKind::Planted
};

// P: Dense N(0,1); Nonnegative |N(0,1)|; Mask 0/1 with P(1) = density; Symmetric (A + Aᵀ)/√2 with A dense;
// ZeroDiagonal dense with zero diagonal. γ and γ* have entries N(0, 1/√r), so γγᵀ has entries of order 1.
// R: Random N(0,1), or Planted P∘(γ*γ*ᵀ) + noise·N(0,1). R, P, γ and γ* use separate streams, so changing
// the kind of P leaves γ unchanged. Options must be valid.
GeneratedProblem generateProblem(const GeneratorOptions &options);

class Random;

// rows×cols entries scale·N(0, 1) drawn column by column from random: the same matrix on every platform.
Eigen::MatrixXd normalMatrix(Eigen::Index rows, Eigen::Index cols, Random &random, double scale = 1.0);

// A fresh γ (n×r) from the same distribution, for "randomize γ".
Eigen::MatrixXd generateGamma(Eigen::Index n, Eigen::Index r, std::uint64_t seed);

} // namespace gradlens
