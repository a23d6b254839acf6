"""Reduced exact solver against the full 2^(N+1)-dimensional Liouvillian (independent oracle)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cumex.exact.brute_force import full_observables, full_steady_state, reduced_to_full
from cumex.exact.observables import observables
from cumex.exact.steady import steady_state
from cumex.models.central_spin import resolve_parameters

TOL = 1e-10
# mean-field threshold R_c = (1 + Γ_T κ/(4 g² N))/2 ≈ 0.528 for both scalings' defaults: 0.3 below, 0.8 above
CASES = [
    (scaling, r, {}) for scaling in ("fixed_g_sqrtN", "fixed_kappa_over_N") for r in (0.3, 0.8)
] + [("fixed_g_sqrtN", 0.8, {"omega": 1.4}), ("fixed_kappa_over_N", 0.6, {"epsilon": 0.7, "gamma_T": 1.3})]


def _close(a: dict[str, float], b: dict[str, float], tol: float) -> None:
    for key in a:
        if math.isnan(b[key]):  # ⟨σn⁺σm⁻⟩ does not exist at N = 1
            assert math.isnan(a[key]), key
        else:
            assert a[key] == pytest.approx(b[key], abs=tol), key


@pytest.mark.parametrize("N", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("scaling,r,overrides", CASES)
def test_observables_match_brute_force(N: int, scaling: str, r: float, overrides: dict[str, float]) -> None:
    params = resolve_parameters(N, scaling, r, overrides)
    res = steady_state(params)
    rho = full_steady_state(params)
    _close(observables(res.w, res.basis), full_observables(rho, N), TOL)


@pytest.mark.parametrize("N", [2, 5, pytest.param(6, marks=pytest.mark.slow)])
def test_density_matrix_matches_brute_force(N: int) -> None:
    # the whole state, not only the observables: every matrix element of the rebuilt full ρ
    params = resolve_parameters(N, "fixed_g_sqrtN", 0.8, {"omega": 1.2})
    res = steady_state(params)
    assert np.abs(reduced_to_full(res.w, N) - full_steady_state(params)).max() < TOL


def test_off_resonance_gives_real_correlation() -> None:
    # at ω = ε, Re⟨σ0⁺σn⁻⟩ vanishes (Fig. S1 caption); off resonance it does not, in both solvers
    params = resolve_parameters(3, "fixed_g_sqrtN", 0.8, {"omega": 1.5})
    res = observables(steady_state(params).w, steady_state(params).basis)
    assert abs(res["corr_central_satellite_re"]) > 1e-3
    assert res["corr_central_satellite_re"] == pytest.approx(
        full_observables(full_steady_state(params), 3)["corr_central_satellite_re"], abs=TOL
    )
