#include "landscapepanel.h"

#include "colormap.h"

#include <QChart>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLineSeries>
#include <QLocale>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace gradlens {

namespace {

// Keeps the path's memory bounded on long runs: past this many γ's every other older one goes.
constexpr std::size_t kPathCapacity = 400;
constexpr int kContourLevels = 14;

QString number(double value) {
    return QLocale::c().toString(value, 'g', 4).replace(QLatin1Char('-'), QChar(0x2212));
}

// The grid in colour: log10 f on the sequential map (f spans decades around a minimum), and a dark pixel
// wherever the colour band changes to the right or below: contour lines at equal ratios of f.
QImage landscapeImage(const SliceGrid &grid) {
    const int size = int(grid.a.size());
    const double floor = std::max(grid.minimum, 1e-300);
    Eigen::MatrixXd logF(size, size);
    for (int i = 0; i < size; ++i)
        for (int j = 0; j < size; ++j)
            logF(i, j) = std::log10(std::max(grid.f(i, j), floor));
    const double low = logF.minCoeff(), span = std::max(logF.maxCoeff() - low, 1e-12);
    auto level = [&](int i, int j) { return int(std::floor(kContourLevels * (logF(i, j) - low) / span)); };
    QImage image(size, size, QImage::Format_RGB32);
    for (int j = 0; j < size; ++j)
        for (int i = 0; i < size; ++i) {
            QColor color = QColor::fromRgb(ColorMap::sequential().at((logF(i, j) - low) / span));
            const bool contour = (i + 1 < size && level(i + 1, j) != level(i, j)) ||
                                 (j + 1 < size && level(i, j + 1) != level(i, j));
            if (contour)
                color = color.darker(250);
            image.setPixel(i, size - 1 - j, color.rgb()); // b grows upwards
        }
    return image;
}

} // namespace

LandscapePanel::LandscapePanel(QWidget *parent)
    : InstrumentPanel(tr("Draw landscape"), parent) {
    m_directions = new QComboBox;
    m_directions->addItem(tr("−G and random"), int(SliceDirection::Gradient));
    m_directions->addItem(tr("two random"), int(SliceDirection::Random));
    m_directions->addItem(tr("γ* − γ and random"), int(SliceDirection::Planted));
    m_directions->setToolTip(tr("The plane's directions D1, D2 (scaled to ‖γ‖; the random one orthogonal "
                                "to the other). γ* − γ, for a generated planted problem, is not scaled: "
                                "a = 1 is the planted γ* (rotated to the nearest)."));
    m_extent = new QComboBox;
    for (double extent : {0.1, 0.25, 0.5, 1.0, 2.0})
        m_extent->addItem(tr("±%1").arg(extent), extent);
    m_extent->setCurrentIndex(2);
    m_extent->setToolTip(tr("How far the plane reaches along D1 and D2, in units of ‖γ‖"));
    controls()->addWidget(m_directions);
    controls()->addWidget(m_extent);
    connect(m_directions, &QComboBox::currentIndexChanged, this, &InstrumentPanel::compute);
    connect(m_extent, &QComboBox::currentIndexChanged, this, &InstrumentPanel::compute);

    chart()->setTitle(tr("f on the plane γ + a·D1 + b·D2"));
    m_a = new QValueAxis;
    m_a->setTitleText(tr("a (along D1)"));
    m_b = new QValueAxis;
    m_b->setTitleText(tr("b (along D2)"));
    for (QValueAxis *axis : {m_a, m_b}) {
        axis->setLabelFormat(QStringLiteral("%.2g"));
        axis->setGridLineVisible(false); // the contours are the grid
    }
    chart()->addAxis(m_a, Qt::AlignBottom);
    chart()->addAxis(m_b, Qt::AlignLeft);
    setCaption(tr("Press <b>Draw landscape</b>."));
}

double LandscapePanel::extent() const {
    return m_extent->currentData().toDouble();
}

void LandscapePanel::setPlane(SliceDirection first, double extent) {
    m_directions->setCurrentIndex(m_directions->findData(int(first)));
    m_extent->setCurrentIndex(m_extent->findData(extent));
}

void LandscapePanel::follow(const SnapshotPointer &snapshot) {
    if (!snapshot || !snapshot->problem)
        return;
    if (snapshot->generation != m_generation) {
        m_generation = snapshot->generation;
        m_path.clear();
    }
    // Back in the history (or a new branch from there): the later γ's are not on this path.
    while (!m_path.empty() && m_path.back().first >= snapshot->iteration)
        m_path.pop_back();
    m_path.emplace_back(snapshot->iteration, std::make_shared<const Eigen::MatrixXd>(snapshot->gamma));
    if (m_path.size() > kPathCapacity) { // every other one, the first and the latest kept
        std::vector<std::pair<int, std::shared_ptr<const Eigen::MatrixXd>>> thinned;
        for (std::size_t k = 0; k < m_path.size(); ++k)
            if (k % 2 == 0 || k + 1 == m_path.size())
                thinned.push_back(m_path[k]);
        m_path = std::move(thinned);
    }
}

void LandscapePanel::start(const SnapshotPointer &snapshot) {
    SliceDirectionOptions directions;
    directions.first = SliceDirection(m_directions->currentData().toInt());
    directions.second = SliceDirection::Random;
    directions.convention = snapshot->convention;
    std::vector<std::shared_ptr<const Eigen::MatrixXd>> path;
    for (const auto &[iteration, gamma] : m_path)
        if (iteration <= snapshot->iteration)
            path.push_back(gamma);
    run(
        [snapshot, directions, path, extent = extent()] {
            LandscapeResult result;
            const ProblemView current{snapshot->problem->R, snapshot->problem->P, snapshot->gamma};
            SliceDirectionOptions options = directions;
            options.gammaStar = snapshot->gammaStar.get();
            if (options.first == SliceDirection::Planted && !options.gammaStar) {
                result.failure = tr("this problem has no planted γ* (generated planted problems have one)");
                return result;
            }
            if (Status status = sliceDirections(current, options, result.D1, result.D2); !status) {
                result.failure = QString::fromStdString(status.message);
                return result;
            }
            const SliceCoefficients coefficients =
                sliceCoefficients(current, result.D1, result.D2, directions.convention);
            result.grid = sliceGrid(coefficients, extent, kGridPoints);
            std::vector<const Eigen::MatrixXd *> trajectory;
            for (const auto &gamma : path)
                trajectory.push_back(gamma.get());
            result.path = projectOntoPlane(snapshot->gamma, result.D1, result.D2, trajectory);
            result.image = landscapeImage(result.grid);
            return result;
        },
        [this](const LandscapeResult &result) { show(result); });
}

void LandscapePanel::show(const LandscapeResult &result) {
    m_result = result;
    chart()->removeAllSeries();
    if (!result.failure.isEmpty() || result.grid.a.empty()) {
        chart()->setPlotAreaBackgroundVisible(false);
        setCaption(tr("<p>No plane: %1.</p>").arg(result.failure.toHtmlEscaped()));
        return;
    }
    const double extent = result.grid.a.back();
    m_a->setRange(-extent, extent);
    m_b->setRange(-extent, extent);
    m_a->setTickCount(5);
    m_b->setTickCount(5);
    // The image fills the plot area; its brush is anchored at the chart's origin, hence the translation.
    const QRectF plot = chart()->plotArea();
    if (plot.width() >= 2 && plot.height() >= 2) {
        QBrush brush(
            result.image.scaled(plot.size().toSize(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
        brush.setTransform(QTransform::fromTranslate(plot.left(), plot.top()));
        chart()->setPlotAreaBackgroundBrush(brush);
        chart()->setPlotAreaBackgroundVisible(true);
    }
    auto add = [this](QXYSeries *series, const QString &name) {
        series->setName(name);
        chart()->addSeries(series);
        series->attachAxis(m_a);
        series->attachAxis(m_b);
        return series;
    };
    double offPlane = 0;
    if (result.path.size() > 1) {
        auto *line = new QLineSeries;
        for (const PlanePoint &point : result.path) {
            line->append(point.a, point.b);
            offPlane = std::max(offPlane, point.offPlane);
        }
        add(line, tr("path so far"))->setPen(QPen(QColor(0xe7, 0x29, 0x8a), 2));
        line->setPointsVisible(true);
    }
    auto *lowest = new QScatterSeries;
    lowest->append(result.grid.minimumA, result.grid.minimumB);
    lowest->setMarkerSize(10);
    add(lowest, tr("lowest on the plane"))->setColor(QColor(0x56, 0xb4, 0xe9));
    if (m_directions->currentData().toInt() == int(SliceDirection::Planted) && extent >= 1) {
        auto *planted = new QScatterSeries;
        planted->append(1, 0);
        planted->setMarkerSize(12);
        add(planted, tr("planted γ*"))->setColor(QColor(0x00, 0x9e, 0x73));
    }
    auto *current = new QScatterSeries;
    current->append(0, 0);
    current->setMarkerSize(12);
    add(current, tr("current γ"))->setColor(QColor(0xd5, 0x5e, 0x00));
    const double currentLoss = result.grid.f(kGridPoints / 2, kGridPoints / 2);
    setCaption(tr("<p>f at γ (the centre) is %1; the lowest point on this plane is %2 at a = %3, b = %4; the "
                  "highest %5.</p>"
                  "<p>Colour: log₁₀ f, dark lines every %6 of its range (equal ratios of f). f is a "
                  "quartic in (a, b): 15 coefficients give the %7 × %7 grid.</p>"
                  "<p>The path is the γ's of the run as the window saw them, projected onto the "
                  "plane (up to %8 off it, in ‖·‖<sub>F</sub>).</p>")
                   .arg(number(currentLoss), number(result.grid.minimum), number(result.grid.minimumA),
                        number(result.grid.minimumB), number(result.grid.maximum),
                        tr("1/%1").arg(kContourLevels))
                   .arg(kGridPoints)
                   .arg(number(offPlane)));
}

} // namespace gradlens
