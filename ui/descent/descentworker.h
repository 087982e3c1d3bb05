#pragma once

#include "snapshot.h"

#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <memory>
#include <optional>

namespace gradlens {

// Owns the descent state on its own thread. Commands arrive as queued calls; a run proceeds in chunks of
// about 15 ms, each re-queued, so that option changes arriving meanwhile apply from the next chunk on.
// Stopping is an atomic epoch the GUI bumps directly: a run continues only while the epoch it was started
// under is current. Snapshots go out at most about 30 times a second (and after every command).
class DescentWorker : public QObject {
    Q_OBJECT
public:
    DescentWorker();
    ~DescentWorker() override;

    // Thread-safe, callable from any thread: stops a run (and a gradient check) at the next step.
    void requestStop() { ++m_stopEpoch; }
    quint64 stopEpoch() const { return m_stopEpoch.load(); }
    // Thread-safe: steps per second while running, 0 for as fast as it goes. A paced run takes one step,
    // publishes it and waits for the next tick, so that every step is seen.
    void setStepsPerSecond(int stepsPerSecond) { m_stepsPerSecond = stepsPerSecond; }

public slots:
    // sameWeights: the problem's R and P are the previous problem's (a new γ, or a reset), so the run's
    // layout of them is kept rather than built again.
    void setProblem(std::shared_ptr<const gradlens::Problem> problem, quint64 generation,
                    std::shared_ptr<const Eigen::MatrixXd> gammaStar = {}, bool sameWeights = false);
    void setDescentOptions(const gradlens::DescentOptions &options);
    void setCheckSettings(const gradlens::CheckSettings &settings);
    void setUserGradient(const gradlens::UserGradient &gradient);
    void step(int count, quint64 epoch);
    void run(quint64 epoch);
    void checkNow(quint64 epoch);
    // Back (or forward, up to the furthest iteration reached) to iteration k: replayed from the nearest
    // checkpoint, so γ, the loss and the next steps are those of the first pass, bit for bit. Steps taken
    // from there start a new branch.
    void goToIteration(int k, quint64 epoch);

signals:
    void snapshotReady(gradlens::SnapshotPointer snapshot);
    void progress(const QString &what, double fraction); // long work under way; fraction in [0, 1]
    void failed(const QString &message);
    void commandFinished(); // one per command (setProblem, step, run, checkNow), after its last snapshot

private:
    void continueRun(quint64 chain);
    void endChain();           // the running command, if any, is over
    bool check(quint64 epoch); // false when cancelled
    void publish(bool running);
    void keepCheckpoint(); // after a step: the run's state every m_checkpointEvery iterations
    void logOptions();     // before a step: the options it is taken with, if they changed
    void noteFactor();     // after a step (and at the start): γ's singular values and distance to γ*
    void forgetCheck();    // the latest check no longer describes the gradient or the iterate shown
    // The options with the user's gradient as their source (starting the program for this problem if
    // needed); an error message when the program cannot start.
    QString withUserGradient(DescentOptions &options);

    std::shared_ptr<const Problem> m_problem;
    std::shared_ptr<const Eigen::MatrixXd> m_gammaStar; // the planted γ*, or null
    std::unique_ptr<DescentRun> m_run;
    UserGradient m_user;
    std::unique_ptr<GradientProgram> m_program; // started for m_problem; null without a program
    Eigen::MatrixXd m_fileGamma;                // the γ a gradient from a file holds at

    // The history: the run's state every m_checkpointEvery iterations (in order, the start first), within
    // kCheckpointBytes; when full, every other one goes and the spacing doubles.
    std::vector<DescentRun::State> m_checkpoints;
    int m_checkpointEvery = 16;
    // The options each stretch of the branch was stepped with, in order (several at one iteration when they
    // changed more than once there), so that going back replays every step with its own options.
    struct OptionsChange {
        int iteration;
        DescentOptions options;
    };
    std::vector<OptionsChange> m_optionLog;
    bool m_optionsLogged = true; // the run's options are the log's last entry
    int m_furthest = 0;          // the furthest iteration of the current branch
    int m_rewoundTo = -1;        // set by goToIteration for the next snapshot
    quint64 m_generation = 0;
    DescentOptions m_options;
    CheckSettings m_check;
    std::atomic<quint64> m_stopEpoch{0};
    std::atomic<int> m_stepsPerSecond{0};
    QElapsedTimer m_sinceStep; // of a paced run
    quint64 m_runEpoch = 0;
    int m_stepsLeft = 0;
    bool m_running = false;
    quint64 m_chain = 0; // identifies the queued continuation of the current run

    // Accumulated since the last snapshot.
    int m_publishedIteration = -1; // the last record already in a snapshot
    std::vector<DeviationPoint> m_newDeviations;
    std::vector<FactorPoint> m_newFactorPoints;
    std::optional<FactorPoint> m_lastFactor; // the latest noteFactor, reused when publishing its γ
    double m_stepSeconds = 0;
    int m_stepsTimed = 0;
    QElapsedTimer m_sincePublish;
    QString m_message;
    bool m_diverged = false;

    // The latest gradient check.
    std::shared_ptr<const Eigen::MatrixXd> m_deviation, m_numeric;
    int m_deviationIteration = -1;
    double m_deviationThreshold = 0;
    DeviationPoint m_lastDeviation;
    QString m_guardExplanation;
};

} // namespace gradlens
