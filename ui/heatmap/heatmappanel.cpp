#include "heatmappanel.h"

#include "heatmapwidget.h"

#include <QActionGroup>
#include <QMenu>
#include <QVBoxLayout>

namespace gradlens {

namespace {

constexpr ViewKind kSelectable[] = {ViewKind::Residual,          ViewKind::Gradient,
                                    ViewKind::Deviation,         ViewKind::Target,
                                    ViewKind::Weights,           ViewKind::Outer,
                                    ViewKind::WeightedResidual,  ViewKind::Gamma,
                                    ViewKind::GradientFirstTerm, ViewKind::GradientSecondTerm,
                                    ViewKind::NumericGradient};

QString titleOf(ViewKind kind) {
    return QString::fromUtf8(viewName(kind).data(), qsizetype(viewName(kind).size()));
}

} // namespace

HeatmapPanel::HeatmapPanel(ViewKind initial, QWidget *parent)
    : QWidget(parent) {
    // What the heatmap shows is chosen from a menu on its title: the title wraps where the panel is
    // narrow, where a selector of its own would have needed the longest name's width.
    m_menu = new QMenu(this);
    auto *group = new QActionGroup(this);
    for (ViewKind kind : kSelectable) {
        QAction *action = m_menu->addAction(titleOf(kind));
        action->setCheckable(true);
        action->setData(int(kind));
        group->addAction(action);
    }
    m_heatmap = new HeatmapWidget;
    m_heatmap->setTitleMenuHint(tr("Click the title to choose what this heatmap shows"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_heatmap, 1);
    m_view = initial;
    for (QAction *action : group->actions())
        action->setChecked(action->data().toInt() == int(initial));
    connect(group, &QActionGroup::triggered, this,
            [this](QAction *action) { setView(ViewKind(action->data().toInt())); });
    connect(m_heatmap, &HeatmapWidget::titleClicked, this,
            [this](const QPoint &globalPosition) { m_menu->popup(globalPosition); });
    connect(m_heatmap, &HeatmapWidget::cellClicked, this,
            [this](int row, int column) { emit cellClicked(view(), row, column); });
}

QString HeatmapPanel::viewTitle() const {
    return titleOf(m_view);
}

QString HeatmapPanel::viewFileStem() const {
    static const char *const stems[] = {"residual",
                                        "gradient",
                                        "deviation",
                                        "R",
                                        "P",
                                        "outer",
                                        "weighted-residual",
                                        "gamma",
                                        "gradient-term1",
                                        "gradient-term2",
                                        "numeric-gradient"};
    static_assert(std::size(stems) == std::size_t(ViewKind::NumericGradient) + 1);
    return QLatin1String(stems[int(m_view)]);
}

ViewKind HeatmapPanel::view() const {
    return m_view;
}

void HeatmapPanel::setView(ViewKind kind) {
    for (QAction *action : m_menu->actions())
        action->setChecked(action->data().toInt() == int(kind));
    if (kind == m_view)
        return;
    m_view = kind;
    refresh();
}

bool HeatmapPanel::isBusy() const {
    return m_compute.isBusy() || m_heatmap->isRendering();
}

void HeatmapPanel::showSnapshot(const SnapshotPointer &snapshot) {
    m_snapshot = snapshot;
    refresh();
}

void HeatmapPanel::refresh() {
    m_compute.cancel(); // whatever it was computing is not what is to be shown now
    const SnapshotPointer snapshot = m_snapshot;
    if (!snapshot || !snapshot->problem)
        return;
    const ViewKind kind = view();
    const QString title = titleOf(kind);
    m_heatmap->setClickHint(isFactorShaped(kind) ? tr("everything about that entry of the gradient")
                                                 : QString());
    m_heatmap->setColorBarMarker(0, QString());
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
        m_heatmap->setColorBarMarker(snapshot->deviationThreshold, tr("threshold"));
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
    case ViewKind::NumericGradient:
        if (!snapshot->numeric) {
            m_heatmap->setPlaceholder(title, tr("No gradient check yet: press Ctrl+K (Check now)."));
            return;
        }
        direct = snapshot->numeric;
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
    m_compute.request(
        [snapshot, kind](const CancelPredicate &) {
            ViewInputs inputs;
            inputs.R = &snapshot->problem->R;
            inputs.P = &snapshot->problem->P;
            inputs.gamma = &snapshot->gamma;
            inputs.residual = snapshot->residual.get();
            inputs.convention = snapshot->convention;
            return std::make_shared<const Eigen::MatrixXd>(viewMatrix(kind, inputs));
        },
        [this, kind, title](const std::shared_ptr<const Eigen::MatrixXd> &matrix) {
            m_heatmap->setMatrix(matrix, viewScale(kind), title);
        });
}

} // namespace gradlens
