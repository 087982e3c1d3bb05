#pragma once

#include <QScrollArea>

namespace gradlens {

// Content that keeps its legible size and scrolls where the window is too small for it (a projector): the
// one way the window's panels, charts and instruments do so. Vertical only unless `horizontal`.
inline QScrollArea *scrollingArea(QWidget *content, bool horizontal = false) {
    auto *scroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    if (!horizontal)
        scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return scroll;
}

} // namespace gradlens
