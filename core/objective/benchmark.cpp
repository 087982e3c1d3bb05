#include "benchmark.h"

#include "descent.h"

#include "evaluation.h"
#include "generators.h"
#include "gradientforms.h"
#include "numericgradient.h"
#include "pairedlayout.h"
#include "panelkernels.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <string>
#include <vector>

namespace gradlens {

using Eigen::MatrixXd;

namespace {

template <typename Work> double medianSeconds(int repeat, const Work &work) {
    std::vector<double> seconds;
    for (int i = 0; i < repeat; ++i) {
        const auto start = std::chrono::steady_clock::now();
        work();
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    return seconds[seconds.size() / 2];
}

volatile double g_sink = 0; // keeps timed results alive

} // namespace

Status BenchmarkOptions::validate() const {
    if (n < 1 || n > 46340)
        return Status::failure("n must be between 1 and 46340, got " + std::to_string(n));
    if (r < 1 || r > n)
        return Status::failure("r must be between 1 and n, got " + std::to_string(r));
    if (repeat < 1 || repeat > 1000)
        return Status::failure("repeat must be between 1 and 1000, got " + std::to_string(repeat));
    return Status::success();
}

double streamRead(const Eigen::Ref<const MatrixXd> &a, const Eigen::Ref<const MatrixXd> &b) {
    const detail::ColumnSum columnSum = detail::kernels().columnSum; // the build the passes use
    double sum = 0;
    for (const Eigen::Ref<const MatrixXd> *matrix : {&a, &b}) {
        const Eigen::Index columns = matrix->cols();
        const auto panels =
            static_cast<std::ptrdiff_t>((columns + detail::kPanelWidth - 1) / detail::kPanelWidth);
#pragma omp parallel for schedule(static) reduction(+ : sum)
        for (std::ptrdiff_t panel = 0; panel < panels; ++panel) {
            const Eigen::Index j0 = static_cast<Eigen::Index>(panel) * detail::kPanelWidth;
            sum += columnSum(matrix->data() + j0 * matrix->outerStride(), matrix->outerStride(),
                             matrix->rows(), std::min(detail::kPanelWidth, columns - j0));
        }
    }
    return sum;
}

double singleStreamRead(const Eigen::Ref<const MatrixXd> &a, const Eigen::Ref<const MatrixXd> &b) {
    double sum = 0;
    for (const Eigen::Ref<const MatrixXd> *matrix : {&a, &b}) {
        const auto columns = static_cast<std::ptrdiff_t>(matrix->cols());
        const Eigen::Index rows = matrix->rows();
#pragma omp parallel for schedule(static) reduction(+ : sum)
        for (std::ptrdiff_t j = 0; j < columns; ++j) {
            const double *column = matrix->data() + j * matrix->outerStride();
            double partial = 0;
#pragma omp simd reduction(+ : partial)
            for (Eigen::Index i = 0; i < rows; ++i)
                partial += column[i];
            sum += partial;
        }
    }
    return sum;
}

BenchmarkResult runBenchmark(const BenchmarkOptions &options) {
    GeneratorOptions generator;
    generator.n = options.n;
    generator.r = options.r;
    generator.seed = options.seed;
    generator.weightKind = options.symmetric ? WeightKind::Symmetric : WeightKind::Dense;
    generator.targetKind = TargetKind::Random;
    const Problem problem = generateProblem(generator).problem;

    EvaluationOptions evaluation;
    evaluation.symmetry = options.symmetric ? Symmetry::Symmetric : Symmetry::General;

    BenchmarkResult result;
    result.threads = omp_get_max_threads();
    Evaluation fused;
    // One untimed pass each first: page faults and cold caches are not what is measured.
    g_sink = streamRead(problem.P, problem.R);
    fused = evaluate(problem, evaluation);
    result.streamReadSeconds =
        medianSeconds(options.repeat, [&] { g_sink = streamRead(problem.P, problem.R); });
    result.singleStreamReadSeconds =
        medianSeconds(options.repeat, [&] { g_sink = singleStreamRead(problem.P, problem.R); });
    result.directEvaluateSeconds = medianSeconds(options.repeat, [&] {
        fused = evaluate(problem, evaluation);
        g_sink = fused.loss;
    });
    result.evaluateSeconds = result.directEvaluateSeconds;
    result.descentUsesLayout = !options.symmetric && layoutPaysOff(options.r);
    if (!options.symmetric) { // descent evaluates general problems through the paired layout from r = 8 on
        PairedLayout layout;
        result.layoutSeconds = medianSeconds(1, [&] { layout = PairedLayout(problem.R, problem.P); });
        fused = layout.evaluate(problem.gamma);
        result.evaluateSeconds = medianSeconds(options.repeat, [&] {
            fused = layout.evaluate(problem.gamma);
            g_sink = fused.loss;
        });
    }
    { // the arithmetic floor, from the same kernel build on every thread
        const detail::MultiplyAddLoop loop = detail::kernels().multiplyAddLoop;
        constexpr std::int64_t kRounds = 20'000'000;
        int threads = 1;
        const double seconds = medianSeconds(3, [&] {
#pragma omp parallel
            {
#pragma omp single
                threads = omp_get_num_threads();
                const double value = loop(kRounds);
#pragma omp critical
                g_sink = g_sink + value;
            }
        });
        result.multiplyAddsPerSecond = static_cast<double>(threads) * static_cast<double>(kRounds) *
                                       detail::kMultiplyAddVectors *
                                       static_cast<double>(detail::kernels().vectorLanes) / seconds;
        const double pairedMultiplyAdds = 1.5 * static_cast<double>(options.n) *
                                          static_cast<double>(options.n) * static_cast<double>(options.r);
        result.arithmeticSeconds = pairedMultiplyAdds / result.multiplyAddsPerSecond;
        result.directArithmeticSeconds = (options.symmetric ? 1.0 : 2.0) * result.arithmeticSeconds;
    }
    Evaluation naive;
    result.naiveSeconds = medianSeconds(std::max(1, std::min(options.repeat, 3)), [&] {
        naive = evaluateStraightforward(problem.R, problem.P, problem.gamma, Convention::Full);
        g_sink = naive.loss;
    });
    const double scale = std::max(naive.gradient.cwiseAbs().maxCoeff(), 1e-300);
    result.maxRelativeDifference = (fused.gradient - naive.gradient).cwiseAbs().maxCoeff() / scale;

    { // Armijo's steps, as the window takes them (it shows the seconds per step)
        DescentOptions descent;
        descent.optimizer = OptimizerKind::Armijo;
        descent.maxIterations = std::numeric_limits<int>::max();
        descent.gradientTolerance = 0;
        descent.stagnationIterations = 0;
        DescentRun run(problem, descent);
        const int steps = std::max(3, options.repeat);
        std::vector<double> seconds;
        for (int i = 0; i < steps && !run.blocked(); ++i) {
            const auto start = std::chrono::steady_clock::now();
            run.step();
            seconds.push_back(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        if (!seconds.empty()) {
            std::sort(seconds.begin(), seconds.end());
            result.armijoSecondsPerStep = seconds[seconds.size() / 2];
            const IterationRecord &first = run.history().front(), &last = run.history().back();
            result.armijoEvaluationsPerStep =
                static_cast<double>((last.functionEvaluations - first.functionEvaluations) +
                                    (last.gradientEvaluations - first.gradientEvaluations)) /
                static_cast<double>(seconds.size());
        }
    }

    if (options.numericGradient) {
        NumericOptions numeric;
        numeric.method = DifferenceMethod::Central;
        result.numericGradientSeconds = medianSeconds(std::min(options.repeat, 3), [&] {
            g_sink = structuredNumericGradient(problem, numeric).gradient(0, 0);
        });
    }
    return result;
}

} // namespace gradlens
