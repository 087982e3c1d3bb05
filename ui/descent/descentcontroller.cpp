#include "descentcontroller.h"

#include "descentworker.h"

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace gradlens {

DescentController::DescentController(QObject *parent)
    : QObject(parent) {
    qRegisterMetaType<SnapshotPointer>();
    m_worker = new DescentWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &DescentWorker::snapshotReady, this, &DescentController::onSnapshot);
    connect(m_worker, &DescentWorker::progress, this, &DescentController::progress);
    connect(m_worker, &DescentWorker::failed, this, &DescentController::failed);
    connect(m_worker, &DescentWorker::commandFinished, this, &DescentController::onCommandFinished);
    m_thread.setObjectName(QStringLiteral("descent worker"));
    // Descent takes what the window leaves: the worker (and the OpenMP threads it starts, which inherit
    // this) runs at a lower priority, so painting never waits behind a step. Linux applies nice per thread.
    connect(
        &m_thread, &QThread::started, m_worker,
        [] {
#ifdef __linux__
            setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
#endif
        },
        Qt::DirectConnection);
    m_thread.start();
}

DescentController::~DescentController() {
    m_worker->requestStop();
    m_thread.quit();
    m_thread.wait();
}

void DescentController::setProblem(const Problem &problem, std::shared_ptr<const Eigen::MatrixXd> gammaStar) {
    m_problem = std::make_shared<const Problem>(problem);
    m_gammaStar = std::move(gammaStar);
    restart(false);
}

void DescentController::setGamma(const Eigen::MatrixXd &gamma) {
    if (!m_problem)
        return;
    m_problem = std::make_shared<const Problem>(Problem{m_problem->R, m_problem->P, gamma});
    restart(true);
}

void DescentController::reset() {
    restart(true);
}

void DescentController::restart(bool sameWeights) {
    if (!m_problem)
        return;
    m_worker->requestStop(); // a run of the old generation ends at its next step
    ++m_generation;
    m_latest.reset();
    m_requestedIteration = -1;
    setRunning(false);
    emit generationStarted(m_generation);
    send();
    post([worker = m_worker, problem = m_problem, generation = m_generation, gammaStar = m_gammaStar,
          sameWeights] { worker->setProblem(problem, generation, gammaStar, sameWeights); });
}

void DescentController::step(int count) {
    if (!m_problem || m_running)
        return;
    m_requestedIteration = -1;
    send();
    post([worker = m_worker, count, epoch = m_worker->stopEpoch()] { worker->step(count, epoch); });
}

void DescentController::run() {
    if (!m_problem || m_running)
        return;
    m_requestedIteration = -1;
    setRunning(true);
    send();
    post([worker = m_worker, epoch = m_worker->stopEpoch()] { worker->run(epoch); });
}

void DescentController::pause() {
    m_worker->requestStop();
    setRunning(false);
}

void DescentController::toggleRun() {
    m_running ? pause() : run();
}

void DescentController::checkNow() {
    if (!m_problem)
        return;
    send();
    post([worker = m_worker, epoch = m_worker->stopEpoch()] { worker->checkNow(epoch); });
}

void DescentController::setDescentOptions(const DescentOptions &options) {
    m_options = options;
    send();
    post([worker = m_worker, options] { worker->setDescentOptions(options); });
}

void DescentController::goToIteration(int k) {
    if (!m_problem)
        return;
    pause();
    k = std::clamp(k, 0, m_latest ? std::max(m_latest->furthestIteration, m_latest->iteration) : 0);
    m_requestedIteration = k;
    send();
    post([worker = m_worker, k, epoch = m_worker->stopEpoch()] { worker->goToIteration(k, epoch); });
}

void DescentController::stepBack() {
    // From the iteration last asked for, so that quick presses each go one further back.
    const int from = m_requestedIteration >= 0 ? m_requestedIteration : (m_latest ? m_latest->iteration : 0);
    if (from > 0)
        goToIteration(from - 1);
}

void DescentController::setStepsPerSecond(int stepsPerSecond) {
    m_worker->setStepsPerSecond(stepsPerSecond); // an atomic: read by the run at its next step
}

void DescentController::setUserGradient(const UserGradient &gradient) {
    send();
    post([worker = m_worker, gradient] { worker->setUserGradient(gradient); });
}

void DescentController::setCheckSettings(const CheckSettings &settings) {
    m_check = settings;
    send();
    post([worker = m_worker, settings] { worker->setCheckSettings(settings); });
}

void DescentController::onSnapshot(SnapshotPointer snapshot) {
    if (snapshot->generation != m_generation)
        return; // a result of a superseded problem or reset
    m_latest = snapshot;
    if (snapshot->rewoundTo >= 0 && snapshot->rewoundTo == m_requestedIteration)
        m_requestedIteration = -1; // arrived
    emit snapshotReady(snapshot);
}

void DescentController::send() {
    ++m_pendingCommands;
}

void DescentController::onCommandFinished() {
    if (m_pendingCommands > 0)
        --m_pendingCommands;
    if (m_pendingCommands == 0) {
        setRunning(false);
        emit idle();
    }
}

void DescentController::setRunning(bool running) {
    if (running == m_running)
        return;
    m_running = running;
    emit runningChanged(running);
}

} // namespace gradlens
