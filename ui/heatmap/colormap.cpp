#include "colormap.h"

#include <algorithm>
#include <cmath>

namespace gradlens {

ColorMap::ColorMap(QString name, const QVector<QRgb> &controlPoints)
    : m_name(std::move(name)) {
    const int segments = static_cast<int>(controlPoints.size()) - 1;
    for (int i = 0; i < 256; ++i) {
        const double position = i / 255.0 * segments;
        const int k = std::min(static_cast<int>(position), segments - 1);
        const double w = position - k;
        const QRgb a = controlPoints[k], b = controlPoints[k + 1];
        auto mix = [w](int x, int y) { return static_cast<int>(std::lround(x + w * (y - x))); };
        m_table[static_cast<std::size_t>(i)] =
            qRgb(mix(qRed(a), qRed(b)), mix(qGreen(a), qGreen(b)), mix(qBlue(a), qBlue(b)));
    }
}

const ColorMap &ColorMap::diverging() {
    static const ColorMap map(QStringLiteral("RdBu"),
                              {0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582,
                               0xd6604d, 0xb2182b, 0x67001f});
    return map;
}

const ColorMap &ColorMap::sequential() {
    static const ColorMap map(QStringLiteral("viridis"), {0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c,
                                                          0x28ae80, 0x5ec962, 0xaddc30, 0xfde725});
    return map;
}

QRgb ColorMap::at(double t) const {
    if (std::isnan(t))
        return nanColor();
    const double clamped = std::clamp(t, 0.0, 1.0);
    return m_table[static_cast<std::size_t>(std::lround(clamped * 255.0))];
}

} // namespace gradlens
