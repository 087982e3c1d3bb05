#pragma once

// Helpers for the UI suites.

#include "mainwindow.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTest>
#include <QTimer>

namespace gradlens::test {

// Processes events until the window has nothing computing, loading or painting (or the timeout passes).
inline bool settle(MainWindow &window, int timeoutMs = 60000) {
    bool settled = false;
    window.whenSettled([&] { settled = true; });
    QElapsedTimer clock;
    clock.start();
    while (!settled && clock.elapsed() < timeoutMs)
        QTest::qWait(10); // QTest's event-processing wait, not a sleep: the window keeps working
    return settled;
}

// Runs a real event loop for ms milliseconds, as the application does (QTest::qWait sleeps between passes).
inline void runEventLoop(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace gradlens::test
