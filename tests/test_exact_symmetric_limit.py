"""Carollo's N → ∞ theory: the finite-N engine approaches his open Jaynes-Cummings model (PRL 2023, Eq. (9)).

Limit model (Schrödinger form): H = Σ_α ω_α τ_α + g0 √ε (τ⁻a† + τ⁺a), ε = (Γ↓ − Γ↑)/(Γ↑ + Γ↓),
dissipators γ↑ D[τ⁺] + γ↓ D[τ⁻] + κ↓ D[a] + κ↑ D[a†] with κ↓ = Γ₊ + Γ↑/ε, κ↑ = Γ↑/ε, initial state
|↑⟩⟨↑| ⊗ thermal with ⟨a†a⟩ = Γ↑/(εΓ₊); q = (a + a†)/√2. Built here with a Fock cutoff (30, where the
populations are < 1e-12). The paper finds max_t |⟨·⟩_N − ⟨·⟩_∞| ~ 1/N (Fig. 2 insets); we check that the
deviation of ⟨τ^z⟩ and ⟨q_N⟩ over t ∈ [0, 4] shrinks by a factor near 2 from N = 20 to N = 40.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from cumex.exact.symmetric import carollo_initial_state, carollo_model, evolve
from cumex.exact.threads import blas_threads

_CUT = 30


def _limit(times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    wx, wz, g0, gu_c, gd_c, Gu, Gd = 1.0, 0.5, 4.0, 0.8, 0.1, 0.2, 1.0
    eps = (Gd - Gu) / (Gu + Gd)
    kd, ku = (Gu + Gd) + Gu / eps, Gu / eps
    a = np.diag(np.sqrt(np.arange(1, _CUT)), 1)
    sm = np.array([[0.0, 1.0], [0.0, 0.0]])  # τ⁻ in the basis (down, up)
    tx, tz = sm + sm.T, np.diag([-1.0, 1.0])
    a, sm, tx, tz = (sp.csr_matrix(m) for m in (a, sm, tx, tz))
    I2, Ib = sp.identity(2, format="csr"), sp.identity(_CUT, format="csr")
    kron = lambda x, y: sp.kron(x, y, format="csr")  # noqa: E731
    H = kron(wx * tx + wz * tz, Ib) + g0 * np.sqrt(eps) * (kron(sm, a.T) + kron(sm.T, a))
    jumps = [(gu_c, kron(sm.T, Ib)), (gd_c, kron(sm, Ib)), (kd, kron(I2, a)), (ku, kron(I2, a.T))]
    d = 2 * _CUT
    eye = sp.identity(d, format="csr")
    gen = -1j * (kron(H, eye) - kron(eye, H.T))
    for rate, x in jumps:
        xdx = x.conj().T @ x
        gen = gen + rate * (kron(x, x.conj()) - 0.5 * kron(xdx, eye) - 0.5 * kron(eye, xdx.T))
    nbar = Gu / (eps * (Gu + Gd))
    thermal = np.diag((nbar / (1 + nbar)) ** np.arange(_CUT) / (1 + nbar))
    rho0 = np.kron(np.diag([0.0, 1.0]), thermal).astype(complex).reshape(-1)
    states = spla.expm_multiply(gen.tocsc(), rho0, start=times[0], stop=times[-1], num=times.size, endpoint=True)
    q = kron(I2, (a + a.T) / np.sqrt(2)).toarray()
    Tz = kron(tz, Ib).toarray()
    # row-major vec: Tr[O ρ] = Σ_ij O_ji ρ_ij
    tau_z = (states @ Tz.T.reshape(-1)).real
    q_mean = (states @ q.T.reshape(-1)).real
    return tau_z, q_mean


def test_approaches_jaynes_cummings_limit() -> None:
    times = np.linspace(0.0, 4.0, 81)
    with blas_threads(1):
        tz_inf, q_inf = _limit(times)
    model = carollo_model()
    dev = {}
    for N in (20, 40):
        _, obs = evolve(model, N, carollo_initial_state(model), times)
        dev[N] = (np.abs(obs["sz_central"] - tz_inf).max(), np.abs(obs["quadrature_mean"] - q_inf).max())
    for k in range(2):
        ratio = dev[20][k] / dev[40][k]
        assert 1.6 < ratio < 2.5, (k, dev)
    assert dev[40][0] < 0.05 and dev[40][1] < 0.05
