"""The central Dicke route's first windows (cumex.exact.central_dicke_window) and its pivoting, against
independent results: the order-1 (mean-field) steady state, and the same route started elsewhere or factored
with threshold pivots. A first window only decides the cost: every variant must give the same state."""

from __future__ import annotations

import numpy as np
import pytest

import cumex.exact.central_dicke as central_dicke
from cumex.exact.central_dicke import steady_state_central_dicke
from cumex.exact.central_dicke_observables import central_dicke_observables
from cumex.exact.central_dicke_window import lasing, mean_field_bloch_length, mean_field_inversion, smaller_copy
from cumex.models.central_spin import resolve_parameters
from cumex.study import solve_result

NAMES = ("central_population", "sz_satellite", "corr_central_satellite_im", "corr_satellite_satellite")


@pytest.mark.parametrize("N,scaling,r", [(10_000, "fixed_kappa_over_N", 0.75), (400, "fixed_g_sqrtN", 0.95),
                                         (60, "none", 0.8)])
def test_bloch_length_is_the_mean_field_states(N, scaling, r):
    """|r|² = z² + 4|s|² from the closed form equals the order-1 steady state's z² + 4⟨σn^+σm^-⟩ to 1e-9."""
    p = resolve_parameters(N, scaling, r)
    assert lasing(p)
    result, *_ = solve_result("central_spin", "1", scaling, N=N, pump_ratio=r)
    o = result.physical.observables
    z = mean_field_inversion(p)
    assert abs(z - o["sz_satellite"]) <= 1e-9
    assert abs(mean_field_bloch_length(p, z) ** 2 - (o["sz_satellite"] ** 2 + 4 * o["corr_satellite_satellite"])) <= 1e-9


def test_smaller_copy_has_the_same_mean_field_state():
    """N → N/4 with κ → κ/4: the mean-field inversion and Bloch length are unchanged (to rounding)."""
    p = resolve_parameters(8000, "fixed_g_sqrtN", 0.8)
    q = smaller_copy(p, 2000)
    assert q.N == 2000 and q.g == p.g and abs(q.kappa - p.kappa / 4) <= 1e-15
    for f in (mean_field_inversion,):
        assert abs(f(p) - f(q)) <= 1e-12
    assert abs(mean_field_bloch_length(p, mean_field_inversion(p)) - mean_field_bloch_length(q, mean_field_inversion(q))) <= 1e-12


def test_predicted_first_window_gives_the_same_state():
    """N = 2400, fixed κ/N, r = 0.9 (lasing): the window predicted from N = 600 and the lasing box of the
    smaller-N rule give the same observables to 1e-12, both window-converged."""
    p = resolve_parameters(2400, "fixed_kappa_over_N", 0.9)
    predicted = steady_state_central_dicke(p)
    assert predicted.info["prediction_seconds"] > 0
    saved = central_dicke._PREDICT_MIN_N
    try:
        central_dicke._PREDICT_MIN_N = 10**9
        boxed = steady_state_central_dicke(p)
    finally:
        central_dicke._PREDICT_MIN_N = saved
    assert boxed.info["prediction_seconds"] == 0
    for res in (predicted, boxed):
        assert res.info["window_converged"] == 1.0 and res.info["boundary_weight"] <= 1e-14
    a = central_dicke_observables(predicted.x, predicted.basis)
    b = central_dicke_observables(boxed.x, boxed.basis)
    for k in NAMES:
        assert abs(a[k] - b[k]) <= 1e-12, k


def test_threshold_pivots_give_the_static_pivots_state():
    """Forcing the threshold-pivoting factorisation (the static-pivot one rejected) changes nothing beyond 1e-13."""
    p = resolve_parameters(600, "fixed_g_sqrtN", 0.75)
    static = steady_state_central_dicke(p)
    assert static.info["pivot_threshold"] == 0.0
    saved = central_dicke._STATIC_PIVOT_RES
    try:
        central_dicke._STATIC_PIVOT_RES = -1.0
        pivoted = steady_state_central_dicke(p, window=static.basis.window)
    finally:
        central_dicke._STATIC_PIVOT_RES = saved
    assert pivoted.info["pivot_threshold"] == 1e-2
    a = central_dicke_observables(static.x, static.basis)
    b = central_dicke_observables(pivoted.x, pivoted.basis)
    for k in NAMES:
        assert abs(a[k] - b[k]) <= 1e-13, k
    assert np.isfinite(pivoted.residual) and pivoted.residual <= 1e-12
