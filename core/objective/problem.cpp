#include "problem.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace gradlens {

namespace {

std::string shape(Eigen::Index rows, Eigen::Index cols) {
    return std::to_string(rows) + "×" + std::to_string(cols);
}

bool isSymmetric(const Eigen::Ref<const Eigen::MatrixXd> &matrix) {
    const Eigen::Index n = matrix.rows();
    constexpr Eigen::Index block = 64; // compare tile pairs so the transposed reads stay in cache
    for (Eigen::Index j0 = 0; j0 < n; j0 += block) {
        const Eigen::Index bj = std::min(block, n - j0);
        for (Eigen::Index i0 = j0; i0 < n; i0 += block) {
            const Eigen::Index bi = std::min(block, n - i0);
            if (matrix.block(i0, j0, bi, bj) != matrix.block(j0, i0, bj, bi).transpose())
                return false;
        }
    }
    return true;
}

} // namespace

Status validateShapes(Eigen::Index rRows, Eigen::Index rCols, Eigen::Index pRows, Eigen::Index pCols,
                      Eigen::Index gammaRows, Eigen::Index gammaCols) {
    if (gammaRows < 1 || gammaCols < 1)
        return Status::failure("γ is " + shape(gammaRows, gammaCols) + ", expected n×r with n ≥ 1 and r ≥ 1");
    const Eigen::Index n = gammaRows;
    const std::string expected = shape(n, n) + " (n×n, n = " + std::to_string(n) + " rows of γ)";
    if (rRows != n || rCols != n)
        return Status::failure("R is " + shape(rRows, rCols) + ", expected " + expected);
    if (pRows != n || pCols != n)
        return Status::failure("P is " + shape(pRows, pCols) + ", expected " + expected);
    return Status::success();
}

Status checkFinite(const Eigen::Ref<const Eigen::MatrixXd> &matrix, const char *name) {
    for (Eigen::Index j = 0; j < matrix.cols(); ++j) {
        for (Eigen::Index i = 0; i < matrix.rows(); ++i) {
            const double value = matrix(i, j);
            if (!std::isfinite(value)) {
                const char *what = std::isnan(value) ? "NaN" : (value > 0 ? "+Inf" : "-Inf");
                return Status::failure(std::string(name) + "(" + std::to_string(i + 1) + ", " +
                                       std::to_string(j + 1) + ") is " + what +
                                       ": every entry must be finite");
            }
        }
    }
    return Status::success();
}

Status Problem::validate() const {
    if (Status shapes = validateShapes(R.rows(), R.cols(), P.rows(), P.cols(), gamma.rows(), gamma.cols());
        !shapes)
        return shapes;
    for (const auto &[matrix, name] : {std::pair{&R, "R"}, std::pair{&P, "P"}, std::pair{&gamma, "γ"}}) {
        if (Status finite = checkFinite(*matrix, name); !finite)
            return finite;
    }
    return Status::success();
}

bool isSymmetricProblem(const Eigen::Ref<const Eigen::MatrixXd> &R,
                        const Eigen::Ref<const Eigen::MatrixXd> &P) {
    return R.rows() == R.cols() && P.rows() == P.cols() && isSymmetric(P) && isSymmetric(R);
}

std::string orientGamma(Problem &problem) {
    const Eigen::Index n = problem.R.rows();
    if (n <= 1 || problem.R.cols() != n || problem.gamma.rows() != 1 || problem.gamma.cols() != n)
        return {};
    problem.gamma.transposeInPlace();
    return "γ is 1×" + std::to_string(n) + " in the file; using its transpose, " + std::to_string(n) + "×1";
}

} // namespace gradlens
