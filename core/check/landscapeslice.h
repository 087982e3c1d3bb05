#pragma once

#include "problem.h"
#include "status.h"

#include <Eigen/Core>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gradlens {

// ---- Landscape slice -------------------------------------------------------------------------------------
// f on the plane γ + a·D1 + b·D2 is a polynomial of degree 4 in (a, b): with
// X(a, b) = (γ + aD1 + bD2)(γ + aD1 + bD2)ᵀ the residual is
//   M(a, b) = A0 + a A1 + b A2 + a² A11 + ab A12 + b² A22,
//   A0 = P∘γγᵀ − R, A1 = P∘(γD1ᵀ + D1γᵀ), A2 = P∘(γD2ᵀ + D2γᵀ), A11 = P∘D1D1ᵀ, A12 = P∘(D1D2ᵀ + D2D1ᵀ),
//   A22 = P∘D2D2ᵀ,
// and f = ‖M‖²_F is a sum of the 21 Frobenius products ⟨A_k, A_l⟩ times monomials: 15 coefficients, from
// which a grid of any fineness costs 15 multiply-adds a point.

struct SliceCoefficients {
    // c[index(i, j)] multiplies aⁱ bʲ, i + j ≤ 4; by total degree, then by the power of b:
    // 1, a, b, a², ab, b², a³, a²b, ab², b³, a⁴, a³b, a²b², ab³, b⁴.
    std::array<double, 15> c{};
    static constexpr int index(int aPower, int bPower) {
        const int degree = aPower + bPower;
        return degree * (degree + 1) / 2 + bPower;
    }
    double valueAt(double a, double b) const; // f(γ + aD1 + bD2) under the convention
};

// D1, D2: n×r like γ. O(n²r) time; memory O(n·64) beyond the inputs (column panels of the six A's, never
// a whole n×n matrix).
SliceCoefficients sliceCoefficients(const ProblemView &problem, const Eigen::Ref<const Eigen::MatrixXd> &D1,
                                    const Eigen::Ref<const Eigen::MatrixXd> &D2,
                                    Convention convention = Convention::Full);

struct SliceGrid {
    std::vector<double> a, b;                       // the grid's coordinates, each from −extent to extent
    Eigen::MatrixXd f;                              // f(a_i, b_j) at (i, j): points × points
    double minimum = 0, minimumA = 0, minimumB = 0; // the grid's lowest point
    double maximum = 0;
};

// points ≥ 2 per side, extent > 0.
SliceGrid sliceGrid(const SliceCoefficients &coefficients, double extent, int points);

// Where the plane's directions come from. Gradient: −G (so that a > 0 goes downhill); Random: seeded N(0, 1)
// entries, made orthogonal (Frobenius) to the other direction; Planted: γ*Q − γ with Q the rotation that
// brings γ* nearest to γ (f cannot tell γ*Q from γ*). Gradient and Random are scaled to ‖D‖_F = ‖γ‖_F (1
// when γ = 0), so a and b are relative steps; Planted is not scaled, so (1, 0) is the planted γ*.
enum class SliceDirection { Gradient, Random, Planted };
std::string_view sliceDirectionName(SliceDirection direction); // "gradient", "random", "planted"
std::optional<SliceDirection> parseSliceDirection(std::string_view name);

struct SliceDirectionOptions {
    SliceDirection first = SliceDirection::Gradient, second = SliceDirection::Random;
    std::uint64_t seed = 1;                     // for Random
    const Eigen::MatrixXd *gammaStar = nullptr; // for Planted (n×r)
    Convention convention = Convention::Full;   // for Gradient
};

// D1 and D2 (n×r each); fails with a message when a direction cannot be made (no γ* for Planted, a zero
// gradient, two parallel directions).
Status sliceDirections(const ProblemView &problem, const SliceDirectionOptions &options, Eigen::MatrixXd &D1,
                       Eigen::MatrixXd &D2);

// A trajectory of γ's drawn on the plane: the least-squares coordinates (a, b) of γ_k − origin in the basis
// D1, D2, and how far γ_k lies off the plane (‖γ_k − origin − aD1 − bD2‖_F). D1, D2 linearly independent.
// The γ's are read where they are (a window's path holds hundreds of n×r matrices).
struct PlanePoint {
    double a = 0, b = 0, offPlane = 0;
};
std::vector<PlanePoint> projectOntoPlane(const Eigen::Ref<const Eigen::MatrixXd> &origin,
                                         const Eigen::Ref<const Eigen::MatrixXd> &D1,
                                         const Eigen::Ref<const Eigen::MatrixXd> &D2,
                                         const std::vector<const Eigen::MatrixXd *> &trajectory);

} // namespace gradlens
