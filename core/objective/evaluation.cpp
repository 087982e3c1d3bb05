#include "evaluation.h"

#include "panelkernels.h"
#include "panelreduction.h"

#include <omp.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

namespace gradlens {

using Eigen::Index;
using Eigen::MatrixXd;
using ConstRef = Eigen::Ref<const MatrixXd>;

// Column panels of up to 8 columns, each read in place by the register kernel (panelkernels_impl.h) from
// row 0 down: every column of P and R is one long sequential stream, which the hardware prefetcher follows
// (short strided tile segments measured 2–3× slower). With symmetric P and R a panel stops at its diagonal
// block, and each entry above it stands for its mirror; the diagonal block is visited whole.
Evaluation evaluate(const ConstRef &R, const ConstRef &P, const ConstRef &gamma,
                    const EvaluationOptions &options) {
    using detail::kPanelWidth;
    const Index n = gamma.rows();
    const Index r = gamma.cols();
    const Index width = options.panelWidth > 0 ? std::min(options.panelWidth, kPanelWidth) : kPanelWidth;

    Evaluation result;
    const bool symmetric = options.symmetry == Symmetry::Symmetric ||
                           (options.symmetry == Symmetry::Auto && isSymmetricProblem(R, P));
    result.symmetricPath = symmetric;
    if (options.wantResidual)
        result.residual.resize(n, n);
    double *residual = options.wantResidual ? result.residual.data() : nullptr;

    const auto panels = static_cast<std::ptrdiff_t>((n + width - 1) / width);
    std::vector<double> panelSums(static_cast<std::size_t>(panels), 0.0);
    const int teamSize = detail::teamSize(options, panels);
    std::vector<std::optional<detail::ThreadBuffers>> threads(static_cast<std::size_t>(teamSize));
    const detail::AlignedGamma alignedGamma(gamma);

#pragma omp parallel num_threads(teamSize)
    {
        // Each thread's own buffers, first touched by it; its partial (A + Aᵀ)γ is summed in thread order.
        detail::ThreadBuffers &buffers =
            threads[static_cast<std::size_t>(omp_get_thread_num())].emplace(n, r, options.wantGradient);
        // static round-robin: a fixed thread count gives a fixed summation order, hence reproducible results
#pragma omp for schedule(static, 1)
        for (std::ptrdiff_t panel = 0; panel < panels; ++panel) {
            const Index j0 = static_cast<Index>(panel) * width;
            const Index w = std::min(width, n - j0);
            detail::PanelArguments arguments = buffers.arguments(alignedGamma, j0);
            arguments.in = P.data() + j0 * P.outerStride();
            arguments.target = R.data() + j0 * R.outerStride();
            arguments.ldP = P.outerStride();
            arguments.ldR = R.outerStride();
            arguments.residual = residual != nullptr ? residual + j0 * n : nullptr;
            arguments.ldResidual = n;
            arguments.rows = symmetric ? j0 : n;
            arguments.twice = symmetric;
            const detail::PanelKernel kernel = detail::panelKernel(detail::PanelSource::Columns, w);
            double sum = kernel(arguments);
            if (symmetric) { // the diagonal block as a general one: the same numbers as the general path
                arguments.firstRow = j0;
                arguments.rows = j0 + w;
                arguments.twice = false;
                sum += kernel(arguments);
            }
            panelSums[static_cast<std::size_t>(panel)] = sum;
        }
    }

    detail::combinePartials(panelSums, threads, n, r, options, result);
    if (options.wantResidual && symmetric)
        result.residual.triangularView<Eigen::StrictlyLower>() = result.residual.transpose();
    return result;
}

double evaluateLoss(const ConstRef &R, const ConstRef &P, const ConstRef &gamma, Convention convention,
                    Symmetry symmetry) {
    EvaluationOptions options;
    options.wantGradient = false;
    options.convention = convention;
    options.symmetry = symmetry;
    return evaluate(R, P, gamma, options).loss;
}

} // namespace gradlens
