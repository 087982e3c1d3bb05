#pragma once

#include <Eigen/Core>

namespace gradlens {

// How far γ is from a planted γ* up to the rotation f cannot see: f depends on γ only through γγᵀ, so γQ
// has the loss of γ for every orthogonal Q. min_Q ‖γQ − γ*‖_F (orthogonal Procrustes), from one r×r SVD of
// γᵀγ*: Q = UVᵀ. γ and γ*: n×r.
double distanceToPlanted(const Eigen::Ref<const Eigen::MatrixXd> &gamma,
                         const Eigen::Ref<const Eigen::MatrixXd> &gammaStar);

} // namespace gradlens
