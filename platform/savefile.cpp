#include "savefile.h"

#include "matrixio.h"

#include <QFileInfo>
#include <QSaveFile>

#include <cerrno>
#include <cstring>
#include <memory>

namespace gradlens {

namespace {

QString qPath(const std::string &path) {
    return QString::fromStdString(path);
}

Status failure(const std::string &path, const QString &problem) {
    return Status::failure(path + ": " + problem.toStdString());
}

// What must hold before a target is replaced; nothing is written when one of them fails.
Status checkTarget(const std::string &path) {
    const QFileInfo info(qPath(path));
    if (!info.exists())
        return Status::success();
    if (!info.isFile())
        return failure(path, QStringLiteral("is not a regular file (a directory or a device): not replaced"));
    if (!info.isWritable() || !(info.permissions() & QFileDevice::WriteOwner))
        return failure(
            path, QStringLiteral("is read-only: not replaced (make it writable or choose another name)"));
    return Status::success();
}

// Qt says "Unknown error" for some failed writes (a full disk, a file-size limit): the system's word then.
QString reason(const QSaveFile &file, int error) {
    if (error != 0 && (file.errorString().isEmpty() || file.errorString() == QLatin1String("Unknown error")))
        return QString::fromLocal8Bit(std::strerror(error));
    return file.errorString();
}

} // namespace

Status saveFiles(const std::vector<FileBytes> &files) {
    for (const auto &[path, bytes] : files)
        if (Status target = checkTarget(path); !target)
            return target;
    // All temporaries are written and flushed before any is renamed: a full disk fails here, and the
    // QSaveFile destructors then discard every temporary.
    std::vector<std::unique_ptr<QSaveFile>> pending;
    for (const auto &[path, bytes] : files) {
        auto file = std::make_unique<QSaveFile>(qPath(path));
        if (!file->open(QIODevice::WriteOnly))
            return failure(path, QStringLiteral("cannot write: ") + file->errorString());
        const auto size = qint64(bytes.size());
        errno = 0;
        if (file->write(bytes.data(), size) != size || !file->flush())
            return failure(path, QStringLiteral("write failed: ") + reason(*file, errno));
        pending.push_back(std::move(file));
    }
    for (std::size_t k = 0; k < pending.size(); ++k)
        if (!pending[k]->commit())
            return failure(files[k].first, QStringLiteral("write failed: ") + reason(*pending[k], errno));
    return Status::success();
}

Status saveFile(const std::string &path, std::string_view bytes) {
    return saveFiles({{path, bytes}});
}

Status writeMatrix(const std::string &path, const Eigen::Ref<const Eigen::MatrixXd> &matrix) {
    std::string bytes;
    if (Status serialised = matrixFileBytes(path, matrix, bytes); !serialised)
        return serialised;
    return saveFile(path, bytes);
}

Status writeTextFile(const std::string &path, std::string_view text) {
    return saveFile(path, text);
}

StreamingFile::StreamingFile() = default;
StreamingFile::~StreamingFile() = default;

Status StreamingFile::open(const std::string &path) {
    if (Status target = checkTarget(path); !target)
        return target;
    m_path = path;
    m_file = std::make_unique<QSaveFile>(qPath(path));
    if (!m_file->open(QIODevice::WriteOnly))
        return failure(path, QStringLiteral("cannot write: ") + m_file->errorString());
    return Status::success();
}

Status StreamingFile::write(std::string_view bytes) {
    errno = 0;
    if (m_file->write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()))
        return failure(m_path, QStringLiteral("write failed: ") + reason(*m_file, errno));
    return Status::success();
}

Status StreamingFile::commit() {
    errno = 0;
    if (!m_file->commit())
        return failure(m_path, QStringLiteral("write failed: ") + reason(*m_file, errno));
    return Status::success();
}

} // namespace gradlens
