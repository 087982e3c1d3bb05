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

void DescentController::setProblem(const Problem &problem) {
    m_problem = std::make_shared<const Problem>(problem);
    reset();
}

void DescentController::reset() {
    if (!m_problem)
        return;
    m_worker->requestStop(); // a run of the old generation ends at its next step
    ++m_generation;
    m_latest.reset();
    setRunning(false);
    emit generationStarted(m_generation);
    send();
    post([worker = m_worker, problem = m_problem, generation = m_generation] {
        worker->setProblem(problem, generation);
    });
}

void DescentController::step(int count) {
    if (!m_problem || m_running)
        return;
    send();
    post([worker = m_worker, count, epoch = m_worker->stopEpoch()] { worker->step(count, epoch); });
}

void DescentController::run() {
    if (!m_problem || m_running)
        return;
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
