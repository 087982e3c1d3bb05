#pragma once

// Internal: buffers of doubles for the register kernels' vector loads and stores.

#include <Eigen/Core>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

namespace gradlens::detail {

// Doubles on 64-byte boundaries, uninitialised: a vector load or store that straddles two cache lines
// costs two (every eight-wide access to a 16-byte-aligned array did).
class AlignedDoubles {
public:
    AlignedDoubles() = default;
    explicit AlignedDoubles(std::size_t count) { // none (a null data()) for 0
        if (count == 0)
            return;
        m_values.reset(
            static_cast<double *>(std::aligned_alloc(64, (count * sizeof(double) + 63) / 64 * 64)));
        if (!m_values)
            throw std::bad_alloc();
    }
    double *data() { return m_values.get(); }
    const double *data() const { return m_values.get(); }

private:
    struct Free {
        void operator()(double *values) const { std::free(values); }
    };
    std::unique_ptr<double[], Free> m_values;
};

// γ copied into 64-byte-aligned columns (their stride a multiple of 8), so that the kernels' loads of a
// block's rows of γ are aligned too. (Aligning P's loads as well, by starting its vectors where its
// columns cross a boundary, measured no faster: they stream from memory.)
class AlignedGamma {
public:
    explicit AlignedGamma(const Eigen::Ref<const Eigen::MatrixXd> &gamma)
        : m_stride((gamma.rows() + 7) / 8 * 8)
        , m_values(static_cast<std::size_t>(m_stride * gamma.cols())) {
        for (Eigen::Index c = 0; c < gamma.cols(); ++c)
            std::copy(gamma.col(c).data(), gamma.col(c).data() + gamma.rows(),
                      m_values.data() + c * m_stride);
    }
    const double *data() const { return m_values.data(); }
    Eigen::Index stride() const { return m_stride; }

private:
    Eigen::Index m_stride;
    AlignedDoubles m_values;
};

} // namespace gradlens::detail
