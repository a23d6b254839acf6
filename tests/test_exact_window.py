"""The windowed coherence cutoff (WindowBasis: per ladder line only the satellite excitations that carry the
state) against the full-sector solve and the unwindowed strip, to an explicit 1e-10 in every observable."""

from __future__ import annotations

import math

import numpy as np
import pytest

import cumex.exact.solver as solver_module
from cumex.exact.basis import SectorBasis, WindowBasis
from cumex.exact.ladder import extend_window, initial_window, next_window, profile_cutoff
from cumex.exact.liouvillian import reduced_liouvillian
from cumex.exact.observables import excitation_distribution, observables, trace
from cumex.exact.steady import steady_state
from cumex.models.central_spin import resolve_parameters

TOL = 1e-10


def _agree(ours: dict[str, float], ref: dict[str, float], tol: float = TOL) -> None:
    for key, value in ref.items():
        if math.isnan(value):
            assert math.isnan(ours[key]), key
        else:
            assert ours[key] == pytest.approx(value, abs=tol), key


def test_window_basis_is_a_subset_of_the_truncated_sector() -> None:
    N, K = 13, 4
    sb = SectorBasis(N, K)
    lo, hi = np.array([3, 2, 2, 1, 4]), np.array([10, 12, 9, 8, 11])
    wb = WindowBasis(N, lo, hi)
    lab = sb.labels()
    k = np.minimum(lab["n01"], lab["n10"])
    inside = (lab["n11"] + k >= lo[k]) & (lab["n11"] + k <= hi[k])
    idx = np.flatnonzero(inside)
    wl = wb.labels()
    for key in lab:  # the same elements in the same order
        assert np.array_equal(lab[key][idx], wl[key]), key
    assert np.array_equal(wb.index(wl["c"], wl["d"], wl["n01"], wl["n10"], wl["n11"]), np.arange(wb.dim))
    out = ~inside
    assert np.all(wb.index(lab["c"][out], lab["d"][out], lab["n01"][out], lab["n10"][out], lab["n11"][out]) == -1)
    # the generator on the window is the principal submatrix of the sector's
    params = resolve_parameters(N, "fixed_kappa_over_N", 0.7, {"omega": 1.3})
    L = reduced_liouvillian(params, sb).toarray()
    assert np.array_equal(reduced_liouvillian(params, wb).toarray(), L[np.ix_(idx, idx)])
    assert np.allclose(wb.log_scale(), sb.log_scale()[idx], rtol=0, atol=1e-12)
    # observables read through the lines agree with those of the zero-padded vector
    rng = np.random.default_rng(1)
    y = np.zeros(sb.dim, dtype=complex)
    y[idx] = rng.standard_normal(idx.size) + 1j * rng.standard_normal(idx.size)
    a, b = observables(y, sb), observables(y[idx], wb)
    for key in a:
        assert b[key] == pytest.approx(a[key], abs=1e-13), key
    assert np.allclose(excitation_distribution(y, sb), excitation_distribution(y[idx], wb))
    assert trace(y, sb) == pytest.approx(trace(y[idx], wb), abs=1e-13)


def test_window_rules() -> None:
    lo, hi = initial_window(1000, 0.9, 3)
    assert np.all(lo <= 900) and np.all(hi >= 900) and hi[0] <= 1000 and np.all(np.diff(lo) == -1)
    lo2, hi2 = extend_window(lo, hi, 1000, 6)
    assert lo2.size == 7 and np.array_equal(lo2[:4], lo) and lo2[6] == lo[3] - 3
    # a solution touching the lower edge of line 1 does not fit and widens that edge
    k = np.repeat(np.arange(4), 3)
    m = np.r_[[880, 900, 920], [lo[1], 900, 920], [880, 900, 920], [880, 900, 920]]
    u = np.ones(k.size)
    new_lo, new_hi, fits = next_window(u, k, m, lo, hi, 1000)
    assert not fits and new_lo[1] < lo[1]
    m[3] = 880
    new_lo, new_hi, fits = next_window(u, k, m, lo, hi, 1000)
    assert fits and np.all(new_lo <= 872) and np.all(new_hi >= 928)
    # the next K: ×1.5 while the profile has not fallen, extrapolated once it falls
    assert profile_cutoff(np.ones(21), 20) == 30
    prof = np.exp(-0.5 * np.arange(41))
    assert 40 + 4 <= profile_cutoff(prof, 40) <= 80


@pytest.mark.parametrize(
    "scaling,r,extra",
    [
        ("fixed_kappa_over_N", 0.3, {}),
        ("fixed_kappa_over_N", 0.6, {"omega": 1.2}),
        ("fixed_kappa_over_N", 1.0, {}),
        ("fixed_g_sqrtN", 0.05, {}),
        ("fixed_g_sqrtN", 0.95, {"epsilon": 0.9}),
        ("fixed_gN", 0.75, {}),
    ],
)
def test_window_agrees_with_full_sector(scaling: str, r: float, extra: dict[str, float]) -> None:
    params = resolve_parameters(150, scaling, r, extra)
    ours = solver_module.solve(params, {})
    full = steady_state(params, method="full")
    assert ours.converged and ours.status == "ok"
    _agree(ours.physical.observables, observables(full.w, full.basis))
    assert ours.physical.info["window_fits"] == 1.0


@pytest.mark.parametrize("N", [200, pytest.param(500, marks=pytest.mark.slow)])
def test_window_shrinks_the_problem_and_agrees_with_the_strip(N: int) -> None:
    # r = 0.95 at fixed κ/N (lasing): the window keeps a fraction of the strip's unknowns
    params = resolve_parameters(N, "fixed_kappa_over_N", 0.95)
    win = steady_state(params)
    strip = steady_state(params, window=False)
    assert win.info["cutoff_converged"] == 1.0 and strip.info["cutoff_converged"] == 1.0
    assert win.info["unknowns"] < 0.75 * strip.info["unknowns"]
    _agree(observables(win.w, win.basis), observables(strip.w, strip.basis))
    # the residual is that of the exact generator on the zero-padded state
    padded = np.zeros(SectorBasis(N).dim, dtype=complex)
    padded[win.basis.full_index()] = win.w
    assert win.residual == pytest.approx(np.abs(reduced_liouvillian(params) @ padded).max(), rel=1e-6, abs=1e-16)


@pytest.mark.slow
@pytest.mark.parametrize("r", [0.9, 0.95, 1.0])
def test_window_high_pump_at_N_600_matches_full_sector(r: float) -> None:
    params = resolve_parameters(600, "fixed_kappa_over_N", r)
    ours = solver_module.solve(params, {})
    full = steady_state(params, method="full")
    assert ours.converged
    _agree(ours.physical.observables, observables(full.w, full.basis))


@pytest.mark.slow
def test_high_pump_at_N_2000_is_not_reported_ok() -> None:
    # the lasing state at N = 2000 is ill-conditioned in this basis (cond ~ 4e13): changes stall at ~1e-7
    result = solver_module.solve(resolve_parameters(2000, "fixed_kappa_over_N", 0.95), {})
    assert not result.converged and result.status.startswith(("inaccurate", "unphysical"))


def test_window_high_pump_at_N_300_matches_full_sector() -> None:
    # the largest lasing fixed-κ/N point cheap enough for the default tier (the full sector: ~10 s loaded)
    params = resolve_parameters(300, "fixed_kappa_over_N", 0.95)
    ours = solver_module.solve(params, {})
    full = steady_state(params, method="full")
    assert ours.converged and ours.physical.info["cutoff_k"] >= 30
    _agree(ours.physical.observables, observables(full.w, full.basis))
