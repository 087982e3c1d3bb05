#include "problempanel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSpinBox>

namespace gradlens {

ProblemPanel::ProblemPanel(QWidget *parent)
    : QGroupBox(tr("Problem"), parent) {
    auto *form = new QFormLayout(this);
    m_n = new QSpinBox;
    m_n->setRange(1, 8000);
    m_n->setToolTip(tr("Size n: R and P are n×n, γ is n×r"));
    m_r = new QSpinBox;
    m_r->setRange(1, 64);
    m_r->setToolTip(tr("Rank r: the number of columns of γ"));
    m_seed = new QSpinBox;
    m_seed->setRange(0, 2147483647);
    m_seed->setToolTip(tr("Same seed, same matrices, on every machine"));
    m_weightKind = new QComboBox;
    m_weightKind->addItem(tr("Dense Gaussian"), int(WeightKind::Dense));
    m_weightKind->addItem(tr("Nonnegative"), int(WeightKind::Nonnegative));
    m_weightKind->addItem(tr("0/1 mask"), int(WeightKind::Mask));
    m_weightKind->addItem(tr("Symmetric"), int(WeightKind::Symmetric));
    m_weightKind->addItem(tr("Zero diagonal"), int(WeightKind::ZeroDiagonal));
    m_weightKind->setToolTip(tr("The weights P. With symmetric P and R some wrong gradients look right."));
    m_density = new QDoubleSpinBox;
    m_density->setRange(0, 1);
    m_density->setSingleStep(0.05);
    m_density->setToolTip(tr("Fraction of ones in the 0/1 mask"));
    m_targetKind = new QComboBox;
    m_targetKind->addItem(tr("Planted low rank + noise"), int(TargetKind::Planted));
    m_targetKind->addItem(tr("Random"), int(TargetKind::Random));
    m_targetKind->setToolTip(tr("Planted: R = P∘γ*γ*ᵀ + noise, so descent can find γ* (up to rotation)"));
    m_noise = new QDoubleSpinBox;
    m_noise->setDecimals(4);
    m_noise->setRange(0, 10);
    m_noise->setSingleStep(0.01);
    m_noise->setToolTip(tr("Standard deviation of the noise added to a planted R"));

    auto *sizes = new QHBoxLayout;
    sizes->addWidget(m_n);
    sizes->addWidget(new QLabel(tr("r")));
    sizes->addWidget(m_r);
    form->addRow(tr("n"), sizes);
    form->addRow(tr("Seed"), m_seed);
    form->addRow(tr("P"), m_weightKind);
    form->addRow(tr("Density"), m_density);
    form->addRow(tr("R"), m_targetKind);
    form->addRow(tr("Noise"), m_noise);

    m_source = new QLabel;
    m_source->setWordWrap(true);
    m_source->setToolTip(tr("Where the matrices in use came from"));
    form->addRow(tr("In use"), m_source);
    m_held = new QLabel;
    m_held->setWordWrap(true);
    m_held->setToolTip(tr("Read, but of another size than the problem in use: they are used once the other "
                          "matrices of their size are opened"));
    m_clearHeld = new QPushButton(tr("Clear"));
    m_clearHeld->setToolTip(tr("Forget the matrices waiting for the others of their size"));
    m_heldRow = new QHBoxLayout;
    m_heldRow->addWidget(m_held, 1);
    m_heldRow->addWidget(m_clearHeld, 0, Qt::AlignTop);
    form->addRow(tr("Waiting"), m_heldRow);
    connect(m_clearHeld, &QPushButton::clicked, this, &ProblemPanel::clearHeldRequested);
    showHeld(QString());

    auto *generate = new QPushButton(tr("&Generate"));
    generate->setToolTip(tr("Make R, P and γ from these settings (Ctrl+G)"));
    auto *randomize = new QPushButton(tr("Randomize &γ"));
    randomize->setToolTip(tr("A fresh starting γ with a new seed; R and P stay"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(generate);
    buttons->addWidget(randomize);
    form->addRow(buttons);

    connect(m_weightKind, &QComboBox::currentIndexChanged, this, [this] {
        m_density->setEnabled(WeightKind(m_weightKind->currentData().toInt()) == WeightKind::Mask);
    });
    connect(m_targetKind, &QComboBox::currentIndexChanged, this, [this] {
        m_noise->setEnabled(TargetKind(m_targetKind->currentData().toInt()) == TargetKind::Planted);
    });
    connect(generate, &QPushButton::clicked, this, [this] { emit generateRequested(options()); });
    connect(randomize, &QPushButton::clicked, this,
            [this] { emit randomizeGammaRequested(QRandomGenerator::global()->generate64()); });
    setOptions(GeneratorOptions{});
}

void ProblemPanel::showProblem(Eigen::Index n, Eigen::Index r, const QString &source) {
    m_n->setValue(static_cast<int>(std::min<Eigen::Index>(n, m_n->maximum())));
    m_r->setValue(static_cast<int>(std::min<Eigen::Index>(r, m_r->maximum())));
    m_source->setText(tr("n = %1, r = %2: %3").arg(n).arg(r).arg(source));
}

void ProblemPanel::showHeld(const QString &description) {
    m_held->setText(description);
    static_cast<QFormLayout *>(layout())->setRowVisible(m_heldRow, !description.isEmpty());
}

QString ProblemPanel::sourceText() const {
    return m_source->text();
}

QString ProblemPanel::heldText() const {
    return m_held->text();
}

GeneratorOptions ProblemPanel::options() const {
    GeneratorOptions options;
    options.n = m_n->value();
    options.r = m_r->value();
    options.seed = static_cast<std::uint64_t>(m_seed->value());
    options.weightKind = WeightKind(m_weightKind->currentData().toInt());
    options.maskDensity = m_density->value();
    options.targetKind = TargetKind(m_targetKind->currentData().toInt());
    options.noise = m_noise->value();
    return options;
}

void ProblemPanel::setOptions(const GeneratorOptions &options) {
    m_n->setValue(static_cast<int>(options.n));
    m_r->setValue(static_cast<int>(options.r));
    m_seed->setValue(static_cast<int>(options.seed % 2147483648ULL));
    m_weightKind->setCurrentIndex(m_weightKind->findData(int(options.weightKind)));
    m_density->setValue(options.maskDensity);
    m_density->setEnabled(options.weightKind == WeightKind::Mask);
    m_targetKind->setCurrentIndex(m_targetKind->findData(int(options.targetKind)));
    m_noise->setValue(options.noise);
    m_noise->setEnabled(options.targetKind == TargetKind::Planted);
}

} // namespace gradlens
