"""Exact Tavis–Cummings steady state: U(1)-reduced permutation-symmetric solve vs independent constructions.

Oracles: (1) the full Hilbert space (brute_force: Kronecker products, no symmetry used), compared as whole
density matrices after mapping the reduced state back to the full space; (2) the permutation-symmetric basis
without the U(1) restriction. Both use the same Fock cutoff, so they solve the same truncated model and must
agree to round-off (tolerance 1e-9). Detuned parameters (ω ≠ ε) so that no resonance simplification hides a sign.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cumex.exact.tavis_cummings import TavisCummingsParameters, TCBasis, figure_parameters, solve_on_basis
from cumex.exact.tavis_cummings.basis import log_binom
from cumex.exact.tavis_cummings.brute_force import full_observables, full_steady_state
from cumex.exact.tavis_cummings.liouvillian import generator
from cumex.exact.tavis_cummings.observables import OBSERVABLE_NAMES, trace

TOL = 1e-9


def _detuned(N: int, pump: float = 0.8, scaling: str = "fixed_g_sqrtN") -> TavisCummingsParameters:
    p = figure_parameters(N, scaling, pump)
    return TavisCummingsParameters(**{**p.as_dict(), "omega": 1.3, "gamma_down": p.gamma_down + 0.1})


def _to_full(w: np.ndarray, basis: TCBasis) -> np.ndarray:
    """ρ = Σ w(p, q, n) |p⟩⟨q| ⊗ B(n), B(n) = s(n) Sym(n)/M(n), written out in the full Hilbert space."""
    N, F = basis.N, basis.fock
    lab = basis.labels
    ls = basis.log_scale()
    rho = np.zeros(((F + 1) * 2**N,) * 2, dtype=complex)
    # single-site dyad types: 0 = |0⟩⟨0|, 1 = |0⟩⟨1|, 2 = |1⟩⟨0|, 3 = |1⟩⟨1|  (ket bit, bra bit)
    kb = {0: (0, 0), 1: (0, 1), 2: (1, 0), 3: (1, 1)}
    for i in range(basis.dim):
        n = (lab["n00"][i], lab["n01"][i], lab["n10"][i], lab["n11"][i])
        log_m = log_binom(N, n[0]) + log_binom(N - n[0], n[1]) + log_binom(N - n[0] - n[1], n[2])
        coef = w[i] * np.exp(ls[i] - log_m)
        for types in itertools.product(range(4), repeat=N):
            if tuple(types.count(t) for t in range(4)) != n:
                continue
            ket = sum(kb[t][0] << (N - 1 - s) for s, t in enumerate(types))
            bra = sum(kb[t][1] << (N - 1 - s) for s, t in enumerate(types))
            rho[lab["p"][i] * 2**N + ket, lab["q"][i] * 2**N + bra] += coef
    return rho


@pytest.mark.parametrize("N,fock", [(1, 10), (2, 9), (3, 8)])
def test_reduced_state_equals_full_hilbert_space(N, fock):
    params = _detuned(N)
    rho_full = full_steady_state(params, fock)
    res = solve_on_basis(params, TCBasis(N, fock))
    rho = _to_full(res.w, res.basis)
    assert np.abs(rho - rho_full).max() < TOL
    assert np.linalg.eigvalsh(0.5 * (rho + rho.conj().T)).min() > -1e-12  # PSD
    ref = full_observables(rho_full, params, fock)
    for key in OBSERVABLE_NAMES:
        if np.isfinite(ref[key]):
            assert res.observables[key] == pytest.approx(ref[key], abs=TOL), key


@pytest.mark.slow
def test_observables_match_brute_force_at_N4():
    params = _detuned(4, pump=0.7, scaling="fixed_gN")
    ref = full_observables(full_steady_state(params, 5), params, 5)
    res = solve_on_basis(params, TCBasis(4, 5))
    for key in OBSERVABLE_NAMES:
        assert res.observables[key] == pytest.approx(ref[key], abs=TOL), key


@pytest.mark.parametrize("N", [3, 5])
def test_sector_equals_unreduced_permutation_symmetric_solve(N):
    params = _detuned(N, pump=0.9, scaling="none")
    full = solve_on_basis(params, TCBasis(N, 7, sector=False))
    red = solve_on_basis(params, TCBasis(N, 7))
    for key in OBSERVABLE_NAMES:
        assert red.observables[key] == pytest.approx(full.observables[key], abs=TOL), key
    # the unreduced steady state has no weight outside the U(1) sector
    lab = full.basis.labels
    charge = lab["p"] - lab["q"] + lab["n10"] - lab["n01"]
    assert np.abs(full.w[charge != 0]).max() < TOL


def test_generator_preserves_trace_on_every_basis():
    params = _detuned(4)
    for basis in (TCBasis(4, 6), TCBasis(4, 6, sector=False), TCBasis(4, 6, coherence=2)):
        L = generator(params, basis)
        ones = np.zeros(basis.dim)
        ones[basis.diagonal_elements()] = 1.0
        # trace-preserving; the coherence cutoff only removes elements with zero trace
        assert np.abs(ones @ L).max() < 1e-13


def test_trace_and_residual_of_untruncated_generator():
    params = figure_parameters(6)
    res = solve_on_basis(params, TCBasis(6, 22))
    assert trace(res.w, res.basis) == pytest.approx(1.0, abs=1e-14)
    assert res.residual < 1e-10
    assert res.info["fock_top_weight"] < 1e-12


@pytest.mark.parametrize("omega", [1.0, 1.3])
def test_real_and_complex_forms_of_the_solve_agree(omega):
    """form="real" (at ω = ε: the i^a-scaled real form with ~D/2 unknowns) against the plain complex solve."""
    p = figure_parameters(5, "none", 0.8)
    p = TavisCummingsParameters(**{**p.as_dict(), "omega": omega})
    basis = TCBasis(5, 10, coherence=3)  # also on a truncated basis
    real = solve_on_basis(p, basis, form="real")
    cplx = solve_on_basis(p, basis, form="complex")
    assert np.abs(real.w - cplx.w).max() < TOL
    assert cplx.info["hermiticity_error"] < 1e-12
    assert real.info["unknowns"] < (0.7 if omega == 1.0 else 1.01) * basis.dim
