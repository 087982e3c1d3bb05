#pragma once

#include "backgroundjob.h"
#include "problem.h"

#include <QList>
#include <QObject>

#include <memory>
#include <optional>

namespace gradlens {

enum class MatrixRole { Target, Weights, Gamma }; // R, P, γ

// Reads R, P or γ from a file on a pool thread, one file after another in the order asked. A matrix that fits
// the current problem replaces its part at once; one that does not (a different n) is kept aside until the
// other matrices of its size arrive, and the current problem stays. Errors name the file, the line and the
// problem; nothing is lost.
class ProblemLoader : public QObject {
    Q_OBJECT
public:
    explicit ProblemLoader(QObject *parent = nullptr);

    // current: the problem in use (taken when nothing is being read; later files build on earlier ones).
    void open(MatrixRole role, const QString &path, std::shared_ptr<const Problem> current);
    void cancel();                   // the file being read is discarded when it arrives, the queue dropped
    void clearHeld();                // drops the matrices kept aside for a problem of another size
    QString heldDescription() const; // "R.csv (2×2), P.csv (2×2)", or empty
    bool isBusy() const { return m_job.isBusy() || !m_queue.isEmpty(); }

signals:
    // files: for R, P and γ, the file each came from in this problem, or empty where the matrix was kept
    // from the current problem.
    void problemReady(const gradlens::Problem &problem, const QString &notice, const QStringList &files);
    void heldChanged(const QString &description); // what is kept aside; empty when nothing
    void staged(const QString &notice);           // read, but waiting for the other matrices of its size
    void failed(const QString &message);
    void busyChanged(bool busy);

private:
    struct Result {
        Status status;
        Eigen::MatrixXd matrix;
        std::string notice; // from the reader, e.g. duplicate entries summed
    };
    struct Request {
        MatrixRole role;
        QString path;
    };
    void readNext();
    void onRead(const Request &request, Result result);

    BackgroundJob m_job;
    QList<Request> m_queue; // asked for, not yet being read
    std::shared_ptr<const Problem> m_current;
    std::optional<Eigen::MatrixXd> m_staged[3];
    QString m_stagedFile[3]; // the file name of each staged matrix
};

QString roleName(MatrixRole role);

} // namespace gradlens
