"""The Dicke-basis exact Tavis–Cummings solve (cumex.exact.tavis_cummings.dicke*) against independent constructions.

Oracles: the full Hilbert space (brute_force, Kronecker products, no symmetry), the (n00, n01, n10, n11) sector
basis with a direct sparse LU (a different basis and derivation of the local jumps), and a direct LU on the
Dicke basis itself (the GMRES solve). Detuned, unequal-rate parameters so that no resonance hides a sign.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse.linalg as spla

from cumex.exact.tavis_cummings import TavisCummingsParameters, TCBasis, figure_parameters, solve_exact, solve_on_basis
from cumex.exact.tavis_cummings.brute_force import full_observables, full_steady_state
from cumex.exact.tavis_cummings.dicke import DickeBasis, dicke_generator, local_jump_terms
from cumex.exact.tavis_cummings.dicke_solve import solve_dicke
from cumex.exact.tavis_cummings.dicke_steady import dicke_observables
from cumex.exact.tavis_cummings.observables import OBSERVABLE_NAMES, population_table
from cumex.exact.threads import blas_threads

TOL = 1e-10


def _detuned(N: int, pump: float = 0.8, scaling: str = "fixed_g_sqrtN") -> TavisCummingsParameters:
    p = figure_parameters(N, scaling, pump)
    return TavisCummingsParameters(**{**p.as_dict(), "omega": 1.3, "gamma_down": p.gamma_down + 0.1})


@pytest.mark.parametrize("N", [1, 2, 5, 8, 13])
def test_local_jumps_conserve_the_trace(N):
    """Σ_{j'} of the jump coefficients out of |j, e⟩ equals ⟨Σ σn^+σn^-⟩ = e (Γ↓) and N − e (Γ↑)."""
    for l in range(N // 2 + 1):
        e = np.arange(l, N - l + 1)
        down = sum(ratio * f(e) ** 2 for _, ratio, f in local_jump_terms(N, l, up=False))
        up = sum(ratio * f(e) ** 2 for _, ratio, f in local_jump_terms(N, l, up=True))
        assert np.abs(down - e).max() < 1e-12 and np.abs(up - (N - e)).max() < 1e-12


@pytest.mark.parametrize("N,F", [(3, 5), (6, 8), (9, 4)])
def test_dimension_and_trace_preservation(N, F):
    basis = DickeBasis(N, F)
    assert basis.dim == TCBasis(N, F).dim  # the same operator space in another basis
    L = dicke_generator(_detuned(N), basis)
    ones = np.zeros(basis.dim)
    ones[basis.populations()] = 1.0
    assert np.abs(ones @ L).max() < 1e-13


@pytest.mark.parametrize("N,fock", [(1, 10), (2, 9), (3, 8)])
def test_observables_equal_full_hilbert_space(N, fock):
    params = _detuned(N)
    ref = full_observables(full_steady_state(params, fock), params, fock)
    res = solve_dicke(params, DickeBasis(N, fock))
    obs = dicke_observables(res.x, res.basis)
    for key in OBSERVABLE_NAMES:
        if np.isfinite(ref[key]):
            assert obs[key] == pytest.approx(ref[key], abs=TOL), key


@pytest.mark.parametrize("N,scaling", [(5, "none"), (8, "fixed_gN"), (11, "fixed_g_sqrtN")])
def test_population_table_and_observables_equal_sector_basis(N, scaling):
    """Whole distribution P(p, e) (summed over j) and every observable, against the (n)-basis LU solve."""
    params = _detuned(N, 0.9, scaling)
    F = 9
    ref = solve_on_basis(params, TCBasis(N, F), form="complex")
    res = solve_dicke(params, DickeBasis(N, F))
    lab = res.basis.labels
    pops = res.basis.populations()
    P = np.zeros((F + 1, N + 1))
    np.add.at(P, (lab["p"][pops], lab["e"][pops]), res.x[pops].real)
    assert np.abs(P - population_table(ref.w, ref.basis).real).max() < TOL
    obs = dicke_observables(res.x, res.basis)
    for key in OBSERVABLE_NAMES:
        assert obs[key] == pytest.approx(ref.observables[key], abs=TOL), key


@pytest.mark.parametrize(("preconditioner", "block_solve"), [("sgs", "lu"), ("sgs", "eig"), ("jacobi", "lu")])
def test_gmres_equals_direct_lu_on_the_dicke_basis(preconditioner, block_solve):
    params = _detuned(6, 0.7)
    basis = DickeBasis(6, 10)
    L = dicke_generator(params, basis).tolil()
    pops = basis.populations()
    L[pops[0], :] = 0
    L[pops[0], pops] = 1.0
    rhs = np.zeros(basis.dim, dtype=complex)
    rhs[pops[0]] = 1.0
    with blas_threads(1):  # SuperLU's BLAS threads spin on a loaded machine
        direct = spla.splu(L.tocsc()).solve(rhs)
    res = solve_dicke(params, basis, preconditioner=preconditioner, block_solve=block_solve)
    assert res.info["converged_solve"] == 1.0
    assert np.abs(res.x - direct).max() < TOL


def test_default_method_is_dicke_and_agrees_with_sector_lu():
    params = figure_parameters(10, "fixed_g_sqrtN", 0.95)
    new = solve_exact(params)
    old = solve_exact(params, {"exact_method": "sector_lu"})
    assert new.status == "ok" and old.status == "ok"
    assert new.physical.info["coherence_error"] == 0.0  # no coherence truncation on the Dicke basis
    assert new.physical.info["hermiticity_error"] < 1e-12
    for key in OBSERVABLE_NAMES:
        assert new.physical.observables[key] == pytest.approx(old.physical.observables[key], abs=TOL), key


def test_fock_error_reported_and_doubling_the_margin_changes_nothing():
    params = figure_parameters(12, "fixed_g_sqrtN", 0.25)  # below threshold: few photons
    res = solve_exact(params).physical
    F = int(res.info["fock_cutoff"])
    wide = solve_dicke(params, DickeBasis(12, 2 * F))
    diff = abs(dicke_observables(wide.x, wide.basis)["photon_number_per_N"] - res.observables["photon_number_per_N"])
    assert diff < 1e-10 and res.info["fock_top_weight"] <= 1e-12


def test_unconverged_gmres_is_not_ok():
    result = solve_exact(figure_parameters(8), {"exact_maxiter": 3})
    assert not result.converged and "GMRES" in result.status


@pytest.mark.slow
def test_exact_crosses_mean_field_between_N30_and_N40():
    """Paper statement computed (Fig. 3b, g√N = 0.9, r = 3/4): exact ⟨a†a⟩/N lies above mean field and falls
    towards it up to N = 30, and is below it at N = 40 (so it does not approach the limit from above only)."""
    from cumex.handwritten.tavis_cummings import solve_mean_field

    mf = solve_mean_field(figure_parameters(30)).physical.observables["photon_number_per_N"]
    values = []
    for N in (12, 20, 30, 40):
        res = solve_exact(figure_parameters(N))
        assert res.status == "ok"
        values.append(res.physical.observables["photon_number_per_N"])
    gaps = np.array(values) - mf
    assert np.all(gaps[:3] > 0) and np.all(np.diff(gaps) < 0)
    assert gaps[3] < 0


@pytest.mark.slow
def test_observables_equal_full_hilbert_space_at_N4():
    params = _detuned(4, 0.7, "fixed_gN")
    ref = full_observables(full_steady_state(params, 6), params, 6)
    res = solve_dicke(params, DickeBasis(4, 6))
    obs = dicke_observables(res.x, res.basis)
    for key in OBSERVABLE_NAMES:
        assert obs[key] == pytest.approx(ref[key], abs=TOL), key


@pytest.mark.parametrize("N", [1, 2, 5, 8])
def test_vectorised_local_jumps_equal_the_per_row_terms(N):
    """dicke_generator takes the local jumps from local_jump_arrays (every element at once); each channel's
    coefficient must equal ratio·f(e)·f(e') of local_jump_terms for its row, to 1e-14, and no channel may be
    missing or extra."""
    from cumex.exact.tavis_cummings.dicke import local_jump_arrays

    for up in (False, True):
        for l in range(N // 2 + 1):
            e = np.array([a for a in range(l, N - l + 1) for _ in range(l, N - l + 1)])
            e2 = np.array([b for _ in range(l, N - l + 1) for b in range(l, N - l + 1)])
            per_row: dict[int, np.ndarray] = {}
            for lp, ratio, f in local_jump_terms(N, l, up):
                per_row[lp] = per_row.get(lp, 0) + ratio * f(e) * f(e2)
            vectorised: dict[int, np.ndarray] = {}
            for lp, coef in local_jump_arrays(N, np.full(e.size, l), e, e2, up):
                if np.any(coef != 0):
                    key = int(lp[0])
                    vectorised[key] = vectorised.get(key, 0) + coef
            nonzero = {k for k, v in per_row.items() if np.any(v != 0)}
            assert set(vectorised) == nonzero
            for k in nonzero:
                np.testing.assert_allclose(vectorised[k], per_row[k], rtol=0, atol=1e-14 * max(1.0, np.abs(per_row[k]).max()))
