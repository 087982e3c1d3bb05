#include "planted.h"

#include <Eigen/SVD>

namespace gradlens {

double distanceToPlanted(const Eigen::Ref<const Eigen::MatrixXd> &gamma,
                         const Eigen::Ref<const Eigen::MatrixXd> &gammaStar) {
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(gamma.transpose() * gammaStar,
                                                Eigen::ComputeFullU | Eigen::ComputeFullV);
    const Eigen::MatrixXd rotation = svd.matrixU() * svd.matrixV().transpose();
    // The difference itself, not ‖γ‖² + ‖γ*‖² − 2Σσ, which cancels to rounding near the answer.
    return (gamma * rotation - gammaStar).norm();
}

} // namespace gradlens
