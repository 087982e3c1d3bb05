#pragma once

#include "descent.h"
#include "numericgradient.h"
#include "problem.h"

#include <Eigen/Core>
#include <QMetaType>
#include <QString>

#include <memory>
#include <vector>

namespace gradlens {

// How the gradient check runs, in the window's words.
struct CheckSettings {
    DifferenceMethod method = DifferenceMethod::Central;
    double step = 0;      // 0: the automatic per-entry step
    int everyIterations = 10; // check during descent every k iterations; 0: only on request
};

// One analytic-versus-numeric comparison at some iteration.
struct DeviationPoint {
    int iteration = 0;
    double maxAbsolute = 0;
    double maxRelative = 0;
    bool informative = true; // false: finite differences cannot resolve this gradient (precision guard)
};

// What the worker publishes: an immutable picture of the run. The GUI only reads it.
struct Snapshot {
    quint64 generation = 0; // which problem/reset this belongs to; stale generations are dropped
    std::shared_ptr<const Problem> problem; // R, P and the starting γ of this generation
    Eigen::MatrixXd gamma;                  // n×r, current iterate
    Eigen::MatrixXd gradient;               // n×r, analytic, at gamma
    std::shared_ptr<const Eigen::MatrixXd> residual; // n×n, at gamma
    Convention convention = Convention::Full;
    int iteration = 0;
    double loss = 0;
    double gradientNorm = 0;
    double secondsPerStep = 0; // mean over the steps since the previous snapshot
    bool running = false;

    // Records since the previous snapshot of this generation (the charts append them).
    std::vector<IterationRecord> newRecords;
    std::vector<DeviationPoint> newDeviations;

    // The latest gradient check, if any.
    std::shared_ptr<const Eigen::MatrixXd> deviation; // n×r |analytic − numeric|
    std::shared_ptr<const Eigen::MatrixXd> numeric;   // n×r
    int deviationIteration = -1;
    DeviationPoint lastDeviation;
    QString guardExplanation; // the precision guard's sentence when finite differences are uninformative

    QString message;          // why the run stopped (converged, diverged with a suggestion, ...), if it did
    bool diverged = false;
};

using SnapshotPointer = std::shared_ptr<const Snapshot>;

} // namespace gradlens

Q_DECLARE_METATYPE(gradlens::SnapshotPointer)
