#!/usr/bin/env bash
# Installs the Debian packages Gradient Lens needs to build, test and run; does nothing when all are present.
#   scripts/install-deps.sh           build, test and run
#   scripts/install-deps.sh --fuzz    also the libFuzzer toolchain (scripts/fuzz.sh)
#   scripts/install-deps.sh --format  also clang-format (scripts/check-format.sh)
#   scripts/install-deps.sh --check   only report what is missing (exit 1 when something is)
# Without apt-get (another distribution) it installs nothing: it exits 0 when the build already
# configures (build/release exists and CMake accepts it) and otherwise prints what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every package is named here, because we install with --no-install-recommends: qt6-base-dev only
# *recommends* libqt6opengl6-dev, yet Qt6Charts' CMake package requires Qt6OpenGL.
packages=(
    g++ cmake ninja-build pkg-config make  # toolchain (make: the fuzz and example builds)
    libeigen3-dev liblbfgspp-dev           # core (LBFGSpp: L-BFGS's correction pairs and Wolfe search)
    qt6-base-dev libqt6opengl6-dev qt6-charts-dev libgl-dev libxkbcommon-dev  # ui
    libmatio-dev zlib1g-dev                # MATLAB .mat files (zlib: the .mat structure check inflates)
    qt6-svg-dev libgif-dev                 # figures: SVG export (Qt SVG), animated GIFs of descent (giflib)
    libquazip1-qt6-dev qt6-5compat-dev libbz2-dev  # session files (zip); QuaZip's CMake package needs the other two
    fonts-dejavu-core                      # legible text in offscreen screenshots and tests
    python3-numpy                          # the NumPy example gradient program, run by the tests
    help2man                               # man pages, generated at build time
    desktop-file-utils appstream           # the install test validates the .desktop and metainfo files
    dpkg-dev file                          # cpack -G DEB computes the package's dependencies with them
)
mode="${1:-}"
case "$mode" in
    --fuzz) packages+=(clang-14 libclang-rt-14-dev) ;;
    --format) packages+=(clang-format) ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    if cmake --preset release >/dev/null 2>&1; then
        exit 0
    fi
    echo "This system has no apt-get and the build does not configure. Install the equivalents of these" >&2
    echo "Debian packages and run again:" >&2
    echo "  ${packages[*]}" >&2
    exit 1
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$mode" = "--check" ]; then
    echo "Missing packages: ${missing[*]}" >&2
    exit 1
fi

echo "Installing missing packages: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
