#pragma once

// Helpers for the UI suites.

#include "mainwindow.h"

#include <QAbstractButton>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QLabel>
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

// Every text Qt drew shortened in a scene (a chart's titles, axis labels, legend entries): Qt Charts elides
// with "..." where a text does not fit. Empty when nothing is elided.
inline QStringList elidedTexts(const QGraphicsScene *scene) {
    QStringList elided;
    for (const QGraphicsItem *item : scene->items()) {
        if (!item->isVisible())
            continue;
        QString text;
        if (const auto *rich = dynamic_cast<const QGraphicsTextItem *>(item))
            text = rich->toPlainText();
        else if (const auto *simple = dynamic_cast<const QGraphicsSimpleTextItem *>(item))
            text = simple->text();
        if (text.contains(QStringLiteral("...")) || text.contains(QChar(0x2026)))
            elided << text;
    }
    return elided;
}

} // namespace gradlens::test
