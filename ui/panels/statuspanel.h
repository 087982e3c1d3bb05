#pragma once

#include "snapshot.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace gradlens {

// The status bar's contents: n, r, iteration, loss, gradient norm, max deviation, time per step, and a
// busy indicator with a Cancel button while long work (a numerical gradient, a file) is under way.
class StatusPanel : public QWidget {
    Q_OBJECT
public:
    explicit StatusPanel(QWidget *parent = nullptr);

    void showSnapshot(const Snapshot &snapshot);
    void setBusy(const QString &what, double fraction); // empty what: no longer busy
    QString text() const;

signals:
    void cancelRequested();

private:
    QLabel *m_text;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    double m_secondsPerStep = 0;
};

} // namespace gradlens
