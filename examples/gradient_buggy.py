#!/usr/bin/env python3
"""gradient.py with a mistake, for teaching: the outer P of P∘M is forgotten (M is used where the chain
rule gives P∘M). Gradient Lens names it: "no-outer-p"."""
import sys

import numpy as np


def gradient(R, P, gamma):
    M = P * (gamma @ gamma.T) - R
    return 2.0 * (M + M.T) @ gamma  # should be (P * M + (P * M).T)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: gradient_buggy.py R.npy P.npy gamma.npy out.npy")
    R, P, gamma = (np.load(path) for path in sys.argv[1:4])
    np.save(sys.argv[4], gradient(R, P, gamma))
