#pragma once

#include <QColor>
#include <QString>
#include <QVector>

#include <array>

namespace gradlens {

// A 256-entry colour table interpolated between control points. Both maps are colour-blind safe:
// the diverging one is ColorBrewer's RdBu (blue negative, near-white zero, red positive), the sequential
// one follows viridis. NaN has a colour of its own that appears in neither map.
class ColorMap {
public:
    static const ColorMap &diverging();
    static const ColorMap &sequential();
    static QRgb nanColor() { return qRgb(128, 128, 128); }

    // t in [0, 1]; values outside are clamped, NaN gives nanColor().
    QRgb at(double t) const;
    const QString &name() const { return m_name; }

private:
    ColorMap(QString name, const QVector<QRgb> &controlPoints);
    QString m_name;
    std::array<QRgb, 256> m_table{};
};

} // namespace gradlens
