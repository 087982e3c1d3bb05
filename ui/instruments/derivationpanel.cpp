#include "derivationpanel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QScrollBar>
#include <QSpinBox>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <cmath>

namespace gradlens {

namespace {

constexpr int kTermsShown = 8; // of the 2n terms of the entry-wise sum, largest first

QString number(double value) {
    return QLocale::c().toString(value, 'g', 6).replace(QLatin1Char('-'), QChar(0x2212));
}

// The step of the derivation each teaching mistake breaks, and how (-1: none).
struct MistakeAt {
    int step;
    const char *how;
};

MistakeAt mistakeAt(GradientVariant variant) {
    switch (variant) {
    case GradientVariant::FlipSign:
        return {0, QT_TR_NOOP("the selected formula takes M = R − P∘γγᵀ: every sign is flipped, and descent "
                              "climbs")};
    case GradientVariant::DropFactorTwo:
        return {1, QT_TR_NOOP("the selected formula drops this 2: the gradient is half the right one")};
    case GradientVariant::NoOuterP:
        return {3, QT_TR_NOOP("the selected formula does not move P across: it uses M where P∘M belongs")};
    case GradientVariant::DropTranspose:
        return {4, QT_TR_NOOP("the selected formula takes ⟨P∘M, γ dγᵀ⟩ to be a copy of the first term: "
                              "4(P∘M)γ, right only when P∘M is symmetric")};
    case GradientVariant::Entrywise:
        return {6, QT_TR_NOOP("the selected formula sums these terms literally, entry by entry")};
    default:
        return {-1, ""};
    }
}

} // namespace

DerivationPanel::DerivationPanel(QWidget *parent)
    : QWidget(parent) {
    m_row = new QSpinBox;
    m_row->setRange(1, 1);
    m_row->setToolTip(tr("Row k of γ (click a cell of the gradient heatmap to choose it)"));
    m_column = new QSpinBox;
    m_column->setRange(1, 1);
    m_column->setToolTip(tr("Column c of γ"));
    auto *entry = new QHBoxLayout;
    entry->addWidget(new QLabel(tr("Entry k")));
    entry->addWidget(m_row);
    entry->addWidget(new QLabel(tr("c")));
    entry->addWidget(m_column);
    entry->addStretch(1);
    m_text = new QTextBrowser;
    m_text->setOpenLinks(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(entry);
    layout->addWidget(m_text, 1);
    connect(m_row, &QSpinBox::valueChanged, this, &DerivationPanel::compute);
    connect(m_column, &QSpinBox::valueChanged, this, &DerivationPanel::compute);
}

QString DerivationPanel::text() const {
    return m_text->toPlainText();
}

void DerivationPanel::setSnapshot(const SnapshotPointer &snapshot) {
    m_snapshot = snapshot;
    if (!snapshot)
        return;
    const QSignalBlocker rowBlocker(m_row), columnBlocker(m_column);
    m_row->setRange(1, int(snapshot->gamma.rows()));
    m_column->setRange(1, int(snapshot->gamma.cols()));
    // While descent runs the numbers follow it only when shown; at rest they catch up when shown.
    if (isVisible())
        compute();
}

void DerivationPanel::selectEntry(int row, int column) {
    const QSignalBlocker rowBlocker(m_row), columnBlocker(m_column);
    m_row->setValue(row + 1);
    m_column->setValue(column + 1);
    compute();
}

void DerivationPanel::showEvent(QShowEvent *event) {
    QWidget::showEvent(event);
    if (m_snapshot && m_snapshot != m_result.snapshot)
        compute();
}

void DerivationPanel::compute() {
    const SnapshotPointer snapshot = m_snapshot;
    if (!snapshot || !snapshot->problem)
        return;
    const Eigen::Index row = std::min<Eigen::Index>(m_row->value() - 1, snapshot->gamma.rows() - 1);
    const Eigen::Index column = std::min<Eigen::Index>(m_column->value() - 1, snapshot->gamma.cols() - 1);
    m_job.request(
        [snapshot, row, column](const CancelPredicate &) {
            const ProblemView current{snapshot->problem->R, snapshot->problem->P, snapshot->gamma};
            Result result;
            result.snapshot = snapshot;
            result.derivation = deriveEntry(current, row, column, snapshot->convention);
            result.detail = entryDetail(current, row, column, snapshot->variant, snapshot->convention);
            return result;
        },
        [this](const Result &result) {
            show(result);
            emit computed();
        });
}

QString DerivationPanel::derivationSteps(GradientVariant variant, Convention convention) const {
    const bool half = convention == Convention::Half;
    const QString c = half ? QString() : QStringLiteral("2");
    const QStringList steps = {
        tr("The objective: f(γ) = ‖M‖² = ⟨M, M⟩ with the residual M = P∘(γγᵀ) − R%1.")
            .arg(half ? tr(" (here ½f, so every 2 below becomes 1)") : QString()),
        tr("The square's differential: df = 2⟨M, dM⟩."),
        tr("The residual's: dM = P∘(dγ γᵀ + γ dγᵀ), so df = 2⟨M, P∘(dγ γᵀ + γ dγᵀ)⟩."),
        tr("Move P across the inner product, ⟨M, P∘A⟩ = ⟨P∘M, A⟩: df = 2⟨P∘M, dγ γᵀ⟩ + 2⟨P∘M, γ dγᵀ⟩."),
        tr("Move the transpose, ⟨B, γ dγᵀ⟩ = ⟨Bᵀγ, dγ⟩ and ⟨B, dγ γᵀ⟩ = ⟨Bγ, dγ⟩ with B = P∘M: "
           "df = ⟨2(P∘M)γ + 2(Pᵀ∘Mᵀ)γ, dγ⟩."),
        tr("Read off the gradient: ∂f/∂γ = %1(P∘M + Pᵀ∘Mᵀ)γ.").arg(c),
        tr("Entry by entry: ∂f/∂γ_kc = %1Σ_j (P∘M)_kj γ_jc + %1Σ_i (P∘M)_ik γ_ic. The j = k term "
           "(P∘M)_kk γ_kc stands in both sums: it counts twice.")
            .arg(c),
    };
    const MistakeAt mistake = mistakeAt(variant);
    QString html = QStringLiteral("<h3>%1</h3><ol start='0'>").arg(tr("How the gradient is obtained"));
    for (int k = 0; k < steps.size(); ++k) {
        html += QStringLiteral("<li>%1").arg(steps[k].toHtmlEscaped());
        if (k == mistake.step)
            html +=
                QStringLiteral("<br><b style='color:#b2182b'>← %1</b>").arg(tr(mistake.how).toHtmlEscaped());
        html += QStringLiteral("</li>");
    }
    return html + QStringLiteral("</ol>");
}

QString DerivationPanel::numbers(const Result &result) const {
    const EntryDerivation &d = result.derivation;
    const Snapshot &snapshot = *result.snapshot;
    const QString c = d.factor == 2 ? QStringLiteral("2") : QString();
    QString html = QStringLiteral("<h3>%1</h3>")
                       .arg(tr("Entry k = %1, c = %2 at iteration %3")
                                .arg(d.row + 1)
                                .arg(d.column + 1)
                                .arg(snapshot.iteration));
    html += QStringLiteral("<table cellspacing='0' cellpadding='3' border='1'><tr><th>%1</th><th>%2</th>"
                           "<th>(P∘M)</th><th>γ</th><th>%3</th></tr>")
                .arg(tr("sum"), tr("index"), tr("term"));
    const int shown = std::min<int>(kTermsShown, int(d.terms.size()));
    double rest = 0;
    for (int t = 0; t < int(d.terms.size()); ++t) {
        const DerivationTerm &term = d.terms[std::size_t(t)];
        if (t >= shown) {
            rest += term.value;
            continue;
        }
        const bool diagonal = term.index == d.row;
        html +=
            QStringLiteral("<tr><td>%1</td><td>%2%3</td><td>%4</td><td>%5</td><td>%6</td></tr>")
                .arg(term.transposeSum ? tr("%1Σ_i (P∘M)_ik γ_ic").arg(c) : tr("%1Σ_j (P∘M)_kj γ_jc").arg(c))
                .arg(term.transposeSum ? QStringLiteral("i = ") : QStringLiteral("j = "))
                .arg(QString::number(term.index + 1) + (diagonal ? tr(" (= k)") : QString()))
                .arg(number(term.weighted), number(term.gamma), number(term.value));
    }
    html += QStringLiteral("</table>");
    if (int(d.terms.size()) > shown)
        html += tr("<p>… and %1 more terms, adding up to %2.</p>")
                    .arg(int(d.terms.size()) - shown)
                    .arg(number(rest));
    html += QStringLiteral("<table cellspacing='0' cellpadding='3'>");
    const auto row = [](const QString &name, const QString &value) {
        return QStringLiteral("<tr><td>%1</td><td align='right'><b>%2</b></td></tr>").arg(name, value);
    };
    html += row(tr("First term %1((P∘M)γ)_kc, the first sum").arg(c), number(d.firstTerm));
    html += row(tr("Transpose term %1((Pᵀ∘Mᵀ)γ)_kc, the second sum").arg(c), number(d.secondTerm));
    html += row(tr("Their sum: ∂f/∂γ_kc"), number(d.total()));
    html += row(tr("The j = k term, in each sum"), number(d.diagonal));
    html += row(tr("The selected formula gives"), number(result.detail.analytic));
    for (const EntryEstimate &estimate : result.detail.estimates)
        if (estimate.method == DifferenceMethod::Central)
            html += row(tr("Central difference, h = %1").arg(number(estimate.step)), number(estimate.value));
    html += QStringLiteral("</table>");
    return html;
}

void DerivationPanel::show(const Result &result) {
    m_result = result;
    if (!result.snapshot)
        return;
    const int scroll = m_text->verticalScrollBar()->value(); // live updates keep the reader's place
    m_text->setHtml(derivationSteps(result.snapshot->variant, result.snapshot->convention) + numbers(result));
    m_text->verticalScrollBar()->setValue(scroll);
}

} // namespace gradlens
