"""Analytic phase boundaries of the LMG-dimer mean-field phase diagram (Kothe & Kirton 2025).

Both come from the linearisation of the mean-field equations (:mod:`cumex.meanfield.lmg_dimer`) about the
normal state X = Y = 0, Z_A = -1, Z_B = 1. In (X_A, Y_A, X_B, Y_B) (the Z's enter at second order)

    M = [[-γ,       g,  0,       -λ],
         [-(g+2J), -γ,  λ,        0],
         [ 0,       λ, -γ,        g],
         [-λ,       0, -(g-2J),  -γ]],

with characteristic polynomial det(s - M) = s⁴ + a3 s³ + a2 s² + a1 s + a0,
a0 = det M = (γ² - λ² + g²)² + 4λ²g² - 4J²(λ² + g²).

- A real eigenvalue crosses zero where a0 = 0: J_c² = [(γ² - λ² + g²)² + 4λ²g²] / [4(λ² + g²)],
  which is the paper's eq. 12 exactly (|J| < J_c keeps this root stable; at λ = 0, J_c = (γ²+g²)/(2g)).
- A complex pair crosses (Hopf) where the Hurwitz determinant a3 a2 a1 - a1² - a3² a0 vanishes; we
  find it factorises to 64γ²[J²(g² + λ²) + γ²(g² + γ²) - λ²(g² + γ²)] = 0, i.e.
  λ_H² = [γ²(g² + γ²) + J² g²] / (g² + γ² - J²), so λ_H ≈ γ + J²/(2γ) to lowest order in J.
  The paper's eq. 13, λ_c/g ≈ (1 + 2J²/g²)/2, is this expansion at γ = g/2 (its figures' value); the
  text writes it in units of g only, which is correct for γ = 0.5 g but not in general.
  At J = 0 the threshold is λ = γ for every g (g only rotates both spins together); the paper's
  remark that the bare PT model (Fig. 1b) changes at λ = 0.5γ does not match this linearisation
  with the stated rates γ/S and coupling λ/(2S) (it would with a coupling λ/S, or rates γ/(2S)).
"""

from __future__ import annotations

import numpy as np

__all__ = ["normal_state_matrix", "j_critical", "lambda_hopf", "lambda_critical_eq13", "normal_state_max_growth"]


def normal_state_matrix(J: float, lam: float, g: float = 1.0, gamma: float = 0.5) -> np.ndarray:
    """The linearisation M about the normal state (module docstring), in (X_A, Y_A, X_B, Y_B)."""
    return np.array(
        [
            [-gamma, g, 0.0, -lam],
            [-(g + 2 * J), -gamma, lam, 0.0],
            [0.0, lam, -gamma, g],
            [-lam, 0.0, -(g - 2 * J), -gamma],
        ]
    )


def normal_state_max_growth(J: float, lam: float, g: float = 1.0, gamma: float = 0.5) -> float:
    """Largest real part of the normal state's eigenvalues (< 0: stable)."""
    return float(np.linalg.eigvals(normal_state_matrix(J, lam, g, gamma)).real.max())


def j_critical(lam, g: float = 1.0, gamma: float = 0.5):
    """Eq. 12: |J| where the normal state loses stability through a real eigenvalue (LMG boundary)."""
    lam = np.asarray(lam, dtype=float)
    return np.sqrt(((gamma**2 - lam**2 + g**2) ** 2 + 4 * lam**2 * g**2) / (4 * (lam**2 + g**2)))


def lambda_hopf(J, g: float = 1.0, gamma: float = 0.5):
    """The exact Hopf line of the normal state, λ_H(J) (NaN where J² ≥ g² + γ², where it does not exist)."""
    J = np.asarray(J, dtype=float)
    denom = g**2 + gamma**2 - J**2
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, np.sqrt((gamma**2 * (g**2 + gamma**2) + J**2 * g**2) / denom), np.nan)


def lambda_critical_eq13(J, g: float = 1.0):
    """Eq. 13 as printed: λ_c ≈ (g/2)(1 + 2J²/g²) (the lowest-order Hopf line at γ = g/2)."""
    J = np.asarray(J, dtype=float)
    return 0.5 * g * (1 + 2 * J**2 / g**2)
