#pragma once

#include "status.h"

#include <Eigen/Core>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

class QSaveFile;

namespace gradlens {

// The one way the CLI and the window write files: through QSaveFile, i.e. a unique temporary file beside
// the target (unnamed where the file system allows) renamed over it when complete. Two processes writing
// one path never mix their bytes, and a killed process leaves no temporary behind. Built as its own small
// library on Qt Core, so that gradlens-cli links it without Qt Widgets; the core stays free of Qt and only
// serialises (matrixFileBytes, toMatrixMarket, ...).
//
// Every target is checked before anything is written: an existing target that is not a regular file, or
// that is read-only (no write permission, or its owner's write bit cleared, which root would otherwise
// ignore), is refused and left as it is. Errors name the file: "out.mtx: is read-only: not replaced".

// One file: its path and its complete bytes.
using FileBytes = std::pair<std::string, std::string_view>; // the bytes stay the caller's

// Writes a set of files all or nothing as far as the disk allows: each goes to its temporary first; only
// when every one is complete are they renamed into place. A write failure (a full disk) leaves the targets
// as they were and no temporaries.
Status saveFiles(const std::vector<FileBytes> &files);
Status saveFile(const std::string &path, std::string_view bytes);

// A matrix by the path's extension (see matrixFileBytes in matrixio.h), written through saveFile.
Status writeMatrix(const std::string &path, const Eigen::Ref<const Eigen::MatrixXd> &matrix);
// Text (CSV tables, histories) written through saveFile.
Status writeTextFile(const std::string &path, std::string_view text);

// A file written a piece at a time (a long descent's history, as it goes), with the same checks and the
// same rename into place at commit(); one destroyed without commit() leaves the target as it was.
class StreamingFile {
public:
    StreamingFile();
    ~StreamingFile();
    Status open(const std::string &path);
    Status write(std::string_view bytes);
    Status commit();

private:
    std::string m_path;
    std::unique_ptr<QSaveFile> m_file;
};

} // namespace gradlens
