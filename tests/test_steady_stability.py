"""Linear stability classification on matrices whose eigenvalues are known in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from cumex.steady.stability import balanced_norm, classify_stability
from cumex.steady.system import RealODESystem


def linear(A: np.ndarray) -> RealODESystem:
    n = len(A)
    return RealODESystem([f"x{i}" for i in range(n)], lambda x: A @ x, lambda x: A, lambda x: {},
                         np.zeros(n), lambda rng, k: rng.normal(size=(k, n)))


def test_stability_does_not_depend_on_the_units_of_the_unknowns():
    """A0 = [[-0.01, 1], [0, -1]] has eigenvalues -0.01 and -1: stable. Measuring x1 in units 1e-10
    times smaller (A = D⁻¹ A0 D, D = diag(1, 1e10)) changes no eigenvalue but puts 1e10 into A: a
    tolerance relative to the plain |A|∞ = 1e10 (1e-9 · 1e10 = 10) would call the state unstable."""
    A0 = np.array([[-0.01, 1.0], [0.0, -1.0]])
    D = np.diag([1.0, 1e10])
    A = np.linalg.inv(D) @ A0 @ D
    assert np.max(np.sum(np.abs(A), axis=1)) > 1e9  # the naive tolerance would be ≥ 1
    for M in (A0, A):
        st = classify_stability(linear(M), np.zeros(2))
        assert st.stable and st.max_real_eigenvalue == pytest.approx(-0.01, rel=1e-9)
    assert balanced_norm(A) < 10.0


def test_weakly_unstable_and_weakly_stable_modes_are_told_apart():
    """Eigenvalues ±1e-5 next to a fast mode -1e3: above the tolerance 1e-9 · 1e3 = 1e-6."""
    for sign in (+1.0, -1.0):
        A = np.diag([sign * 1e-5, -1e3])
        st = classify_stability(linear(A), np.zeros(2))
        assert st.stable == (sign < 0)
        assert st.max_real_eigenvalue == pytest.approx(sign * 1e-5, rel=1e-9)
