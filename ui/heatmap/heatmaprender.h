#pragma once

#include "views.h"

#include <Eigen/Core>
#include <QImage>
#include <QRect>

#include <memory>

namespace gradlens {

// What to paint: a region of a matrix, at most maxPixels wide and high.
struct HeatmapRequest {
    std::shared_ptr<const Eigen::MatrixXd> matrix;
    ViewScale scale = ViewScale::Signed;
    QRect region; // rows are y, columns are x; empty means the whole matrix
    QSize maxPixels{1024, 1024};
};

// The colour range is decided from the whole matrix, so zooming does not change what a colour means.
struct ColorRange {
    double low = 0, high = 0; // signed: −a..a; logarithmic: log10 of the smallest and largest positive value
    bool valid = false;       // false when the matrix has no finite (positive, for log) entry
};

struct HeatmapImage {
    QImage image; // one pixel per cell, or per block of cells when the region is larger than maxPixels
    QRect region; // the cells the image covers
    ColorRange range;
    int nanCount = 0; // non-finite entries in the whole matrix
};

ColorRange colorRange(const Eigen::MatrixXd &matrix, ViewScale scale);

// Where value falls on the colour map, in [0, 1] (NaN for NaN): signed maps 0 to ½.
double colorPosition(double value, const ColorRange &range, ViewScale scale);

// Downsampling keeps what matters: each pixel shows the entry of its block with the largest magnitude
// (signed) or the largest value (logarithmic), so a single large residual is never averaged away; a block
// with any NaN shows NaN.
HeatmapImage renderHeatmap(const HeatmapRequest &request);

} // namespace gradlens
