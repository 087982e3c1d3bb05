#pragma once

#include "gradientprogram.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;

namespace gradlens {

// Asks for the user's gradient program: the command line, the exchange format and the timeout, with the
// protocol explained in the dialog.
class GradientProgramDialog : public QDialog {
    Q_OBJECT
public:
    explicit GradientProgramDialog(const GradientProgramOptions &initial, QWidget *parent = nullptr);
    GradientProgramOptions options() const;

private:
    QLineEdit *m_command;
    QComboBox *m_format;
    QDoubleSpinBox *m_timeout;
};

} // namespace gradlens
