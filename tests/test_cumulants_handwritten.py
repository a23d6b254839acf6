"""Derived orders 1 and 2 against the hand-written equations of :mod:`cumex.handwritten.central_spin`.

Both right-hand sides are polynomials of degree ≤ 2 in the real unknowns, so they are equal as
polynomials iff their constant terms F(0), linear terms J(0) and quadratic terms (J(e_i) - J(0), the
Hessian columns) agree; we compare these coefficient arrays after mapping the unknowns by name, at
several parameter points (including off-resonant ones), and check both are exactly quadratic.
"""

from __future__ import annotations

import numpy as np
import pytest

from cumex.cumulants.solver import central_spin_system
from cumex.handwritten.central_spin import mean_field_system, order2_system
from cumex.models.central_spin import CentralSpinParameters

MAP = {
    "1": ("Re <Z0>", "Re <Z1>", "Re <P0>", "Im <P0>", "Re <P1>", "Im <P1>"),
    "2": ("Re <Z0>", "Re <Z1>", "Re <P0 M1>", "Im <P0 M1>", "Re <P1 M2>"),
}
POINTS = [
    CentralSpinParameters(N=50, omega=1.0, epsilon=1.0, g=0.75, kappa=50 / 16, gamma_up=1.5, gamma_down=0.5),
    CentralSpinParameters(N=7, omega=1.3, epsilon=0.6, g=0.41, kappa=0.9, gamma_up=0.3, gamma_down=1.7),
    CentralSpinParameters(N=1, omega=0.2, epsilon=2.5, g=1.9, kappa=2.2, gamma_up=1.1, gamma_down=0.05),
]


def coefficients(system, perm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(constant, linear, quadratic) coefficient arrays in the variable order ``perm``."""
    n = len(perm)

    def F(y):  # y in hand-written order
        x = np.zeros(system.size)
        x[perm] = y
        return system.rhs(x)[perm]

    def J(y):
        x = np.zeros(system.size)
        x[perm] = y
        return system.jacobian(x)[np.ix_(perm, perm)]

    J0 = J(np.zeros(n))
    hess = np.array([J(e) - J0 for e in np.eye(n)])
    y = np.random.default_rng(0).normal(size=n)
    # exactly quadratic: the Jacobian is affine in y and F matches its second-order Taylor polynomial
    np.testing.assert_allclose(J(y), J0 + np.tensordot(y, hess, axes=1), atol=1e-12)
    np.testing.assert_allclose(F(y), F(np.zeros(n)) + J0 @ y + 0.5 * np.einsum("i,ikj,j->k", y, hess, y), atol=1e-11)
    return F(np.zeros(n)), J0, hess


@pytest.mark.parametrize("order", ["1", "2"])
@pytest.mark.parametrize("params", POINTS, ids=["fig2b", "detuned", "N1"])
def test_derived_equals_handwritten_coefficient_by_coefficient(order, params):
    hand = (mean_field_system if order == "1" else order2_system)(params)
    derived = central_spin_system(order, params)
    # at N = 1 the derived system drops <σn+σm-> (no two satellites); the hand-written one keeps it,
    # decoupled by the factor N - 1 = 0, so the other equations must not depend on it
    shared = [i for i, name in enumerate(MAP[order]) if name in derived.names]
    assert derived.size == len(shared) and (len(shared) == hand.size or params.N == 1)
    perm = np.array([derived.names.index(MAP[order][i]) for i in shared])
    extra = [i for i in range(hand.size) if i not in shared]
    if extra:
        x = np.random.default_rng(3).normal(size=hand.size)
        assert np.all(hand.jacobian(x)[np.ix_(shared, extra)] == 0)
    for a, b in zip(coefficients(derived, perm), coefficients(hand, np.array(shared))):
        np.testing.assert_allclose(a, b, atol=1e-12, rtol=0)
    # same U(1) generator and the same observables of any state
    if hand.rotation is None:
        assert derived.rotation is None
    else:
        np.testing.assert_array_equal(derived.rotation[np.ix_(perm, perm)], hand.rotation)
    y = np.random.default_rng(1).uniform(-0.4, 0.4, hand.size)
    x = np.zeros(derived.size)
    x[perm] = y[shared]
    d_obs, h_obs = derived.observables(x), hand.observables(y)
    for key, value in h_obs.items():
        if extra and key == "corr_satellite_satellite":
            assert np.isnan(d_obs[key])  # no pair of satellites exists at N = 1
            continue
        assert abs(d_obs[key] - value) < 1e-13, key
