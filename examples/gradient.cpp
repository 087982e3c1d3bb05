// A gradient program for Gradient Lens, in C++ with Eigen: the shape every user program has.
//
//   gradient R.npy P.npy gamma.npy out.npy
//
// reads R, P (n×n) and γ (n×r) and writes ∂f/∂γ = 2 (P∘M + Pᵀ∘Mᵀ) γ, M = P∘(γγᵀ) − R, for
// f(γ) = ‖R − P∘(γγᵀ)‖²_F. Check it with
//
//   gradlens-cli check --R R.mtx --P P.mtx --gamma gamma.mtx --gradient-cmd "./gradient"
//
// Built twice by CMake: `gradient` (correct) and `gradient_buggy` (-DGRADIENT_BUGGY: the Pᵀ∘Mᵀ term
// forgotten, a classic slip when the derivation treats γγᵀ's two factors as one), for teaching.
//
// The .npy reading here handles what Gradient Lens writes (version 1.0, '<f8', C order); a program of
// your own can use any NumPy reader.
#include <Eigen/Core>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

namespace {

Eigen::MatrixXd readNpy(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    char magic[8];
    if (!in.read(magic, 8) || std::string(magic + 1, 5) != "NUMPY" || magic[6] != 1)
        throw std::runtime_error(path + ": not a version 1 .npy file");
    unsigned char length[2];
    in.read(reinterpret_cast<char *>(length), 2);
    std::string header(length[0] + 256u * length[1], '\0');
    in.read(header.data(), static_cast<std::streamsize>(header.size()));
    if (header.find("'<f8'") == std::string::npos ||
        header.find("'fortran_order': False") == std::string::npos)
        throw std::runtime_error(path + ": expected '<f8' in C order");
    const auto open = header.find('(', header.find("'shape'"));
    long rows = 0, cols = 1;
    if (std::sscanf(header.c_str() + open, "(%ld, %ld)", &rows, &cols) < 1)
        throw std::runtime_error(path + ": cannot read the shape");
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> values(rows, cols);
    if (!in.read(reinterpret_cast<char *>(values.data()),
                 static_cast<std::streamsize>(sizeof(double) * rows * cols)))
        throw std::runtime_error(path + ": shorter than its shape");
    return values;
}

void writeNpy(const std::string &path, const Eigen::MatrixXd &matrix) {
    std::string header = "{'descr': '<f8', 'fortran_order': True, 'shape': (" +
                         std::to_string(matrix.rows()) + ", " + std::to_string(matrix.cols()) + "), }";
    header.append(64 - (10 + header.size() + 1) % 64, ' ');
    header += '\n';
    std::ofstream out(path, std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    const unsigned char length[2] = {static_cast<unsigned char>(header.size() % 256),
                                     static_cast<unsigned char>(header.size() / 256)};
    out.write(reinterpret_cast<const char *>(length), 2);
    out << header;
    out.write(reinterpret_cast<const char *>(matrix.data()),
              static_cast<std::streamsize>(sizeof(double) * matrix.size())); // column-major: Fortran order
    if (!out)
        throw std::runtime_error(path + ": cannot write");
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 5) {
        std::cerr << "usage: " << argv[0] << " R.npy P.npy gamma.npy out.npy\n";
        return 2;
    }
    try {
        const Eigen::MatrixXd R = readNpy(argv[1]), P = readNpy(argv[2]), gamma = readNpy(argv[3]);
        const Eigen::MatrixXd M = P.cwiseProduct(gamma * gamma.transpose()) - R;
        const Eigen::MatrixXd weighted = P.cwiseProduct(M);
#ifdef GRADIENT_BUGGY
        const Eigen::MatrixXd gradient =
            4.0 * weighted * gamma; // Pᵀ∘Mᵀ forgotten: right only if P∘M is symmetric
#else
        const Eigen::MatrixXd gradient = 2.0 * (weighted + weighted.transpose()) * gamma;
#endif
        writeNpy(argv[4], gradient);
    } catch (const std::exception &error) {
        std::cerr << "gradient: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
