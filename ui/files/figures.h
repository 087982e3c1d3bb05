#pragma once

#include "status.h"

#include <QImage>
#include <QList>
#include <QSize>
#include <QString>

#include <functional>

class QChart;
class QWidget;

namespace gradlens {

// One picture the window can export: a heatmap or a chart, as shown, with the data behind it.
struct Figure {
    QString name;    // the file stem: "heatmap-residual", "chart-loss", "taylor"…
    QString title;   // for the SVG's title and the messages
    QWidget *widget; // rendered as it is drawn on screen, at any size
    std::function<Status(const QString &path)> saveCsv;
    std::function<bool()> isEmpty; // nothing drawn yet (an instrument never run): "export all" skips it
};

// While a widget is drawn as a figure, it leaves out what only the screen needs (a menu marker, hints
// about the mouse): widgets ask isExporting(this) while painting.
class ExportingFigure {
public:
    explicit ExportingFigure(QWidget *widget);
    ~ExportingFigure();
    ExportingFigure(const ExportingFigure &) = delete;
    ExportingFigure &operator=(const ExportingFigure &) = delete;

private:
    QWidget *m_widget;
};
bool isExporting(const QWidget *widget);

class HeatmapWidget;
// A heatmap's figure: its data is the matrix shown (CSV through the matrix writer).
Figure heatmapFigure(HeatmapWidget *heatmap, const QString &name, const QString &title);
// A chart's figure: drawn is what is rendered (the chart, or the chart with a legend below it).
Figure chartFigure(const QChart *chart, QWidget *drawn, const QString &name);

// The widget drawn into an image of the given size (its aspect ratio is the caller's business): text and
// lines are drawn at that resolution, not scaled up from the screen's pixels.
QImage renderFigure(QWidget *widget, QSize pixels);
Status exportPng(QWidget *widget, const QString &path, QSize pixels);
// Vector content (paths and text; a heatmap's cells are one embedded image) through Qt SVG.
Status exportSvg(QWidget *widget, const QString &path, const QString &title);
// A chart's series as CSV rows "series,x,y", 17 significant digits.
QString chartCsv(const QChart *chart);
Status saveText(const QString &path, const QString &text);

// Every figure that has something drawn, as name.svg, name.png (at scale times its size on screen) and
// name.csv in directory. Returns how many were written, or the first failure.
Status exportFigures(const QList<Figure> &figures, const QString &directory, double scale, int *written);

} // namespace gradlens
