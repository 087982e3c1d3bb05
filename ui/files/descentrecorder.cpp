#include "descentrecorder.h"

#include "descentcontroller.h"
#include "figures.h"
#include "gifwriter.h"

#include <QDir>
#include <QFileInfo>
#include <QWidget>

#include <string>

namespace gradlens {

DescentRecorder::DescentRecorder(DescentController *controller,
                                 std::function<void(std::function<void()>)> whenSettled, QObject *parent)
    : QObject(parent)
    , m_controller(controller)
    , m_whenSettled(std::move(whenSettled)) {}

DescentRecorder::~DescentRecorder() = default;

Status DescentRecorder::validate(const Options &options) {
    if (!options.target)
        return Status::failure("nothing to record");
    if (options.everySteps < 1 || options.everySteps > kMaxEverySteps)
        return Status::failure("steps between frames must be 1 to " + std::to_string(kMaxEverySteps));
    if (options.maxFrames < 1 || options.maxFrames > kMaxFrames)
        return Status::failure("the number of frames must be 1 to " + std::to_string(kMaxFrames));
    if (options.frameMilliseconds < kMinFrameMilliseconds ||
        options.frameMilliseconds > kMaxFrameMilliseconds)
        return Status::failure("a frame must show for " + std::to_string(kMinFrameMilliseconds) + " to " +
                               std::to_string(kMaxFrameMilliseconds) + " ms");
    if (options.path.isEmpty())
        return Status::failure("no file or folder to record into");
    return Status::success();
}

void DescentRecorder::start(const Options &options) {
    if (const Status valid = validate(options); !valid)
        return end(tr("Cannot record: %1.").arg(QString::fromStdString(valid.message)), false);
    if (options.pngSequence && !QDir().mkpath(options.path))
        return end(tr("Cannot record: %1 cannot be created.").arg(QDir::toNativeSeparators(options.path)),
                   false);
    m_options = options;
    m_frameSize = options.target->size();
    m_gif.reset(options.pngSequence ? nullptr
                                    : new GifWriter(m_frameSize, (options.frameMilliseconds + 5) / 10));
    m_frames = 0;
    m_lastIteration = -1;
    m_recording = true;
    ++m_run;
    captureWhenSettled();
}

void DescentRecorder::captureWhenSettled() {
    m_whenSettled([this, run = m_run] {
        if (run == m_run) // (not a recording that ended meanwhile)
            captureFrame();
    });
}

void DescentRecorder::cancel() {
    if (m_recording)
        end(tr("Recording cancelled; nothing was written."), false);
}

void DescentRecorder::captureFrame() {
    const SnapshotPointer snapshot = m_controller->latest();
    const int iteration = snapshot ? snapshot->iteration : -1;
    if (iteration == m_lastIteration) // descent did not move (converged, diverged, the limit reached)
        return end(QString(), true);
    if (m_frames == 0)
        m_firstIteration = iteration;
    m_lastIteration = iteration;
    // Drawn at the size the recording started with (the window may have been resized since), not drawn
    // at the window's size and resampled.
    const QImage frame = renderFigure(m_options.target, m_frameSize);
    Status added;
    if (m_gif)
        added = m_gif->addFrame(frame);
    else {
        const QString path =
            QDir(m_options.path)
                .filePath(QStringLiteral("frame-%1.png").arg(m_frames + 1, 4, 10, QLatin1Char('0')));
        if (!frame.save(path, "PNG"))
            added = Status::failure(path.toStdString() + ": cannot be written");
    }
    if (!added)
        return end(tr("Recording stopped: %1").arg(QString::fromStdString(added.message)), false);
    ++m_frames;
    emit progress(tr("Recording frame %1 of %2").arg(m_frames).arg(m_options.maxFrames),
                  double(m_frames) / m_options.maxFrames);
    if (m_frames >= m_options.maxFrames)
        return end(QString(), true);
    m_controller->step(m_options.everySteps);
    captureWhenSettled();
}

void DescentRecorder::end(const QString &message, bool ok) {
    m_recording = false;
    ++m_run; // a capture still queued does nothing
    QString text = message;
    if (ok) {
        const QString where = QDir::toNativeSeparators(m_options.path);
        Status written;
        if (m_gif)
            written = m_gif->finish(m_options.path);
        text = written ? tr("Recorded %1 frames (iterations %2 to %3, every %4) to %5.")
                             .arg(m_frames)
                             .arg(m_firstIteration)
                             .arg(m_lastIteration)
                             .arg(m_options.everySteps)
                             .arg(where)
                       : tr("Recording failed: %1").arg(QString::fromStdString(written.message));
        ok = bool(written);
    }
    m_gif.reset();
    emit progress(QString(), 0);
    emit finished(text, ok);
}

} // namespace gradlens
