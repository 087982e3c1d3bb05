#include "gradientprogramdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace gradlens {

GradientProgramDialog::GradientProgramDialog(const GradientProgramOptions &initial, QWidget *parent)
    : QDialog(parent) {
    setWindowTitle(tr("Gradient from a program"));
    auto *explanation = new QLabel(
        tr("<p>Your program is run for every γ the window needs (the current one, and each step of "
           "descent), without a shell, with four paths appended: <b>R</b>, <b>P</b>, <b>γ</b> and the "
           "<b>output</b>. It reads the three matrices and writes ∂f/∂γ (n×r, like γ) to the output; "
           "under ½f, the gradient of ½f.</p><p>For example <tt>python3 my_gradient.py</tt> or "
           "<tt>octave --no-gui --quiet my_gradient.m</tt> (with the CSV format).</p>"));
    explanation->setWordWrap(true);
    m_command = new QLineEdit(initial.commandLine);
    m_command->setPlaceholderText(tr("python3 my_gradient.py"));
    m_command->setMinimumWidth(m_command->fontMetrics().horizontalAdvance(QLatin1Char('m')) * 36);
    m_format = new QComboBox;
    m_format->addItem(tr("NumPy .npy"), int(ExchangeFormat::Npy));
    m_format->addItem(tr("CSV (comma-separated)"), int(ExchangeFormat::Csv));
    m_format->addItem(tr("Matrix Market .mtx"), int(ExchangeFormat::Mtx));
    m_format->setCurrentIndex(m_format->findData(int(initial.format)));
    m_timeout = new QDoubleSpinBox;
    m_timeout->setRange(0.1, 86400);
    m_timeout->setDecimals(1);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setValue(initial.timeoutMs / 1000.0);
    m_timeout->setToolTip(tr("A run of the program that takes longer is stopped and reported"));
    auto *form = new QFormLayout;
    form->addRow(tr("Command"), m_command);
    form->addRow(tr("Files"), m_format);
    form->addRow(tr("Timeout"), m_timeout);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Use this program"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(explanation);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    const auto updateOk = [this, buttons] {
        QStringList words;
        buttons->button(QDialogButtonBox::Ok)
            ->setEnabled(splitCommandLine(m_command->text(), words) && !words.isEmpty());
    };
    connect(m_command, &QLineEdit::textChanged, this, updateOk);
    updateOk();
}

GradientProgramOptions GradientProgramDialog::options() const {
    GradientProgramOptions options;
    options.commandLine = m_command->text().trimmed();
    options.format = ExchangeFormat(m_format->currentData().toInt());
    options.timeoutMs = int(m_timeout->value() * 1000);
    return options;
}

} // namespace gradlens
