#pragma once

#include "gradientforms.h"
#include "problem.h"
#include "snapshot.h"

#include <QGroupBox>

class QAction;
class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

namespace gradlens {

// The numerical method, its step (automatic or manual), how often descent checks the gradient, the
// convention f or ½f, and the "Check now" action (Ctrl+K).
class CheckPanel : public QGroupBox {
    Q_OBJECT
public:
    explicit CheckPanel(QWidget *parent = nullptr);

    CheckSettings settings() const;
    void setSettings(const CheckSettings &settings);
    Convention convention() const;
    void setConvention(Convention convention);
    // The formula "the analytic gradient" comes from: correct, entry-wise, or a teaching mistake.
    GradientVariant variant() const;
    void setVariant(GradientVariant variant);
    QAction *checkAction() const { return m_checkNow; }

signals:
    void settingsChanged();

private:
    QComboBox *m_method, *m_convention, *m_variant;
    QCheckBox *m_automaticStep, *m_pauseOnFailure;
    QLineEdit *m_step;
    QSpinBox *m_every;
    QAction *m_checkNow;
};

} // namespace gradlens
