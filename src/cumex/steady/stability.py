"""Linear stability of a steady state from the eigenvalues of its Jacobian.

A fixed point x* of dx/dt = F(x) is stable when every eigenvalue of J = dF/dx at x* has a real part
below -tol. For a symmetry-broken state rotating as x(t) = expm(ν t G) x* the relevant matrix is
J - ν G (the Jacobian in the co-rotating frame), and equivariance of F makes (J - ν G) G x* = 0: the
phase of the state is free, so one eigenvalue is exactly zero with eigenvector G x*. That neutral
mode is excluded (and counted); any further eigenvalue with real part ≥ -tol makes the state unstable.

The tolerance is relative to the size of the matrix, measured after a diagonal similarity scaling
(balancing, LAPACK gebal): tol = rel_tol · max(1, |D⁻¹ A D|∞) with A = J - ν G. Eigenvalues do not
depend on the units of the unknowns but the plain |A|∞ does: an unknown measured in units 10⁻¹⁰ times
smaller puts entries 10¹⁰ times larger into A and would make every weakly damped mode "unstable".
The balanced norm is (nearly) invariant under such rescaling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from cumex.steady.symmetry import is_symmetric
from cumex.steady.system import RealODESystem

__all__ = ["Stability", "classify_stability", "classify_jacobians", "balanced_norm"]


@dataclass
class Stability:
    stable: bool
    #: largest real part among the eigenvalues that count (the neutral phase mode excluded)
    max_real_eigenvalue: float
    #: number of neutral modes excluded (1 for a symmetry-broken state, else 0)
    neutral_modes: int
    #: why the state is (un)stable, in words
    reason: str
    eigenvalues: np.ndarray


def balanced_norm(A: np.ndarray) -> float:
    """|D⁻¹ A D|∞ for the balancing diagonal D (no permutation): a scale of A independent of units."""
    A = np.asarray(A, dtype=float)
    if not np.all(np.isfinite(A)):
        raise ValueError("array must not contain infs or NaNs")
    # LAPACK gebal directly (what scipy.linalg.matrix_balance calls, without its permutation bookkeeping)
    B, _, _, _, info = _gebal(A, scale=1, permute=0)
    if info < 0:
        raise ValueError(f"xGEBAL: illegal value in argument {-info}")
    return float(np.max(np.sum(np.abs(B), axis=1)))


_gebal = scipy.linalg.get_lapack_funcs("gebal", (np.zeros((1, 1)),))


def classify_stability(system: RealODESystem, x: np.ndarray, nu: float = 0.0, rel_tol: float = 1e-9) -> Stability:
    """Classify a steady state (x, ν) of ``system``; never raises for a numerical failure."""
    with np.errstate(all="ignore"):
        A = np.asarray(system.jacobian(x), dtype=float)
    G = system.rotation
    broken = G is not None and not is_symmetric(x, G)
    if broken:
        A = A - nu * G  # type: ignore[operator]
    if not np.all(np.isfinite(A)):
        return _not_finite(len(x))
    return _classified(A, np.linalg.eigvals(A), rel_tol, G if broken else None, x)


def classify_jacobians(As: np.ndarray, rel_tol: float = 1e-9) -> list[Stability]:
    """:func:`classify_stability` of fixed points of systems without a rotation, from their Jacobians
    As (k, n, n): the eigenvalues of the stack in one call."""
    finite = np.all(np.isfinite(As), axis=(1, 2))
    out: list[Stability] = [_not_finite(As.shape[1])] * len(As)
    if finite.any():
        good = np.flatnonzero(finite)
        for i, eig in zip(good, np.linalg.eigvals(As[good])):
            out[i] = _classified(As[i], eig, rel_tol, None, None)
    return out


def _not_finite(n: int) -> Stability:
    return Stability(False, float("nan"), 0, "Jacobian not finite", np.full(n, np.nan + 0j))


def _classified(A: np.ndarray, eig: np.ndarray, rel_tol: float, G: np.ndarray | None,
                x: np.ndarray | None) -> Stability:
    """The verdict from the eigenvalues eig of A (= J - ν G; G given for a symmetry-broken state x)."""
    tol = rel_tol * max(1.0, balanced_norm(A))
    counted = eig
    neutral = 0
    broken = G is not None
    if G is not None:
        # the phase mode: the eigenvalue closest to zero (exactly zero in exact arithmetic)
        k = int(np.argmin(np.abs(eig)))
        gx = G @ x
        drift = float(np.linalg.norm(A @ gx)) / max(float(np.linalg.norm(gx)), 1e-300)
        if abs(eig[k]) <= max(tol, 1e3 * drift):
            counted = np.delete(eig, k)
            neutral = 1
    max_re = float(np.max(counted.real)) if counted.size else float("-inf")
    stable = max_re < -tol
    if stable:
        reason = "all eigenvalues have negative real part"
    else:
        reason = f"eigenvalue with real part {max_re:.3g} >= -{tol:.1g}"
    if neutral:
        reason += "; one neutral phase mode along G x (U(1) symmetry broken) excluded"
    elif broken:
        reason += "; symmetry-broken but no neutral phase mode found (state not converged?)"
    return Stability(stable, max_re, neutral, reason, eig)
