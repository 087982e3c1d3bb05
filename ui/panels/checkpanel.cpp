#include "checkpanel.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleValidator>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QLocale>
#include <QSpinBox>
#include <QToolButton>

namespace gradlens {

CheckPanel::CheckPanel(QWidget *parent)
    : QGroupBox(tr("Gradient check"), parent) {
    auto *form = new QFormLayout(this);
    m_method = new QComboBox;
    m_method->addItem(tr("Central difference"), int(DifferenceMethod::Central));
    m_method->addItem(tr("Forward difference"), int(DifferenceMethod::Forward));
    m_method->addItem(tr("Backward difference"), int(DifferenceMethod::Backward));
    m_method->addItem(tr("Complex step"), int(DifferenceMethod::ComplexStep));
    m_method->addItem(tr("Ridders extrapolation"), int(DifferenceMethod::Ridders));
    m_method->setToolTip(tr("How the numerical gradient is computed. Central: error ~h²; forward/backward: "
                            "~h; complex step: exact to rounding; Ridders: extrapolated to h → 0"));
    m_automaticStep = new QCheckBox(tr("automatic"));
    m_automaticStep->setToolTip(tr("A step per entry from machine precision and the scale of γ"));
    m_step = new QLineEdit;
    m_step->setValidator(new QDoubleValidator(1e-300, 1e3, 17, m_step));
    m_step->setToolTip(tr("The step h for every entry (e.g. 1e-6)"));
    m_every = new QSpinBox;
    m_every->setRange(0, 100000);
    m_every->setSpecialValueText(tr("off"));
    m_every->setPrefix(tr("every "));
    m_every->setSuffix(tr(" iterations"));
    m_every->setToolTip(tr("Recompute the numerical gradient every k iterations during descent (0: off)"));
    m_convention = new QComboBox;
    m_convention->addItem(tr("f = ‖R − P∘γγᵀ‖²"), int(Convention::Full));
    m_convention->addItem(tr("½f (gradient halves)"), int(Convention::Half));
    m_convention->setToolTip(tr("Which objective the loss and the gradient refer to"));

    m_variant = new QComboBox;
    m_variant->addItem(tr("Correct: 2(P∘M + Pᵀ∘Mᵀ)γ"), int(GradientVariant::Correct));
    m_variant->addItem(tr("Entry-wise sums"), int(GradientVariant::Entrywise));
    m_variant->addItem(tr("Mistake: drop Pᵀ∘Mᵀ, 4(P∘M)γ"), int(GradientVariant::DropTranspose));
    m_variant->addItem(tr("Mistake: drop the factor 2"), int(GradientVariant::DropFactorTwo));
    m_variant->addItem(tr("Mistake: M instead of P∘M"), int(GradientVariant::NoOuterP));
    m_variant->addItem(tr("Mistake: flip the sign of M"), int(GradientVariant::FlipSign));
    m_variant->addItem(tr("Mistake: the j = k term counted once"), int(GradientVariant::DiagonalOnce));
    m_variant->insertSeparator(m_variant->count());
    m_variant->addItem(tr("From a file…"), kFromFile);
    m_variant->addItem(tr("From a program…"), kFromProgram);
    m_variant->setToolTip(
        tr("Which formula the window calls \"the analytic gradient\": descent, the heatmaps "
           "and every check use it. Pick a mistake to see how checks catch it."));
    m_pauseOnFailure = new QCheckBox(tr("Pause when a check fails"));
    m_pauseOnFailure->setToolTip(
        tr("Stop a run when the deviation or the Taylor slope says the gradient is wrong"));
    auto *step = new QHBoxLayout;
    step->addWidget(m_automaticStep);
    step->addWidget(m_step, 1);
    form->addRow(tr("Formula"), m_variant);
    form->addRow(tr("Method"), m_method);
    form->addRow(tr("Step h"), step);
    form->addRow(tr("During descent"), m_every);
    form->addRow(QString(), m_pauseOnFailure);
    form->addRow(tr("Objective"), m_convention);
    m_checkNow = new QAction(tr("Check now"), this);
    m_checkNow->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    m_checkNow->setToolTip(tr("Compare the analytic gradient with the numerical one now (Ctrl+K)"));
    auto *button = new QToolButton;
    button->setDefaultAction(m_checkNow);
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    form->addRow(button);

    connect(m_method, &QComboBox::currentIndexChanged, this, &CheckPanel::settingsChanged);
    connect(m_convention, &QComboBox::currentIndexChanged, this, &CheckPanel::settingsChanged);
    connect(m_every, &QSpinBox::valueChanged, this, &CheckPanel::settingsChanged);
    connect(m_variant, &QComboBox::currentIndexChanged, this, [this](int index) {
        const int data = m_variant->itemData(index).toInt();
        if (data == kFromFile || data == kFromProgram) {
            emit userGradientRequested(data == kFromFile ? UserGradientKind::File
                                                         : UserGradientKind::Program);
            return; // the window asks, then calls setUserGradientLabel or showFormula
        }
        m_formulaIndex = index;
        resetUserItems();
        emit settingsChanged();
    });
    connect(m_pauseOnFailure, &QCheckBox::toggled, this, &CheckPanel::settingsChanged);
    connect(m_step, &QLineEdit::editingFinished, this, &CheckPanel::settingsChanged);
    connect(m_automaticStep, &QCheckBox::toggled, this, [this](bool automatic) {
        m_step->setEnabled(!automatic);
        emit settingsChanged();
    });
    setSettings(CheckSettings{});
}

CheckSettings CheckPanel::settings() const {
    CheckSettings settings;
    settings.method = DifferenceMethod(m_method->currentData().toInt());
    bool ok = false;
    const double step = QLocale::c().toDouble(m_step->text(), &ok);
    settings.step = m_automaticStep->isChecked() || !ok || !(step > 0) ? 0.0 : step;
    settings.everyIterations = m_every->value();
    settings.pauseOnFailure = m_pauseOnFailure->isChecked();
    return settings;
}

void CheckPanel::setSettings(const CheckSettings &settings) {
    const QSignalBlocker a(m_method), b(m_automaticStep), c(m_every);
    m_method->setCurrentIndex(m_method->findData(int(settings.method)));
    m_automaticStep->setChecked(settings.step == 0);
    m_step->setEnabled(settings.step != 0);
    m_step->setText(QLocale::c().toString(settings.step > 0 ? settings.step : 1e-6, 'g', 6));
    m_every->setValue(settings.everyIterations);
    const QSignalBlocker d(m_pauseOnFailure);
    m_pauseOnFailure->setChecked(settings.pauseOnFailure);
}

GradientVariant CheckPanel::variant() const {
    return GradientVariant(m_variant->itemData(m_formulaIndex).toInt());
}

void CheckPanel::setVariant(GradientVariant variant) {
    m_variant->setCurrentIndex(m_variant->findData(int(variant)));
}

bool CheckPanel::usesUserGradient() const {
    const int data = m_variant->currentData().toInt();
    return data == kFromFile || data == kFromProgram;
}

void CheckPanel::setUserGradientLabel(UserGradientKind kind, const QString &label) {
    resetUserItems();
    const int index = m_variant->findData(kind == UserGradientKind::File ? kFromFile : kFromProgram);
    m_variant->setItemText(index, label);
    const QSignalBlocker blocker(m_variant);
    m_variant->setCurrentIndex(index);
}

void CheckPanel::showFormula() {
    resetUserItems();
    const QSignalBlocker blocker(m_variant);
    m_variant->setCurrentIndex(m_formulaIndex);
}

void CheckPanel::resetUserItems() {
    m_variant->setItemText(m_variant->findData(kFromFile), tr("From a file…"));
    m_variant->setItemText(m_variant->findData(kFromProgram), tr("From a program…"));
}

Convention CheckPanel::convention() const {
    return Convention(m_convention->currentData().toInt());
}

void CheckPanel::setConvention(Convention convention) {
    const QSignalBlocker blocker(m_convention);
    m_convention->setCurrentIndex(m_convention->findData(int(convention)));
}

} // namespace gradlens
