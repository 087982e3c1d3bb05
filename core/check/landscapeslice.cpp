#include "landscapeslice.h"

#include "gradientforms.h"
#include "nametable.h"
#include "random.h"

#include <Eigen/LU>
#include <Eigen/SVD>

#include <algorithm>
#include <cmath>

namespace gradlens {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

constexpr NameTable<SliceDirection, 3> kSliceDirectionNames{{
    {SliceDirection::Gradient, "gradient"},
    {SliceDirection::Random, "random"},
    {SliceDirection::Planted, "planted"},
}};

// The monomials 1, a, b, a², ab, b² of M(a, b) = Σ u_k A_k, as powers of a and b.
constexpr std::array<std::array<int, 2>, 6> kResidualPowers{{{0, 0}, {1, 0}, {0, 1}, {2, 0}, {1, 1}, {0, 2}}};

constexpr Index kPanelWidth = 64;

double frobenius(const Eigen::Ref<const MatrixXd> &x, const Eigen::Ref<const MatrixXd> &y) {
    return x.cwiseProduct(y).sum();
}

} // namespace

std::string_view sliceDirectionName(SliceDirection direction) {
    return nameOf(kSliceDirectionNames, direction);
}

std::optional<SliceDirection> parseSliceDirection(std::string_view name) {
    return parseName(kSliceDirectionNames, name);
}

double SliceCoefficients::valueAt(double a, double b) const {
    // Horner in a for each power of b would save little: 15 terms.
    double value = 0;
    double aPower[5] = {1, a, a * a, a * a * a, a * a * a * a};
    double bPower[5] = {1, b, b * b, b * b * b, b * b * b * b};
    for (int degree = 0; degree <= 4; ++degree)
        for (int j = 0; j <= degree; ++j)
            value += c[std::size_t(index(degree - j, j))] * aPower[degree - j] * bPower[j];
    return value;
}

SliceCoefficients sliceCoefficients(const ProblemView &problem, const Eigen::Ref<const MatrixXd> &D1,
                                    const Eigen::Ref<const MatrixXd> &D2, Convention convention) {
    const Index n = problem.n();
    const auto &gamma = problem.gamma;
    std::array<std::array<double, 6>, 6> gram{}; // ⟨A_k, A_l⟩, k ≤ l
    std::array<MatrixXd, 6> A;
    // Column panels J: A_k(:, J) from n×r by r×w products, then their 21 inner products.
    for (Index begin = 0; begin < n; begin += kPanelWidth) {
        const Index width = std::min(kPanelWidth, n - begin);
        const auto gammaJ = gamma.middleRows(begin, width);
        const auto d1J = D1.middleRows(begin, width), d2J = D2.middleRows(begin, width);
        const auto PJ = problem.P.middleCols(begin, width);
        A[0].noalias() = gamma * gammaJ.transpose();
        A[0] = PJ.cwiseProduct(A[0]) - problem.R.middleCols(begin, width);
        A[1].noalias() = gamma * d1J.transpose();
        A[1].noalias() += D1 * gammaJ.transpose();
        A[2].noalias() = gamma * d2J.transpose();
        A[2].noalias() += D2 * gammaJ.transpose();
        A[3].noalias() = D1 * d1J.transpose();
        A[4].noalias() = D1 * d2J.transpose();
        A[4].noalias() += D2 * d1J.transpose();
        A[5].noalias() = D2 * d2J.transpose();
        for (std::size_t k = 1; k < 6; ++k)
            A[k] = PJ.cwiseProduct(A[k]);
        for (std::size_t k = 0; k < 6; ++k)
            for (std::size_t l = k; l < 6; ++l)
                gram[k][l] += frobenius(A[k], A[l]);
    }
    SliceCoefficients result;
    const double factor = conventionFactor(convention);
    for (std::size_t k = 0; k < 6; ++k)
        for (std::size_t l = k; l < 6; ++l) {
            const int i = kResidualPowers[k][0] + kResidualPowers[l][0];
            const int j = kResidualPowers[k][1] + kResidualPowers[l][1];
            result.c[std::size_t(SliceCoefficients::index(i, j))] += factor * (k == l ? 1 : 2) * gram[k][l];
        }
    return result;
}

SliceGrid sliceGrid(const SliceCoefficients &coefficients, double extent, int points) {
    SliceGrid grid;
    points = std::max(points, 2);
    grid.a.resize(std::size_t(points));
    for (int i = 0; i < points; ++i)
        grid.a[std::size_t(i)] = -extent + 2 * extent * i / (points - 1);
    grid.b = grid.a;
    grid.f.resize(points, points);
    grid.minimum = std::numeric_limits<double>::infinity();
    grid.maximum = -std::numeric_limits<double>::infinity();
    for (int j = 0; j < points; ++j)
        for (int i = 0; i < points; ++i) {
            const double value = coefficients.valueAt(grid.a[std::size_t(i)], grid.b[std::size_t(j)]);
            grid.f(i, j) = value;
            if (value < grid.minimum) {
                grid.minimum = value;
                grid.minimumA = grid.a[std::size_t(i)];
                grid.minimumB = grid.b[std::size_t(j)];
            }
            grid.maximum = std::max(grid.maximum, value);
        }
    return grid;
}

Status sliceDirections(const ProblemView &problem, const SliceDirectionOptions &options, MatrixXd &D1,
                       MatrixXd &D2) {
    const double gammaNorm = problem.gamma.norm();
    const double length = gammaNorm > 0 ? gammaNorm : 1.0;
    Random random(options.seed, 7); // its own stream: the same direction whatever else was drawn
    auto make = [&](SliceDirection kind, const MatrixXd *other, MatrixXd &D) -> Status {
        switch (kind) {
        case SliceDirection::Gradient:
            D = -gradientVariant(problem.R, problem.P, problem.gamma, GradientVariant::Correct,
                                 options.convention);
            if (!(D.norm() > 0))
                return Status::failure("the gradient is zero at γ: it gives no direction");
            break;
        case SliceDirection::Random:
            D.resize(problem.n(), problem.r());
            for (Index c = 0; c < D.cols(); ++c)
                for (Index i = 0; i < D.rows(); ++i)
                    D(i, c) = random.normal();
            if (other && other->norm() > 0) // orthogonal to the other direction: a well-shaped plane
                D -= (frobenius(D, *other) / other->squaredNorm()) * *other;
            break;
        case SliceDirection::Planted: {
            if (!options.gammaStar)
                return Status::failure("the planted direction needs γ* (--gamma-star)");
            const MatrixXd &star = *options.gammaStar;
            if (star.rows() != problem.n() || star.cols() != problem.r())
                return Status::failure("γ* is " + std::to_string(star.rows()) + "×" +
                                       std::to_string(star.cols()) + ", expected " +
                                       std::to_string(problem.n()) + "×" + std::to_string(problem.r()) +
                                       " like γ");
            // γ*Q nearest to γ over orthogonal Q: Q = VUᵀ from the SVD of γ*ᵀγ = UΣVᵀ.
            const Eigen::JacobiSVD<MatrixXd> svd(star.transpose() * problem.gamma,
                                                 Eigen::ComputeFullU | Eigen::ComputeFullV);
            D = star * (svd.matrixU() * svd.matrixV().transpose()) - problem.gamma;
            if (!(D.norm() > 0))
                return Status::failure("γ is the planted γ* (up to rotation): it gives no direction");
            return Status::success(); // not scaled: (1, 0) is γ*
        }
        }
        D *= length / D.norm();
        return Status::success();
    };
    if (Status status = make(options.first, nullptr, D1); !status)
        return status;
    if (Status status = make(options.second, &D1, D2); !status)
        return status;
    // Parallel directions (the same kind twice, say) span a line, not a plane.
    const double cosine = std::abs(frobenius(D1, D2)) / (D1.norm() * D2.norm());
    if (!(cosine < 1 - 1e-12))
        return Status::failure("the two directions are parallel: they span no plane");
    return Status::success();
}

std::vector<PlanePoint> projectOntoPlane(const Eigen::Ref<const MatrixXd> &origin,
                                         const Eigen::Ref<const MatrixXd> &D1,
                                         const Eigen::Ref<const MatrixXd> &D2,
                                         const std::vector<const MatrixXd *> &trajectory) {
    Eigen::Matrix2d gram;
    gram << D1.squaredNorm(), frobenius(D1, D2), frobenius(D1, D2), D2.squaredNorm();
    const Eigen::Matrix2d inverse = gram.inverse();
    std::vector<PlanePoint> points;
    points.reserve(trajectory.size());
    for (const MatrixXd *gamma : trajectory) {
        const MatrixXd offset = *gamma - origin;
        const Eigen::Vector2d ab = inverse * Eigen::Vector2d(frobenius(D1, offset), frobenius(D2, offset));
        const MatrixXd rest = offset - ab[0] * D1 - ab[1] * D2;
        points.push_back({ab[0], ab[1], rest.norm()});
    }
    return points;
}

} // namespace gradlens
