#pragma once

#include <QFrame>

class QLabel;

namespace gradlens {

struct Snapshot;

// A strip above the heatmaps for what the user must read: errors (e.g. a malformed file), warnings
// (divergence, with a suggestion) and notices. Never modal, so nothing blocks a run or a test.
class MessageBar : public QFrame {
    Q_OBJECT
public:
    enum class Kind { Information, Warning, Error };
    // What a message is about: it goes when that state goes (a descent message when the descent moves on
    // or is reset), while a message about something else stays.
    enum class Topic { General, Descent };
    explicit MessageBar(QWidget *parent = nullptr);

    void showMessage(Kind kind, const QString &text, Topic topic = Topic::General);
    void clear(Topic topic); // hides the message if it is about topic
    // What a snapshot has to say (divergence, a failed check, the user's gradient failing, a mistake that
    // cannot show on this problem), as a Descent message: the next snapshot without one clears it (after a
    // reset, a successful step, a new problem), while a message about something else (a file) stays.
    void describe(const Snapshot &snapshot);
    Topic topic() const { return m_topic; }
    QString text() const;
    Kind kind() const { return m_kind; }

private:
    QLabel *m_label;
    Kind m_kind = Kind::Information;
    Topic m_topic = Topic::General;
};

} // namespace gradlens
