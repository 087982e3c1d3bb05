#pragma once

#include "status.h"

#include <Eigen/Core>

#include <cstdint>

namespace gradlens {

struct BenchmarkOptions {
    Eigen::Index n = 4096;
    Eigen::Index r = 1;
    int repeat = 5;              // timed repetitions; medians are reported
    bool symmetric = false;      // symmetric P and R, declared, so the one-triangle path runs
    bool numericGradient = true; // also time a full structured central-difference gradient
    std::uint64_t seed = 1;

    Status validate() const;
};

struct BenchmarkResult {
    int threads = 1;
    double evaluateSeconds = 0;       // general: through the PairedLayout; symmetric: in place; median
    double directEvaluateSeconds = 0; // evaluate() on P and R as stored (eval, the residual heatmap), median
    double layoutSeconds = 0;         // general problems: building the PairedLayout, once
    bool descentUsesLayout = false;   // whether descent evaluates through the layout at this r
    double streamReadSeconds = 0;     // summing every entry of P and R, 8 columns at once, median: the floor
    double singleStreamReadSeconds = 0; // the same one column at a time per core, baseline build, median
    // The arithmetic floor: multiply-adds per second (one per vector lane) all threads sustain, and the
    // seconds the pass through the layout (or, symmetric, in place: 1.5n²r multiply-adds) and the direct
    // pass (3n²r general) would take at that rate, doing nothing else.
    double multiplyAddsPerSecond = 0;
    double arithmeticSeconds = 0;
    double directArithmeticSeconds = 0;
    double armijoSecondsPerStep = 0;     // descent with Armijo as the window runs it (median of the steps)
    double armijoEvaluationsPerStep = 0; // evaluations of f or of f and ∇f per Armijo step, mean
    double naiveSeconds = 0;             // γγᵀ, M, P∘M formed as full matrices, median
    double numericGradientSeconds = 0; // structured central differences, one full gradient (median of ≤ 3)
    double maxRelativeDifference = 0;  // fused vs naive gradient, a sanity check of what was timed
};

// Times the three on the same random data in one run; ratios between them are what is stable on a
// shared machine, not the absolute times.
BenchmarkResult runBenchmark(const BenchmarkOptions &options);

// Σ of all entries of a and b, read once, both cores, 8 columns at a time as the passes read them: the
// floor any pass over P and R has to pay.
double streamRead(const Eigen::Ref<const Eigen::MatrixXd> &a, const Eigen::Ref<const Eigen::MatrixXd> &b);
// The same, one column at a time per core in one chain of additions, built for the baseline: what bench
// called the stream-read before the multi-column read (kept to compare with figures measured against it;
// it is about 1.2–1.4× slower than streamRead here, so it flatters every ratio).
double singleStreamRead(const Eigen::Ref<const Eigen::MatrixXd> &a,
                        const Eigen::Ref<const Eigen::MatrixXd> &b);

} // namespace gradlens
