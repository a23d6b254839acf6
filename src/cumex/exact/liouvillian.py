"""The central-spin Liouvillian in the U(1)-reduced permutation-symmetric basis (see :mod:`.basis`).

Master equation (ħ = 1, satellites n = 1..N, D[x]ρ = xρx† − {x†x, ρ}/2):

    dρ/dt = −i[H, ρ] + κ D[σ0⁻]ρ + Σ_n ( Γ↑ D[σn⁺]ρ + Γ↓ D[σn⁻]ρ ),
    H = (ω/2) σ0^z + Σ_n [ (ε/2) σn^z + g (σ0⁺σn⁻ + σ0⁻σn⁺) ].

Written on ρ = Σ y(c, d, n) |c⟩⟨d| ⊗ A(n), every term follows from the rule Σ_s S_s A(n) =
Σ_{t,t'} n_t S_{t't} A(n − e_t + e_t') for one-site maps S (derived in :mod:`.basis`). Per element
(c, d, n00, n01, n10, n11), with t → t' meaning one satellite of type t becomes type t':

    diagonal     −i(ω − ε)(c − d)           (the two σ^z terms: −iω(c−d) − iε(n10 − n01), and n10 − n01 = d − c)
                 − Γ↓ n11 − Γ↑ n00 − (Γ_T/2)(n01 + n10) − (κ/2)(c + d)
    Γ↓ n11       11 → 00                    (jump σn⁻ ρ σn⁺)
    Γ↑ n00       00 → 11                    (jump σn⁺ ρ σn⁻)
    κ [c=d=1]    central |1⟩⟨1| → |0⟩⟨0|
    −ig σ0⁺σn⁻ ρ   c=0 → 1:   n10: 10 → 00,  n11: 11 → 01
    −ig σ0⁻σn⁺ ρ   c=1 → 0:   n00: 00 → 10,  n01: 01 → 11
    +ig ρ σ0⁺σn⁻   d=1 → 0:   n00: 00 → 01,  n10: 10 → 11
    +ig ρ σ0⁻σn⁺   d=0 → 1:   n01: 01 → 00,  n11: 11 → 10

(each with the count n_t of the source type as its factor). The matrix returned acts on the coefficients w of
the B(n) basis: every entry is rescaled by s(source)/s(target), computed exactly per transition. It is
assembled from these arrays in one COO construction, no loop over elements.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from cumex.exact.basis import SectorBasis, WindowBasis
from cumex.models.central_spin import CentralSpinParameters

__all__ = ["reduced_liouvillian", "hermitian_real_form", "real_to_complex", "complex_to_real"]


_TYPES = ("n00", "n01", "n10", "n11")


def _binom_ratio(N: int, m: np.ndarray, m_new: np.ndarray) -> np.ndarray:
    """C(N, m_new)/C(N, m) for |m_new − m| ≤ 1, exactly (no factorials)."""
    up = (N - m) / (m + 1.0)
    down = m / (N - m + 1.0)
    return np.where(m_new > m, up, np.where(m_new < m, down, 1.0))


def reduced_liouvillian(params: CentralSpinParameters, basis: SectorBasis | WindowBasis | None = None) -> sp.csr_matrix:
    """Complex D×D generator with dw/dt = L w on the B(n) basis (columns: source, rows: target).

    Each entry is first written in the A(n) basis (module docstring) and then multiplied by
    s(source)/s(target) = [M(source)/M(target)] √(C(N, m_ket')C(N, m_bra')/(C(N, m_ket)C(N, m_bra))),
    where M(source)/M(target) = (n_gain + 1)/n_lose for one satellite moving from type "lose" to "gain".
    On a truncated basis (``kmax`` set) the transitions to k = kmax + 1 are left out: the matrix is then the
    exact generator applied to vectors supported on k < kmax, restricted to rows k ≤ kmax. Likewise on a
    :class:`.basis.WindowBasis`: transitions leaving the window are left out.
    """
    basis = basis or SectorBasis(params.N)
    N = basis.N
    kmax = N if basis.kmax is None else basis.kmax
    lab = basis.labels()
    c, d = lab["c"], lab["d"]
    n00, n01, n10, n11 = (lab[t] for t in _TYPES)
    src = np.arange(basis.dim, dtype=np.int64)
    g = params.g
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []

    def add(mask: np.ndarray, cc: int | None, dd: int | None, lose: str | None, gain: str | None, rate: complex) -> None:
        # rate·n_lose moves one satellite lose → gain (and/or changes the central |c⟩⟨d|) for every masked source
        sel = np.flatnonzero(mask)
        if sel.size == 0:
            return
        counts = {t: lab[t][sel].astype(float) for t in _TYPES}
        new = dict(counts)
        value = np.full(sel.size, rate, dtype=complex)
        if lose is not None and gain is not None:
            new[lose] = counts[lose] - 1
            new[gain] = counts[gain] + 1
            # rate · n_lose (A basis) · (n_gain + 1)/n_lose (placements) = rate · (n_gain + 1)
            value = value * (counts[gain] + 1.0)
            m_ket, m_bra = counts["n10"] + counts["n11"], counts["n01"] + counts["n11"]
            m_ket2, m_bra2 = new["n10"] + new["n11"], new["n01"] + new["n11"]
            value = value * np.sqrt(_binom_ratio(N, m_ket, m_ket2) * _binom_ratio(N, m_bra, m_bra2))
        tc = c[sel] if cc is None else np.full(sel.size, cc)
        td = d[sel] if dd is None else np.full(sel.size, dd)
        t01, t10, t11 = (new[t].astype(np.int64) for t in ("n01", "n10", "n11"))
        inside = np.minimum(t01, t10) <= kmax  # a truncated basis drops transitions leaving it
        target = basis.index(tc[inside], td[inside], t01[inside], t10[inside], t11[inside])
        within = target >= 0  # a window basis (WindowBasis.index = −1 outside) drops them too
        rows.append(target[within])
        cols.append(src[sel][inside][within])
        vals.append(value[inside][within])

    diag = (
        -1j * (params.omega - params.epsilon) * (c - d)
        - params.gamma_down * n11
        - params.gamma_up * n00
        - 0.5 * params.gamma_T * (n01 + n10)
        - 0.5 * params.kappa * (c + d)
    )
    rows.append(src)
    cols.append(src)
    vals.append(diag.astype(complex))
    # satellite loss and pump: one |1⟩⟨1| ↔ |0⟩⟨0| site
    add(n11 > 0, None, None, "n11", "n00", params.gamma_down)
    add(n00 > 0, None, None, "n00", "n11", params.gamma_up)
    # central decay |1⟩⟨1| → |0⟩⟨0|, satellites unchanged (s(n) does not depend on c, d)
    add((c == 1) & (d == 1), 0, 0, None, None, params.kappa)
    # −ig σ0⁺σn⁻ ρ (c: 0 → 1)
    add((c == 0) & (n10 > 0), 1, None, "n10", "n00", -1j * g)
    add((c == 0) & (n11 > 0), 1, None, "n11", "n01", -1j * g)
    # −ig σ0⁻σn⁺ ρ (c: 1 → 0)
    add((c == 1) & (n00 > 0), 0, None, "n00", "n10", -1j * g)
    add((c == 1) & (n01 > 0), 0, None, "n01", "n11", -1j * g)
    # +ig ρ σ0⁺σn⁻ (d: 1 → 0)
    add((d == 1) & (n00 > 0), None, 0, "n00", "n01", 1j * g)
    add((d == 1) & (n10 > 0), None, 0, "n10", "n11", 1j * g)
    # +ig ρ σ0⁻σn⁺ (d: 0 → 1)
    add((d == 0) & (n01 > 0), None, 1, "n01", "n00", 1j * g)
    add((d == 0) & (n11 > 0), None, 1, "n11", "n10", 1j * g)
    n = basis.dim
    return sp.coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    ).tocsr()


def _conjugation(basis: SectorBasis | WindowBasis) -> sp.csr_matrix:
    """T: real coordinates r = (p00, p11, Re q, Im q) → complex y, with the (0,1) block = conj of (1,0)."""
    nd, no = basis.diag_size, basis.off_size
    i_d = np.arange(2 * nd)
    i_o = np.arange(no)
    s10, s01 = 2 * nd, 2 * nd + no
    rows = np.concatenate([i_d, s10 + i_o, s01 + i_o, s10 + i_o, s01 + i_o])
    cols = np.concatenate([i_d, 2 * nd + i_o, 2 * nd + i_o, 2 * nd + no + i_o, 2 * nd + no + i_o])
    vals = np.concatenate([np.ones(2 * nd + 2 * no), 1j * np.ones(no), -1j * np.ones(no)])
    return sp.csr_matrix((vals, (rows, cols)), shape=(basis.dim, basis.dim))


def hermitian_real_form(L: sp.spmatrix, basis: SectorBasis | WindowBasis) -> sp.csr_matrix:
    """Real D×D matrix of L acting on Hermitian operators, in the coordinates of :func:`complex_to_real`.

    L maps Hermitian operators to Hermitian operators, so its action is determined by the (0,0), (1,1) and
    (1,0) rows applied to T r; the (0,1) rows are redundant (complex conjugates of the (1,0) rows).
    """
    LT = (sp.csr_matrix(L) @ _conjugation(basis)).tocsr()
    nd, no = basis.diag_size, basis.off_size
    keep = LT[: 2 * nd + no]
    off = LT[2 * nd : 2 * nd + no]
    return sp.vstack([keep.real, off.imag], format="csr")


def real_to_complex(r: np.ndarray, basis: SectorBasis | WindowBasis) -> np.ndarray:
    """Complex sector vector y of the Hermitian operator with real coordinates r."""
    nd, no = basis.diag_size, basis.off_size
    q = r[2 * nd : 2 * nd + no] + 1j * r[2 * nd + no :]
    return np.concatenate([r[: 2 * nd].astype(complex), q, q.conj()])


def complex_to_real(y: np.ndarray, basis: SectorBasis | WindowBasis) -> np.ndarray:
    """Real coordinates (p00, p11, Re q10, Im q10) of a Hermitian sector vector y."""
    nd, no = basis.diag_size, basis.off_size
    q = y[2 * nd : 2 * nd + no]
    return np.concatenate([y[: 2 * nd].real, q.real, q.imag])
