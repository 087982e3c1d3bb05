#include "colormap.h"
#include "heatmaprender.h"
#include "heatmapwidget.h"
#include "testhelpers.h"

#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <limits>

using namespace gradlens;
using Eigen::MatrixXd;

namespace {

std::shared_ptr<const MatrixXd> shared(MatrixXd matrix) {
    return std::make_shared<const MatrixXd>(std::move(matrix));
}

bool inTable(const ColorMap &map, QRgb color) {
    for (int i = 0; i <= 255; ++i)
        if (map.at(i / 255.0) == color)
            return true;
    return false;
}

} // namespace

class TestHeatmap : public QObject {
    Q_OBJECT
private slots:
    // Zero sits in the middle of the diverging map, ±max at its ends, whatever the sign balance.
    // Relative deviations have a fixed scale, 1e-16 … 1, whatever the data: a right gradient (1e-12) and a
    // wrong one (0.3) get different colours instead of each filling the whole map.
    void relativeScaleIsFixed_data() {
        QTest::addColumn<double>("value");
        QTest::addColumn<double>("position");
        QTest::newRow("rounding, 1e-12") << 1e-12 << 0.25;
        QTest::newRow("wrong, 1e-1") << 1e-1 << 15.0 / 16.0;
        QTest::newRow("below the scale, 1e-20") << 1e-20 << 0.0;
        QTest::newRow("above the scale, 10") << 10.0 << 1.0;
    }
    void relativeScaleIsFixed() {
        QFETCH(double, value);
        QFETCH(double, position);
        const Eigen::MatrixXd small = Eigen::MatrixXd::Constant(3, 2, 1e-13),
                              large = Eigen::MatrixXd::Constant(3, 2, 0.5);
        for (const Eigen::MatrixXd &data : {small, large}) {
            const ColorRange range = colorRange(data, ViewScale::Relative);
            GL_COMPARE_NEAR(range.low, -16.0, 0.0);
            GL_COMPARE_NEAR(range.high, 0.0, 0.0);
            GL_COMPARE_NEAR(colorPosition(value, range, ViewScale::Relative), position, 1e-12);
        }
    }

    void signedMapIsCentredAtZero_data() {
        QTest::addColumn<double>("low");
        QTest::addColumn<double>("high");
        QTest::newRow("balanced") << -2.0 << 2.0;
        QTest::newRow("mostly positive") << -0.1 << 5.0;
        QTest::newRow("mostly negative") << -7.0 << 0.5;
    }
    void signedMapIsCentredAtZero() {
        QFETCH(double, low);
        QFETCH(double, high);
        MatrixXd m(1, 3);
        m << low, 0.0, high;
        const ColorRange range = colorRange(m, ViewScale::Signed);
        const double bound = std::max(-low, high);
        GL_COMPARE_NEAR(range.high, bound, 0.0);
        GL_COMPARE_NEAR(range.low, -bound, 0.0);
        GL_COMPARE_NEAR(colorPosition(0.0, range, ViewScale::Signed), 0.5, 0.0);
        GL_COMPARE_NEAR(colorPosition(bound, range, ViewScale::Signed), 1.0, 1e-15);
        GL_COMPARE_NEAR(colorPosition(-bound, range, ViewScale::Signed), 0.0, 1e-15);
        const HeatmapImage image = renderHeatmap({shared(m), ViewScale::Signed, QRect(), QSize(16, 16)});
        QCOMPARE(image.image.pixel(1, 0), ColorMap::diverging().at(0.5));
        // The centre colour is a light neutral: red, green and blue within 10 of each other and above 230.
        const QRgb centre = ColorMap::diverging().at(0.5);
        QVERIFY(qRed(centre) > 230 && qGreen(centre) > 230 && qBlue(centre) > 230);
        QVERIFY(std::abs(qRed(centre) - qBlue(centre)) <= 10);
    }

    void logarithmicRangeSpansTheDecades() {
        MatrixXd m(2, 2);
        m << 1e-12, 1e-3, 0.0, 1e-8;
        const ColorRange range = colorRange(m, ViewScale::Logarithmic);
        GL_COMPARE_NEAR(range.high, -3.0, 1e-12);
        GL_COMPARE_NEAR(range.low, -12.0, 1e-12);
        GL_COMPARE_NEAR(colorPosition(1e-8, range, ViewScale::Logarithmic), 4.0 / 9.0, 1e-12);
        GL_COMPARE_NEAR(colorPosition(0.0, range, ViewScale::Logarithmic), 0.0, 0.0);
    }

    // NaN has a colour that neither map uses, both in the table and in a rendered image.
    void nanIsDrawnDistinctly() {
        QVERIFY(!inTable(ColorMap::diverging(), ColorMap::nanColor()));
        QVERIFY(!inTable(ColorMap::sequential(), ColorMap::nanColor()));
        MatrixXd m = MatrixXd::Constant(4, 4, 1.0);
        m(2, 1) = std::numeric_limits<double>::quiet_NaN();
        for (ViewScale scale : {ViewScale::Signed, ViewScale::Logarithmic}) {
            const HeatmapImage image = renderHeatmap({shared(m), scale, QRect(), QSize(4, 4)});
            QCOMPARE(image.nanCount, 1);
            QCOMPARE(image.image.pixel(1, 2), ColorMap::nanColor()); // x is the column, y the row
            QVERIFY(image.image.pixel(0, 0) != ColorMap::nanColor());
        }
    }

    // Each pixel of a downsampled image shows the largest-magnitude entry of its block, found here by a
    // direct search over the block.
    void downsamplingKeepsTheLargestEntryOfEachBlock_data() {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<int>("pixels");
        QTest::newRow("even blocks") << 120 << 120 << 12;
        QTest::newRow("uneven blocks") << 101 << 37 << 9;
        QTest::newRow("no downsampling") << 8 << 5 << 64;
    }
    void downsamplingKeepsTheLargestEntryOfEachBlock() {
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(int, pixels);
        const MatrixXd m =
            test::generatedProblem(std::max(rows, cols), 1, WeightKind::Dense, TargetKind::Random, 5)
                .R.topLeftCorner(rows, cols);
        const HeatmapImage image =
            renderHeatmap({shared(m), ViewScale::Signed, QRect(), QSize(pixels, pixels)});
        const int width = std::min(cols, pixels), height = std::min(rows, pixels);
        QCOMPARE(image.image.width(), width);
        QCOMPARE(image.image.height(), height);
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x) {
                const int r0 = y * rows / height, r1 = (y + 1) * rows / height;
                const int c0 = x * cols / width, c1 = (x + 1) * cols / width;
                Eigen::Index i = 0, j = 0;
                m.block(r0, c0, r1 - r0, c1 - c0).cwiseAbs().maxCoeff(&i, &j);
                const double expected = m(r0 + i, c0 + j);
                QCOMPARE(image.image.pixel(x, y),
                         ColorMap::diverging().at(colorPosition(expected, image.range, ViewScale::Signed)));
            }
    }

    // A single spike in a large matrix survives downsampling to a few pixels.
    void spikeSurvivesDownsampling() {
        MatrixXd m = MatrixXd::Constant(2000, 2000, 0.01);
        m(1234, 567) = -50.0;
        const HeatmapImage image = renderHeatmap({shared(m), ViewScale::Signed, QRect(), QSize(100, 100)});
        QCOMPARE(image.image.pixel(567 * 100 / 2000, 1234 * 100 / 2000), ColorMap::diverging().at(0.0));
    }

    // A zoomed region renders only its cells, with the colour range of the whole matrix.
    void regionKeepsTheWholeRange() {
        MatrixXd m = MatrixXd::Zero(10, 10);
        m(0, 0) = 4.0;
        m(5, 5) = 1.0;
        const HeatmapImage image =
            renderHeatmap({shared(m), ViewScale::Signed, QRect(4, 4, 3, 3), QSize(50, 50)});
        QCOMPARE(image.image.size(), QSize(3, 3));
        QCOMPARE(image.image.pixel(1, 1), ColorMap::diverging().at(0.5 + 0.5 * 1.0 / 4.0));
    }

    // Hovering a cell reads out its row, column (1-based) and value; clicking reports the cell.
    void hoverReadsOutTheValue() {
        HeatmapWidget widget;
        widget.resize(400, 400);
        MatrixXd m(4, 4);
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j)
                m(i, j) = 10 * i + j + 0.25;
        QSignalSpy rendered(&widget, &HeatmapWidget::rendered);
        widget.setMatrix(shared(m), ViewScale::Signed, QStringLiteral("test"));
        widget.show();
        QVERIFY(rendered.wait(5000));
        // The centre of cell (row 2, column 3), 0-based, from the widget's own geometry.
        QPointF target;
        for (int y = 0; y < widget.height() && target.isNull(); ++y)
            for (int x = 0; x < widget.width(); ++x)
                if (widget.cellAt(QPointF(x, y)) == QPoint(3, 2)) {
                    target = QPointF(x + 10, y + 10);
                    break;
                }
        QVERIFY(!target.isNull());
        QCOMPARE(widget.cellAt(target), QPoint(3, 2));
        QTest::mouseMove(&widget, target.toPoint());
        QTRY_VERIFY(widget.readout().contains(QStringLiteral("row 3, column 4")));
        QVERIFY2(widget.readout().contains(QStringLiteral("23.25")), qPrintable(widget.readout()));
        QSignalSpy clicked(&widget, &HeatmapWidget::cellClicked);
        QTest::mouseClick(&widget, Qt::LeftButton, {}, target.toPoint());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.at(0).at(0).toInt(), 2);
        QCOMPARE(clicked.at(0).at(1).toInt(), 3);
    }

    // Zooming narrows the visible region about the cursor and never beyond the matrix.
    void zoomStaysInsideTheMatrix() {
        HeatmapWidget widget;
        widget.resize(400, 400);
        widget.setMatrix(shared(MatrixXd::Random(100, 100)), ViewScale::Signed, QStringLiteral("zoom"));
        widget.setViewRegion(QRectF(90, 90, 50, 50));
        QCOMPARE(widget.viewRegion(), QRectF(50, 50, 50, 50));
        widget.setViewRegion(QRectF(10, 10, 0.5, 0.5));
        QCOMPARE(widget.viewRegion().size(), QSizeF(4, 4));
    }
};

QTEST_MAIN(TestHeatmap)
#include "tst_heatmap.moc"
