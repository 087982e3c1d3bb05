#include "random.h"

#include <cmath>
#include <limits>

namespace gradlens {

std::uint64_t splitMix64(std::uint64_t &state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

namespace {

std::uint64_t rotateLeft(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

} // namespace

Random::Random(std::uint64_t seed, std::uint64_t stream) {
    // Distinct streams (R, P, γ, ...) come from distinct SplitMix64 starting points.
    std::uint64_t state = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    for (std::uint64_t &word : m_state)
        word = splitMix64(state);
}

Random Random::fromState(const std::uint64_t (&state)[4]) {
    Random random(0);
    for (int i = 0; i < 4; ++i)
        random.m_state[i] = state[i];
    return random;
}

std::uint64_t Random::next() {
    const std::uint64_t result = rotateLeft(m_state[1] * 5, 7) * 9;
    const std::uint64_t t = m_state[1] << 17;
    m_state[2] ^= m_state[0];
    m_state[3] ^= m_state[1];
    m_state[1] ^= m_state[2];
    m_state[0] ^= m_state[3];
    m_state[2] ^= t;
    m_state[3] = rotateLeft(m_state[3], 45);
    return result;
}

double Random::uniform() {
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

double Random::uniform(double low, double high) {
    return low + (high - low) * uniform();
}

double Random::normal() {
    if (m_hasSpare) {
        m_hasSpare = false;
        return m_spareNormal;
    }
    double u, v, s;
    do {
        u = 2.0 * uniform() - 1.0;
        v = 2.0 * uniform() - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double scale = std::sqrt(-2.0 * portableLog(s) / s); // sqrt is correctly rounded by IEEE 754
    m_spareNormal = v * scale;
    m_hasSpare = true;
    return u * scale;
}

double portableLog(double x) {
    if (!(x > 0))
        return x == 0 ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
    if (std::isinf(x))
        return x;
    int exponent = 0;
    double mantissa = std::frexp(x, &exponent); // x = mantissa · 2^exponent, mantissa in [0.5, 1): exact
    if (mantissa < 0.70710678118654752440) {
        mantissa *= 2.0;
        exponent -= 1;
    }
    // ln(m) = 2 atanh(z), z = (m − 1)/(m + 1), |z| ≤ 0.1716: the series converges by z² ≤ 0.0295 per term.
    const double z = (mantissa - 1.0) / (mantissa + 1.0);
    const double z2 = z * z;
    double series = 0; // Horner from the smallest term: 1 + z²/3 + z⁴/5 + … + z⁴⁰/41
    for (int k = 41; k >= 3; k -= 2)
        series = (series + 1.0 / k) * z2;
    series = z + z * series;
    // ln 2 split in a head with few bits (exact product with the exponent) and a tail.
    constexpr double ln2High = 6.93147180369123816490e-01;
    constexpr double ln2Low = 1.90821492927058770002e-10;
    const double e = static_cast<double>(exponent);
    return e * ln2High + (2.0 * series + e * ln2Low);
}

} // namespace gradlens
