"""Every fixed point of the LMG-dimer mean-field equations, and its linear stability.

Multi-start root finding on the two unit spheres: from each start (the physical initial state, the
four pole configurations and ``n_starts`` states uniform on the spheres) a batched Levenberg-Marquardt
iteration drives the over-determined residual r(x) = [F(x); |S_A|² - 1; |S_B|² - 1] to zero, which
removes the two neutral directions of the conserved spin lengths from the Newton system. Converged
roots (max |F| below ``tol``) are merged when they agree to ``merge_tol`` (not much smaller: near a
degenerate root the residual falls only quadratically with the distance); at J = 0, where a common
rotation about z maps fixed points to fixed points, roots on one rotation orbit count once. The images of every root under the Z2 symmetry
(X, Y) → (-X, -Y) of both spins are added, so symmetric partners are never missed.

Stability: the Jacobian restricted to the tangent space of the spheres, Tᵀ J T (:func:`cumex.meanfield.
lmg_dimer.tangent_basis`), which drops the two zero modes of the conserved lengths (recorded as
``neutral_modes``); at J = 0 a fixed point off the z axis has one more zero mode along the rotation,
G x*, also dropped. Stable means every remaining eigenvalue has real part < -``stability_tol``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cumex.meanfield import lmg_dimer as mf
from cumex.models.lmg_dimer import LMGDimerParameters

__all__ = ["FixedPoint", "find_fixed_points", "classify_fixed_point"]

_Z2 = np.array([-1.0, -1.0, 1.0, -1.0, -1.0, 1.0])
_POLES = np.array([[0, 0, sa, 0, 0, sb] for sa in (-1.0, 1.0) for sb in (1.0, -1.0)])


@dataclass
class FixedPoint:
    x: np.ndarray
    residual: float
    stable: bool
    max_real_eigenvalue: float
    #: eigenvalues of the Jacobian on the sphere tangent space (neutral symmetry mode removed)
    eigenvalues: np.ndarray
    neutral_modes: int
    reasons: list[str] = field(default_factory=list)

    def observables(self) -> dict[str, float]:
        return mf.observables(self.x)


def _residual(x: np.ndarray, p: LMGDimerParameters) -> np.ndarray:
    return np.concatenate([mf.rhs(x, p), mf.conserved(x) - 1.0], axis=-1)


def _residual_jacobian(x: np.ndarray, p: LMGDimerParameters) -> np.ndarray:
    grad = np.zeros(x.shape[:-1] + (2, 6))
    grad[..., 0, :3] = 2 * x[..., :3]
    grad[..., 1, 3:] = 2 * x[..., 3:]
    return np.concatenate([mf.jacobian(x, p), grad], axis=-2)


def _levenberg_marquardt(x: np.ndarray, p: LMGDimerParameters, max_iter: int = 600) -> np.ndarray:
    """Batched LM on the residual above; returns the final iterates (k, 6)."""
    x = np.array(x, dtype=float)
    mu = np.full(len(x), 1e-3)
    r = _residual(x, p)
    cost = np.sum(r**2, axis=-1)
    eye = np.eye(6)
    for _ in range(max_iter):
        active = (cost > 1e-30) & (mu < 1e14)
        if not active.any():
            break
        a = _residual_jacobian(x[active], p)
        at = np.swapaxes(a, -1, -2)
        lhs = at @ a + mu[active, None, None] * eye
        step = -np.linalg.solve(lhs, (at @ r[active][..., None]))[..., 0]
        trial = x[active] + step
        r_trial = _residual(trial, p)
        c_trial = np.sum(r_trial**2, axis=-1)
        better = c_trial < cost[active]
        idx = np.flatnonzero(active)
        acc, rej = idx[better], idx[~better]
        x[acc], r[acc], cost[acc] = trial[better], r_trial[better], c_trial[better]
        mu[acc] = np.maximum(mu[acc] / 5.0, 1e-15)
        mu[rej] *= 4.0
    return x


def _canonical(x: np.ndarray, symmetric: bool) -> np.ndarray:
    """At J = 0, rotate about z so that the larger in-plane vector points along +x (one per orbit)."""
    if not symmetric:
        return x
    pairs = [x[0:2], x[3:5]]
    radii = [np.hypot(*q) for q in pairs]
    k = int(np.argmax(radii))
    if radii[k] < 1e-9:
        return x
    phi = -np.arctan2(pairs[k][1], pairs[k][0])
    c, s = np.cos(phi), np.sin(phi)
    out = x.copy()
    for i in (0, 3):
        out[i], out[i + 1] = c * x[i] - s * x[i + 1], s * x[i] + c * x[i + 1]
    return out


def classify_fixed_point(x: np.ndarray, p: LMGDimerParameters, stability_tol: float = 1e-9) -> FixedPoint:
    basis = mf.tangent_basis(x)
    reduced = basis.T @ mf.jacobian(x, p) @ basis
    eig = np.linalg.eigvals(reduced)
    reasons = ["2 zero modes of the conserved spin lengths |S_A|, |S_B| excluded"]
    neutral = 2
    if p.J == 0 and np.linalg.norm(mf.rotation_generator() @ x) > 1e-9:
        drop = int(np.argmin(np.abs(eig)))
        eig = np.delete(eig, drop)
        neutral += 1
        reasons.append("1 zero mode of the U(1) rotation about z (J = 0) excluded")
    max_re = float(eig.real.max())
    res = float(np.abs(mf.rhs(x, p)).max())
    return FixedPoint(x=x, residual=res, stable=max_re < -stability_tol, max_real_eigenvalue=max_re,
                      eigenvalues=eig, neutral_modes=neutral, reasons=reasons)


def find_fixed_points(
    p: LMGDimerParameters,
    n_starts: int = 96,
    seed: int = 0,
    tol: float = 1e-10,
    merge_tol: float = 1e-4,
    stability_tol: float = 1e-9,
) -> list[FixedPoint]:
    """All fixed points found from the starts described in the module docstring, stable ones first."""
    rng = np.random.default_rng(seed)
    starts = np.vstack([mf.initial_state()[None], _POLES, mf.sample_states(rng, n_starts)])
    roots = _levenberg_marquardt(starts, p)
    # accept much below ``tol``: near a degenerate root the residual falls like the distance cubed
    accept = 1e-4 * tol
    ok = (np.abs(mf.rhs(roots, p)).max(axis=-1) < accept) & (np.abs(mf.conserved(roots) - 1).max(axis=-1) < accept)
    symmetric = p.J == 0
    # the Z2 symmetry (X, Y) -> (-X, -Y) on both spins maps roots to roots: add the images
    found = roots[ok]
    # the poles are exact fixed points for every parameter; where one is degenerate (a zero
    # eigenvalue) the iteration creeps towards it and stops ~sqrt(tol) away: snap those onto it
    for pole in _POLES:
        found[np.abs(found - pole).max(axis=-1) < 1e-3] = pole
    candidates = np.vstack([found, found * _Z2])
    unique: list[np.ndarray] = []
    for x in candidates:
        xc = _canonical(x, symmetric)
        if not any(np.abs(xc - u).max() < merge_tol for u in unique):
            unique.append(xc)
    points = [classify_fixed_point(x, p, stability_tol) for x in unique]
    points.sort(key=lambda fp: (not fp.stable, fp.max_real_eigenvalue))
    return points
