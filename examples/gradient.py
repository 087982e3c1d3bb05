#!/usr/bin/env python3
"""A gradient program for Gradient Lens, in NumPy.

    python3 gradient.py R.npy P.npy gamma.npy out.npy

reads R, P (n×n) and γ (n×r) and writes ∂f/∂γ = 2 (P∘M + Pᵀ∘Mᵀ) γ with M = P∘(γγᵀ) − R, the gradient of
f(γ) = ‖R − P∘(γγᵀ)‖²_F. Check it with

    gradlens-cli check --R R.mtx --P P.mtx --gamma gamma.mtx --gradient-cmd "python3 gradient.py"

gradient_buggy.py is the same with a mistake, for teaching.
"""
import sys

import numpy as np


def gradient(R, P, gamma):
    M = P * (gamma @ gamma.T) - R
    return 2.0 * (P * M + (P * M).T) @ gamma


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: gradient.py R.npy P.npy gamma.npy out.npy")
    R, P, gamma = (np.load(path) for path in sys.argv[1:4])
    np.save(sys.argv[4], gradient(R, P, gamma))
