#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang-14 and runs each reader (Matrix Market, delimited text, .npy and
# .mat through libmatio) for SECONDS (default 60), seeded with the test files of its format. Prints how many
# inputs each reader survived. Exit status non-zero on a crash.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
scripts/install-deps.sh --fuzz
CXX=clang++-14 cmake -S tests/fuzz -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build/fuzz

declare -A patterns=([matrixmarket]='*.mtx' [delimited]='*.csv *.tsv *.txt' [npy]='*.npy' [mat]='*.mat')
for reader in matrixmarket delimited npy mat; do
    corpus="build/fuzz/corpus_$reader"
    mkdir -p "$corpus"
    for pattern in ${patterns[$reader]}; do
        find tests/data -name "$pattern" -exec cp {} "$corpus/" \;
    done
    log="build/fuzz/$reader.log"
    if ! build/fuzz/fuzz_$reader "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -print_final_stats=1 > "$log" 2>&1; then
        tail -40 "$log"
        echo "fuzz_$reader: FAILED (input saved by libFuzzer in the working directory)" >&2
        exit 1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    echo "fuzz_$reader: $runs inputs in ${seconds} s, no crash or sanitizer report"
done
