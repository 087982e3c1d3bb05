#!/usr/bin/env bash
# Installs what is missing, builds, and opens Gradient Lens on the built-in demo problem.
# Arguments go to the program (gradlens), e.g. ./run.sh --R R.mtx --P P.mtx --gamma gamma.mtx
# Without a display it renders the window offscreen to build/gradlens-demo.png and says so.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
scripts/build.sh release
app=build/release/app/gradlens

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    exec "$app" "$@"
fi
echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset): rendering the window offscreen instead."
QT_QPA_PLATFORM=offscreen "$app" --screenshot build/gradlens-demo.png --steps 50 "$@"
echo "Wrote build/gradlens-demo.png (the window after 50 descent steps on the demo problem)."
