"""Physical properties of the exact steady state: trace, hermiticity, positivity, bounds."""

from __future__ import annotations

import numpy as np
import pytest

from cumex.exact.brute_force import reduced_to_full
from cumex.exact.observables import observables, trace
from cumex.exact.steady import steady_state
from cumex.models.central_spin import resolve_parameters


@pytest.mark.parametrize("N", [1, 4, 8])
@pytest.mark.parametrize("r", [0.0, 0.3, 0.55, 0.8, 1.0])
def test_full_density_matrix_is_a_state(N: int, r: float) -> None:
    res = steady_state(resolve_parameters(N, "fixed_kappa_over_N", r, {"omega": 1.2}))
    rho = reduced_to_full(res.w, N)
    assert np.trace(rho) == pytest.approx(1.0, abs=1e-12)
    assert np.abs(rho - rho.conj().T).max() < 1e-14
    # ρ is block diagonal in the total excitation number: check each block's smallest eigenvalue
    exc = np.array([bin(i).count("1") for i in range(rho.shape[0])])
    for m in range(N + 2):
        block = rho[np.ix_(exc == m, exc == m)]
        assert np.linalg.eigvalsh(block).min() > -1e-12
    assert np.abs(rho[exc[:, None] != exc[None, :]]).max() == 0.0


@pytest.mark.parametrize("N", [2, 50, 150])
@pytest.mark.parametrize("scaling", ["fixed_g_sqrtN", "fixed_kappa_over_N"])
@pytest.mark.parametrize("r", [0.2, 0.53, 0.75, 0.99])
def test_bounds(N: int, scaling: str, r: float) -> None:
    res = steady_state(resolve_parameters(N, scaling, r))
    obs = observables(res.w, res.basis)
    assert trace(res.w, res.basis) == pytest.approx(1.0, abs=1e-12)
    assert res.residual < 1e-10
    assert res.info["min_population"] > -1e-12
    assert 0.0 <= obs["central_population"] <= 1.0
    assert -1.0 <= obs["sz_satellite"] <= 1.0
    assert abs(obs["corr_satellite_satellite"]) <= 1.0
    # Cauchy–Schwarz: |⟨σ0⁺σn⁻⟩|² ≤ ⟨σ0⁺σ0⁻⟩⟨σn⁻σn⁺⟩ = p0↑ (1 − ⟨σn^z⟩)/2
    cs2 = obs["corr_central_satellite_re"] ** 2 + obs["corr_central_satellite_im"] ** 2
    assert cs2 <= obs["central_population"] * (1 - obs["sz_satellite"]) / 2 + 1e-12
    # the populations of the diagonal blocks are real
    assert res.info["max_imag_population"] == 0.0


def test_uncoupled_limit() -> None:
    # g → 0: satellites relax to ⟨σ^z⟩ = (Γ↑ − Γ↓)/Γ_T, the central spin decays to p0↑ = 0 (closed form)
    params = resolve_parameters(40, "none", 0.7, {"g": 1e-9})
    obs = observables(steady_state(params).w, steady_state(params).basis)
    assert obs["sz_satellite"] == pytest.approx(0.4, abs=1e-12)
    assert obs["central_population"] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("N,overrides", [(300, {}), (500, {}), (300, {"omega": 1.2})])
def test_large_n_orderings_agree(N: int, overrides: dict[str, float]) -> None:
    # two different pivot sequences (nested dissection with symmetric pivoting vs SuperLU's COLAMD with partial
    # pivoting) must give the same state: without the rescaling of steady.py they disagree at N ≳ 300
    params = resolve_parameters(N, "fixed_kappa_over_N", 0.75, overrides)
    a = steady_state(params)
    b = steady_state(params, ordering="COLAMD")
    oa, ob = observables(a.w, a.basis), observables(b.w, b.basis)
    for key in oa:
        assert oa[key] == pytest.approx(ob[key], abs=1e-9), key
    assert a.info["min_population"] > -1e-12
