#include "race.h"

#include "matrixio.h"

#include <chrono>

namespace gradlens {

std::vector<RaceRun> race(const Problem &problem, const std::vector<DescentOptions> &runs,
                          const std::function<bool()> &cancelled) {
    std::vector<RaceRun> results;
    results.reserve(runs.size());
    for (const DescentOptions &options : runs) {
        RaceRun run;
        run.optimizer = std::string(optimizerName(options.optimizer));
        const auto start = std::chrono::steady_clock::now();
        auto elapsed = [&start] {
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        };
        run.summary = descend(problem, options, [&](const IterationRecord &record, const Eigen::MatrixXd &) {
            run.records.push_back(record);
            run.seconds.push_back(elapsed());
            return !(cancelled && cancelled());
        });
        run.totalSeconds = elapsed();
        const bool stopped = run.summary.termination == Termination::Stopped;
        results.push_back(std::move(run));
        if (stopped)
            break;
    }
    return results;
}

std::string raceToCsv(const std::vector<RaceRun> &runs) {
    std::string text =
        "optimizer,iteration,function_evaluations,gradient_evaluations,seconds,loss,grad_norm\n";
    for (const RaceRun &run : runs)
        for (std::size_t k = 0; k < run.records.size(); ++k) {
            const IterationRecord &record = run.records[k];
            text += run.optimizer + "," + std::to_string(record.iteration) + "," +
                    std::to_string(record.functionEvaluations) + "," +
                    std::to_string(record.gradientEvaluations) + "," + formatDouble(run.seconds[k]) + "," +
                    formatDouble(record.loss) + "," + formatDouble(record.gradientNorm) + "\n";
        }
    return text;
}

} // namespace gradlens
