#include "figures.h"

#include "heatmapwidget.h"
#include "matrixio.h"
#include "savefile.h"

#include <QBuffer>
#include <QChart>
#include <QDir>
#include <QPainter>
#include <QSvgGenerator>
#include <QWidget>
#include <QXYSeries>

namespace gradlens {

namespace {

Status saveBytes(const QString &path, const QByteArray &bytes) {
    return saveFile(path.toStdString(), std::string_view(bytes.constData(), std::size_t(bytes.size())));
}

} // namespace

namespace {
constexpr char kExportingProperty[] = "gradlensExportingFigure";
}

namespace {
QList<QWidget *> withChildren(QWidget *widget) {
    QList<QWidget *> all = widget->findChildren<QWidget *>();
    all << widget;
    return all;
}
} // namespace

ExportingFigure::ExportingFigure(QWidget *widget)
    : m_widget(widget) {
    for (QWidget *each : withChildren(widget))
        each->setProperty(kExportingProperty, true);
}

ExportingFigure::~ExportingFigure() {
    for (QWidget *each : withChildren(m_widget))
        each->setProperty(kExportingProperty, QVariant());
}

bool isExporting(const QWidget *widget) {
    return widget->property(kExportingProperty).toBool();
}

Figure heatmapFigure(HeatmapWidget *heatmap, const QString &name, const QString &title) {
    Figure figure;
    figure.name = name;
    figure.title = title;
    figure.widget = heatmap;
    figure.isEmpty = [heatmap] { return !heatmap->matrix(); };
    figure.saveCsv = [heatmap](const QString &path) {
        const auto matrix = heatmap->matrix();
        return matrix ? writeMatrix(path.toStdString(), *matrix) : Status::failure("no matrix is shown");
    };
    return figure;
}

Figure chartFigure(const QChart *chart, QWidget *drawn, const QString &name) {
    Figure figure;
    figure.name = name;
    figure.title = chart->title();
    figure.widget = drawn;
    figure.isEmpty = [chart] {
        for (QAbstractSeries *series : chart->series())
            if (const auto *xy = qobject_cast<const QXYSeries *>(series); xy && xy->count() > 0)
                return false;
        return true;
    };
    figure.saveCsv = [chart](const QString &path) { return saveText(path, chartCsv(chart)); };
    return figure;
}

QImage renderFigure(QWidget *widget, QSize pixels) {
    QImage image(pixels, QImage::Format_ARGB32_Premultiplied);
    image.fill(widget->palette().window().color());
    QPainter painter(&image);
    painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    painter.scale(double(pixels.width()) / std::max(1, widget->width()),
                  double(pixels.height()) / std::max(1, widget->height()));
    const ExportingFigure exporting(widget);
    widget->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
    return image;
}

Status saveText(const QString &path, const QString &text) {
    return saveBytes(path, text.toUtf8());
}

Status exportPng(QWidget *widget, const QString &path, QSize pixels) {
    if (pixels.width() < 1 || pixels.height() < 1 || qint64(pixels.width()) * pixels.height() > 400'000'000)
        return Status::failure(QStringLiteral("%1: %2×%3 pixels is not a size a PNG can be drawn at")
                                   .arg(path)
                                   .arg(pixels.width())
                                   .arg(pixels.height())
                                   .toStdString());
    QByteArray png;
    QBuffer buffer(&png);
    if (!buffer.open(QIODevice::WriteOnly) || !renderFigure(widget, pixels).save(&buffer, "PNG"))
        return Status::failure(
            QStringLiteral("%1: could not encode the image as PNG").arg(path).toStdString());
    return saveBytes(path, png);
}

Status exportSvg(QWidget *widget, const QString &path, const QString &title) {
    QByteArray svg;
    QBuffer buffer(&svg);
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(widget->size());
    generator.setViewBox(QRect(QPoint(), widget->size()));
    generator.setTitle(title);
    generator.setDescription(QStringLiteral("Gradient Lens"));
    QPainter painter;
    if (!painter.begin(&generator))
        return Status::failure(QStringLiteral("%1: could not start the SVG").arg(path).toStdString());
    const ExportingFigure exporting(widget);
    widget->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
    painter.end();
    return saveBytes(path, svg);
}

QString chartCsv(const QChart *chart) {
    QString csv = QStringLiteral("series,x,y\n");
    for (QAbstractSeries *series : chart->series()) {
        const auto *xy = qobject_cast<const QXYSeries *>(series);
        if (!xy)
            continue;
        QString name = xy->name();
        name.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        for (const QPointF &point : xy->points())
            csv += QStringLiteral("\"%1\",%2,%3\n")
                       .arg(name, QString::number(point.x(), 'g', 17), QString::number(point.y(), 'g', 17));
    }
    return csv;
}

Status exportFigures(const QList<Figure> &figures, const QString &directory, double scale, int *written) {
    *written = 0;
    if (!QDir().mkpath(directory))
        return Status::failure(QStringLiteral("%1: cannot create this folder").arg(directory).toStdString());
    const QDir dir(directory);
    for (const Figure &figure : figures) {
        if (figure.isEmpty && figure.isEmpty())
            continue;
        const QString stem = dir.filePath(figure.name);
        const QSize pixels(qRound(figure.widget->width() * scale), qRound(figure.widget->height() * scale));
        if (Status status = exportSvg(figure.widget, stem + QStringLiteral(".svg"), figure.title); !status)
            return status;
        if (Status status = exportPng(figure.widget, stem + QStringLiteral(".png"), pixels); !status)
            return status;
        if (figure.saveCsv)
            if (Status status = figure.saveCsv(stem + QStringLiteral(".csv")); !status)
                return status;
        ++*written;
    }
    return Status::success();
}

} // namespace gradlens
