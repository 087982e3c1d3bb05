#!/usr/bin/env bash
# Installs what is missing, builds, and runs the command-line demo on a default problem.
# Arguments are passed to gradlens-cli; without arguments the demo runs generate, eval, check and descend.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
scripts/build.sh release
cli=build/release/app/gradlens-cli

if [ $# -gt 0 ]; then
    exec "$cli" "$@"
fi

demo_dir=$(mktemp -d)
trap 'rm -rf "$demo_dir"' EXIT
files=(--R "$demo_dir/R.mtx" --P "$demo_dir/P.mtx" --gamma "$demo_dir/gamma.mtx")
run() { echo "\$ gradlens-cli $*" | sed "s|$demo_dir|demo|g"; "$cli" "$@"; echo; }
run generate --n 40 --r 3 --seed 1 --out-dir "$demo_dir"
run eval "${files[@]}"
run check "${files[@]}" --method central
run descend "${files[@]}" --optimizer armijo --iterations 200
