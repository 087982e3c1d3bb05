#pragma once

#include "descent.h"

#include <functional>
#include <string>
#include <vector>

namespace gradlens {

// One optimizer's run in a race: every record (not thinned) with the seconds elapsed when it was made.
struct RaceRun {
    std::string optimizer;                // optimizerName of its options
    DescentSummary summary;               // termination, final values, evaluation totals
    std::vector<IterationRecord> records; // every record, iteration 0 first
    std::vector<double> seconds; // per record: wall-clock seconds since the run began (set-up included)
    double totalSeconds = 0;
};

// Runs each options in turn from the same start (problem.gamma), one after the other, so that their
// timings do not compete. cancelled, when set, is asked after every record: true stops the current run
// (Termination::Stopped) and skips the rest.
std::vector<RaceRun> race(const Problem &problem, const std::vector<DescentOptions> &runs,
                          const std::function<bool()> &cancelled = {});

// Long-format CSV of a race: "optimizer,iteration,function_evaluations,gradient_evaluations,seconds,loss,
// grad_norm", one row per record of every run, 17 significant digits.
std::string raceToCsv(const std::vector<RaceRun> &runs);

} // namespace gradlens
