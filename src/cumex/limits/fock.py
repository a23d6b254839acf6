"""The open Jaynes–Cummings model of :mod:`.model` in a Fock cutoff: generator, steady state, evolution.

Hilbert space: central spin (|0⟩ = down, |1⟩ = up) ⊗ boson levels 0..n_fock−1, basis index c·n_fock + n.
Truncating b to these levels keeps every term a Lindblad term, so the truncated evolution is completely
positive and trace preserving; its error is controlled by the weight left in the top levels.
Density matrices are vectorised row-major, vec(ρ)[i·d + j] = ρ[i, j], so vec(AρB) = (A ⊗ Bᵀ) vec(ρ) and
Tr(Aρ) = vec(Aᵀ)·vec(ρ).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from cumex.limits.model import OpenJaynesCummings

__all__ = ["operators", "liouvillian", "steady_vector", "thermal_boson", "product_state", "evolve_vectors_expm_multiply",
           "level_populations", "top_weight", "expectations"]

_SM = sp.csr_matrix(np.array([[0.0, 1.0], [0.0, 0.0]]))  # τ^- = |0⟩⟨1|
_SP = _SM.T.tocsr()
_SX = sp.csr_matrix(np.array([[0.0, 1.0], [1.0, 0.0]]))
_SY = sp.csr_matrix(np.array([[0.0, 1j], [-1j, 0.0]]))  # −i(τ^+ − τ^-) in the (down, up) basis
_SZ = sp.csr_matrix(np.diag([-1.0, 1.0]))


def operators(n_fock: int) -> dict[str, sp.csr_matrix]:
    """τ^±, τ^α, b, b†b on the truncated space (sparse, dimension 2·n_fock)."""
    b = sp.diags(np.sqrt(np.arange(1, n_fock, dtype=float)), 1, shape=(n_fock, n_fock), format="csr")
    i2, ib = sp.identity(2, format="csr"), sp.identity(n_fock, format="csr")
    ops = {name: sp.kron(op, ib, format="csr") for name, op in
           (("tm", _SM), ("tp", _SP), ("tx", _SX), ("ty", _SY), ("tz", _SZ))}
    ops["b"] = sp.kron(i2, b, format="csr")
    ops["n"] = sp.kron(i2, b.T @ b, format="csr")
    return ops


def liouvillian(model: OpenJaynesCummings, n_fock: int) -> sp.csr_matrix:
    """Generator L (vec(dρ/dt) = L vec(ρ)) of the truncated model, shape (d², d²), d = 2·n_fock."""
    o = operators(n_fock)
    b, tp, tm = o["b"], o["tp"], o["tm"]
    pair = tp @ b.T + tm @ b if model.counter_rotating else tp @ b + tm @ b.T
    H = model.h_x * o["tx"] + model.h_y * o["ty"] + model.h_z * o["tz"] + model.omega_b * o["n"] + model.coupling * pair
    d = 2 * n_fock
    eye = sp.identity(d, format="csr")
    L = -1j * (sp.kron(H, eye) - sp.kron(eye, H.T))
    for rate, c in ((model.gamma_up_central, tp), (model.gamma_down_central, tm),
                    (model.boson_loss, b), (model.boson_gain, b.T.tocsr())):
        if rate == 0:
            continue
        cdc = (c.conj().T @ c).tocsr()
        L = L + rate * (sp.kron(c, c.conj()) - 0.5 * sp.kron(cdc, eye) - 0.5 * sp.kron(eye, cdc.T))
    return L.tocsr()


def steady_vector(L: sp.csr_matrix, d: int) -> tuple[np.ndarray, float]:
    """vec(ρ_ss) by sparse LU with the trace condition replacing the first equation; and ‖L vec(ρ)‖_∞."""
    trace_row = sp.csr_matrix((np.ones(d), (np.zeros(d, dtype=int), np.arange(d) * (d + 1))), shape=(1, d * d))
    A = sp.vstack([trace_row, L[1:]], format="csc")
    rhs = np.zeros(d * d, dtype=complex)
    rhs[0] = 1.0
    x = spla.splu(A, permc_spec="COLAMD").solve(rhs)
    rho = x.reshape(d, d)
    rho = 0.5 * (rho + rho.conj().T)  # remove the rounding-level anti-Hermitian part
    x = rho.reshape(-1) / np.trace(rho).real
    return x, float(np.abs(L @ x).max())


def thermal_boson(n_fock: int, occupation: float) -> np.ndarray:
    """Diagonal of the thermal state with ⟨b†b⟩ = occupation, truncated to n_fock levels and renormalised."""
    x = occupation / (1.0 + occupation)
    w = (1.0 - x) * x ** np.arange(n_fock)
    return w / w.sum()


def product_state(central: np.ndarray, boson_diagonal: np.ndarray) -> np.ndarray:
    """vec(central ⊗ diag(boson)) for a 2×2 central density matrix."""
    return np.kron(np.asarray(central, dtype=complex), np.diag(boson_diagonal.astype(complex))).reshape(-1)


def evolve_vectors_expm_multiply(L: sp.csr_matrix, v0: np.ndarray, times: np.ndarray) -> np.ndarray:
    """vec(ρ(t)) at the given increasing times (row 0 is v0 at times[0]) by SciPy's expm_multiply.

    The alternative to :func:`cumex.limits.krylov.krylov_evolve` (the engine's choice, several times faster
    here; ``benchmarks/limits.py`` runs both). Evenly spaced times go through one call of expm_multiply on
    the whole grid (it reuses its norm
    estimates and Taylor steps); otherwise one call per interval.
    """
    times = np.asarray(times, dtype=float)
    Lc = L.tocsc()
    steps = np.diff(times)
    if times.size > 2 and np.allclose(steps, steps[0], rtol=1e-12, atol=0.0) and steps[0] > 0:
        return spla.expm_multiply(Lc, v0, start=times[0], stop=times[-1], num=times.size, endpoint=True)
    out = np.empty((times.size, v0.size), dtype=complex)
    out[0] = v0
    for i, dt in enumerate(steps, start=1):
        out[i] = out[i - 1] if dt == 0 else spla.expm_multiply(Lc * dt, out[i - 1])
    return out


def _diagonal_indices(n_fock: int) -> np.ndarray:
    d = 2 * n_fock
    return np.arange(d) * (d + 1)


def level_populations(vectors: np.ndarray, n_fock: int) -> np.ndarray:
    """Population of each Fock level (summed over the spin), shape (rows, n_fock)."""
    return np.atleast_2d(vectors)[:, _diagonal_indices(n_fock)].real.reshape(-1, 2, n_fock).sum(axis=1)


def top_weight(vectors: np.ndarray, n_fock: int, levels: int) -> np.ndarray:
    """Population of the top ``levels`` Fock levels (both spin states), per row of ``vectors``."""
    return level_populations(vectors, n_fock)[:, n_fock - levels:].sum(axis=1)


def expectations(vectors: np.ndarray, n_fock: int) -> dict[str, np.ndarray]:
    """Raw expectation values per row: τ^α, b†b, Tr, ⟨q^k⟩ (k = 1..4), ⟨τ^+ b⟩, ⟨τ^+ b†⟩, min population."""
    o = operators(n_fock)
    q = ((o["b"] + o["b"].T) / np.sqrt(2.0)).tocsr()
    q2 = (q @ q).tocsr()
    mats = {
        "tx": o["tx"], "ty": o["ty"], "tz": o["tz"], "n": o["n"], "q1": q, "q2": q2, "q3": q2 @ q, "q4": q2 @ q2,
        "tp_b": o["tp"] @ o["b"], "tp_bd": o["tp"] @ o["b"].T, "id": sp.identity(2 * n_fock, format="csr"),
    }
    V = np.atleast_2d(vectors)
    out = {}
    for key, m in mats.items():
        t = sp.coo_matrix(m.T)  # Tr(Aρ) = Σ (Aᵀ)[i, j] ρ[i, j]: only the non-zeros of A are read
        out[key] = V[:, t.row * (2 * n_fock) + t.col] @ t.data
    out["min_population"] = V[:, _diagonal_indices(n_fock)].real.min(axis=1)
    return out
