// The window's one helper for background work: the latest request wins, superseded work is told to stop
// and its result dropped (or shown where asked), cancel drops everything, and requests from a result's
// handler chain.
#include "backgroundjob.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <memory>

using namespace gradlens;

namespace {

// A job that holds until released, so that the test decides when it ends.
struct Gate {
    QSemaphore entered, release;
};

bool waitIdle(const BackgroundJob &job) {
    return QTest::qWaitFor([&] { return !job.isBusy(); }, 10000);
}

} // namespace

class TestBackgroundJob : public QObject {
    Q_OBJECT
private slots:
    void latestRequestWins_data() {
        QTest::addColumn<int>("superseded");
        QTest::addColumn<QList<int>>("delivered");
        // Requests 1 (held running), then 2, 3, 4 while it runs: 2 and 3 never start, 4 runs after 1.
        QTest::newRow("drop") << int(BackgroundJob::Superseded::Drop) << QList<int>{4};
        QTest::newRow("show") << int(BackgroundJob::Superseded::Show) << QList<int>{1, 4};
    }
    void latestRequestWins() {
        QFETCH(int, superseded);
        QFETCH(QList<int>, delivered);
        BackgroundJob job(nullptr, BackgroundJob::Superseded(superseded));
        QSignalSpy busy(&job, &BackgroundJob::busyChanged);
        auto gate = std::make_shared<Gate>();
        auto started = std::make_shared<std::atomic<int>>(0);
        auto sawCancel = std::make_shared<std::atomic<bool>>(false);
        QList<int> results;
        for (int k = 1; k <= 4; ++k) {
            job.request(
                [k, gate, started, sawCancel](const CancelPredicate &cancelled) {
                    started->fetch_add(1);
                    if (k == 1) {
                        gate->entered.release();
                        gate->release.acquire();
                        *sawCancel = cancelled(); // superseded by now
                    }
                    return k;
                },
                [&results](int value) { results << value; });
            if (k == 1)
                QVERIFY(gate->entered.tryAcquire(1, 10000));
            QVERIFY(job.isBusy());
        }
        gate->release.release();
        QVERIFY(waitIdle(job));
        QCOMPARE(results, delivered);
        QCOMPARE(started->load(), 2); // the first and the latest; the ones in between never ran
        QVERIFY(sawCancel->load());
        QCOMPARE(busy.count(), 2); // busy once, idle once: no flicker between the two jobs
        QCOMPARE(busy.at(0).at(0).toBool(), true);
        QCOMPARE(busy.at(1).at(0).toBool(), false);
    }

    void cancelDropsRunningAndWaiting() {
        BackgroundJob job(nullptr, BackgroundJob::Superseded::Show);
        auto gate = std::make_shared<Gate>();
        auto cancelledSeen = std::make_shared<std::atomic<bool>>(false);
        QList<int> results;
        job.request(
            [gate, cancelledSeen](const CancelPredicate &cancelled) {
                gate->entered.release();
                gate->release.acquire();
                *cancelledSeen = cancelled();
                return 1;
            },
            [&results](int value) { results << value; });
        QVERIFY(gate->entered.tryAcquire(1, 10000));
        job.request([](const CancelPredicate &) { return 2; }, [&results](int value) { results << value; });
        job.cancel();
        gate->release.release();
        QVERIFY(waitIdle(job));
        QVERIFY(results.isEmpty());
        QVERIFY(cancelledSeen->load());
        // The job is usable again afterwards.
        job.request([](const CancelPredicate &) { return 3; }, [&results](int value) { results << value; });
        QVERIFY(waitIdle(job));
        QCOMPARE(results, QList<int>{3});
    }

    void requestFromResultChains() {
        BackgroundJob job;
        QList<int> results;
        std::function<void(int)> next = [&](int value) {
            results << value;
            if (value < 5)
                job.request([value](const CancelPredicate &) { return value + 1; }, next);
        };
        job.request([](const CancelPredicate &) { return 1; }, next);
        QVERIFY(waitIdle(job));
        QCOMPARE(results, (QList<int>{1, 2, 3, 4, 5}));
    }

    // Destroying the owner while work runs: the work finishes on the pool, told to stop, and nothing is
    // delivered to the dead owner.
    void destroyedWhileRunning() {
        auto gate = std::make_shared<Gate>();
        auto cancelledSeen = std::make_shared<std::atomic<bool>>(false);
        bool delivered = false;
        {
            BackgroundJob job;
            job.request(
                [gate, cancelledSeen](const CancelPredicate &cancelled) {
                    gate->entered.release();
                    gate->release.acquire();
                    *cancelledSeen = cancelled();
                    gate->entered.release();
                    return 1;
                },
                [&delivered](int) { delivered = true; });
            QVERIFY(gate->entered.tryAcquire(1, 10000));
        }
        gate->release.release();
        QVERIFY(gate->entered.tryAcquire(1, 10000));
        QTest::qWait(50);
        QVERIFY(!delivered);
        QVERIFY(cancelledSeen->load());
    }
};

QTEST_GUILESS_MAIN(TestBackgroundJob)
#include "tst_backgroundjob.moc"
