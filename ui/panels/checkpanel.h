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
    // The formula "the analytic gradient" comes from: correct, entry-wise, or a teaching mistake (the last
    // formula chosen, while the user's gradient is in use).
    GradientVariant variant() const;
    void setVariant(GradientVariant variant);
    // The selector's last two items bring the user's own gradient: choosing one asks the window
    // (userGradientRequested), which then shows what it got ("From file: G.npy") or goes back.
    enum class UserGradientKind { File, Program };
    bool usesUserGradient() const;
    void setUserGradientLabel(UserGradientKind kind, const QString &label);
    void showFormula(); // back to the last formula, after a cancelled choice
    QAction *checkAction() const { return m_checkNow; }

signals:
    void settingsChanged();
    void userGradientRequested(gradlens::CheckPanel::UserGradientKind kind);

private:
    QComboBox *m_method, *m_convention, *m_variant;
    QCheckBox *m_automaticStep, *m_pauseOnFailure;
    QLineEdit *m_step;
    QSpinBox *m_every;
    QAction *m_checkNow;
    int m_formulaIndex = 0;                                 // of the formula last chosen in m_variant
    static constexpr int kFromFile = -1, kFromProgram = -2; // item data of the two user-gradient items

    void resetUserItems();
};

} // namespace gradlens
