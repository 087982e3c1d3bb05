#include "statuspanel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>

namespace gradlens {

namespace {

QString number(double value) {
    return QLocale::c().toString(value, 'g', 5).replace(QLatin1Char('-'), QChar(0x2212));
}

QString duration(double seconds) {
    if (seconds <= 0)
        return QStringLiteral("—");
    if (seconds < 1e-3)
        return QStringLiteral("%1 µs").arg(seconds * 1e6, 0, 'f', 0);
    if (seconds < 1)
        return QStringLiteral("%1 ms").arg(seconds * 1e3, 0, 'f', 1);
    return QStringLiteral("%1 s").arg(seconds, 0, 'f', 2);
}

} // namespace

StatusPanel::StatusPanel(QWidget *parent)
    : QWidget(parent) {
    m_text = new QLabel;
    m_text->setTextFormat(Qt::PlainText);
    m_text->setWordWrap(true); // a second line on a narrow window, rather than a cut-off last item
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(200);
    m_progress->setTextVisible(true);
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the long computation (Esc)"));
    m_cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, &StatusPanel::cancelRequested);
    // Showing and hiding them must not change the layout: a relayout repaints the whole window.
    for (QWidget *widget : {static_cast<QWidget *>(m_progress), static_cast<QWidget *>(m_cancel)}) {
        QSizePolicy policy = widget->sizePolicy();
        policy.setRetainSizeWhenHidden(true);
        widget->setSizePolicy(policy);
    }
    setBusy(QString(), 0);
}

void StatusPanel::showSnapshot(const Snapshot &snapshot) {
    if (snapshot.secondsPerStep > 0)
        m_secondsPerStep = snapshot.secondsPerStep;
    const auto n = snapshot.gamma.rows(), r = snapshot.gamma.cols();
    QString deviation = QStringLiteral("—");
    if (snapshot.deviationIteration >= 0) {
        // The core's verdict in words beside the number; its sentence on hover.
        const QString verdict =
            QString(snapshot.lastDeviation.verdict).replace(QLatin1Char('_'), QLatin1Char(' '));
        deviation = number(snapshot.lastDeviation.maxAbsolute) +
                    (verdict.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(verdict));
        m_text->setToolTip(snapshot.lastDeviation.explanation);
    }
    // Spaces inside an item do not break (U+00A0), so a line breaks only between items.
    QStringList items{
        tr("n = %1").arg(n),
        tr("r = %1").arg(r),
        tr("iteration %1").arg(snapshot.iteration),
        tr("evaluations f %1, ∇f %2").arg(snapshot.functionEvaluations).arg(snapshot.gradientEvaluations),
        tr("loss %1").arg(number(snapshot.loss)),
        tr("‖G‖ %1").arg(number(snapshot.gradientNorm)),
        tr("max deviation %1").arg(deviation),
        tr("%1 per step").arg(duration(m_secondsPerStep))};
    if (snapshot.plantedDistance >= 0) // a generated planted problem: how far γ is from γ*
        items.insert(items.size() - 1, tr("distance to γ* %1").arg(number(snapshot.plantedDistance)));
    for (QString &item : items)
        item.replace(QLatin1Char(' '), QChar(0x00a0));
    m_text->setText(items.join(QStringLiteral("   ")));
}

void StatusPanel::setBusy(const QString &what, double fraction) {
    const bool busy = !what.isEmpty();
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
    if (!busy)
        return;
    if (fraction < 0) { // unknown amount: a busy indicator
        m_progress->setRange(0, 0);
    } else {
        m_progress->setRange(0, 1000);
        m_progress->setValue(static_cast<int>(fraction * 1000));
    }
    m_progress->setFormat(what + QStringLiteral(" %p%"));
}

QString StatusPanel::text() const {
    return m_text->text();
}

} // namespace gradlens
