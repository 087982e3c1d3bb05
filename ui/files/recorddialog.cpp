#include "recorddialog.h"

#include "descentrecorder.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QPushButton>
#include <QSpinBox>

namespace gradlens {

RecordDialog::RecordDialog(const QStringList &targets, QWidget *parent)
    : QDialog(parent) {
    setWindowTitle(tr("Record descent"));
    m_target = new QComboBox;
    m_target->addItems(targets);
    m_target->setToolTip(tr("A heatmap alone, for a slide, or the whole window"));
    m_every = new QSpinBox;
    m_every->setRange(1, DescentRecorder::kMaxEverySteps);
    m_every->setValue(1);
    m_every->setToolTip(tr("Descent steps between two frames"));
    m_frames = new QSpinBox;
    m_frames->setRange(1, DescentRecorder::kMaxFrames);
    m_frames->setValue(60);
    m_frames->setToolTip(tr("Recording stops after this many frames, or earlier when descent stops moving"));
    m_duration = new QSpinBox;
    m_duration->setRange(DescentRecorder::kMinFrameMilliseconds, DescentRecorder::kMaxFrameMilliseconds);
    m_duration->setSingleStep(10);
    m_duration->setValue(100);
    m_duration->setSuffix(tr(" ms"));
    m_duration->setToolTip(tr("How long each frame of the GIF shows"));
    m_format = new QComboBox;
    m_format->addItem(tr("Animated GIF"));
    m_format->addItem(tr("PNG sequence (a folder of frames)"));
    connect(m_format, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_duration->setEnabled(index == 0); });
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Record…"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Record"), m_target);
    form->addRow(tr("Steps between frames"), m_every);
    form->addRow(tr("Frames at most"), m_frames);
    form->addRow(tr("Each frame shows"), m_duration);
    form->addRow(tr("As"), m_format);
    form->addRow(buttons);
}

int RecordDialog::target() const {
    return m_target->currentIndex();
}
int RecordDialog::everySteps() const {
    return m_every->value();
}
int RecordDialog::frames() const {
    return m_frames->value();
}
int RecordDialog::frameMilliseconds() const {
    return m_duration->value();
}
bool RecordDialog::pngSequence() const {
    return m_format->currentIndex() == 1;
}

} // namespace gradlens
