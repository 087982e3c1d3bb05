#pragma once

#include <cstdint>

namespace gradlens {

// Portable pseudo-random numbers: the same seed gives the same sequence on every platform and compiler.
// xoshiro256** seeded through SplitMix64; normals by Marsaglia's polar method with a logarithm built from
// + − × ÷ only (std::log may differ in the last bit between C libraries).
class Random {
public:
    explicit Random(std::uint64_t seed, std::uint64_t stream = 0);
    // A generator in a given xoshiro256** state (not all zero), for checking against published outputs.
    static Random fromState(const std::uint64_t (&state)[4]);

    std::uint64_t next(); // 64 random bits
    double uniform();     // [0, 1), 53 random bits
    double uniform(double low, double high);
    double normal(); // standard normal

private:
    std::uint64_t m_state[4];
    double m_spareNormal = 0;
    bool m_hasSpare = false;
};

// SplitMix64 step: advances state and returns the next output (public for its published test vector).
std::uint64_t splitMix64(std::uint64_t &state);

// Natural logarithm of x > 0 by range reduction and an atanh series; within a few ulp of the true value and
// bitwise reproducible wherever doubles are IEEE 754 (the file is compiled without floating-point
// contraction).
double portableLog(double x);

} // namespace gradlens
