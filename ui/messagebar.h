#pragma once

#include <QFrame>

class QLabel;

namespace gradlens {

// A strip above the heatmaps for what the user must read: errors (e.g. a malformed file), warnings
// (divergence, with a suggestion) and notices. Never modal, so nothing blocks a run or a test.
class MessageBar : public QFrame {
    Q_OBJECT
public:
    enum class Kind { Information, Warning, Error };
    explicit MessageBar(QWidget *parent = nullptr);

    void showMessage(Kind kind, const QString &text);
    QString text() const;
    Kind kind() const { return m_kind; }

private:
    QLabel *m_label;
    Kind m_kind = Kind::Information;
};

} // namespace gradlens
