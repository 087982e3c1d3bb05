#pragma once

#include "status.h"

#include <QObject>
#include <QSize>
#include <QString>

#include <functional>
#include <memory>

class QWidget;

namespace gradlens {

class DescentController;
class GifWriter;

// Records descent for slides: a frame of a widget (a heatmap, or the whole window) now and after every k
// steps, into an animated GIF or a numbered PNG sequence. It steps the controller itself and grabs each
// frame once the window has settled, so every frame shows exactly iteration 0, k, 2k, … It stops after the
// frames asked for, when descent stops moving, or on cancel; a GIF is written only when complete.
class DescentRecorder : public QObject {
    Q_OBJECT
public:
    // The ranges validate() accepts (the dialog and the command line offer the same).
    static constexpr int kMaxEverySteps = 1'000'000;
    static constexpr int kMaxFrames = 10'000;
    static constexpr int kMinFrameMilliseconds = 10, kMaxFrameMilliseconds = 10'000;
    struct Options {
        QWidget *target = nullptr;
        int everySteps = 1;
        int maxFrames = 100;
        int frameMilliseconds = 100; // GIF: how long each frame shows
        QString path;                // a .gif file, or a folder for frame-0001.png, …
        bool pngSequence = false;
    };
    // whenSettled(done): done runs once nothing is computing or painting (MainWindow::whenSettled).
    DescentRecorder(DescentController *controller, std::function<void(std::function<void()>)> whenSettled,
                    QObject *parent = nullptr);
    ~DescentRecorder() override;

    static Status validate(const Options &options);
    void start(const Options &options);
    void cancel();
    bool isRecording() const { return m_recording; }

signals:
    void progress(const QString &what, double fraction);
    void finished(const QString &message, bool ok); // where the frames went, or why not

private:
    void captureWhenSettled();
    void captureFrame();
    void end(const QString &message, bool ok);

    DescentController *m_controller;
    std::function<void(std::function<void()>)> m_whenSettled;
    Options m_options;
    std::unique_ptr<GifWriter> m_gif;
    QSize m_frameSize;
    int m_frames = 0;
    int m_firstIteration = 0, m_lastIteration = -1;
    bool m_recording = false;
    quint64 m_run = 0; // identifies the recording a queued capture belongs to
};

} // namespace gradlens
