#include "controldocks.h"

#include "scrollarea.h"

#include <QDockWidget>
#include <QFormLayout>
#include <QGroupBox>
#include <QMainWindow>
#include <QScrollArea>
#include <QScrollBar>

namespace gradlens {

ControlDocks::ControlDocks(QMainWindow *window)
    : QObject(window)
    , m_window(window) {}

QDockWidget *ControlDocks::add(const QString &title, QGroupBox *panel, const char *objectName) {
    panel->setTitle(QString());                       // the dock's title bar names it
    QScrollArea *scroll = scrollingArea(panel, true); // (a dock may be made narrower than its panel)
    auto *dock = new QDockWidget(title, m_window);
    dock->setObjectName(QString::fromLatin1(objectName));
    dock->setWidget(scroll);
    dock->setAllowedAreas(Qt::LeftDockWidgetArea | Qt::RightDockWidgetArea);
    m_window->addDockWidget(Qt::LeftDockWidgetArea, dock);
    m_docks << dock;
    return dock;
}

void ControlDocks::setPresentation(bool on) {
    for (QDockWidget *dock : m_docks) {
        auto *scroll = static_cast<QScrollArea *>(dock->widget());
        for (QFormLayout *form : scroll->widget()->findChildren<QFormLayout *>())
            form->setRowWrapPolicy(on ? QFormLayout::WrapAllRows : QFormLayout::DontWrapRows);
    }
    for (int k = 1; k < m_docks.size(); ++k)
        if (on)
            m_window->tabifyDockWidget(m_docks[k - 1], m_docks[k]);
        else
            m_window->splitDockWidget(m_docks[k - 1], m_docks[k], Qt::Vertical);
    if (on && m_docks.size() > 1)
        m_docks[1]->raise(); // Descent: what a lecture steps through
    fitToContents();
}

void ControlDocks::fitToContents() {
    for (QDockWidget *dock : m_docks) {
        auto *scroll = static_cast<QScrollArea *>(dock->widget());
        scroll->widget()->adjustSize();
        const int width =
            scroll->widget()->minimumSizeHint().width() + scroll->verticalScrollBar()->sizeHint().width() + 4;
        scroll->setMinimumWidth(width);
    }
}

} // namespace gradlens
