#!/usr/bin/env bash
# Installs the Debian packages Gradient Lens needs to build, test and run; does nothing when all are present.
set -euo pipefail

packages=(g++ cmake ninja-build pkg-config libeigen3-dev qt6-base-dev qt6-charts-dev qt6-svg-dev
          libgl-dev fonts-dejavu-core xvfb xauth libmatio-dev)
# --fuzz: also what the libFuzzer harnesses need (scripts/fuzz.sh).
if [ "${1:-}" = "--fuzz" ]; then
    packages+=(clang-14 libclang-rt-14-dev)
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done 2>/dev/null || true

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "This system has no apt-get. Install these packages (or their equivalents) and run again:" >&2
    echo "  ${packages[*]}" >&2
    exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "Installing missing packages: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
