#include "messagebar.h"

#include "snapshot.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace gradlens {

MessageBar::MessageBar(QWidget *parent)
    : QFrame(parent) {
    setFrameShape(QFrame::StyledPanel);
    m_label = new QLabel;
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *close = new QToolButton;
    close->setText(QStringLiteral("×"));
    close->setToolTip(tr("Dismiss this message"));
    close->setAutoRaise(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 4, 4, 4);
    layout->addWidget(m_label, 1);
    layout->addWidget(close, 0, Qt::AlignTop);
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void MessageBar::clear(Topic topic) {
    if (m_topic == topic && isVisibleTo(parentWidget()))
        showMessage(Kind::Information, QString(), topic);
}

void MessageBar::showMessage(Kind kind, const QString &text, Topic topic) {
    m_kind = kind;
    m_topic = topic;
    m_label->setText(text);
    // Colour-blind safe: errors and warnings differ in lightness and in the word that starts them.
    const char *style = kind == Kind::Error     ? "background:#fde0dd; color:#67001f;"
                        : kind == Kind::Warning ? "background:#fee6ce; color:#7f2704;"
                                                : "background:#deebf7; color:#08306b;";
    setStyleSheet(QStringLiteral("gradlens--MessageBar { %1 border-radius:4px; } QLabel { %1 }")
                      .arg(QLatin1String(style)));
    setVisible(!text.isEmpty());
}

QString MessageBar::text() const {
    return isVisibleTo(parentWidget()) ? m_label->text() : QString();
}

void MessageBar::describe(const Snapshot &snapshot) {
    if (snapshot.diverged)
        showMessage(Kind::Warning, tr("Descent diverged: ") + snapshot.message, Topic::Descent);
    else if (!snapshot.message.isEmpty())
        showMessage(snapshot.gradientFailed         ? Kind::Error
                    : snapshot.lastDeviation.failed ? Kind::Warning
                                                    : Kind::Information,
                    snapshot.message, Topic::Descent);
    else if (snapshot.deviationIteration >= 0 && snapshot.lastDeviation.failed) // until the next check
        showMessage(Kind::Warning,
                    tr("The check at iteration %1 finds the gradient wrong: %2.")
                        .arg(snapshot.lastDeviation.iteration)
                        .arg(snapshot.lastDeviation.explanation),
                    Topic::Descent);
    else if (snapshot.variant == GradientVariant::DropTranspose && snapshot.symmetricProblem)
        showMessage(
            Kind::Information,
            tr("P and R are symmetric, so Pᵀ∘Mᵀ equals P∘M: dropping the transpose term and doubling the "
               "other gives exactly the right gradient here, and every check passes. Generate a "
               "non-symmetric P (e.g. Dense Gaussian) to see this mistake."),
            Topic::Descent);
    else
        clear(Topic::Descent);
}

} // namespace gradlens
