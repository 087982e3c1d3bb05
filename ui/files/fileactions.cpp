#include "fileactions.h"

#include "checkpanel.h"
#include "descentcontroller.h"
#include "descentrecorder.h"
#include "gradientprogramdialog.h"
#include "matrixio.h"
#include "messagebar.h"
#include "recorddialog.h"
#include "savefile.h"

#include <QBuffer>
#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QInputDialog>
#include <QMenu>
#include <QWidget>

namespace gradlens {

FileActions::FileActions(const Parts &parts, QObject *parent)
    : QObject(parent)
    , m_parts(parts) {}

const QString &FileActions::matrixFilter() {
    static const QString filter =
        tr("Matrices (*.mtx *.csv *.tsv *.txt *.npy *.mat);;Matrix Market (*.mtx);;"
           "Delimited text (*.csv *.tsv *.txt);;NumPy (*.npy);;MATLAB (*.mat);;All files (*)");
    return filter;
}

void FileActions::addMenuEntries(QMenu *file) {
    file->addAction(tr("Open &R…"), this, [this] { chooseAndOpen(MatrixRole::Target); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    file->addAction(tr("Open &P…"), this, [this] { chooseAndOpen(MatrixRole::Weights); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    file->addAction(tr("Open &γ…"), this, [this] { chooseAndOpen(MatrixRole::Gamma); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_3));
    file->addSeparator();
    file->addAction(tr("Check a gradient from a &file…"), this, &FileActions::chooseGradientFile)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_4));
    file->addAction(tr("Use a gradient &program…"), this, &FileActions::chooseGradientProgram)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_5));
    file->addSeparator();
    file->addAction(tr("Save &matrices…"), this, &FileActions::saveMatrices)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_S));
    file->addAction(tr("Save the &numerical gradient…"), this, [this] { saveCheckResult(false); });
    file->addAction(tr("Save the &deviation…"), this, [this] { saveCheckResult(true); });
    file->addAction(tr("Save s&creenshot…"), this, &FileActions::saveScreenshot)
        ->setShortcut(QKeySequence(Qt::Key_F12));
    file->addAction(tr("&Export all figures…"), this, &FileActions::exportAllFigures)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
}

void FileActions::failed(const QString &message) {
    m_parts.messages->showMessage(MessageBar::Kind::Error, message);
}

void FileActions::saved(const QString &what, const QString &where) {
    m_parts.messages->showMessage(MessageBar::Kind::Information,
                                  tr("Saved %1 to %2.").arg(what, QDir::toNativeSeparators(where)));
}

void FileActions::openMatrix(MatrixRole role, const QString &path) {
    m_parts.loader->open(role, path, m_parts.controller->problem());
}

void FileActions::chooseAndOpen(MatrixRole role) {
    const QString path = QFileDialog::getOpenFileName(m_parts.window, tr("Open %1").arg(roleName(role)),
                                                      m_lastDirectory, matrixFilter());
    if (path.isEmpty())
        return;
    m_lastDirectory = QFileInfo(path).absolutePath();
    openMatrix(role, path);
}

void FileActions::useGradientFile(const QString &path) {
    m_userGradient = true;
    const SnapshotPointer snapshot = m_parts.controller->latest();
    const Eigen::Index rows = snapshot ? snapshot->gamma.rows() : -1,
                       cols = snapshot ? snapshot->gamma.cols() : -1;
    struct Read {
        Status status;
        Eigen::MatrixXd gradient;
    };
    m_readGradient.request(
        [file = path.toStdString(), name = QFileInfo(path).fileName(), rows, cols](const CancelPredicate &) {
            Read read;
            read.status = readMatrix(file, read.gradient);
            if (read.status && rows >= 0 && (read.gradient.rows() != rows || read.gradient.cols() != cols))
                read.status = Status::failure(tr("%1: the gradient is %2×%3, expected %4×%5 like γ")
                                                  .arg(name)
                                                  .arg(read.gradient.rows())
                                                  .arg(read.gradient.cols())
                                                  .arg(rows)
                                                  .arg(cols)
                                                  .toStdString());
            if (read.status)
                read.status = checkFinite(read.gradient, "G");
            return read;
        },
        [this, name = QFileInfo(path).fileName()](const Read &read) {
            if (!read.status) {
                failed(QString::fromStdString(read.status.message));
                m_parts.checkPanel->showFormula();
                return;
            }
            UserGradient user;
            user.label = tr("From file: %1").arg(name);
            user.fromFile = read.gradient;
            m_parts.checkPanel->setUserGradientLabel(CheckPanel::UserGradientKind::File, user.label);
            m_parts.controller->setUserGradient(user);
        });
}

void FileActions::chooseGradientFile() {
    const QString path = QFileDialog::getOpenFileName(
        m_parts.window, tr("Your gradient at the current γ (n×r)"), m_lastDirectory, matrixFilter());
    if (path.isEmpty()) {
        if (!m_userGradient)
            m_parts.checkPanel->showFormula();
        return;
    }
    m_lastDirectory = QFileInfo(path).absolutePath();
    useGradientFile(path);
}

void FileActions::useGradientProgram(const GradientProgramOptions &options) {
    UserGradient user;
    // The command with its paths shortened to file names, so that it fits the selector (the whole
    // command is the item's tooltip).
    QStringList words;
    splitCommandLine(options.commandLine, words);
    for (QString &word : words)
        if (word.contains(QLatin1Char('/')))
            word = QFileInfo(word).fileName();
    user.label = tr("From program: %1").arg(words.join(QLatin1Char(' ')));
    user.program = options;
    m_lastProgram = options;
    m_userGradient = true;
    m_parts.checkPanel->setUserGradientLabel(CheckPanel::UserGradientKind::Program, user.label);
    m_parts.controller->setUserGradient(user);
}

void FileActions::chooseGradientProgram() {
    GradientProgramDialog dialog(m_lastProgram, m_parts.window);
    if (dialog.exec() != QDialog::Accepted) {
        if (!m_userGradient)
            m_parts.checkPanel->showFormula();
        return;
    }
    useGradientProgram(dialog.options());
}

void FileActions::formulaChosen() {
    if (!m_userGradient)
        return;
    m_userGradient = false;
    m_readGradient.cancel();
    m_parts.controller->setUserGradient(UserGradient{});
}

QString FileActions::chooseSavePath(const QString &title, const QString &name, const QString &filter,
                                    const QString &suffix) {
    QString path =
        QFileDialog::getSaveFileName(m_parts.window, title, QDir(m_lastDirectory).filePath(name), filter);
    if (path.isEmpty())
        return path;
    if (QFileInfo(path).suffix().isEmpty())
        path += QLatin1Char('.') + suffix; // "fig2" is saved as fig2.png, not as a file nothing opens
    m_lastDirectory = QFileInfo(path).absolutePath();
    return path;
}

void FileActions::saveMatrices() {
    const SnapshotPointer snapshot = m_parts.controller->latest();
    if (!snapshot || !snapshot->problem)
        return;
    const QString directory =
        QFileDialog::getExistingDirectory(m_parts.window, tr("Save R, P and γ into"), m_lastDirectory);
    if (directory.isEmpty())
        return;
    m_lastDirectory = directory;
    const QDir dir(directory);
    // The three are one set: saveFiles renames them into place only when all three are written.
    const std::string texts[] = {toMatrixMarket(snapshot->problem->R), toMatrixMarket(snapshot->problem->P),
                                 toMatrixMarket(snapshot->gamma)};
    const char *names[] = {"R.mtx", "P.mtx", "gamma.mtx"};
    std::vector<FileBytes> files;
    for (int k = 0; k < 3; ++k)
        files.emplace_back(dir.filePath(QLatin1String(names[k])).toStdString(), texts[k]);
    if (const Status written = saveFiles(files); !written)
        return failed(QString::fromStdString(written.message));
    saved(tr("R.mtx, P.mtx and gamma.mtx (γ at iteration %1)").arg(snapshot->iteration), directory);
}

void FileActions::saveCheckResult(bool deviation) {
    const SnapshotPointer snapshot = m_parts.controller->latest();
    const auto matrix = snapshot ? (deviation ? snapshot->deviation : snapshot->numeric) : nullptr;
    if (!matrix) {
        m_parts.messages->showMessage(MessageBar::Kind::Information,
                                      tr("No gradient check yet: press Ctrl+K (Check now), then save."));
        return;
    }
    const QString what = deviation ? tr("relative deviation") : tr("numerical gradient");
    const QString path =
        chooseSavePath(tr("Save the %1 (n×r) at iteration %2").arg(what).arg(snapshot->deviationIteration),
                       deviation ? QStringLiteral("deviation.csv") : QStringLiteral("numeric.csv"),
                       matrixFilter(), QStringLiteral("csv"));
    if (path.isEmpty())
        return;
    if (const Status written = writeMatrix(path.toStdString(), *matrix); !written)
        return failed(QString::fromStdString(written.message));
    saved(tr("the %1 of iteration %2").arg(what).arg(snapshot->deviationIteration), path);
}

void FileActions::saveScreenshot() {
    const QString path = chooseSavePath(tr("Save screenshot"), QStringLiteral("gradlens.png"),
                                        tr("PNG images (*.png)"), QStringLiteral("png"));
    if (path.isEmpty())
        return;
    QByteArray png;
    QBuffer buffer(&png);
    if (!buffer.open(QIODevice::WriteOnly) || !m_parts.window->grab().save(&buffer, "PNG"))
        return failed(tr("Could not encode the screenshot as PNG."));
    if (const Status written =
            saveFile(path.toStdString(), std::string_view(png.constData(), std::size_t(png.size())));
        !written)
        return failed(QString::fromStdString(written.message));
    saved(tr("the screenshot"), path);
}

void FileActions::setFigures(std::function<QList<Figure>()> figures) {
    m_figures = std::move(figures);
    const QList<Figure> all = m_figures();
    for (int k = 0; k < all.size(); ++k) {
        QWidget *widget = all[k].widget;
        widget->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(widget, &QWidget::customContextMenuRequested, this, [this, k, widget](const QPoint &at) {
            const Figure figure = m_figures().value(k);
            auto *menu = new QMenu(widget);
            menu->setAttribute(Qt::WA_DeleteOnClose);
            menu->addAction(tr("Export as &PNG…"), this, [this, figure] { exportFigure(figure, false); });
            menu->addAction(tr("Export as &SVG…"), this, [this, figure] { exportFigure(figure, true); });
            menu->addAction(tr("&Copy image"), this, [this, figure] { copyFigure(figure); });
            menu->addAction(tr("Save the &data as CSV…"), this, [this, figure] { saveFigureData(figure); });
            menu->popup(widget->mapToGlobal(at));
        });
    }
}

void FileActions::exportFigure(const Figure &figure, bool svg) {
    QSize pixels = figure.widget->size() * 2;
    if (!svg) {
        bool ok = false;
        const int width = QInputDialog::getInt(m_parts.window, tr("Export %1").arg(figure.title),
                                               tr("Width of the PNG in pixels (the height follows):"),
                                               pixels.width(), 16, 16000, 100, &ok);
        if (!ok)
            return;
        pixels = QSize(width, std::max(1, qRound(double(width) * figure.widget->height() /
                                                 std::max(1, figure.widget->width()))));
    }
    const QString suffix = svg ? QStringLiteral("svg") : QStringLiteral("png");
    const QString path =
        chooseSavePath(tr("Export %1").arg(figure.title), figure.name + QLatin1Char('.') + suffix,
                       svg ? tr("SVG images (*.svg)") : tr("PNG images (*.png)"), suffix);
    if (path.isEmpty())
        return;
    const Status written =
        svg ? exportSvg(figure.widget, path, figure.title) : exportPng(figure.widget, path, pixels);
    if (!written)
        return failed(QString::fromStdString(written.message));
    saved(svg ? tr("%1 as SVG").arg(figure.title)
              : tr("%1 as a %2×%3 PNG").arg(figure.title).arg(pixels.width()).arg(pixels.height()),
          path);
}

void FileActions::copyFigure(const Figure &figure) {
    QGuiApplication::clipboard()->setImage(renderFigure(figure.widget, figure.widget->size() * 2));
    m_parts.messages->showMessage(
        MessageBar::Kind::Information,
        tr("Copied %1 to the clipboard (at twice its size on screen).").arg(figure.title));
}

void FileActions::saveFigureData(const Figure &figure) {
    const QString path =
        chooseSavePath(tr("Save the data of %1").arg(figure.title), figure.name + QStringLiteral(".csv"),
                       tr("CSV (*.csv)"), QStringLiteral("csv"));
    if (path.isEmpty())
        return;
    if (const Status written = figure.saveCsv(path); !written)
        return failed(QString::fromStdString(written.message));
    saved(tr("the data of %1").arg(figure.title), path);
}

void FileActions::exportAllFigures() {
    const QString directory =
        QFileDialog::getExistingDirectory(m_parts.window, tr("Export every figure into"), m_lastDirectory);
    if (directory.isEmpty())
        return;
    m_lastDirectory = directory;
    int written = 0;
    if (const Status status = exportFigures(m_figures(), directory, 2.0, &written); !status)
        return failed(QString::fromStdString(status.message));
    saved(tr("%1 figures as SVG, PNG and CSV").arg(written), directory);
}

void FileActions::recordDescent(DescentRecorder *recorder,
                                const QList<QPair<QString, QWidget *>> &recordable) {
    QStringList names;
    for (const auto &[name, widget] : recordable)
        names << name;
    RecordDialog dialog(names, m_parts.window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    DescentRecorder::Options options;
    options.target = recordable.value(dialog.target()).second;
    options.everySteps = dialog.everySteps();
    options.maxFrames = dialog.frames();
    options.frameMilliseconds = dialog.frameMilliseconds();
    options.pngSequence = dialog.pngSequence();
    if (options.pngSequence) {
        options.path =
            QFileDialog::getExistingDirectory(m_parts.window, tr("Write the frames into"), m_lastDirectory);
        if (!options.path.isEmpty())
            m_lastDirectory = options.path;
    } else
        options.path = chooseSavePath(tr("Record descent as"), QStringLiteral("descent.gif"),
                                      tr("GIF images (*.gif)"), QStringLiteral("gif"));
    if (!options.path.isEmpty())
        recorder->start(options);
}

} // namespace gradlens
