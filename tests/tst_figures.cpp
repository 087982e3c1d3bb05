// Figures for slides: every heatmap and chart exported as SVG (vector content that parses), PNG (at the size
// asked for) and CSV (the data shown, exactly); descent recorded as an animated GIF (frames counted and
// decoded with giflib) or a PNG sequence.
#include "descentcontroller.h"
#include "descentrecorder.h"
#include "figures.h"
#include "gifwriter.h"
#include "heatmappanel.h"
#include "heatmapwidget.h"
#include "matrixio.h"
#include "recorddialog.h"
#include "testhelpers.h"
#include "uitesthelpers.h"

#include <QDir>
#include <QFile>
#include <QImageReader>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QXmlStreamReader>

#include <gif_lib.h>

using namespace gradlens;
using gradlens::test::settle;

namespace {

// The SVG's elements by name, or an error.
QString svgElements(const QString &path, QMap<QString, int> &counts) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot open");
    QXmlStreamReader xml(&file);
    while (!xml.atEnd())
        if (xml.readNext() == QXmlStreamReader::StartElement)
            ++counts[xml.name().toString()];
    return xml.hasError() ? xml.errorString() : QString();
}

struct DecodedGif {
    int frames = 0, width = 0, height = 0, delay = -1;
    bool loops = false;
    QString error;
};

DecodedGif decodeGif(const QString &path) {
    DecodedGif decoded;
    int error = 0;
    GifFileType *gif = DGifOpenFileName(QFile::encodeName(path).constData(), &error);
    if (!gif) {
        decoded.error = QString::fromLatin1(GifErrorString(error));
        return decoded;
    }
    if (DGifSlurp(gif) != GIF_OK)
        decoded.error = QString::fromLatin1(GifErrorString(gif->Error));
    decoded.frames = gif->ImageCount;
    decoded.width = gif->SWidth;
    decoded.height = gif->SHeight;
    GraphicsControlBlock control;
    if (gif->ImageCount > 0 && DGifSavedExtensionToGCB(gif, 0, &control) == GIF_OK)
        decoded.delay = control.DelayTime;
    // The loop extension comes before the first frame, so giflib files it with that frame.
    const auto findLoop = [&](const ExtensionBlock *blocks, int count) {
        for (int k = 0; k < count; ++k)
            if (blocks[k].Function == APPLICATION_EXT_FUNC_CODE && blocks[k].ByteCount == 11 &&
                QByteArray(reinterpret_cast<const char *>(blocks[k].Bytes), 11) == "NETSCAPE2.0")
                decoded.loops = true;
    };
    findLoop(gif->ExtensionBlocks, gif->ExtensionBlockCount);
    if (gif->ImageCount > 0)
        findLoop(gif->SavedImages[0].ExtensionBlocks, gif->SavedImages[0].ExtensionBlockCount);
    DGifCloseFile(gif, &error);
    return decoded;
}

} // namespace

class TestFigures : public QObject {
    Q_OBJECT
private slots:
    void exportAllFigures() {
        MainWindow window(MainWindow::Settings::Ignore);
        window.resize(1280, 800);
        window.show();
        QVERIFY(settle(window));
        window.controller()->step(12);
        QVERIFY(settle(window));
        QTemporaryDir directory;
        int written = 0;
        const Status exported = exportFigures(window.figures(), directory.path(), 2.0, &written);
        QVERIFY2(exported, exported.message.c_str());
        // The three heatmaps and the five descent charts; the instrument tabs were never run.
        QCOMPARE(written, 8);
        const QDir dir(directory.path());
        for (const Figure &figure : window.figures()) {
            if (figure.isEmpty())
                continue;
            const QString stem = dir.filePath(figure.name);
            QMap<QString, int> elements;
            const QString error = svgElements(stem + QStringLiteral(".svg"), elements);
            QVERIFY2(error.isEmpty(), qPrintable(figure.name + QStringLiteral(": ") + error));
            // Vector content: text and paths, not one picture of the widget.
            const int lines = elements.value(QStringLiteral("path")) +
                              elements.value(QStringLiteral("polyline")) +
                              elements.value(QStringLiteral("rect"));
            QVERIFY2(elements.value(QStringLiteral("text")) > 0 && lines > 0, qPrintable(figure.name));
            const QImage png(stem + QStringLiteral(".png"));
            QCOMPARE(png.size(), figure.widget->size() * 2);
            QVERIFY(QFile::exists(stem + QStringLiteral(".csv")));
        }
        // A heatmap's CSV is the matrix shown, to the last bit; a chart's, its points.
        Eigen::MatrixXd residual;
        QVERIFY(readMatrix(dir.filePath(QStringLiteral("heatmap1-residual.csv")).toStdString(), residual));
        QVERIFY(residual == *window.heatmapPanel(0)->heatmap()->matrix());
        QFile loss(dir.filePath(QStringLiteral("chart-loss.csv")));
        QVERIFY(loss.open(QIODevice::ReadOnly));
        const QStringList lines =
            QString::fromUtf8(loss.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.first(), QStringLiteral("series,x,y"));
        QCOMPARE(lines.size(), 1 + 13); // iterations 0 … 12
        // A figure leaves out the screen's hints: no "hover for values" in the heatmap's SVG.
        QFile svg(dir.filePath(QStringLiteral("heatmap1-residual.svg")));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(!svg.readAll().contains("hover for values"));
    }

    void pngHasTheRequestedSize_data() {
        QTest::addColumn<QSize>("pixels");
        QTest::newRow("small") << QSize(16, 16);
        QTest::newRow("wide") << QSize(1000, 300);
        QTest::newRow("large") << QSize(3000, 2000);
    }
    void pngHasTheRequestedSize() {
        QFETCH(QSize, pixels);
        HeatmapWidget heatmap;
        heatmap.resize(300, 200);
        Eigen::MatrixXd matrix = Eigen::MatrixXd::Random(5, 7);
        heatmap.setMatrix(std::make_shared<const Eigen::MatrixXd>(matrix), ViewScale::Signed,
                          QStringLiteral("M"));
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("h.png"));
        QVERIFY(exportPng(&heatmap, path, pixels));
        QCOMPARE(QImageReader(path).size(), pixels);
        const Status refused = exportPng(&heatmap, path, QSize(0, 10));
        QVERIFY(!refused);
        QVERIFY2(QString::fromStdString(refused.message).contains(QStringLiteral("h.png")),
                 refused.message.c_str());
    }

    void gifFramesDecode() {
        GifWriter writer(QSize(40, 30), 7);
        const QColor colors[] = {Qt::red, Qt::green, Qt::blue};
        for (const QColor &color : colors) {
            QImage frame(40, 30, QImage::Format_RGB32);
            frame.fill(color);
            QVERIFY(writer.addFrame(frame));
        }
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("a.gif"));
        QVERIFY(writer.finish(path));
        const DecodedGif gif = decodeGif(path);
        QVERIFY2(gif.error.isEmpty(), qPrintable(gif.error));
        QCOMPARE(gif.frames, 3);
        QCOMPARE(gif.width, 40);
        QCOMPARE(gif.height, 30);
        QCOMPARE(gif.delay, 7);
        QVERIFY(gif.loops);
        // Qt reads it too, colours intact.
        QImageReader reader(path);
        QCOMPARE(reader.imageCount(), 3);
        for (const QColor &color : colors) {
            const QImage frame = reader.read();
            QCOMPARE(QColor(frame.pixel(20, 15)), color);
        }
        GifWriter empty(QSize(4, 4), 10);
        QVERIFY(!empty.finish(directory.filePath(QStringLiteral("empty.gif"))));
        QVERIFY(!QFile::exists(directory.filePath(QStringLiteral("empty.gif"))));
    }

    // A recording steps descent itself: frame k shows iteration start + k·every.
    void recordDescent_data() {
        QTest::addColumn<bool>("pngSequence");
        QTest::newRow("gif") << false;
        QTest::newRow("png sequence") << true;
    }
    void recordDescent() {
        QFETCH(bool, pngSequence);
        MainWindow window(MainWindow::Settings::Ignore);
        window.resize(1280, 800);
        window.show();
        QVERIFY(settle(window));
        QTemporaryDir directory;
        DescentRecorder::Options options;
        options.target = window.heatmapPanel(0)->heatmap();
        options.everySteps = 3;
        options.maxFrames = 5;
        options.frameMilliseconds = 120;
        options.pngSequence = pngSequence;
        options.path = directory.filePath(pngSequence ? QStringLiteral("frames") : QStringLiteral("d.gif"));
        // Every frame has the size the heatmap had when the recording began (the status bar's progress may
        // take some of its height meanwhile).
        const QSize size = options.target->size();
        QSignalSpy finished(window.recorder(), &DescentRecorder::finished);
        window.recorder()->start(options);
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(0).toString()));
        QVERIFY(settle(window));
        QCOMPARE(window.controller()->latest()->iteration, 12);
        if (pngSequence) {
            const QStringList frames =
                QDir(options.path).entryList({QStringLiteral("*.png")}, QDir::Files, QDir::Name);
            QCOMPARE(frames.size(), 5);
            QCOMPARE(frames.first(), QStringLiteral("frame-0001.png"));
            QCOMPARE(QImage(QDir(options.path).filePath(frames.last())).size(), size);
        } else {
            const DecodedGif gif = decodeGif(options.path);
            QVERIFY2(gif.error.isEmpty(), qPrintable(gif.error));
            QCOMPARE(gif.frames, 5);
            QCOMPARE(QSize(gif.width, gif.height), size);
            QCOMPARE(gif.delay, 12);
        }
    }

    // The record dialog: its choices come back as asked, and nothing in it is cut off at presentation size.
    void recordDialogFits() {
        RecordDialog dialog({QStringLiteral("Heatmap: Residual M"), QStringLiteral("The whole window")});
        QFont font = dialog.font();
        font.setPointSizeF(font.pointSizeF() * 1.5);
        dialog.setFont(font);
        dialog.adjustSize();
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.target(), 0);
        QCOMPARE(dialog.everySteps(), 1);
        QVERIFY(!dialog.pngSequence());
        for (const QWidget *child : dialog.findChildren<QWidget *>())
            if (child->isVisible())
                QVERIFY2(child->width() >= child->minimumSizeHint().width(), qPrintable(child->objectName()));
        if (const QByteArray shots = qgetenv("GRADLENS_SHOT_DIR"); !shots.isEmpty())
            dialog.grab().save(
                QDir(QString::fromLocal8Bit(shots)).filePath(QStringLiteral("record-dialog.png")));
    }

    void cancelledRecordingWritesNothing() {
        MainWindow window(MainWindow::Settings::Ignore);
        window.show();
        QVERIFY(settle(window));
        QTemporaryDir directory;
        DescentRecorder::Options options;
        options.target = &window;
        options.maxFrames = 1000;
        options.path = directory.filePath(QStringLiteral("d.gif"));
        QSignalSpy finished(window.recorder(), &DescentRecorder::finished);
        window.recorder()->start(options);
        QTRY_VERIFY_WITH_TIMEOUT(window.controller()->latest()->iteration >= 2, 30000);
        window.recorder()->cancel();
        QCOMPARE(finished.count(), 1);
        QVERIFY(!finished.at(0).at(1).toBool());
        QVERIFY(settle(window));
        QVERIFY(!QFile::exists(options.path));
        QVERIFY(!window.recorder()->isRecording());
    }
};

QTEST_MAIN(TestFigures)
#include "tst_figures.moc"
