#include "entrydetaildialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace gradlens {

namespace {

QString number(double value, int digits = 10) {
    if (std::isnan(value))
        return QStringLiteral("—");
    return QString::number(value, 'g', digits).replace(QLatin1Char('-'), QChar(0x2212));
}

QString methodName(DifferenceMethod method) {
    switch (method) {
    case DifferenceMethod::Forward:
        return QObject::tr("forward");
    case DifferenceMethod::Backward:
        return QObject::tr("backward");
    case DifferenceMethod::Central:
        return QObject::tr("central");
    case DifferenceMethod::ComplexStep:
        return QObject::tr("complex step");
    case DifferenceMethod::Ridders:
        return QObject::tr("Ridders");
    }
    return {};
}

} // namespace

EntryDetailDialog::EntryDetailDialog(QWidget *parent)
    : QDialog(parent) {
    setWindowTitle(tr("Entry detail"));
    setModal(false);
    m_summary = new QLabel;
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_table = new QTableWidget(0, 7);
    m_table->setHorizontalHeaderLabels({tr("method"), tr("step h"), tr("estimate"), tr("f(γ + h e)"),
                                        tr("f(γ − h e)"), tr("|error|  (relative)"), tr("resolvable")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::hide);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(900, 330);
}

void EntryDetailDialog::showEntry(const SnapshotPointer &snapshot, int row, int column) {
    if (!snapshot || !snapshot->problem)
        return;
    m_variant = snapshot->variant;
    m_summary->setText(tr("Computing γ(%1, %2)…").arg(row + 1).arg(column + 1));
    m_table->setRowCount(0);
    show();
    raise();
    m_job.request(
        [snapshot, row, column](const CancelPredicate &) {
            const ProblemView current{snapshot->problem->R, snapshot->problem->P, snapshot->gamma};
            return entryDetail(current, row, column, snapshot->variant, snapshot->convention);
        },
        [this](const EntryDetail &detail) {
            display(detail);
            emit computed();
        });
}

void EntryDetailDialog::display(const EntryDetail &detail) {
    m_detail = detail;
    QString summary = tr("<b>γ(%1, %2) = %3</b> &nbsp; f(γ) = %4 &nbsp; rounding error of f ≈ %5<br>"
                         "analytic ∂f/∂γ(%1, %2) = <b>%6</b>")
                          .arg(detail.row + 1)
                          .arg(detail.column + 1)
                          .arg(number(detail.gamma), number(detail.loss), number(detail.roundingNoise, 3),
                               number(detail.analytic));
    if (m_variant != GradientVariant::Correct && m_variant != GradientVariant::Entrywise)
        summary += tr(" &nbsp; (the selected formula; the correct value is %1)").arg(number(detail.correct));
    summary += tr("<br>check of the whole gradient: <b>%1</b> (%2); resolvable here: %3")
                   .arg(QString::fromStdString(detail.verdict),
                        QString::fromStdString(detail.verdictExplanation), number(detail.resolution, 3));
    m_summary->setText(summary);
    m_table->setRowCount(int(detail.estimates.size()));
    for (int k = 0; k < int(detail.estimates.size()); ++k) {
        const EntryEstimate &e = detail.estimates[std::size_t(k)];
        const QStringList cells{methodName(e.method),
                                number(e.step, 3),
                                number(e.value),
                                number(e.lossPlus, 15),
                                number(e.lossMinus, 15),
                                number(e.absoluteError, 3) + QStringLiteral("  (") +
                                    number(e.relativeError, 2) + QStringLiteral(")"),
                                e.resolvable ? tr("yes") : tr("no: below rounding")};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c > 0 && c < 6)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(k, c, item);
        }
    }
}

} // namespace gradlens
