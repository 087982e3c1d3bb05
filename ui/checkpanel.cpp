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

CheckPanel::CheckPanel(QWidget *parent) : QGroupBox(tr("Gradient check"), parent) {
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

    auto *step = new QHBoxLayout;
    step->addWidget(m_automaticStep);
    step->addWidget(m_step, 1);
    form->addRow(tr("Method"), m_method);
    form->addRow(tr("Step h"), step);
    form->addRow(tr("During descent"), m_every);
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
    return settings;
}

void CheckPanel::setSettings(const CheckSettings &settings) {
    const QSignalBlocker a(m_method), b(m_automaticStep), c(m_every);
    m_method->setCurrentIndex(m_method->findData(int(settings.method)));
    m_automaticStep->setChecked(settings.step == 0);
    m_step->setEnabled(settings.step != 0);
    m_step->setText(QLocale::c().toString(settings.step > 0 ? settings.step : 1e-6, 'g', 6));
    m_every->setValue(settings.everyIterations);
}

Convention CheckPanel::convention() const { return Convention(m_convention->currentData().toInt()); }

void CheckPanel::setConvention(Convention convention) {
    const QSignalBlocker blocker(m_convention);
    m_convention->setCurrentIndex(m_convention->findData(int(convention)));
}

} // namespace gradlens
