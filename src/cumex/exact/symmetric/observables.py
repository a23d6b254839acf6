"""Observables as linear functionals of the real coordinates r (one sparse row each).

⟨O⟩ = Tr[O ρ] = tr · (M_O ζ) with M_O the matrix of ρ ↦ O ρ (assembled like the generator, :func:`.generator.
assemble`) and tr the trace covector, so the covector of O is M_Oᵀ tr; for O = X^k, X = S⁻ + S⁺ = Σ_k σ_k^x,
it is (M_Xᵀ)^k tr: the moments ⟨(S⁻ + S⁺)^k⟩ come from k sparse transposed products, computed once.
Rows of the functional matrix (all real-valued on Hermitian ρ):

    trace, tau_z, tau_x, tau_y, sum_sz, X, sum_sy, X2, X3, X4, re_tp_sm, im_tp_sm     (tp_sm = τ⁺ S⁻)

Derived (:func:`derived`), with ε the single-bath-spin steady polarisation ⟨σ^z⟩ (Carollo's −ε):

    central_population = (1 + ⟨τ^z⟩)/2, sz_central, sx_central, sy_central, sz_satellite = ⟨Σσ^z⟩/N,
    sminus_re + i sminus_im = ⟨S⁻⟩/N = (⟨Σσ^x⟩ − i⟨Σσ^y⟩)/(2N),
    quadrature_mean  ⟨q_N⟩, q_N = (S⁻ + S⁺)/√(2|ε|N) = √2 Re S⁻/√(|ε|N) (Carollo's (a_N + a_N†)/√2),
    quadrature_variance ⟨Q_N²⟩, quadrature_central4 ⟨Q_N⁴⟩ (Q_N = q_N − ⟨q_N⟩), quadrature_cumulant4
    ⟨Q_N⁴⟩ − 3⟨Q_N²⟩², from the raw moments μ_k = ⟨X^k⟩/(2|ε|N)^{k/2};
    corr_central_satellite_re + i ..._im = ⟨τ⁺ σ_k⁻⟩ = ⟨τ⁺ S⁻⟩/N, and trace.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from cumex.exact.symmetric.basis import SymmetricBasis
from cumex.exact.symmetric.generator import assemble, left
from cumex.exact.symmetric.model import IDENTITY, SIGMA_MINUS, SIGMA_PLUS, SIGMA_X, SIGMA_Y, SIGMA_Z
from cumex.exact.symmetric.states import covector_to_real, trace_covector

__all__ = ["FUNCTIONALS", "OBSERVABLE_NAMES", "functional_matrix", "derived"]

FUNCTIONALS = (
    "trace", "tau_z", "tau_x", "tau_y", "sum_sz", "X", "sum_sy", "X2", "X3", "X4", "re_tp_sm", "im_tp_sm",
)

OBSERVABLE_NAMES = (
    "central_population", "sz_central", "sx_central", "sy_central", "sz_satellite", "sminus_re", "sminus_im",
    "quadrature_mean", "quadrature_variance", "quadrature_central4", "quadrature_cumulant4",
    "corr_central_satellite_re", "corr_central_satellite_im", "trace",
)


def _left_matrix(basis: SymmetricBasis, central: np.ndarray, bath: np.ndarray | None) -> sp.csr_matrix:
    """Columns n1 + n2 ≤ 4 of M_O for O = central ⊗ Σ_k bath^(k) (bath None: O = central ⊗ 1).

    Tr[O' E] vanishes for every O' acting on at most 4 bath sites unless E has at most 4 off-diagonal
    (|0⟩⟨1|, |1⟩⟨0|) sites, so the covectors used here (powers ≤ 4) live on those columns.
    """
    support = np.nonzero(basis.counts[:, 1] + basis.counts[:, 2] <= 4)[0]
    if bath is None:
        rows, cols, vals = assemble(basis, left(central), None, sources=support)
    else:
        rows, cols, vals = assemble(basis, None, np.einsum("ab,st->abst", left(central), left(bath)), sources=support)
    return sp.csr_matrix((vals, (rows, cols)), shape=(basis.dim, basis.dim))


def functional_matrix(basis: SymmetricBasis, conj: np.ndarray) -> sp.csr_matrix:
    """Real sparse matrix G (rows FUNCTIONALS): G @ r gives the functionals of the state r."""
    tr = trace_covector(basis)
    cov = lambda M: M.T @ tr  # noqa: E731
    MX = _left_matrix(basis, IDENTITY, SIGMA_X)
    x1 = MX.T @ tr
    x2 = MX.T @ x1
    x3 = MX.T @ x2
    x4 = MX.T @ x3
    tp_sm = covector_to_real(cov(_left_matrix(basis, SIGMA_PLUS, SIGMA_MINUS)), conj)
    rows = [
        tr,
        cov(_left_matrix(basis, SIGMA_Z, None)),
        cov(_left_matrix(basis, SIGMA_X, None)),
        cov(_left_matrix(basis, SIGMA_Y, None)),
        cov(_left_matrix(basis, IDENTITY, SIGMA_Z)),
        x1,
        cov(_left_matrix(basis, IDENTITY, SIGMA_Y)),
        x2,
        x3,
        x4,
    ]
    real_rows = [covector_to_real(g, conj).real for g in rows] + [tp_sm.real, tp_sm.imag]
    return sp.vstack([sp.csr_matrix(row) for row in real_rows], format="csr")


def derived(values: np.ndarray, N: int, epsilon: float) -> dict[str, np.ndarray]:
    """The observables of the module docstring from functional values (shape (..., len(FUNCTIONALS)))."""
    f = {name: values[..., i] for i, name in enumerate(FUNCTIONALS)}
    out = {
        "central_population": 0.5 * (1.0 + f["tau_z"]),
        "sz_central": f["tau_z"],
        "sx_central": f["tau_x"],
        "sy_central": f["tau_y"],
        "sz_satellite": f["sum_sz"] / N,
        "sminus_re": 0.5 * f["X"] / N,
        "sminus_im": -0.5 * f["sum_sy"] / N,
        "corr_central_satellite_re": f["re_tp_sm"] / N,
        "corr_central_satellite_im": f["im_tp_sm"] / N,
        "trace": f["trace"],
    }
    if abs(epsilon) > 1e-14:
        unit = 2.0 * abs(epsilon) * N
        mu1, mu2, mu3, mu4 = (f[k] / unit ** (p / 2) for p, k in ((1, "X"), (2, "X2"), (3, "X3"), (4, "X4")))
        var = mu2 - mu1**2
        central4 = mu4 - 4 * mu3 * mu1 + 6 * mu2 * mu1**2 - 3 * mu1**4
        out.update(
            quadrature_mean=mu1, quadrature_variance=var, quadrature_central4=central4,
            quadrature_cumulant4=central4 - 3 * var**2,
        )
    else:  # q_N is undefined for an unpolarised bath
        nan = np.full_like(f["trace"], np.nan)
        out.update(quadrature_mean=nan, quadrature_variance=nan, quadrature_central4=nan, quadrature_cumulant4=nan)
    return {k: np.asarray(out[k]) for k in OBSERVABLE_NAMES}
