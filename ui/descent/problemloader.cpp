#include "problemloader.h"

#include "matrixio.h"

#include <QFileInfo>

namespace gradlens {

QString roleName(MatrixRole role) {
    switch (role) {
    case MatrixRole::Target:
        return QStringLiteral("R");
    case MatrixRole::Weights:
        return QStringLiteral("P");
    case MatrixRole::Gamma:
        return QStringLiteral("γ");
    }
    return {};
}

ProblemLoader::ProblemLoader(QObject *parent)
    : QObject(parent) {
    connect(&m_job, &BackgroundJob::busyChanged, this, &ProblemLoader::busyChanged);
    connect(&m_job, &BackgroundJob::finished, this, &ProblemLoader::readNext);
}

void ProblemLoader::open(MatrixRole role, const QString &path, std::shared_ptr<const Problem> current) {
    if (!isBusy())
        m_current = std::move(current);
    m_queue.append({role, path});
    readNext();
}

void ProblemLoader::readNext() {
    if (m_job.isBusy() || m_queue.isEmpty())
        return;
    const Request request = m_queue.takeFirst();
    m_job.request(
        [file = request.path.toStdString(),
         name = roleName(request.role).toStdString()](const CancelPredicate &) {
            Result result;
            result.status = readMatrix(file, result.matrix, &result.notice);
            // A non-finite entry is the fault of this file, whatever was read before: say so now, naming
            // it, rather than when the problem is assembled (where it looked like the last file's fault).
            if (result.status)
                if (const Status finite = checkFinite(result.matrix, name.c_str()); !finite)
                    result.status = Status::failure(file + ": " + finite.message);
            return result;
        },
        [this, request](Result result) { onRead(request, std::move(result)); });
}

void ProblemLoader::cancel() {
    m_queue.clear();
    m_job.cancel();
}

void ProblemLoader::onRead(const Request &request, Result result) {
    if (!result.status) {
        emit failed(tr("%1. The current problem stays.").arg(QString::fromStdString(result.status.message)));
        return;
    }
    const QString name = QFileInfo(request.path).fileName();
    const auto rows = result.matrix.rows(), cols = result.matrix.cols();
    const int slot = int(request.role);
    m_staged[slot] = std::move(result.matrix);
    m_stagedFile[slot] = name;

    // The candidate: staged matrices where there are any, the current problem's elsewhere.
    Problem candidate;
    if (m_current)
        candidate = *m_current;
    if (m_staged[0])
        candidate.R = *m_staged[0];
    if (m_staged[1])
        candidate.P = *m_staged[1];
    if (m_staged[2])
        candidate.gamma = *m_staged[2];
    QString read = tr("Read %1 from %2 (%3×%4).").arg(roleName(request.role), name).arg(rows).arg(cols);
    if (!result.notice.empty())
        read += QStringLiteral(" %1: %2.").arg(name, QString::fromStdString(result.notice));
    if (const std::string notice = orientGamma(candidate); !notice.empty()) {
        read += QStringLiteral(" ") + QString::fromStdString(notice) + QStringLiteral(".");
        if (m_staged[2])
            m_staged[2] = candidate.gamma;
    }
    if (const Status shapes =
            validateShapes(candidate.R.rows(), candidate.R.cols(), candidate.P.rows(), candidate.P.cols(),
                           candidate.gamma.rows(), candidate.gamma.cols());
        !shapes) {
        emit staged(read +
                    tr(" It does not fit the current problem yet (%1); open the other matrices of this "
                       "size to use it. The current problem stays.")
                        .arg(QString::fromStdString(shapes.message)));
        emit heldChanged(heldDescription());
        return;
    }
    if (const Status valid = candidate.validate(); !valid) {
        m_staged[slot].reset();
        emit failed(
            tr("%1: %2. The current problem stays.").arg(name, QString::fromStdString(valid.message)));
        emit heldChanged(heldDescription());
        return;
    }
    QStringList files;
    for (int k = 0; k < 3; ++k)
        files << (m_staged[k] ? m_stagedFile[k] : QString());
    clearHeld();
    m_current = std::make_shared<const Problem>(std::move(candidate)); // the next file builds on it
    emit problemReady(*m_current, read, files);
}

QString ProblemLoader::heldDescription() const {
    QStringList held;
    for (int k = 0; k < 3; ++k)
        if (m_staged[k])
            held << tr("%1 = %2 (%3×%4)")
                        .arg(roleName(MatrixRole(k)), m_stagedFile[k])
                        .arg(m_staged[k]->rows())
                        .arg(m_staged[k]->cols());
    return held.join(QStringLiteral(", "));
}

void ProblemLoader::clearHeld() {
    const bool any = m_staged[0] || m_staged[1] || m_staged[2];
    for (int k = 0; k < 3; ++k) {
        m_staged[k].reset();
        m_stagedFile[k].clear();
    }
    if (any)
        emit heldChanged(QString());
}

} // namespace gradlens
