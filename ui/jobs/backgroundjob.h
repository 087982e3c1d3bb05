#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace gradlens {

// True once the job that holds it is no longer wanted (a newer request came, or cancel()): long work polls
// it and returns early; its result is then dropped anyway.
using CancelPredicate = std::function<bool()>;

// The one way the window runs work off the GUI thread. Each owner (a heatmap, a panel, the loader) has one
// BackgroundJob; a job runs on the thread pool and its result comes back on the owner's thread. One job runs
// at a time and the latest request wins: a request made while a job runs waits, replacing any request
// already waiting, and starts when the running one ends; the running job's cancel predicate turns true at
// once. A superseded job's result is dropped, or shown (Superseded::Show) where a slightly old picture
// beats none at all (a heatmap rendered while the user drags it).
class BackgroundJob : public QObject {
    Q_OBJECT
public:
    enum class Superseded { Drop, Show };
    explicit BackgroundJob(QObject *parent = nullptr, Superseded superseded = Superseded::Drop);
    ~BackgroundJob() override; // running work finishes on the pool; its result goes nowhere

    // work(const CancelPredicate &) -> Result runs on the pool; then done(Result) here, unless superseded
    // (see above) or cancelled. Both are copied into the job: give them what they need by value.
    template <typename Work, typename Done> void request(Work work, Done done);
    void cancel();       // the waiting request goes; the running job is told to stop and its result dropped
    bool isBusy() const; // a job runs or waits

signals:
    void busyChanged(bool busy);
    void finished(); // after every job's end, its result delivered or not

private:
    void startWaiting();
    void jobEnded(quint64 id, const std::function<void()> &deliver);

    Superseded m_superseded;
    std::shared_ptr<std::atomic<quint64>> m_latest = std::make_shared<std::atomic<quint64>>(0);
    quint64 m_cancelledUpTo = 0; // results of jobs up to this id are never delivered
    std::function<void()> m_waiting;
    bool m_running = false;
};

template <typename Work, typename Done> void BackgroundJob::request(Work work, Done done) {
    using Result = std::invoke_result_t<Work &, const CancelPredicate &>;
    const quint64 id = m_latest->load() + 1;
    m_latest->store(id); // the running job, if any, is superseded from now on
    m_waiting = [this, id, work = std::move(work), done = std::move(done)]() mutable {
        const CancelPredicate cancelled = [latest = m_latest, id] { return latest->load() != id; };
        auto *watcher = new QFutureWatcher<Result>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, id, done]() mutable {
            watcher->deleteLater();
            jobEnded(id, [&] { done(watcher->future().takeResult()); }); // moved: results can be n × n
        });
        watcher->setFuture(
            QtConcurrent::run([work = std::move(work), cancelled]() mutable { return work(cancelled); }));
    };
    if (!m_running)
        startWaiting();
}

} // namespace gradlens
