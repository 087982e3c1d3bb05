#pragma once

#include "backgroundjob.h"
#include "figures.h"
#include "gradientprogram.h"
#include "problemloader.h"

#include <QObject>
#include <QString>

class QMenu;
class QWidget;

namespace gradlens {

class CheckPanel;
class DescentController;
class DescentRecorder;
class MessageBar;

// The window's dealings with files: choosing and opening R, P and γ, the user's own gradient (a file, read
// off the GUI thread, or a program), and saving matrices, check results and screenshots. Every save names
// where the file went in the message bar; a name typed without an extension gets the format's.
class FileActions : public QObject {
    Q_OBJECT
public:
    struct Parts {
        QWidget *window;
        DescentController *controller;
        ProblemLoader *loader;
        CheckPanel *checkPanel;
        MessageBar *messages;
    };
    FileActions(const Parts &parts, QObject *parent = nullptr);

    static const QString &matrixFilter(); // the open dialogs' filter: every format the readers know
    void addMenuEntries(QMenu *file);     // open, the user's gradient, saves, figures

    void chooseAndOpen(MatrixRole role);
    void openMatrix(MatrixRole role, const QString &path);
    void chooseGradientFile();
    void useGradientFile(const QString &path); // n×r, like γ; read on a pool thread
    void chooseGradientProgram();
    void useGradientProgram(const GradientProgramOptions &options);
    void formulaChosen(); // the check panel went back to a formula: the user's gradient is dropped
    bool isBusy() const { return m_readGradient.isBusy(); }

    void saveMatrices();
    void saveCheckResult(bool deviation); // the latest check's relative deviation, or its numerical gradient
    void saveScreenshot();
    // A path for saving, from a dialog starting in the last folder used, with suffix added when the name
    // typed has none; empty when cancelled.
    QString chooseSavePath(const QString &title, const QString &name, const QString &filter,
                           const QString &suffix);

    // The figures (heatmaps and charts), asked for anew each time (a heatmap's view may have changed); each
    // gets a context menu: export as PNG or SVG, copy, save its data as CSV.
    void setFigures(std::function<QList<Figure>()> figures);
    void exportFigure(const Figure &figure, bool svg);
    void copyFigure(const Figure &figure);
    void saveFigureData(const Figure &figure);
    void exportAllFigures();
    // Asks what to record (recordable: names and widgets, e.g. the heatmaps and the window) and where.
    void recordDescent(DescentRecorder *recorder, const QList<QPair<QString, QWidget *>> &recordable);

    QString lastDirectory() const { return m_lastDirectory; }
    void setLastDirectory(const QString &directory) { m_lastDirectory = directory; }

private:
    void saved(const QString &what, const QString &where); // "Saved <what> to <where>."
    void failed(const QString &message);

    Parts m_parts;
    std::function<QList<Figure>()> m_figures;
    BackgroundJob m_readGradient;
    QString m_lastDirectory;
    bool m_userGradient = false;          // the user's gradient replaces the formula
    GradientProgramOptions m_lastProgram; // the dialog starts from the last program used
};

} // namespace gradlens
