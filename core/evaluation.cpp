#include "evaluation.h"

#include <omp.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace gradlens {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using ConstRef = Eigen::Ref<const MatrixXd>;

// 64×64 tiles: the four working tiles (X, Xᵀ, S, T) stay in L2 while P and R stream through.
constexpr Index kDefaultBlock = 64;

// One tile of the residual: m = p∘x − r, a = p∘m, optionally m stored. Returns Σ m².
// p, r have leading dimension ldpr (the full matrices); x, a, m their own leading dimensions.
template <bool StoreResidual>
double residualTile(const double *p, const double *r, Index ldpr, const double *x, Index ldx, double *a, Index lda,
                    double *m, Index ldm, Index rows, Index cols)
{
    double sum = 0;
    for (Index j = 0; j < cols; ++j) {
        const double *pc = p + j * ldpr;
        const double *rc = r + j * ldpr;
        const double *xc = x + j * ldx;
        double *ac = a + j * lda;
        double columnSum = 0;
        if constexpr (StoreResidual) {
            double *mc = m + j * ldm;
#pragma omp simd reduction(+ : columnSum)
            for (Index i = 0; i < rows; ++i) {
                const double residual = pc[i] * xc[i] - rc[i];
                columnSum += residual * residual;
                ac[i] = pc[i] * residual;
                mc[i] = residual;
            }
        } else {
#pragma omp simd reduction(+ : columnSum)
            for (Index i = 0; i < rows; ++i) {
                const double residual = pc[i] * xc[i] - rc[i];
                columnSum += residual * residual;
                ac[i] = pc[i] * residual;
            }
        }
        sum += columnSum;
    }
    return sum;
}

struct TilePair {
    Index i0, j0; // i0 ≤ j0
};

class FusedPass {
public:
    FusedPass(const ConstRef &R, const ConstRef &P, const ConstRef &gamma, bool symmetric, bool wantGradient,
              MatrixXd *residual, Index block)
        : m_R(R), m_P(P), m_gamma(gamma), m_symmetric(symmetric), m_wantGradient(wantGradient)
        , m_residual(residual), m_block(block)
    {}

    // Per-thread scratch: tiles and a private gradient accumulator (summed in thread order afterwards).
    struct Scratch {
        MatrixXd X, Xt, S, T, gradient;
    };

    Scratch makeScratch() const
    {
        Scratch s;
        for (MatrixXd *tile : {&s.X, &s.Xt, &s.S, &s.T})
            tile->resize(m_block, m_block);
        if (m_wantGradient)
            s.gradient = MatrixXd::Zero(m_gamma.rows(), m_gamma.cols());
        return s;
    }

    // Returns the tile pair's contribution to Σ m² and adds (A + Aᵀ)γ contributions to s.gradient.
    double run(const TilePair &pair, Scratch &s) const
    {
        const Index n = m_gamma.rows();
        const Index i0 = pair.i0, j0 = pair.j0;
        const Index bi = std::min(m_block, n - i0), bj = std::min(m_block, n - j0);
        const auto gammaI = m_gamma.middleRows(i0, bi);
        const auto gammaJ = m_gamma.middleRows(j0, bj);
        const Index ld = m_P.outerStride();
        const Index ldr = m_R.outerStride();
        auto X = s.X.topLeftCorner(bi, bj);
        auto S = s.S.topLeftCorner(bi, bj);
        X.noalias() = gammaI * gammaJ.transpose();

        double sum = tile(i0, j0, bi, bj, s.X.data(), s.X.outerStride(), s.S.data(), s.S.outerStride(), ld, ldr);

        if (i0 == j0) {
            if (m_wantGradient) {
                auto T = s.T.topLeftCorner(bi, bi);
                T.noalias() = S + S.transpose();
                s.gradient.middleRows(i0, bi).noalias() += T * gammaI;
            }
            return sum;
        }

        if (m_symmetric) {
            // (J, I) mirrors (I, J): A_JI = A_IJᵀ, so S = A_IJ + A_JIᵀ = 2 A_IJ.
            if (m_residual)
                m_residual->block(j0, i0, bj, bi) = m_residual->block(i0, j0, bi, bj).transpose();
            if (m_wantGradient) {
                s.gradient.middleRows(i0, bi).noalias() += 2.0 * (S * gammaJ);
                s.gradient.middleRows(j0, bj).noalias() += 2.0 * (S.transpose() * gammaI);
            }
            return 2.0 * sum;
        }

        auto Xt = s.Xt.topLeftCorner(bj, bi);
        auto T = s.T.topLeftCorner(bj, bi);
        Xt = X.transpose();
        sum += tile(j0, i0, bj, bi, s.Xt.data(), s.Xt.outerStride(), s.T.data(), s.T.outerStride(), ld, ldr);
        if (m_wantGradient) {
            S += T.transpose();
            s.gradient.middleRows(i0, bi).noalias() += S * gammaJ;
            s.gradient.middleRows(j0, bj).noalias() += S.transpose() * gammaI;
        }
        return sum;
    }

private:
    double tile(Index row0, Index col0, Index rows, Index cols, const double *x, Index ldx, double *a, Index lda,
                Index ldp, Index ldr) const
    {
        const double *p = m_P.data() + row0 + col0 * ldp;
        const double *r = m_R.data() + row0 + col0 * ldr;
        if (ldp != ldr) {
            // Rare (views with different strides): fall back to a copy of R's tile with P's stride.
            MatrixXd rTile = m_R.block(row0, col0, rows, cols);
            MatrixXd pTile = m_P.block(row0, col0, rows, cols);
            return tileWith(pTile.data(), rTile.data(), rows, row0, col0, rows, cols, x, ldx, a, lda);
        }
        return tileWith(p, r, ldp, row0, col0, rows, cols, x, ldx, a, lda);
    }

    double tileWith(const double *p, const double *r, Index ldpr, Index row0, Index col0, Index rows, Index cols,
                    const double *x, Index ldx, double *a, Index lda) const
    {
        if (m_residual) {
            double *m = m_residual->data() + row0 + col0 * m_residual->outerStride();
            return residualTile<true>(p, r, ldpr, x, ldx, a, lda, m, m_residual->outerStride(), rows, cols);
        }
        return residualTile<false>(p, r, ldpr, x, ldx, a, lda, nullptr, 0, rows, cols);
    }

    const ConstRef &m_R;
    const ConstRef &m_P;
    const ConstRef &m_gamma;
    bool m_symmetric;
    bool m_wantGradient;
    MatrixXd *m_residual;
    Index m_block;
};

} // namespace

Evaluation evaluate(const ConstRef &R, const ConstRef &P, const ConstRef &gamma, const EvaluationOptions &options)
{
    const Index n = gamma.rows();
    const Index r = gamma.cols();
    const Index block = options.blockSize > 0 ? options.blockSize : kDefaultBlock;

    Evaluation result;
    result.symmetricPath = options.symmetry == Symmetry::Symmetric ||
                           (options.symmetry == Symmetry::Auto && isSymmetricProblem(R, P));
    if (options.wantResidual)
        result.residual.resize(n, n);

    std::vector<TilePair> pairs;
    for (Index j0 = 0; j0 < n; j0 += block)
        for (Index i0 = 0; i0 <= j0; i0 += block)
            pairs.push_back({i0, j0});
    std::vector<double> pairSums(pairs.size(), 0.0);

    const FusedPass pass(R, P, gamma, result.symmetricPath, options.wantGradient,
                         options.wantResidual ? &result.residual : nullptr, block);
    const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
    const int teamSize = pairs.size() > 1 ? threads : 1;
    std::vector<MatrixXd> gradients(static_cast<std::size_t>(teamSize));

#pragma omp parallel num_threads(teamSize)
    {
        FusedPass::Scratch scratch = pass.makeScratch();
        const auto count = static_cast<std::ptrdiff_t>(pairs.size());
        // static round-robin: a fixed thread count gives a fixed summation order, hence reproducible results
#pragma omp for schedule(static, 1)
        for (std::ptrdiff_t k = 0; k < count; ++k)
            pairSums[static_cast<std::size_t>(k)] = pass.run(pairs[static_cast<std::size_t>(k)], scratch);
        gradients[static_cast<std::size_t>(omp_get_thread_num())] = std::move(scratch.gradient);
    }

    double sum = 0;
    for (double pairSum : pairSums)
        sum += pairSum;
    const double factor = conventionFactor(options.convention);
    result.loss = factor * sum;

    if (options.wantGradient) {
        result.gradient = MatrixXd::Zero(n, r);
        for (const MatrixXd &partial : gradients)
            if (partial.size() > 0)
                result.gradient += partial;
        result.gradient *= 2.0 * factor;
    }
    return result;
}

double evaluateLoss(const ConstRef &R, const ConstRef &P, const ConstRef &gamma, Convention convention,
                    Symmetry symmetry)
{
    EvaluationOptions options;
    options.wantGradient = false;
    options.convention = convention;
    options.symmetry = symmetry;
    return evaluate(R, P, gamma, options).loss;
}

} // namespace gradlens
