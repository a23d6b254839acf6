"""Product states and the change between complex ζ and real r coordinates (see :mod:`.basis`).

A product state ρ_c ⊗ ρ_b^{⊗N} expands as Σ_n ρ_c[c, d] Π_t (ρ_b)_t^{n_t} |c⟩⟨d| ⊗ Sym(n), (ρ_b)_t = ρ_b[a, b]
for t = 2a + b, so x(c, d, n) = ρ_c[c, d] Π_t (ρ_b)_t^{n_t} and ζ = x √M(n) σ(n) (computed in logarithms).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cumex.errors import CumexInputError
from cumex.exact.symmetric.basis import SymmetricBasis
from cumex.exact.symmetric.model import CentralSpinModel, bath_steady_state

__all__ = [
    "ProductState",
    "carollo_initial_state",
    "product_state_zeta",
    "to_real",
    "to_complex",
    "covector_to_real",
    "trace_covector",
    "coefficients_x",
]

_SQRT2 = math.sqrt(2.0)


def _density_matrix(key: str, value: object) -> np.ndarray:
    try:
        m = np.asarray(value, dtype=complex)
    except (TypeError, ValueError):
        raise CumexInputError(key, value, "a 2×2 density matrix") from None
    ok = m.shape == (2, 2) and np.all(np.isfinite(m))
    if ok:
        ok = np.abs(m - m.conj().T).max() < 1e-12 and abs(np.trace(m) - 1) < 1e-12
        ok = ok and np.linalg.eigvalsh(0.5 * (m + m.conj().T)).min() > -1e-12
    if not ok:
        raise CumexInputError(key, value, "a 2×2 density matrix (Hermitian, trace 1, positive semidefinite)")
    return m


@dataclass(frozen=True)
class ProductState:
    """ρ_c ⊗ ρ_b^{⊗N}: a central 2×2 density matrix and one bath-spin density matrix (basis down, up)."""

    central: np.ndarray
    bath: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "central", _density_matrix("initial.central", self.central))
        object.__setattr__(self, "bath", _density_matrix("initial.bath", self.bath))


def carollo_initial_state(model: CentralSpinModel) -> ProductState:
    """Carollo's initial state: central spin up ⊗ every bath spin in its own uncoupled steady state."""
    return ProductState(central=np.diag([0.0, 1.0]), bath=bath_steady_state(model))


def product_state_zeta(basis: SymmetricBasis, state: ProductState) -> np.ndarray:
    """ζ of a product state (module docstring), complex, length basis.dim."""
    n = basis.counts
    site = state.bath.reshape(4)  # (ρ_b)_t, t = 2a + b
    with np.errstate(divide="ignore"):
        log_abs = np.log(np.abs(site))
    mag = np.where(n > 0, n * np.where(np.isfinite(log_abs), log_abs, 0.0), 0.0).sum(axis=1)
    dead = ((n > 0) & ~np.isfinite(log_abs)).any(axis=1)
    phase = n @ np.angle(site)
    bath = np.where(dead, 0.0, np.exp(mag + 0.5 * basis.log_placements() + basis.log_sigma() + 1j * phase))
    return np.concatenate([state.central[cd // 2, cd % 2] * bath for cd in range(4)])


def to_real(zeta: np.ndarray, conj: np.ndarray) -> np.ndarray:
    """r from ζ of a Hermitian operator: r_e = √2 Re ζ_e, r_{e†} = √2 Im ζ_e (e canonical), r_e = Re ζ_e (self)."""
    idx = np.arange(zeta.size)
    r = np.empty(zeta.size)
    self_ = conj == idx
    canon = conj > idx
    r[self_] = zeta[self_].real
    r[canon] = _SQRT2 * zeta[canon].real
    r[conj[canon]] = _SQRT2 * zeta[canon].imag
    return r


def to_complex(r: np.ndarray, conj: np.ndarray) -> np.ndarray:
    """ζ from r (inverse of :func:`to_real`)."""
    idx = np.arange(r.size)
    zeta = np.empty(r.size, dtype=complex)
    self_ = conj == idx
    canon = conj > idx
    zeta[self_] = r[self_]
    a, b = r[canon], r[conj[canon]]
    zeta[canon] = (a + 1j * b) / _SQRT2
    zeta[conj[canon]] = (a - 1j * b) / _SQRT2
    return zeta


def covector_to_real(g: np.ndarray, conj: np.ndarray) -> np.ndarray:
    """h with Σ_e g_e ζ_e = Σ_e h_e r_e for every Hermitian ρ (complex h; real for Hermitian observables)."""
    idx = np.arange(g.size)
    h = np.empty(g.size, dtype=complex)
    self_ = conj == idx
    canon = conj > idx
    h[self_] = g[self_]
    gc, gp = g[canon], g[conj[canon]]
    h[canon] = (gc + gp) / _SQRT2
    h[conj[canon]] = 1j * (gc - gp) / _SQRT2
    return h


def trace_covector(basis: SymmetricBasis) -> np.ndarray:
    """Tr ρ = Σ_e tr_e ζ_e: tr_e = √M(n)/σ(n) for c = d and n1 = n2 = 0, else 0."""
    n = basis.counts
    diag = (n[:, 1] == 0) & (n[:, 2] == 0)
    w = np.where(diag, np.exp(0.5 * basis.log_placements() - basis.log_sigma()), 0.0)
    zero = np.zeros(basis.block)
    return np.concatenate([w, zero, zero, w])


def coefficients_x(basis: SymmetricBasis, zeta: np.ndarray) -> np.ndarray:
    """x_e = ζ_e/(√M(n) σ(n)): the matrix element of ρ on each placement of element e."""
    scale = np.exp(-0.5 * basis.log_placements() - basis.log_sigma())
    return zeta * np.tile(scale, 4)
