// The one file writer of the CLI and the window (platform/savefile.h): QSaveFile, targets checked first, a
// set written all or nothing, nothing left behind.
#include "matrixio.h"
#include "savefile.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace gradlens;

namespace {

QByteArray contents(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

void put(const QString &path, const QByteArray &bytes) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size());
}

} // namespace

class TestSaveFile : public QObject {
    Q_OBJECT
private slots:
    // A write replaces the file whole and leaves nothing else in the folder (no "<target>.part").
    void replacesTheFileAndLeavesNoTemporary() {
        QTemporaryDir dir;
        const QString path = dir.filePath("m.mtx");
        QVERIFY(writeMatrix(path.toStdString(), Eigen::MatrixXd::Constant(2, 2, 7.0)).ok);
        QVERIFY(writeMatrix(path.toStdString(), Eigen::MatrixXd::Constant(3, 1, 5.0)).ok);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"m.mtx"});
        Eigen::MatrixXd back;
        QVERIFY(readMatrix(path.toStdString(), back).ok);
        QVERIFY(back == Eigen::MatrixXd::Constant(3, 1, 5.0));
    }

    // Targets that must not be replaced are refused with a message naming them, and left as they were.
    void refusedTargetsAreLeftAsTheyAre_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("read-only file") << "read-only"
                                        << "is read-only: not replaced";
        QTest::newRow("directory") << "directory"
                                   << "is not a regular file (a directory or a device)";
        QTest::newRow("missing folder") << "missing folder"
                                        << "cannot write: ";
    }
    void refusedTargetsAreLeftAsTheyAre() {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QString path = dir.filePath("target.csv");
        if (kind == "read-only") {
            put(path, "old\n");
            QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::ReadGroup));
        } else if (kind == "directory") {
            QVERIFY(QDir().mkpath(path));
        } else {
            path = dir.filePath("missing/target.csv");
        }
        const Status status = writeTextFile(path.toStdString(), "new\n");
        QVERIFY(!status.ok);
        QVERIFY2(QString::fromStdString(status.message).startsWith(path + ": " + expected),
                 status.message.c_str());
        if (kind == "read-only")
            QCOMPARE(contents(path), QByteArray("old\n"));
    }

    // A set is renamed into place only when every file is written: when the third cannot be, the first two
    // are not created (or keep their old contents) and no temporary is left.
    void aSetIsAllOrNothing_data() {
        QTest::addColumn<QString>("third");
        QTest::newRow("third refused before writing") << "blocked";
        QTest::newRow("third fails while writing") << "missing/c.mtx";
    }
    void aSetIsAllOrNothing() {
        QFETCH(QString, third);
        QTemporaryDir dir;
        put(dir.filePath("b.mtx"), "old b\n");
        QVERIFY(QDir().mkpath(dir.filePath("blocked")));
        const std::string a = dir.filePath("a.mtx").toStdString(), b = dir.filePath("b.mtx").toStdString();
        const Status status =
            saveFiles({{a, "new a\n"}, {b, "new b\n"}, {dir.filePath(third).toStdString(), "c\n"}});
        QVERIFY(!status.ok);
        QVERIFY2(QString::fromStdString(status.message).startsWith(dir.filePath(third)),
                 status.message.c_str());
        QVERIFY(!QFile::exists(dir.filePath("a.mtx")));
        QCOMPARE(contents(dir.filePath("b.mtx")), QByteArray("old b\n"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"b.mtx"});
    }
};

QTEST_APPLESS_MAIN(TestSaveFile)
#include "tst_savefile.moc"
