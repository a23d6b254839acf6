"""The central spin on the Dicke basis (cumex.exact.central_dicke, exact_method "dicke") against independent routes.

Oracles: the full 2^(N+1)-dimensional Liouvillian (brute_force, N ≤ 4: no symmetry, no mapping to
Tavis–Cummings), the coherence-cutoff solve on the (n00, n01, n10, n11) sector basis (another basis, another
derivation of the local jumps), the same Dicke solve without a window, and the trace-preservation definition.
"""

from __future__ import annotations

import numpy as np
import pytest

from cumex.exact.brute_force import full_observables, full_steady_state
from cumex.exact.central_dicke import as_tavis_cummings, exactly_trace_preserving, initial_window, solve_window, steady_state_central_dicke
from cumex.exact.central_dicke_observables import central_dicke_observables, central_dicke_problems
from cumex.exact.solver import solve
from cumex.exact.tavis_cummings.dicke import DickeBasis, EmitterWindow, dicke_generator
from cumex.models.central_spin import CentralSpinParameters, resolve_parameters

NAMES = ("central_population", "sz_central", "sz_satellite", "corr_central_satellite_re",
         "corr_central_satellite_im", "corr_satellite_satellite")


def _whole(N: int) -> EmitterWindow:
    n_l = N // 2 + 1
    return EmitterWindow(0, (0,) * n_l, (N,) * n_l)


@pytest.mark.parametrize("N", [1, 2, 3, 4])
@pytest.mark.parametrize("detuned", [False, True])
def test_brute_force(N, detuned):
    """Every observable equals the full Hilbert-space steady state's to 1e-10 (detuned: Re⟨σ0⁺σn⁻⟩ ≠ 0)."""
    p = CentralSpinParameters(N=N, omega=1.4 if detuned else 1.0, epsilon=1.0, g=0.7, kappa=1.3,
                              gamma_up=1.1, gamma_down=0.6)
    ref = full_observables(full_steady_state(p), N)
    basis = DickeBasis(N, 1, _whole(N))
    x, info = solve_window(p, basis)
    got = central_dicke_observables(x, basis)
    for k in NAMES:
        if np.isfinite(ref[k]):
            assert abs(got[k] - ref[k]) <= 1e-10, k
    assert central_dicke_problems(x, basis, info["trace_error"]) == []
    if detuned:
        assert abs(ref["corr_central_satellite_re"]) > 1e-3  # the sign convention of ⟨σ0⁺σn⁻⟩ is tested


@pytest.mark.parametrize("scaling", ["fixed_g_sqrtN", "fixed_kappa_over_N", "fixed_gN", "none"])
@pytest.mark.parametrize("r", [0.0, 0.5, 0.95, 1.0])
def test_equals_the_ladder_route(scaling, r):
    """exact_method "dicke" equals the coherence cutoff (no fallback) to 1e-10 in every observable, N = 20–60."""
    N = {"fixed_g_sqrtN": 20, "fixed_kappa_over_N": 40, "fixed_gN": 30, "none": 60}[scaling]
    p = resolve_parameters(N, scaling, r)
    ladder = solve(p, {"exact_fallback": None})
    dicke = solve(p, {"exact_method": "dicke"})
    assert ladder.status == "ok" and dicke.status == "ok", (ladder.status, dicke.status)
    a, b = ladder.physical.observables, dicke.physical.observables
    for k in NAMES:
        assert abs(a[k] - b[k]) <= 1e-10, (k, a[k], b[k])
    assert dicke.physical.info["window_converged"] == 1.0


@pytest.mark.parametrize("N,scaling,r", [(120, "fixed_kappa_over_N", 0.95), (160, "fixed_g_sqrtN", 0.3)])
def test_windowed_equals_unwindowed(N, scaling, r):
    """The adaptive window gives the whole basis's steady state to 1e-12 with fewer unknowns."""
    p = resolve_parameters(N, scaling, r)
    res = steady_state_central_dicke(p)
    whole = DickeBasis(N, 1, _whole(N))
    x, _ = solve_window(p, whole)
    a, b = central_dicke_observables(res.x, res.basis), central_dicke_observables(x, whole)
    for k in NAMES:
        assert abs(a[k] - b[k]) <= 1e-12, k
    assert res.basis.dim < whole.dim and res.info["window_converged"] == 1.0
    assert res.info["boundary_weight"] <= 1e-14 and res.info["window_error"] <= 1e-12


def test_windowed_generator_preserves_the_trace_exactly():
    """Column sums over the population rows: ~rounding of the rates for the windowed generator, 0 up to one
    rounding per entry for the one solved (loss = sum of the jump rates); the window really cuts jumps."""
    p = resolve_parameters(80, "fixed_kappa_over_N", 0.95)
    basis = DickeBasis(80, 1, initial_window(p, 0.2))  # deliberately too small: jumps are cut
    L = dicke_generator(as_tavis_cummings(p), basis)
    t = np.zeros(basis.dim)
    t[basis.populations()] = 1.0
    scale = abs(L).max()
    assert np.abs(t @ L).max() <= 1e-12 * scale
    exact = exactly_trace_preserving(L, basis)
    assert np.abs(t @ exact).max() <= 16 * np.finfo(float).eps * scale
    assert abs(exact - L).max() <= 1e-12 * scale
    assert basis.boundary().any()
    grown = DickeBasis(80, 1, basis.window.grown(80, 1))
    L_big = dicke_generator(as_tavis_cummings(p), basis, grown)
    t_big = np.zeros(grown.dim)
    t_big[grown.populations()] = 1.0
    assert np.abs(t_big @ L_big).max() <= 1e-12 * scale  # with room for the jumps: no compensation needed


def test_solver_status_and_fallback():
    """A ladder solve that cannot be ok (residual tolerance 0-ish) falls back to dicke, which reports the same
    tolerance failure; with a reachable tolerance the fallback result is ok and marked."""
    p = resolve_parameters(12, "none", 0.6)
    res = solve(p, {"exact_residual_tol": 1e-300})
    assert res.status.startswith("inaccurate") and not res.converged
    assert res.physical.info["fallback_dicke"] == 1.0
    direct = solve(p, {"exact_method": "dicke"})
    assert direct.converged and direct.status == "ok"
    assert abs(direct.physical.observables["central_population"]
               - solve(p).physical.observables["central_population"]) <= 1e-12


@pytest.mark.parametrize("N", [7, 40, 301])
def test_degeneracy_ratio_closed_form_equals_the_factorials(N):
    """N d^{N−1}_{j₁}/d^N_j in closed form equals the ratio of the degeneracy formula in exact integers."""
    from math import comb

    from cumex.exact.tavis_cummings.dicke import _degeneracy_ratio

    def d(n, j2):  # j2 = 2j; d^n_j = (2j + 1)/(n/2 + j + 1) C(n, n/2 − j)
        return (j2 + 1) * comb(n, (n - j2) // 2) / ((n + j2) // 2 + 1)

    for j2 in range(N % 2, N + 1, 2):
        for j12 in (j2 + 1, j2 - 1):
            if 0 <= j12 <= N - 1:
                exact = N * d(N - 1, j12) / d(N, j2)
                assert abs(_degeneracy_ratio(N, j2 / 2, j12 / 2) - exact) <= 1e-13 * exact


def test_routes_agree_at_large_N_fixed_g_sqrtN():
    """N = 2000, fixed g√N, r = 0.75: the Dicke route equals the ladder route to 1e-12 in p0↑ and both satisfy
    the excitation balance κ p0↑ = N(Γ↑ − Γ_T p_sat) (d⟨a†a + J_z⟩/dt = 0) to 1e-15 of N Γ_T. With the jump rates
    from differences of log-factorials the routes differed by 9e-11 and the Dicke route broke the balance by 9e-12."""
    p = resolve_parameters(2000, "fixed_g_sqrtN", 0.75)
    ladder = solve(p, {"exact_fallback": None})
    dicke = solve(p, {"exact_method": "dicke"})
    assert ladder.status == "ok" and dicke.status == "ok", (ladder.status, dicke.status)
    for res in (ladder, dicke):
        o = res.physical.observables
        balance = p.kappa * o["central_population"] - p.N * (p.gamma_up - p.gamma_T * (1 + o["sz_satellite"]) / 2)
        assert abs(balance) <= 1e-15 * p.N * p.gamma_T, balance
    a, b = ladder.physical.observables, dicke.physical.observables
    assert abs(a["central_population"] - b["central_population"]) <= 1e-12
