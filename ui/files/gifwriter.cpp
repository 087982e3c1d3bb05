#include "gifwriter.h"

#include "savefile.h"

#include <gif_lib.h>

#include <cstring>
#include <vector>

namespace gradlens {

namespace {

int appendToBytes(GifFileType *gif, const GifByteType *data, int length) {
    static_cast<QByteArray *>(gif->UserData)->append(reinterpret_cast<const char *>(data), length);
    return length;
}

} // namespace

GifWriter::GifWriter(QSize size, int delayCentiseconds)
    : m_size(size)
    , m_delay(delayCentiseconds) {
    int error = 0;
    m_gif = EGifOpen(&m_bytes, appendToBytes, &error);
    if (!m_gif) {
        m_status = Status::failure(std::string("cannot start a GIF: ") + GifErrorString(error));
        return;
    }
    EGifSetGifVersion(m_gif, true);
    if (EGifPutScreenDesc(m_gif, size.width(), size.height(), 8, 0, nullptr) == GIF_ERROR)
        fail("its screen");
    // The Netscape extension: loop forever (a slide shows it again and again).
    static const unsigned char loop[] = {1, 0, 0};
    if (m_status &&
        (EGifPutExtensionLeader(m_gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
         EGifPutExtensionBlock(m_gif, 11, "NETSCAPE2.0") == GIF_ERROR ||
         EGifPutExtensionBlock(m_gif, 3, loop) == GIF_ERROR || EGifPutExtensionTrailer(m_gif) == GIF_ERROR))
        fail("its loop");
}

GifWriter::~GifWriter() {
    if (m_gif) {
        int error = 0;
        EGifCloseFile(m_gif, &error);
    }
}

Status GifWriter::fail(const char *what) {
    if (m_status)
        m_status = Status::failure(std::string("cannot write ") + what +
                                   " into the GIF: " + GifErrorString(m_gif ? m_gif->Error : 0));
    return m_status;
}

Status GifWriter::addFrame(const QImage &frame) {
    if (!m_status)
        return m_status;
    QImage scaled = frame.size() == m_size
                        ? frame
                        : frame.scaled(m_size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    // No dithering: dithered frames shimmer from one to the next.
    const QImage indexed =
        scaled.convertToFormat(QImage::Format_RGB32)
            .convertToFormat(QImage::Format_Indexed8, Qt::ThresholdDither | Qt::AvoidDither);
    std::vector<GifColorType> colors(256, GifColorType{0, 0, 0});
    const QList<QRgb> table = indexed.colorTable();
    for (int k = 0; k < table.size() && k < 256; ++k)
        colors[k] = GifColorType{GifByteType(qRed(table[k])), GifByteType(qGreen(table[k])),
                                 GifByteType(qBlue(table[k]))};
    ColorMapObject *palette = GifMakeMapObject(256, colors.data());
    if (!palette)
        return fail("a palette");
    GraphicsControlBlock control{};
    control.DisposalMode = DISPOSE_DO_NOT;
    control.UserInputFlag = false;
    control.DelayTime = m_delay;
    control.TransparentColor = NO_TRANSPARENT_COLOR;
    GifByteType extension[4];
    const std::size_t length = EGifGCBToExtension(&control, extension);
    bool ok = EGifPutExtension(m_gif, GRAPHICS_EXT_FUNC_CODE, int(length), extension) != GIF_ERROR &&
              EGifPutImageDesc(m_gif, 0, 0, m_size.width(), m_size.height(), false, palette) != GIF_ERROR;
    for (int row = 0; ok && row < m_size.height(); ++row)
        ok = EGifPutLine(m_gif, const_cast<GifPixelType *>(indexed.constScanLine(row)), m_size.width()) !=
             GIF_ERROR;
    GifFreeMapObject(palette);
    if (!ok)
        return fail("a frame");
    ++m_frames;
    return m_status;
}

Status GifWriter::finish(const QString &path) {
    if (!m_status)
        return m_status;
    if (m_frames == 0)
        return Status::failure(path.toStdString() + ": no frame to write");
    int error = 0;
    const int closed = EGifCloseFile(m_gif, &error);
    m_gif = nullptr;
    if (closed == GIF_ERROR)
        return Status::failure(path.toStdString() + ": " + GifErrorString(error));
    return saveFile(path.toStdString(), std::string_view(m_bytes.constData(), std::size_t(m_bytes.size())));
}

} // namespace gradlens
