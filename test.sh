#!/usr/bin/env bash
# Installs what is missing, builds (Release) and runs the whole test suite.
# ./test.sh [preset]   preset: release (default) or asan
set -euo pipefail
cd "$(dirname "$0")"
preset="${1:-release}"
scripts/install-deps.sh
scripts/build.sh "$preset"
export QT_QPA_PLATFORM=offscreen
ctest --preset "$preset" --output-on-failure
