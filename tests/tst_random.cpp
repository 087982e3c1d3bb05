#include "random.h"
#include "testhelpers.h"

#include <cmath>
#include <limits>

using namespace gradlens;

class TestRandom : public QObject {
    Q_OBJECT
private slots:
    // The published SplitMix64 sequence for seed 1234567.
    void splitMix64ReferenceSequence() {
        std::uint64_t state = 1234567;
        const std::uint64_t expected[] = {6457827717110365317ULL, 3203168211198807973ULL,
                                          9817491932198370423ULL, 4593380528125082431ULL,
                                          16408922859458223821ULL};
        for (std::uint64_t value : expected)
            QCOMPARE(splitMix64(state), value);
    }

    // xoshiro256** from the state {1, 2, 3, 4}, worked by hand from the algorithm:
    //   out₁ = rotl(2·5, 7)·9 = 1280·9 = 11520; the state becomes {7, 0, 262146, rotl(6, 45)}, so out₂ = 0.
    void xoshiroFromKnownState() {
        const std::uint64_t state[4] = {1, 2, 3, 4};
        Random random = Random::fromState(state);
        QCOMPARE(random.next(), std::uint64_t{11520});
        QCOMPARE(random.next(), std::uint64_t{0});
    }

    void portableLogMatchesLibm_data() {
        QTest::addColumn<double>("x");
        for (double x : {1.0, 2.0, 0.5, 0.7071067811865476, 1.4142135623730951, 1e-300, 4.9e-324, 1e300,
                         3.14159, 0.999999, 1.000001, 123456.789})
            QTest::newRow(QByteArray::number(x, 'g', 17).constData()) << x;
    }
    void portableLogMatchesLibm() {
        QFETCH(double, x);
        const double expected = std::log(x);
        GL_COMPARE_NEAR(portableLog(x), expected,
                        4 * std::numeric_limits<double>::epsilon() * std::abs(expected) + 1e-300);
    }

    void portableLogOverManyValues() {
        Random random(42);
        double worst = 0;
        for (int i = 0; i < 100000; ++i) {
            const double x = random.uniform() + 1e-3;
            const double expected = std::log(x);
            worst =
                std::max(worst, std::abs(portableLog(x) - expected) / std::max(std::abs(expected), 1e-300));
        }
        QVERIFY2(worst < 4e-16, QByteArray::number(worst, 'g', 3).constData());
    }

    void sameSeedSameSequence() {
        Random a(99, 2), b(99, 2), otherStream(99, 3);
        bool streamsDiffer = false;
        for (int i = 0; i < 1000; ++i) {
            const double value = a.normal();
            QVERIFY(value == b.normal());
            streamsDiffer = streamsDiffer || value != otherStream.normal();
        }
        QVERIFY(streamsDiffer);
    }

    // Mean 0 and variance 1 within 5 standard errors for 200 000 draws.
    void normalMoments() {
        Random random(7);
        constexpr int count = 200000;
        double sum = 0, sumSquares = 0;
        for (int i = 0; i < count; ++i) {
            const double value = random.normal();
            sum += value;
            sumSquares += value * value;
        }
        const double mean = sum / count;
        const double variance = sumSquares / count - mean * mean;
        GL_COMPARE_NEAR(mean, 0.0, 5.0 / std::sqrt(count));
        GL_COMPARE_NEAR(variance, 1.0, 5.0 * std::sqrt(2.0 / count));
    }

    void uniformRange() {
        Random random(5);
        for (int i = 0; i < 10000; ++i) {
            const double value = random.uniform();
            QVERIFY(value >= 0.0 && value < 1.0);
        }
    }
};

QTEST_APPLESS_MAIN(TestRandom)
#include "tst_random.moc"
