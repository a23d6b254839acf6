"""The U(1) phase rotation of a symmetry-broken :class:`RealODESystem`, seen from its generator G.

G is real antisymmetric and made of blocks q·[[0, -1], [1, 0]] on the (Re, Im) pair of a moment of
charge q (see :mod:`cumex.steady.system`). Under a rotation by θ that moment's complex value
Re + i Im picks up the phase e^{iqθ}. This module finds those pairs, rotates states, fixes a gauge,
measures the distance between two states modulo the rotation, and estimates the rotation frequency ν.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ChargedPair", "charged_pairs", "rotate", "distance_modulo_rotation", "best_rotation", "frequency_estimate", "is_symmetric"]


@dataclass(frozen=True)
class ChargedPair:
    """Indices of the (Re, Im) unknowns of one charged moment, and its charge q."""

    re: int
    im: int
    charge: float


def charged_pairs(rotation: np.ndarray) -> list[ChargedPair]:
    """The charged (Re, Im) pairs of a generator: G[im, re] = q and G[re, im] = -q."""
    G = np.asarray(rotation, dtype=float)
    pairs = []
    n = G.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            if G[j, i] != 0.0:
                pairs.append(ChargedPair(re=i, im=j, charge=float(G[j, i])))
    return pairs


def rotate(x: np.ndarray, rotation: np.ndarray, theta: float) -> np.ndarray:
    """expm(θ G) x, done pair by pair (G is block diagonal on the charged pairs)."""
    y = np.array(x, dtype=float, copy=True)
    for p in charged_pairs(rotation):
        z = complex(x[p.re], x[p.im]) * np.exp(1j * p.charge * theta)
        y[p.re], y[p.im] = z.real, z.imag
    return y


def is_symmetric(x: np.ndarray, rotation: np.ndarray, rel_tol: float = 1e-8) -> bool:
    """True when G x ≈ 0, i.e. every charged moment vanishes (a U(1)-symmetric state)."""
    return float(np.linalg.norm(rotation @ x)) <= rel_tol * max(1.0, float(np.linalg.norm(x)))


def frequency_estimate(x: np.ndarray, dxdt: np.ndarray, rotation: np.ndarray) -> float:
    """ν minimising |dx/dt - ν G x|: the instantaneous phase drift; 0 for a symmetric state."""
    gx = rotation @ x
    norm2 = float(gx @ gx)
    if norm2 <= 1e-30 * max(1.0, float(x @ x)):
        return 0.0
    return float(gx @ dxdt) / norm2


def best_rotation(x: np.ndarray, y: np.ndarray, rotation: np.ndarray | None) -> tuple[float, float]:
    """(θ, d): the angle minimising d = |expm(θ G) x - y| and that distance (θ = 0 without rotation).

    With integer charges the overlap y·expm(θG)x is a trigonometric polynomial of period 2π, so a
    fine grid followed by a golden-section refinement finds its maximum reliably; when every charge is
    ±1 it is a single harmonic and its maximum is found in closed form.
    """
    pairs = charged_pairs(rotation) if rotation is not None else []
    if not pairs:
        return 0.0, float(np.linalg.norm(x - y))
    neutral = np.ones(len(x), dtype=bool)
    for p in pairs:
        neutral[[p.re, p.im]] = False
    base = float(np.sum((x[neutral] - y[neutral]) ** 2))
    re = np.array([p.re for p in pairs])
    im = np.array([p.im for p in pairs])
    zx = x[re] + 1j * x[im]
    zy = y[re] + 1j * y[im]
    q = np.array([p.charge for p in pairs])
    if np.all(np.abs(q) == 1.0):
        # |zx e^{iqθ} - zy|² = |zx|² + |zy|² - 2 Re(e^{iθ} w), w = zx z̄y (q = 1) or its conjugate (q = -1):
        # the minimum over θ is at θ = -arg Σw, exactly
        w = zx * np.conj(zy)
        total = complex(np.sum(np.where(q > 0, w, np.conj(w))))
        d2 = base + float(np.sum(np.abs(zx) ** 2 + np.abs(zy) ** 2)) - 2.0 * abs(total)
        return float(-np.angle(total)) if total != 0 else 0.0, float(np.sqrt(max(d2, 0.0)))

    def dist2(theta: float) -> float:
        return base + float(np.sum(np.abs(zx * np.exp(1j * q * theta) - zy) ** 2))

    grid = np.linspace(0.0, 2.0 * np.pi, 721)
    d = base + np.sum(np.abs(zx[None, :] * np.exp(1j * np.outer(grid, q)) - zy[None, :]) ** 2, axis=1)
    k = int(np.argmin(d))
    lo, hi = grid[k] - grid[1], grid[k] + grid[1]
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(60):
        a = hi - ratio * (hi - lo)
        b = lo + ratio * (hi - lo)
        if dist2(a) < dist2(b):
            hi = b
        else:
            lo = a
    theta = 0.5 * (lo + hi)
    if d[k] < dist2(theta):
        theta = float(grid[k])
    return float(theta), float(np.sqrt(max(dist2(theta), 0.0)))


def distance_modulo_rotation(x: np.ndarray, y: np.ndarray, rotation: np.ndarray | None) -> float:
    """min over θ of |expm(θ G) x - y| (plain |x - y| without a rotation)."""
    return best_rotation(x, y, rotation)[1]
