#pragma once

#include <QDialog>

class QComboBox;
class QSpinBox;

namespace gradlens {

// What to record of descent and how: a heatmap or the whole window, a frame every k steps, how many
// frames, how long each shows, as an animated GIF or a PNG sequence.
class RecordDialog : public QDialog {
    Q_OBJECT
public:
    // targets: the names of what can be recorded, in order (the heatmaps, then the whole window).
    RecordDialog(const QStringList &targets, QWidget *parent = nullptr);

    int target() const;
    int everySteps() const;
    int frames() const;
    int frameMilliseconds() const;
    bool pngSequence() const;

private:
    QComboBox *m_target, *m_format;
    QSpinBox *m_every, *m_frames, *m_duration;
};

} // namespace gradlens
