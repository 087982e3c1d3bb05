#include "numericgradient.h"

#include "aligneddoubles.h"
#include "nametable.h"
#include "panelkernels.h"

#include <cmath>
#include <limits>
#include <type_traits>
#include <utility>

namespace gradlens {

using Eigen::Index;
using Eigen::MatrixXd;
using Complex = std::complex<double>;

namespace {

constexpr double kEpsilon = std::numeric_limits<double>::epsilon();

constexpr NameTable<DifferenceMethod, 5> kMethodNames{{
    {DifferenceMethod::Forward, "forward"},
    {DifferenceMethod::Backward, "backward"},
    {DifferenceMethod::Central, "central"},
    {DifferenceMethod::ComplexStep, "complex"},
    {DifferenceMethod::Ridders, "ridders"},
}};

// Ridders' extrapolation (Numerical Recipes' dfridr): central differences at h, h/1.4, h/1.4², … combined
// in a Neville tableau; stops when the error grows. centralAt(h) returns the central difference at h.
template <typename Central> std::pair<double, double> ridders(double h, const Central &centralAt) {
    constexpr int kTableSize = 10;
    constexpr double kShrink = 1.4, kShrink2 = kShrink * kShrink, kSafe = 2.0;
    double table[kTableSize][kTableSize];
    table[0][0] = centralAt(h);
    double best = table[0][0];
    double error = std::numeric_limits<double>::max();
    for (int i = 1; i < kTableSize; ++i) {
        h /= kShrink;
        table[0][i] = centralAt(h);
        double factor = kShrink2;
        for (int j = 1; j <= i; ++j) {
            table[j][i] = (table[j - 1][i] * factor - table[j - 1][i - 1]) / (factor - 1.0);
            factor *= kShrink2;
            const double candidate = std::max(std::abs(table[j][i] - table[j - 1][i]),
                                              std::abs(table[j][i] - table[j - 1][i - 1]));
            if (candidate <= error) {
                error = candidate;
                best = table[j][i];
            }
        }
        if (std::abs(table[i][i] - table[i - 1][i - 1]) >= kSafe * error)
            break;
    }
    return {best, error};
}

// Exact step: the difference between the perturbed and the original value as stored.
double exactStep(double value, double h) {
    volatile double perturbed = value + h; // volatile: keep the rounding of the stored perturbed value
    return perturbed - value;
}

// Rows [begin, begin + rows) of P and of R, transposed into pRows and rRows (n × rows, columns `stride`
// apart, on 64-byte boundaries for the kernels' vector loads): row k becomes a contiguous column. Eight
// columns of the strips at a time, so that each line of the result is written whole, with the next eight
// columns asked for ahead: the strips' short segments, 8n bytes apart, defeat the hardware prefetcher (an
// element-wise transpose waited on memory for 3/4 of its time; this one reads at the stream-read's speed).
void transposeRows(const Eigen::Ref<const MatrixXd> &P, const Eigen::Ref<const MatrixXd> &R, Index begin,
                   Index rows, Index stride, double *pRows, double *rRows) {
    constexpr Index kTile = 8; // columns: one cache line of the result
    const Index n = P.cols();
    const auto tiles = static_cast<std::ptrdiff_t>((n + kTile - 1) / kTile);
#pragma omp parallel for schedule(static) if (n >= 128)
    for (std::ptrdiff_t tile = 0; tile < tiles; ++tile) {
        const Index j0 = static_cast<Index>(tile) * kTile, width = std::min(kTile, n - j0);
        for (const auto &[matrix, target] : {std::pair{&P, pRows}, std::pair{&R, rRows}}) {
            const Index ld = matrix->outerStride();
            const double *source = matrix->data() + begin;
            if (j0 + kTile + width <= n)
                for (Index j = j0 + kTile; j < j0 + kTile + width; ++j)
                    for (Index t = 0; t < rows; t += 8)
                        __builtin_prefetch(source + j * ld + t);
            for (Index t = 0; t < rows; ++t)
                for (Index j = j0; j < j0 + width; ++j)
                    target[j + t * stride] = source[j * ld + t];
        }
    }
}

struct EntryResult {
    double value = 0;
    double error = 0;
};

// Combines loss changes into a difference quotient and its error estimate, for one entry.
// delta(δ) returns f(γ + δ e_kc) − f(γ); centralDelta(δ) returns Δ(δ) − Δ(−δ) (one pass where it can);
// complexDelta(δ) returns the change of the complex loss under γ_kc + iδ. noise is the rounding error of a Δ.
template <typename Delta, typename CentralDelta, typename ComplexDelta>
EntryResult differentiate(DifferenceMethod method, double h, double value, bool estimateError, double noise,
                          const Delta &delta, const CentralDelta &centralDelta,
                          const ComplexDelta &complexDelta, double &stepUsed) {
    EntryResult result;
    switch (method) {
    case DifferenceMethod::Forward:
    case DifferenceMethod::Backward: {
        const double sign = method == DifferenceMethod::Forward ? 1.0 : -1.0;
        const double step = sign * exactStep(value, sign * h);
        stepUsed = step;
        result.value = sign * delta(sign * step) / step;
        if (estimateError) {
            const double twice = sign * delta(2.0 * sign * step) / (2.0 * step);
            result.error = std::abs(twice - result.value) + 2.0 * noise / step;
        }
        break;
    }
    case DifferenceMethod::Central: {
        const double step = exactStep(value, h);
        stepUsed = step;
        result.value = centralDelta(step) / (2.0 * step);
        if (estimateError) {
            const double twice = centralDelta(2.0 * step) / (4.0 * step);
            result.error = std::abs(twice - result.value) / 3.0 + noise / step;
        }
        break;
    }
    case DifferenceMethod::ComplexStep: {
        stepUsed = h;
        result.value = complexDelta(h).imag() / h;
        result.error = 4.0 * kEpsilon * std::abs(result.value);
        break;
    }
    case DifferenceMethod::Ridders: {
        stepUsed = exactStep(value, h);
        const auto [estimate, error] = ridders(stepUsed, [&](double step) {
            const double exact = exactStep(value, step);
            return centralDelta(exact) / (2.0 * exact);
        });
        result.value = estimate;
        result.error = error;
        break;
    }
    }
    return result;
}

} // namespace

std::string_view differenceMethodName(DifferenceMethod method) {
    return nameOf(kMethodNames, method);
}

std::optional<DifferenceMethod> parseDifferenceMethod(std::string_view name) {
    return parseName(kMethodNames, name);
}

double defaultStep(DifferenceMethod method, double entry, double maxAbsGamma) {
    double scale = std::max(std::abs(entry), maxAbsGamma);
    if (!(scale > 0) || !std::isfinite(scale))
        scale = 1.0;
    switch (method) {
    case DifferenceMethod::Forward:
    case DifferenceMethod::Backward:
        return std::sqrt(kEpsilon) * scale;
    case DifferenceMethod::Central:
        return std::cbrt(kEpsilon) * scale;
    case DifferenceMethod::ComplexStep:
        return 1e-20 * scale;
    case DifferenceMethod::Ridders:
        return 0.1 * scale;
    }
    return std::cbrt(kEpsilon) * scale;
}

NumericGradient structuredNumericGradient(const ProblemView &problem, const NumericOptions &options) {
    const auto &P = problem.P;
    const auto &R = problem.R;
    const auto &gamma = problem.gamma;
    const Index n = problem.n();
    const Index r = problem.r();
    const double maxAbs = gamma.cwiseAbs().maxCoeff();
    const double factor = conventionFactor(options.convention);

    // Rows k of P and R as contiguous columns, one chunk of rows at a time: transposing all of P and R at
    // once would cost two more n × n matrices (1 GB at n = 8000) and their page faults at every call.
    constexpr Index kChunk = 64;
    const Index stride = (n + 7) / 8 * 8 + 8; // + 8: not a power of two, or a chunk's rows share cache sets
    const detail::AlignedGamma alignedGamma(gamma); // the kernels read its columns in vectors
    detail::AlignedDoubles pRows(static_cast<std::size_t>(stride * kChunk)),
        rRows(static_cast<std::size_t>(stride * kChunk));
    Index chunkBegin = 0;

    NumericGradient result;
    result.gradient.resize(n, r);
    result.steps.resize(n, r);
    if (options.estimateError || options.method == DifferenceMethod::Ridders)
        result.errorEstimate.resize(n, r);

    auto processRow = [&](Index k) {
        // x: row k of X = γγᵀ, evaluated from γ; X is symmetric, so it is column k too.
        detail::AlignedDoubles rowArrays(static_cast<std::size_t>(3 * stride));
        double *x = rowArrays.data(), *mRow = x + stride, *mCol = mRow + stride;
        const double *pCol = P.col(k).data(), *rCol = R.col(k).data(); // P_jk, R_jk
        const double *pRow = pRows.data() + (k - chunkBegin) * stride; // P_kj
        const double *rRow = rRows.data() + (k - chunkBegin) * stride; // R_kj
        const detail::RowArrays arrays{
            alignedGamma.data(), alignedGamma.stride(), r, x, pRow, rRow, pCol, rCol, mRow, mCol, n, k};
        const detail::KernelTable &kernels = detail::kernels();
        const double noise = 2.0 * kEpsilon * kernels.rowResiduals(arrays);

        // f(γ + δ e_kc) − f(γ) for δ = +step (and δ = −step in the same pass when both sides): the changed
        // entries, evaluated, minus their old values, squared. X_kj = X_jk becomes X_kj + δ γ_jc for j ≠ k;
        // diagonal adds X_kk = Σ_c γ_kc², evaluated from the perturbed row.
        auto diagonal = [&](Index c, double delta) {
            Eigen::RowVectorXd changedRow = gamma.row(k);
            changedRow(c) += delta;
            const double changed = P(k, k) * changedRow.squaredNorm() - R(k, k);
            return (changed - mRow[k]) * (changed + mRow[k]);
        };

        Eigen::VectorXd steps(r);
        for (Index c = 0; c < r; ++c)
            steps(c) = options.step > 0 ? options.step : defaultStep(options.method, gamma(k, c), maxAbs);
        // Central differences at the first steps, four columns of row k per pass over j: row k's seven
        // arrays are read once for the four (1.5× faster than one column after another).
        Eigen::VectorXd firstCentralSteps, firstCentralDeltas;
        if (options.method == DifferenceMethod::Central) {
            firstCentralSteps.resize(r);
            firstCentralDeltas.resize(r);
            for (Index c = 0; c < r; ++c)
                firstCentralSteps(c) = exactStep(gamma(k, c), steps(c));
            for (Index c0 = 0; c0 < r; c0 += detail::kStepColumns) {
                double step[detail::kStepColumns], plus[detail::kStepColumns], minus[detail::kStepColumns];
                const double *g[detail::kStepColumns];
                for (Index q = 0; q < detail::kStepColumns; ++q) { // past the last column: step 0, discarded
                    step[q] = c0 + q < r ? firstCentralSteps(c0 + q) : 0.0;
                    g[q] = alignedGamma.data() + (c0 + q < r ? c0 + q : c0) * alignedGamma.stride();
                }
                kernels.wideBothSides(arrays, g, step, plus, minus);
                for (Index q = 0; q < detail::kStepColumns && c0 + q < r; ++q)
                    firstCentralDeltas(c0 + q) =
                        (plus[q] + diagonal(c0 + q, step[q])) - (minus[q] + diagonal(c0 + q, -step[q]));
            }
        }

        for (Index c = 0; c < r; ++c) {
            const double *g = alignedGamma.data() + c * alignedGamma.stride();
            auto delta = [&](double step) {
                double plus = 0;
                kernels.oneColumnOneSide(arrays, &g, &step, &plus, nullptr);
                return plus + diagonal(c, step);
            };
            auto centralDelta = [&](double step) {
                if (firstCentralSteps.size() > 0 && step == firstCentralSteps(c))
                    return firstCentralDeltas(c);
                double plus = 0, minus = 0;
                kernels.oneColumnBothSides(arrays, &g, &step, &plus, &minus);
                return (plus + diagonal(c, step)) - (minus + diagonal(c, -step));
            };
            auto complexDelta = [&](double step) {
                Complex sum = 0;
                const Complex i(0.0, step);
                for (Index j = 0; j < n; ++j) {
                    if (j == k)
                        continue;
                    const Complex changedX = x[j] + i * g[j];
                    const Complex row = pRow[j] * changedX - rRow[j];
                    const Complex col = pCol[j] * changedX - rCol[j];
                    sum += row * row + col * col; // unchanged entries are real: they add no imaginary part
                }
                Eigen::RowVectorXcd changedRow = gamma.row(k).cast<Complex>();
                changedRow(c) += i;
                Complex xkk = 0;
                for (Index cc = 0; cc < r; ++cc)
                    xkk += changedRow(cc) * changedRow(cc);
                const Complex diagonalEntry = P(k, k) * xkk - R(k, k);
                return sum + diagonalEntry * diagonalEntry;
            };
            double stepUsed = steps(c);
            const EntryResult entry =
                differentiate(options.method, steps(c), gamma(k, c), options.estimateError, noise, delta,
                              centralDelta, complexDelta, stepUsed);
            result.gradient(k, c) = factor * entry.value;
            result.steps(k, c) = stepUsed;
            if (result.errorEstimate.size() > 0)
                result.errorEstimate(k, c) = factor * entry.error;
        }
    };

    // Rows in chunks, so progress and cancellation are answered on the calling thread between chunks.
    for (Index begin = 0; begin < n; begin += kChunk) {
        const auto end = static_cast<std::ptrdiff_t>(std::min(n, begin + kChunk));
        chunkBegin = begin;
        transposeRows(P, R, begin, end - begin, stride, pRows.data(), rRows.data());
#pragma omp parallel for schedule(dynamic, 4) if (n >= 128) // see kPanelsPerThread
        for (std::ptrdiff_t k = static_cast<std::ptrdiff_t>(begin); k < end; ++k)
            processRow(static_cast<Index>(k));
        if (options.progress && !options.progress(static_cast<double>(end) / static_cast<double>(n))) {
            result.cancelled = true;
            break;
        }
    }
    return result;
}

NumericGradient blackBoxNumericGradient(const ScalarFunction &f, const MatrixXd &x,
                                        const NumericOptions &options, const ComplexFunction &complexF) {
    NumericGradient result;
    result.gradient.resize(x.rows(), x.cols());
    result.steps.resize(x.rows(), x.cols());
    if (options.estimateError || options.method == DifferenceMethod::Ridders)
        result.errorEstimate.resize(x.rows(), x.cols());
    if (options.method == DifferenceMethod::ComplexStep && !complexF) {
        result.gradient.setConstant(std::numeric_limits<double>::quiet_NaN());
        return result;
    }
    const double maxAbs = x.size() > 0 ? x.cwiseAbs().maxCoeff() : 0.0;
    const double base = f(x);
    const double noise = 4.0 * kEpsilon * std::abs(base);
    MatrixXd work = x;
    Eigen::MatrixXcd complexWork;
    if (options.method == DifferenceMethod::ComplexStep)
        complexWork = x.cast<Complex>();
    const Index total = x.size();
    Index done = 0;
    for (Index c = 0; c < x.cols(); ++c) {
        for (Index k = 0; k < x.rows(); ++k) {
            const double value = x(k, c);
            auto delta = [&](double step) {
                work(k, c) = value + step;
                const double changed = f(work);
                work(k, c) = value;
                return changed - base;
            };
            auto complexDelta = [&](double step) {
                complexWork(k, c) = Complex(value, step);
                const Complex changed = complexF(complexWork);
                complexWork(k, c) = value;
                return changed;
            };
            const double h = options.step > 0 ? options.step : defaultStep(options.method, value, maxAbs);
            double stepUsed = h;
            auto centralDelta = [&](double step) { return delta(step) - delta(-step); };
            const EntryResult entry = differentiate(options.method, h, value, options.estimateError, noise,
                                                    delta, centralDelta, complexDelta, stepUsed);
            result.gradient(k, c) = entry.value;
            result.steps(k, c) = stepUsed;
            if (result.errorEstimate.size() > 0)
                result.errorEstimate(k, c) = entry.error;
            ++done;
        }
        if (options.progress && !options.progress(static_cast<double>(done) / static_cast<double>(total))) {
            result.cancelled = true;
            break;
        }
    }
    return result;
}

Complex complexLoss(const Eigen::Ref<const MatrixXd> &R, const Eigen::Ref<const MatrixXd> &P,
                    const Eigen::MatrixXcd &gamma, Convention convention) {
    const Eigen::MatrixXcd X = gamma * gamma.transpose(); // transpose, not adjoint: the analytic extension
    Complex sum = 0;
    for (Index j = 0; j < X.cols(); ++j)
        for (Index i = 0; i < X.rows(); ++i) {
            const Complex m = P(i, j) * X(i, j) - R(i, j);
            sum += m * m;
        }
    return conventionFactor(convention) * sum;
}

} // namespace gradlens
