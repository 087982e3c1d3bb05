#include "heatmappanel.h"

#include "heatmapwidget.h"

#include <QComboBox>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace gradlens {

namespace {

constexpr ViewKind kSelectable[] = {ViewKind::Residual,          ViewKind::Gradient,
                                    ViewKind::Deviation,         ViewKind::Target,
                                    ViewKind::Weights,           ViewKind::Outer,
                                    ViewKind::WeightedResidual,  ViewKind::Gamma,
                                    ViewKind::GradientFirstTerm, ViewKind::GradientSecondTerm};

QString titleOf(ViewKind kind) {
    return QString::fromUtf8(viewName(kind).data(), qsizetype(viewName(kind).size()));
}

} // namespace

HeatmapPanel::HeatmapPanel(ViewKind initial, QWidget *parent)
    : QWidget(parent) {
    m_selector = new QComboBox;
    for (ViewKind kind : kSelectable)
        m_selector->addItem(titleOf(kind), int(kind));
    m_selector->setToolTip(tr("What this heatmap shows"));
    m_heatmap = new HeatmapWidget;
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_selector);
    layout->addWidget(m_heatmap, 1);
    setView(initial);
    connect(m_selector, &QComboBox::currentIndexChanged, this, &HeatmapPanel::refresh);
    connect(m_heatmap, &HeatmapWidget::cellClicked, this,
            [this](int row, int column) { emit cellClicked(view(), row, column); });
    connect(&m_compute, &QFutureWatcher<std::shared_ptr<const Eigen::MatrixXd>>::finished, this, [this] {
        if (m_computing == m_request && m_snapshot) // the latest request wins
            m_heatmap->setMatrix(m_compute.result(), viewScale(view()), titleOf(view()));
        if (m_computing != m_request)
            refresh();
    });
}

ViewKind HeatmapPanel::view() const {
    return ViewKind(m_selector->currentData().toInt());
}

void HeatmapPanel::setView(ViewKind kind) {
    m_selector->setCurrentIndex(m_selector->findData(int(kind)));
}

bool HeatmapPanel::isBusy() const {
    return m_compute.isRunning() || m_heatmap->isRendering();
}

void HeatmapPanel::showSnapshot(const SnapshotPointer &snapshot) {
    m_snapshot = snapshot;
    refresh();
}

void HeatmapPanel::refresh() {
    ++m_request;
    const SnapshotPointer snapshot = m_snapshot;
    if (!snapshot || !snapshot->problem)
        return;
    const ViewKind kind = view();
    const QString title = titleOf(kind);
    // What the snapshot already holds is shown as is (shared, not copied).
    std::shared_ptr<const Eigen::MatrixXd> direct;
    switch (kind) {
    case ViewKind::Residual:
        direct = snapshot->residual;
        break;
    case ViewKind::Gradient:
        direct = std::shared_ptr<const Eigen::MatrixXd>(snapshot, &snapshot->gradient);
        break;
    case ViewKind::Deviation:
        if (!snapshot->deviation) {
            m_heatmap->setPlaceholder(title, tr("No gradient check yet.\nPress Ctrl+K (Check now) or set "
                                                "\"During descent\" to check every few iterations."));
            return;
        }
        direct = snapshot->deviation;
        break;
    case ViewKind::Target:
        direct = std::shared_ptr<const Eigen::MatrixXd>(snapshot->problem, &snapshot->problem->R);
        break;
    case ViewKind::Weights:
        direct = std::shared_ptr<const Eigen::MatrixXd>(snapshot->problem, &snapshot->problem->P);
        break;
    case ViewKind::Gamma:
        direct = std::shared_ptr<const Eigen::MatrixXd>(snapshot, &snapshot->gamma);
        break;
    default:
        break;
    }
    if (kind == ViewKind::Deviation && !snapshot->guardExplanation.isEmpty())
        m_heatmap->setNotice(tr("Not a verdict: ") + snapshot->guardExplanation);
    else if (kind == ViewKind::Deviation && snapshot->deviationIteration != snapshot->iteration)
        m_heatmap->setNotice(tr("From the check at iteration %1").arg(snapshot->deviationIteration));
    else
        m_heatmap->setNotice(QString());
    if (direct) {
        m_heatmap->setMatrix(direct, viewScale(kind), title);
        return;
    }
    if (m_compute.isRunning())
        return; // refresh() runs again when it finishes, with the latest snapshot and view
    m_computing = m_request;
    m_compute.setFuture(QtConcurrent::run([snapshot, kind] {
        ViewInputs inputs;
        inputs.R = &snapshot->problem->R;
        inputs.P = &snapshot->problem->P;
        inputs.gamma = &snapshot->gamma;
        inputs.residual = snapshot->residual.get();
        inputs.convention = snapshot->convention;
        return std::make_shared<const Eigen::MatrixXd>(viewMatrix(kind, inputs));
    }));
}

} // namespace gradlens
