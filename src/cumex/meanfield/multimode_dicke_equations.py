"""Mean-field equations of the open multimode Dicke model (Carollo & Lesanovsky 2021, eqs. 6-7), derived.

Model, mapping and N scaling: :mod:`cumex.meanfield.multimode_dicke_model`. For large spin k (N spins,
S_{a,k} = Σ_{h∈Γ_k} σ_a^(h)) and mode μ, with m_{a,k} = ⟨S_{a,k}⟩/N and α_μ = ⟨a_μ⟩/√N, the Heisenberg
equations d⟨X⟩/dt = ⟨i[H, X] + Σ_μ κ_μ (a_μ† X a_μ - {n_μ, X}/2)⟩ are, from [σ_a, σ_b] = 2i ε_abc σ_c
and [a, a†] = 1 (H = Ω Σ_k S_{x,k} + Σ_μ Ω_μ n_μ + (g/√N) Σ_{μ,k} f_{μ,k}(a_μ + a_μ†) S_{z,k}):

    i[Ω σ_x + h σ_z, σ_a] = -2Ω ε_xab σ_b - 2h ε_zab σ_b,
    i[H, a_μ] = -iΩ_μ a_μ - i(g/√N) Σ_k f_{μ,k} S_{z,k},   the loss term gives -(κ_μ/2) a_μ.

Dividing by N (spins) and √N (modes) gives operator equations (eq. 6) whose right-hand sides are
products of one spin and one boson operator; in the N → ∞ limit these factorise (the paper's
theorem), and with h_k = g Σ_μ f_{μ,k} (α_μ + α_μ*) = 2g Σ_μ f_{μ,k} Re α_μ the mean-field equations
(eq. 7, written out as the supplement's eq. S27) are

    dx_k/dt = -2 h_k y_k,    dy_k/dt = -2Ω z_k + 2 h_k x_k,    dz_k/dt = 2Ω y_k,
    dα_μ/dt = -(iΩ_μ + κ_μ/2) α_μ - i g Σ_k f_{μ,k} z_k.

(Eq. 7 as extracted writes the spin coupling as -2g Σ ε_zab f (α† + α) m_b, i.e. h_k includes g; the
supplement's S27 agrees.) Each |m_k|² = x_k² + y_k² + z_k² is conserved (d|m_k|²/dt = 0 identically).

Unknowns, real: x = (x_0, y_0, z_0, x_1, ..., z_{G-1}, Re α_1, Im α_1, ..., Re α_M, Im α_M), G groups.
Overlap with pattern μ: ξ_μ = (1/G) Σ_k f_{μ,k} z_k (both mappings; the paper's definition in the
original spins). Fixed points: ż = 0 forces y = 0 (Ω > 0), then α̇ = 0 gives Re α_μ = -g Ω_μ G ξ_μ/D_μ,
D_μ = Ω_μ² + κ_μ²/4, so h_k = -Σ_μ f_{μ,k} λ_μ ξ_μ with λ_μ = 2 g0² Ω_μ/D_μ (g² G = g0² in both mappings),
and ẏ = 0 is Ω z_k = h_k x_k: every spin lies along ±(Ω, h_k) in its x-z plane. For the pattern-ν
ansatz z_k = f_{ν,k}|z|, h_k = -f_{ν,k} λ_ν |z| and x_k = -Ω/λ_ν = -Ω D_ν/(2 g0² Ω_ν), which on the unit
sphere is eq. 12.

Symmetries used by the fixed-point search: (x, y, z, α) → (x, -y, -z, -α) (the π rotation about x),
and for each pattern row μ whose flip is a permutation of the groups (every row for ``ungauged``,
rows 2..M for ``gauge_reduced``) the permutation flipping bit μ of k together with α_μ → -α_μ.
"""

from __future__ import annotations

import numpy as np

from cumex.meanfield.multimode_dicke_model import MultimodeDickeParameters, pattern_matrix
from cumex.steady.constrained import ConstrainedSystem

__all__ = ["MultimodeDickeEquations"]


class MultimodeDickeEquations:
    """The mean-field vector field for one parameter point and mapping (layout in the module docstring)."""

    def __init__(self, p: MultimodeDickeParameters, mapping: str = "gauge_reduced"):
        self.p, self.mapping = p, mapping
        self.f = pattern_matrix(p.M, mapping)  # (M, G)
        self.M, self.G = self.f.shape
        self.n = 3 * self.G + 2 * self.M
        # g = g0 √(N/N_sp) = g0/√G' with G' = 2^(M-1) or 2^M groups
        self.g = p.g0 / np.sqrt(self.G)
        self.omega_modes = np.asarray(p.omega_modes)
        self.kappa = np.asarray(p.kappa)
        self.D = self.omega_modes**2 + (self.kappa / 2) ** 2

    # --- layout -------------------------------------------------------------------------------------
    def split(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Spins (..., G, 3) and complex α (..., M)."""
        X = np.asarray(X, dtype=float)
        m = X[..., : 3 * self.G].reshape(X.shape[:-1] + (self.G, 3))
        a = X[..., 3 * self.G :].reshape(X.shape[:-1] + (self.M, 2))
        return m, a[..., 0] + 1j * a[..., 1]

    def join(self, m: np.ndarray, alpha: np.ndarray) -> np.ndarray:
        m, alpha = np.asarray(m, dtype=float), np.asarray(alpha, dtype=complex)
        a = np.stack([alpha.real, alpha.imag], axis=-1)
        return np.concatenate([m.reshape(m.shape[:-2] + (3 * self.G,)), a.reshape(a.shape[:-2] + (2 * self.M,))], axis=-1)

    # --- vector field -------------------------------------------------------------------------------
    def rhs(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        G3 = 3 * self.G
        x, y, z = X[..., 0:G3:3], X[..., 1:G3:3], X[..., 2:G3:3]
        ar, ai = X[..., G3::2], X[..., G3 + 1 :: 2]
        h = (2 * self.g) * (ar @ self.f)  # (..., G)
        om = self.p.omega
        out = np.empty_like(X)
        out[..., 0:G3:3] = -2 * h * y
        out[..., 1:G3:3] = 2 * h * x - 2 * om * z
        out[..., 2:G3:3] = 2 * om * y
        source = self.g * (z @ self.f.T)  # g Σ_k f_{μ,k} z_k
        out[..., G3::2] = self.omega_modes * ai - self.kappa / 2 * ar
        out[..., G3 + 1 :: 2] = -self.omega_modes * ar - self.kappa / 2 * ai - source
        return out

    def jacobian(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        m, alpha = self.split(X)
        x, y = m[..., 0], m[..., 1]
        h = 2 * self.g * (alpha.real @ self.f)
        G, M, om = self.G, self.M, self.p.omega
        J = np.zeros(X.shape[:-1] + (self.n, self.n))
        k = np.arange(G)
        ix, iy, iz = 3 * k, 3 * k + 1, 3 * k + 2
        ar = 3 * G + 2 * np.arange(M)
        ai = ar + 1
        J[..., ix, iy] = -2 * h
        J[..., iy, ix] = 2 * h
        J[..., iy, iz] = -2 * om
        J[..., iz, iy] = 2 * om
        # dh_k/dRe α_μ = 2 g f_{μ,k}
        dh = 2 * self.g * self.f.T  # (G, M)
        J[..., ix[:, None], ar[None, :]] = -2 * y[..., :, None] * dh
        J[..., iy[:, None], ar[None, :]] = 2 * x[..., :, None] * dh
        J[..., ar, ar] = -self.kappa / 2
        J[..., ar, ai] = self.omega_modes
        J[..., ai, ar] = -self.omega_modes
        J[..., ai, ai] = -self.kappa / 2
        J[..., ai[:, None], iz[None, :]] = -self.g * self.f
        return J

    # --- observables --------------------------------------------------------------------------------
    def overlaps(self, X: np.ndarray) -> np.ndarray:
        """ξ_μ = (1/G) Σ_k f_{μ,k} z_k, shape (..., M)."""
        m, _ = self.split(X)
        return m[..., 2] @ self.f.T / self.G

    def mode_occupations(self, X: np.ndarray) -> np.ndarray:
        """|α_μ|² converted to the paper's normalisation ⟨n_μ⟩/(N_sp/2^(M-1)): × 2^(M-1)/G."""
        _, alpha = self.split(X)
        return np.abs(alpha) ** 2 * 2.0 ** (self.p.M - 1) / self.G

    # --- states -------------------------------------------------------------------------------------
    def aligned_state(self, mu: int) -> np.ndarray:
        """The paper's Fig. 3 start: spins along z with m_{z,k} = f_{μ,k} (ξ_μ = 1), bosons empty; μ = 1..M."""
        m = np.zeros((self.G, 3))
        m[:, 2] = self.f[mu - 1]
        return self.join(m, np.zeros(self.M))

    def boson_steady(self, z: np.ndarray) -> np.ndarray:
        """α solving α̇ = 0 for given z (..., G)."""
        return -1j * self.g * (z @ self.f.T) / (1j * self.omega_modes + self.kappa / 2)

    def state_from_overlaps(self, xi: np.ndarray, signs: np.ndarray) -> np.ndarray:
        """The state with every spin along signs_k (Ω, h_k)/|.| in its x-z plane, h_k = -Σ_μ f λ_μ ξ_μ,
        and α at its stationary value: an exact fixed point when ξ is self-consistent (module docstring).
        ``xi`` (..., M), ``signs`` (..., G) broadcast together."""
        lam = 2 * self.p.g0**2 * self.omega_modes / self.D
        h = -(np.asarray(xi, dtype=float) * lam) @ self.f
        norm = np.sqrt(self.p.omega**2 + h**2)
        signs = np.asarray(signs, dtype=float)
        xk, zk = signs * self.p.omega / norm, signs * h / norm
        xk, zk = np.broadcast_arrays(xk, zk)
        m = np.stack([xk, np.zeros_like(xk), zk], axis=-1)
        return self.join(m, self.boson_steady(zk))

    # --- symmetries and the generic system --------------------------------------------------------------
    def symmetries(self) -> list[np.ndarray]:
        mats = []
        flip = np.ones(self.n)
        flip[np.r_[3 * np.arange(self.G) + 1, 3 * np.arange(self.G) + 2, np.arange(3 * self.G, self.n)]] = -1.0
        mats.append(np.diag(flip))
        first = 1 if self.mapping == "gauge_reduced" else 0
        k = np.arange(self.G)
        for row in range(first, self.M):
            bit = self.M - 1 - row  # row index 0 = pattern 1 = most significant bit (ungauged)
            partner = k ^ (1 << bit)
            P = np.zeros((self.n, self.n))
            for a in range(3):
                P[3 * partner + a, 3 * k + a] = 1.0
            for mu in range(self.M):
                s = -1.0 if mu == row else 1.0
                for c in range(2):
                    P[3 * self.G + 2 * mu + c, 3 * self.G + 2 * mu + c] = s
            mats.append(P)
        return mats

    def system(self) -> ConstrainedSystem:
        names = [f"{a}_{k}" for k in range(self.G) for a in "xyz"] + [f"{c}_alpha_{mu + 1}" for mu in range(self.M) for c in ("re", "im")]
        return ConstrainedSystem(self.n, self.rhs, self.jacobian, [range(3 * k, 3 * k + 3) for k in range(self.G)],
                                 vectorized=True, symmetries=self.symmetries(), free_scale=1.0, names=names)
