#include "heatmaprender.h"

#include "colormap.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gradlens {

ColorRange colorRange(const Eigen::MatrixXd &matrix, ViewScale scale) {
    ColorRange range;
    double largest = 0, smallestPositive = std::numeric_limits<double>::infinity();
    for (Eigen::Index j = 0; j < matrix.cols(); ++j)
        for (Eigen::Index i = 0; i < matrix.rows(); ++i) {
            const double v = matrix(i, j);
            if (!std::isfinite(v))
                continue;
            largest = std::max(largest, std::abs(v));
            if (v > 0)
                smallestPositive = std::min(smallestPositive, v);
            range.valid = true;
        }
    if (scale == ViewScale::Relative) { // fixed, so that a right and a wrong gradient look different
        range.low = -16.0;
        range.high = 0.0;
        return range;
    }
    if (scale == ViewScale::Signed) {
        const double bound = largest > 0 ? largest : 1.0;
        range.low = -bound;
        range.high = bound;
        return range;
    }
    if (!(largest > 0)) {
        range.valid = false;
        return range;
    }
    range.high = std::log10(largest);
    // At most 16 decades: below that a deviation is rounding noise whatever its exact value.
    range.low = std::max(std::log10(smallestPositive), range.high - 16.0);
    if (range.high - range.low < 1.0)
        range.low = range.high - 1.0;
    return range;
}

double colorPosition(double value, const ColorRange &range, ViewScale scale) {
    if (std::isnan(value))
        return std::numeric_limits<double>::quiet_NaN();
    if (scale == ViewScale::Signed)
        return 0.5 + 0.5 * value / range.high;
    if (!(value > 0))
        return 0.0;
    return std::clamp((std::log10(value) - range.low) / (range.high - range.low), 0.0, 1.0);
}

HeatmapImage renderHeatmap(const HeatmapRequest &request) {
    HeatmapImage result;
    if (!request.matrix || request.matrix->size() == 0)
        return result;
    const Eigen::MatrixXd &matrix = *request.matrix;
    const QRect whole(0, 0, static_cast<int>(matrix.cols()), static_cast<int>(matrix.rows()));
    const QRect region = request.region.isEmpty() ? whole : request.region.intersected(whole);
    if (region.isEmpty())
        return result;
    result.region = region;
    result.range = colorRange(matrix, request.scale);
    result.nanCount = static_cast<int>((!matrix.array().isFinite()).count());
    const ColorMap &map = request.scale == ViewScale::Signed ? ColorMap::diverging() : ColorMap::sequential();

    const int width = std::min(region.width(), std::max(1, request.maxPixels.width()));
    const int height = std::min(region.height(), std::max(1, request.maxPixels.height()));
    result.image = QImage(width, height, QImage::Format_RGB32);
    // Block boundaries: pixel x covers columns [first(x), first(x + 1)).
    auto first = [](int pixel, int pixels, int cells, int origin) {
        return origin + static_cast<int>(static_cast<long long>(pixel) * cells / pixels);
    };
    for (int y = 0; y < height; ++y) {
        const int row0 = first(y, height, region.height(), region.y());
        const int row1 = std::max(row0 + 1, first(y + 1, height, region.height(), region.y()));
        auto *line = reinterpret_cast<QRgb *>(result.image.scanLine(y));
        for (int x = 0; x < width; ++x) {
            const int col0 = first(x, width, region.width(), region.x());
            const int col1 = std::max(col0 + 1, first(x + 1, width, region.width(), region.x()));
            double chosen = 0;
            bool any = false, nan = false;
            for (int j = col0; j < col1 && !nan; ++j)
                for (int i = row0; i < row1; ++i) {
                    const double v = matrix(i, j);
                    if (std::isnan(v)) {
                        nan = true;
                        break;
                    }
                    const bool better =
                        request.scale == ViewScale::Signed ? std::abs(v) > std::abs(chosen) : v > chosen;
                    if (!any || better)
                        chosen = v;
                    any = true;
                }
            line[x] = nan ? ColorMap::nanColor() : map.at(colorPosition(chosen, result.range, request.scale));
        }
    }
    return result;
}

} // namespace gradlens
