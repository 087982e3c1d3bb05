#include "profilepanel.h"

#include <QChart>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace gradlens {

namespace {

QString number(double value) {
    return QString::number(value, 'g', 6).replace(QLatin1Char('-'), QChar(0x2212));
}

} // namespace

ProfilePanel::ProfilePanel(QWidget *parent)
    : InstrumentPanel(tr("Draw line profile"), parent) {
    chart()->setTitle(tr("Line profile φ(t) = f(γ − tG)"));
    m_x = new QValueAxis;
    m_x->setTitleText(tr("step t along −G"));
    m_y = new QValueAxis;
    m_y->setTitleText(tr("φ(t)"));
    chart()->addAxis(m_x, Qt::AlignBottom);
    chart()->addAxis(m_y, Qt::AlignLeft);
    setCaption(tr("Press <b>Draw line profile</b>."));
}

void ProfilePanel::start(const SnapshotPointer &snapshot) {
    run(
        [snapshot] {
            Result result;
            const ProblemView current{snapshot->problem->R, snapshot->problem->P, snapshot->gamma};
            result.profile = lineProfile(current, snapshot->gradient, snapshot->convention);
            result.trials = armijoTrials(result.profile, snapshot->learningRate);
            result.lastStep = snapshot->lastStep;
            // Show the minimiser, the accepted Armijo step and the last step with room to spare.
            // Show the minimiser, Armijo's trials and the last step, but not so far out that the quartic's
            // wall squashes the bowl.
            const double tStar = std::isfinite(result.profile.exactMinimizer)
                                     ? std::max(result.profile.exactMinimizer, 0.0)
                                     : 0.0; // NaN when φ overflows: the note says so
            const double wanted =
                std::max({2.0 * tStar, 1.15 * result.trials.front(), 1.15 * result.lastStep});
            result.range = tStar > 0 ? std::min(wanted, 8.0 * tStar) : (wanted > 0 ? wanted : 1.0);
            for (int k = 0; k <= 200; ++k) {
                const double t = result.range * k / 200.0;
                result.curve.emplace_back(t, result.profile.valueAt(t));
            }
            return result;
        },
        [this](const Result &result) { show(result); });
}

void ProfilePanel::show(const Result &result) {
    m_result = result;
    chart()->removeAllSeries();
    auto add = [this](QXYSeries *series, const QString &name, const QColor &color) {
        series->setName(name);
        chart()->addSeries(series);
        series->attachAxis(m_x);
        series->attachAxis(m_y);
        series->setColor(color);
        return series;
    };
    const LineProfile &profile = result.profile;
    const double phi0 = profile.valueAt(0);
    // The y-range: from the minimum to a little above φ(0); the quartic's far wall is cut off.
    const double low = std::min(profile.minimumValue, phi0);
    const double bowl = std::max(phi0 - low, std::abs(phi0) * 1e-12);
    double highest = phi0;
    for (double t : result.trials)
        if (t <= result.range)
            highest = std::max(highest, profile.valueAt(t));
    const double high = std::min(highest, phi0 + 3 * bowl) + 0.1 * bowl;
    auto *curve = new QLineSeries;
    for (const QPointF &point : result.curve)
        curve->append(point.x(), std::min(point.y(), high + (high - low)));
    add(curve, tr("φ(t)"), QColor(0x21, 0x66, 0xac))->setPen(QPen(QColor(0x21, 0x66, 0xac), 2.5));
    auto *trials = new QScatterSeries;
    for (std::size_t k = 0; k + 1 < result.trials.size(); ++k)
        if (result.trials[k] <= result.range)
            trials->append(result.trials[k], profile.valueAt(result.trials[k]));
    add(trials, tr("rejected trial steps"), QColor(0xd9, 0x5f, 0x02));
    trials->setMarkerSize(10);
    auto *accepted = new QScatterSeries;
    accepted->append(result.trials.back(), profile.valueAt(result.trials.back()));
    add(accepted, tr("accepted t = %1").arg(number(result.trials.back())), QColor(0x1b, 0x9e, 0x77));
    accepted->setMarkerSize(13);
    auto *minimum = new QScatterSeries;
    minimum->append(profile.exactMinimizer, profile.minimumValue);
    minimum->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    add(minimum, tr("t* = %1").arg(number(profile.exactMinimizer)), QColor(0xb2, 0x18, 0x2b));
    minimum->setMarkerSize(13);
    if (result.lastStep > 0) {
        auto *last = new QLineSeries;
        last->append(result.lastStep, low);
        last->append(result.lastStep, high);
        add(last, tr("last step %1").arg(number(result.lastStep)), QColor(0x54, 0x27, 0x88))
            ->setPen(QPen(QColor(0x54, 0x27, 0x88), 1.5, Qt::DashLine));
    }
    m_x->setRange(0, result.range);
    m_y->setRange(low - 0.05 * (high - low), high);
    const auto &c = profile.coefficients;
    setCaption(tr("<p>φ(t) = %1 %2 t + %3 t² %4 t³ + %5 t⁴</p>"
                  "<p>Along −G the loss is a quartic in the step t, computed exactly from R, P, γ and G. Its "
                  "slope at t = 0 is −⟨∇f, G⟩, negative for the right gradient. Armijo halves its trial step "
                  "until φ falls enough; the exact minimiser t* is the best a line search can do.</p>")
                   .arg(number(c[0]),
                        c[1] < 0 ? QStringLiteral("−") + number(-c[1]) : QStringLiteral("+ ") + number(c[1]),
                        number(c[2]),
                        c[3] < 0 ? QStringLiteral("−") + number(-c[3]) : QStringLiteral("+ ") + number(c[3]),
                        number(c[4])) +
               (profile.note.empty()
                    ? QString()
                    : QStringLiteral("<p><b>%1</b></p>").arg(QString::fromStdString(profile.note))));
}

} // namespace gradlens
