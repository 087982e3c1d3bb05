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
    double evaluateSeconds = 0;        // fused loss + gradient as descent runs it, median
    double directEvaluateSeconds = 0;  // general problems: evaluate() on P and R as stored, median
    double layoutSeconds = 0;          // general problems: building the PairedLayout, once
    double streamReadSeconds = 0;      // summing every entry of P and R, median: the memory floor
    double naiveSeconds = 0;           // γγᵀ, M, P∘M formed as full matrices, median
    double numericGradientSeconds = 0; // structured central differences, one full gradient (median of ≤ 3)
    double maxRelativeDifference = 0;  // fused vs naive gradient, a sanity check of what was timed
};

// Times the three on the same random data in one run; ratios between them are what is stable on a
// shared machine, not the absolute times.
BenchmarkResult runBenchmark(const BenchmarkOptions &options);

// Σ of all entries of a and b, read once, both cores: the floor any pass over P and R has to pay.
double streamRead(const Eigen::Ref<const Eigen::MatrixXd> &a, const Eigen::Ref<const Eigen::MatrixXd> &b);

} // namespace gradlens
