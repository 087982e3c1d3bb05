#!/usr/bin/env python3
"""Times NumPy's one-line loss and gradient against gradlens-cli bench, in one run on the same machine.

    tests/bench/numpy_compare.py --cli build/release/app/gradlens-cli [--n 4096] [--r 8] [--repeat 5]

Prints one JSON object: the timings, "speedup_vs_numpy" (NumPy's median / the evaluation descent runs, on
the paired layout built once per run) and "direct_speedup_vs_numpy" (against the pass over P and R as stored,
what a single evaluation costs).
NumPy comes from Debian's python3-numpy; the script says so when it is missing.
"""
import argparse
import json
import statistics
import subprocess
import sys
import time

try:
    import numpy as np
except ImportError:
    sys.exit("numpy_compare: NumPy is missing; install Debian's python3-numpy (apt-get install python3-numpy)")


def numpy_seconds(n, r, repeat, seed):
    rng = np.random.default_rng(seed)
    R = rng.standard_normal((n, n))
    P = rng.standard_normal((n, n))
    g = rng.standard_normal((n, r))
    times = []
    for _ in range(repeat + 1):  # the first run warms caches and page tables, as gradlens-cli bench does
        start = time.perf_counter()
        M = P * (g @ g.T) - R; A = P * M; f = (M * M).sum(); G = 2 * (A + A.T) @ g  # noqa: E702
        times.append(time.perf_counter() - start)
    assert np.isfinite(f) and G.shape == (n, r)
    return statistics.median(times[1:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", required=True, help="path of gradlens-cli")
    parser.add_argument("--n", type=int, default=4096)
    parser.add_argument("--r", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    bench = subprocess.run([args.cli, "bench", "--n", str(args.n), "--r", str(args.r), "--repeat", str(args.repeat)],
                           check=True, capture_output=True, text=True)
    ours = json.loads(bench.stdout)
    theirs = numpy_seconds(args.n, args.r, args.repeat, seed=1)
    print(json.dumps({
        "n": args.n, "r": args.r,
        "numpy_version": np.__version__,
        "numpy_seconds": theirs,
        "evaluate_seconds": ours["evaluate_seconds"],
        "stream_read_seconds": ours["stream_read_seconds"],
        "numpy_ratio_to_stream": theirs / ours["stream_read_seconds"],
        "speedup_vs_numpy": theirs / ours["evaluate_seconds"],
        "direct_evaluate_seconds": ours["direct_evaluate_seconds"],
        "direct_speedup_vs_numpy": theirs / ours["direct_evaluate_seconds"],
    }))


if __name__ == "__main__":
    main()
