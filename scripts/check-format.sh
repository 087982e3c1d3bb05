#!/usr/bin/env bash
# Fails when a C++ file of the repository is not formatted as .clang-format says (CI runs it).
#   scripts/check-format.sh          check; prints the offending places
#   scripts/check-format.sh --fix    reformat in place
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --format
mapfile -t files < <(git ls-files '*.cpp' '*.h')
if [ "${1:-}" = "--fix" ]; then
    clang-format -i "${files[@]}"
    exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}"; then
    echo "Some files are not formatted; scripts/check-format.sh --fix formats them." >&2
    exit 1
fi
echo "format: ${#files[@]} files match .clang-format"
