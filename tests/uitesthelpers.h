#pragma once

// Helpers for the UI suites.

#include "mainwindow.h"

#include <QElapsedTimer>
#include <QTest>

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

} // namespace gradlens::test
