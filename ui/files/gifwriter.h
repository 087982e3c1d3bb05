#pragma once

#include "status.h"

#include <QByteArray>
#include <QImage>
#include <QString>

struct GifFileType;

namespace gradlens {

// An animated GIF (looping) built frame by frame with giflib, each frame reduced to a 256-colour palette of
// its own. It is assembled in memory and written in one atomic save by finish(): a cancelled or failed
// recording leaves no half-written file.
class GifWriter {
public:
    GifWriter(QSize size, int delayCentiseconds);
    ~GifWriter();
    GifWriter(const GifWriter &) = delete;
    GifWriter &operator=(const GifWriter &) = delete;

    Status addFrame(const QImage &frame); // scaled to the writer's size when it differs
    Status finish(const QString &path);

private:
    Status fail(const char *what);

    QSize m_size;
    int m_delay;
    QByteArray m_bytes;
    GifFileType *m_gif = nullptr;
    int m_frames = 0;
    Status m_status;
};

} // namespace gradlens
