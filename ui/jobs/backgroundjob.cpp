#include "backgroundjob.h"

#include <utility>

namespace gradlens {

BackgroundJob::BackgroundJob(QObject *parent, Superseded superseded)
    : QObject(parent)
    , m_superseded(superseded) {}

BackgroundJob::~BackgroundJob() {
    m_latest->store(m_latest->load() + 1); // tells running work to stop early
}

void BackgroundJob::cancel() {
    m_waiting = nullptr;
    m_cancelledUpTo = m_latest->load();
    m_latest->store(m_cancelledUpTo + 1);
    if (!m_running)
        emit busyChanged(false);
}

bool BackgroundJob::isBusy() const {
    return m_running || m_waiting;
}

void BackgroundJob::startWaiting() {
    std::function<void()> start = std::move(m_waiting);
    m_waiting = nullptr;
    const bool wasRunning = std::exchange(m_running, bool(start));
    if (m_running)
        start();
    if (wasRunning != m_running)
        emit busyChanged(m_running);
}

void BackgroundJob::jobEnded(quint64 id, const std::function<void()> &deliver) {
    if (id > m_cancelledUpTo && (id == m_latest->load() || m_superseded == Superseded::Show))
        deliver(); // (still running here: a request made from done() waits and starts just below)
    startWaiting();
    emit finished();
}

} // namespace gradlens
