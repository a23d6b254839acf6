"""Exact LMG-dimer steady state against an independent dense construction, and against mean-field."""

from __future__ import annotations

import numpy as np
import pytest

from cumex.exact.lmg_dimer import liouvillian, solve_exact
from cumex.meanfield import lmg_dimer as mf
from cumex.meanfield.lmg_solve import ATTRACTING, fixed_points
from cumex.models.lmg_dimer import resolve_parameters


def _spin(S: float):
    """S^z, S^+ built element by element (independently of cumex.exact.lmg_dimer)."""
    dim = int(round(2 * S)) + 1
    sz = np.zeros((dim, dim))
    sp = np.zeros((dim, dim))
    for k in range(dim):
        m = S - k
        sz[k, k] = m
        if k > 0:  # S^+ |m⟩ = sqrt(S(S+1) - m(m+1)) |m+1⟩, and |m+1⟩ has index k-1
            sp[k - 1, k] = np.sqrt(S * (S + 1) - m * (m + 1))
    return sz, sp


def _dense_steady_state(J, lam, g, gamma, S):
    """Column-stacking vectorisation, vec(AρB) = (Bᵀ ⊗ A) vec ρ, full space, null vector by SVD."""
    H, jumps = _operators(J, lam, g, gamma, S)
    d = len(H)
    I = np.eye(d)
    L = -1j * (np.kron(I, H) - np.kron(H.T, I))
    for c in jumps:
        cdc = c.conj().T @ c
        L += np.kron(c.conj(), c) - 0.5 * np.kron(I, cdc) - 0.5 * np.kron(cdc.T, I)
    _, s, vh = np.linalg.svd(L)
    assert s[-1] < 1e-10 * s[0] and s[-2] > 1e-8 * s[0]  # a unique steady state
    rho = vh[-1].conj().reshape(d, d, order="F")
    return rho / np.trace(rho), H, jumps


@pytest.mark.parametrize("S", [0.5, 1.0, 1.5])
@pytest.mark.parametrize("J,lam", [(0.7, 0.3), (-1.1, 0.9), (0.0, 0.6)])
def test_exact_matches_dense_kron_construction(S, J, lam):
    p = resolve_parameters({"J": J, "lambda": lam, "g": 1.0, "gamma": 0.5, "S": S})
    reference, _, _ = _dense_steady_state(J, lam, 1.0, 0.5, S)
    result = solve_exact(p)
    np.testing.assert_allclose(result.rho, reference, atol=1e-10)
    assert result.residual < 1e-10
    sz, _ = _spin(S)
    dim = len(sz)
    z_b = np.trace(reference @ np.kron(np.eye(dim), sz)).real / S
    assert result.observables["Z_B"] == pytest.approx(z_b, abs=1e-10)


def test_parity_sector_holds_the_steady_state():
    p = resolve_parameters({"J": 0.9, "lambda": 0.4, "S": 1.0})
    full, _ = liouvillian(p, sector=False)
    rho = solve_exact(p).rho
    assert np.abs(full @ rho.ravel()).max() < 1e-12
    _, keep = liouvillian(p)
    outside = np.setdiff1d(np.arange(rho.size), keep)
    assert np.abs(rho.ravel()[outside]).max() == 0.0


def test_uncoupled_noninteracting_steady_state_is_the_normal_state():
    # J = λ = 0: spin A decays to down, spin B is pumped to up, a pure state
    r = solve_exact(resolve_parameters({"J": 0.0, "lambda": 0.0, "S": 2.0}))
    assert r.observables["Z_A"] == pytest.approx(-1.0, abs=1e-12)
    assert r.observables["Z_B"] == pytest.approx(1.0, abs=1e-12)
    assert r.observables["purity"] == pytest.approx(1.0, abs=1e-12)


def _coherent(S, theta, phi):
    """Spin coherent state pointing along (θ, φ), from the rotation of |S, S⟩ (independent of exact.py)."""
    from scipy.linalg import expm

    sz, sp = _spin(S)
    sy = (sp - sp.T) / 2j
    up = np.zeros(len(sz))
    up[0] = 1.0
    return expm(-1j * phi * sz) @ expm(-1j * theta * sy) @ up


def test_mean_field_equations_are_the_large_S_limit_of_the_master_equation():
    # on a product of spin coherent states the exact d⟨S⟩/dt / S differs from eqs. 6-11 by O(1/S)
    J, lam, g, gamma = 0.8, 0.6, 1.0, 0.5
    angles = (1.1, 0.4, 2.0, -0.7)
    errors = []
    for S in (4.0, 8.0, 16.0):
        psi = np.kron(_coherent(S, *angles[:2]), _coherent(S, *angles[2:]))
        rho = np.outer(psi, psi.conj())
        H, jumps = _operators(J, lam, g, gamma, S)
        drho = -1j * (H @ rho - rho @ H)
        for c in jumps:
            cdc = c.conj().T @ c
            drho += c @ rho @ c.conj().T - 0.5 * (cdc @ rho + rho @ cdc)
        sz, sp = _spin(S)
        sx, sy = (sp + sp.T) / 2, (sp - sp.T) / 2j
        one = np.eye(len(sz))
        ops = [np.kron(o, one) for o in (sx, sy, sz)] + [np.kron(one, o) for o in (sx, sy, sz)]
        x = np.array([np.trace(rho @ o).real / S for o in ops])
        exact_rate = np.array([np.trace(drho @ o).real / S for o in ops])
        p = resolve_parameters({"J": J, "lambda": lam, "g": g, "gamma": gamma})
        errors.append(np.abs(exact_rate - mf.rhs(x, p)).max())
    assert errors[0] > errors[1] > errors[2]
    assert errors[1] / errors[2] == pytest.approx(2.0, rel=0.15)  # O(1/S)


def _operators(J, lam, g, gamma, S):
    sz, sp = _spin(S)
    sm = sp.T
    sx = (sp + sm) / 2
    one = np.eye(len(sz))
    h1 = -J * sx @ sx / S - g * sz
    H = np.kron(h1, one) + np.kron(one, h1) + lam / (2 * S) * (np.kron(sp, sm) + np.kron(sm, sp))
    return H, [np.sqrt(gamma / S) * np.kron(sm, one), np.sqrt(gamma / S) * np.kron(one, sp)]


def _mean_field_zb(J, lam):
    stable = [fp for fp in fixed_points(resolve_parameters({"J": J, "lambda": lam})) if fp.kind == ATTRACTING]
    assert stable
    return stable[0].x[5]


@pytest.mark.parametrize("J", [-1.0, 0.3, 1.2])
def test_exact_zb_approaches_mean_field_along_fig3a_cut(J):
    lam = 0.2  # Fig. 3(a): fixed small λ
    zb = _mean_field_zb(J, lam)
    errors = [abs(solve_exact(resolve_parameters({"J": J, "lambda": lam, "S": S})).observables["Z_B"] - zb) for S in (1, 2, 3)]
    assert errors[0] > errors[1] > errors[2]


@pytest.mark.slow
def test_exact_zb_approaches_mean_field_at_larger_S():
    zb = _mean_field_zb(-1.0, 0.2)
    errors = [abs(solve_exact(resolve_parameters({"J": -1.0, "lambda": 0.2, "S": S})).observables["Z_B"] - zb) for S in (3, 4, 5)]
    assert errors[0] > errors[1] > errors[2]
