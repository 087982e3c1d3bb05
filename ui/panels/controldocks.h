#pragma once

#include <QObject>

class QDockWidget;
class QGroupBox;
class QMainWindow;

namespace gradlens {

// The control panels as dock widgets on the window's left: one above the other normally; in presentation
// mode, where large text leaves too little height, as tabs, each panel laid out in one narrow column
// (labels above their fields) so the heatmaps keep the width. Each dock is as wide as its panel needs at
// the current font, so no control is cut off, and a dock too short for its panel scrolls.
class ControlDocks : public QObject {
    Q_OBJECT
public:
    explicit ControlDocks(QMainWindow *window);

    QDockWidget *add(const QString &title, QGroupBox *panel, const char *objectName);
    void setPresentation(bool on); // call after the window's font changed
    void fitToContents();
    const QList<QDockWidget *> &docks() const { return m_docks; }

private:
    QMainWindow *m_window;
    QList<QDockWidget *> m_docks;
};

} // namespace gradlens
