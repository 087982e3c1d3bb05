#pragma once

#include "snapshot.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace gradlens {

class DescentWorker;

// The GUI thread's handle on the descent worker: it owns the thread, numbers each problem and reset with a
// generation, drops snapshots from superseded generations, and remembers the latest snapshot.
class DescentController : public QObject {
    Q_OBJECT
public:
    explicit DescentController(QObject *parent = nullptr);
    ~DescentController() override;

    // Copies R, P and γ once; they are then shared read-only. gammaStar: the planted γ* (n×r) of a generated
    // planted problem, for the distance to it; null otherwise.
    void setProblem(const Problem &problem, std::shared_ptr<const Eigen::MatrixXd> gammaStar = {});
    // The current problem with γ replaced (n×r, as before): R and P stay, and so does the worker's layout
    // of them (no rebuild: "Randomize γ" at n = 2000 no longer spends 30 ms laying P and R out again).
    void setGamma(const Eigen::MatrixXd &gamma);
    void reset(); // back to the starting γ of the current problem
    void step(int count = 1);
    void run();
    void pause(); // also cancels a gradient check under way
    void toggleRun();
    void checkNow();
    // Back or forward along the history to iteration k (≤ the furthest reached); stepBack goes one back.
    void goToIteration(int k);
    void stepBack();
    void setDescentOptions(const DescentOptions &options);
    void setCheckSettings(const CheckSettings &settings);
    // Steps per second while running (0: as fast as it goes); applies at once, also to a run under way.
    void setStepsPerSecond(int stepsPerSecond);
    // The user's gradient (a file's, at the current γ, or a program's) in place of the formula; an empty
    // one goes back to the formula.
    void setUserGradient(const UserGradient &gradient);

    bool isRunning() const { return m_running; }
    bool isBusy() const { return m_pendingCommands > 0 || m_running; }
    quint64 generation() const { return m_generation; }
    std::shared_ptr<const Problem> problem() const { return m_problem; }
    SnapshotPointer latest() const { return m_latest; }
    const DescentOptions &descentOptions() const { return m_options; }
    const CheckSettings &checkSettings() const { return m_check; }

signals:
    void snapshotReady(gradlens::SnapshotPointer snapshot); // only the current generation's
    void generationStarted(quint64 generation);             // a new problem or a reset: clear the charts
    void runningChanged(bool running);
    void progress(const QString &what, double fraction);
    void failed(const QString &message);
    void idle(); // every command sent so far has been answered

private:
    void onSnapshot(gradlens::SnapshotPointer snapshot);
    void onCommandFinished();
    void send(); // counts a command sent to the worker
    // Runs command on the worker's thread, after the commands posted before it.
    template <typename Command> void post(Command command) {
        QMetaObject::invokeMethod(m_worker, std::move(command), Qt::QueuedConnection);
    }
    void setRunning(bool running);
    void restart(bool sameWeights); // a new generation from the current problem's start

    QThread m_thread;
    DescentWorker *m_worker = nullptr; // lives on m_thread
    std::shared_ptr<const Eigen::MatrixXd> m_gammaStar;
    std::shared_ptr<const Problem> m_problem;
    quint64 m_generation = 0;
    SnapshotPointer m_latest;
    DescentOptions m_options;
    CheckSettings m_check;
    bool m_running = false;
    int m_pendingCommands = 0;     // commands whose answering snapshot has not arrived yet
    int m_requestedIteration = -1; // a goToIteration on its way
};

} // namespace gradlens
