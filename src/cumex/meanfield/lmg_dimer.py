"""Mean-field equations of the LMG dimer (Kothe & Kirton 2025, eqs. 6-11), derived here.

Unknowns x = (X_A, Y_A, Z_A, X_B, Y_B, Z_B) with X = ⟨Sx⟩/S etc. (master equation and rates in
:mod:`cumex.models.lmg_dimer`). Heisenberg equations d⟨O⟩/dt = ⟨i[H, O]⟩ + (γ/S) Σ_L ⟨L† O L - {L†L, O}/2⟩,
products factorised, ⟨S_a S_b⟩/S² → (⟨S_a⟩/S)(⟨S_b⟩/S) and terms of relative order 1/S dropped:

    dX_A/dt =  g Y_A + λ Z_A Y_B + γ X_A Z_A
    dY_A/dt = -g X_A + 2J Z_A X_A - λ Z_A X_B + γ Y_A Z_A
    dZ_A/dt = -2J X_A Y_A - λ (X_A Y_B - Y_A X_B) - γ (X_A² + Y_A²)
    dX_B/dt =  g Y_B + λ Z_B Y_A - γ X_B Z_B
    dY_B/dt = -g X_B + 2J Z_B X_B - λ Z_B X_A - γ Y_B Z_B
    dZ_B/dt = -2J X_B Y_B + λ (X_A Y_B - Y_A X_B) + γ (X_B² + Y_B²)

Where the paper's text differs: eqs. 8 and 11 write the dissipative terms as ∓γ(1 - Z²). The
derivation gives ∓γ(X² + Y²) (from ⟨S^+S^-⟩/S² → X² + Y²); the two agree only on the unit sphere.
We keep X² + Y² because it makes |S_A|² = X_A² + Y_A² + Z_A² and |S_B|² exactly conserved for every
initial state; with 1 - Z², d|S|²/dt = ±2γZ(|S|² - 1) and the unit sphere is invariant but
transversally unstable where ±Z > 0 (e.g. for spin B in the normal state), a spurious instability.
All other terms of eqs. 6-11 agree with the derivation.

Conserved quantities: |S_A|² and |S_B|² (the Jacobian has two zero modes along their gradients at
every fixed point; :func:`tangent_basis` spans the complement used for stability). At J = 0 the
equations are also invariant under a common rotation of both spins about z (U(1)); for J ≠ 0 the
Sx² term breaks it to Z2: (X, Y) → (-X, -Y) on both spins.

:func:`constrained_system` states all of this (the two unit spheres, the Z2 map, the U(1) generator at
J = 0) as a :class:`cumex.steady.constrained.ConstrainedSystem` for the generic fixed-point layer, and
:func:`fixed_point_starts` gives its deterministic starts (the physical initial state and the four poles).
"""

from __future__ import annotations

import numpy as np

from cumex.models.lmg_dimer import LMGDimerParameters
from cumex.steady.constrained import ConstrainedSystem
from cumex.steady.system import RealODESystem

__all__ = [
    "NAMES",
    "NORMAL_STATE",
    "rhs",
    "jacobian",
    "observables",
    "conserved",
    "tangent_basis",
    "rotation_generator",
    "sample_states",
    "initial_state",
    "mean_field_system",
    "Z2_SYMMETRY",
    "POLE_STATES",
    "constrained_system",
    "fixed_point_starts",
]

NAMES = ["X_A", "Y_A", "Z_A", "X_B", "Y_B", "Z_B"]
#: the normal state: spin A down, spin B up, no in-plane magnetisation (a fixed point for all parameters)
NORMAL_STATE = np.array([0.0, 0.0, -1.0, 0.0, 0.0, 1.0])
#: (X, Y) → (-X, -Y) on both spins: F(S x) = S F(x) for every parameter
Z2_SYMMETRY = np.diag([-1.0, -1.0, 1.0, -1.0, -1.0, 1.0])
#: both spins along ±z: fixed points for every parameter (the normal state among them)
POLE_STATES = np.array([[0.0, 0.0, sa, 0.0, 0.0, sb] for sa in (-1.0, 1.0) for sb in (1.0, -1.0)])


def rhs(x: np.ndarray, p: LMGDimerParameters) -> np.ndarray:
    """dx/dt; ``x`` may carry leading batch dimensions (..., 6)."""
    if np.ndim(x) == 1:
        return _rhs_single(x, p)
    xa, ya, za, xb, yb, zb = np.moveaxis(np.asarray(x, dtype=float), -1, 0)
    g, J, lam, gam = p.g, p.J, p.lam, p.gamma
    cross = xa * yb - ya * xb
    out = np.stack(
        [
            g * ya + lam * za * yb + gam * xa * za,
            -g * xa + 2 * J * za * xa - lam * za * xb + gam * ya * za,
            -2 * J * xa * ya - lam * cross - gam * (xa**2 + ya**2),
            g * yb + lam * zb * ya - gam * xb * zb,
            -g * xb + 2 * J * zb * xb - lam * zb * xa - gam * yb * zb,
            -2 * J * xb * yb + lam * cross + gam * (xb**2 + yb**2),
        ]
    )
    return np.moveaxis(out, 0, -1)


def _rhs_single(x: np.ndarray, p: LMGDimerParameters) -> np.ndarray:
    # plain floats: about 5x faster than the batched path for the integrators' one-state calls
    xa, ya, za, xb, yb, zb = (float(v) for v in x)
    g, J, lam, gam = p.g, p.J, p.lam, p.gamma
    cross = xa * yb - ya * xb
    return np.array([
        g * ya + lam * za * yb + gam * xa * za,
        -g * xa + 2 * J * za * xa - lam * za * xb + gam * ya * za,
        -2 * J * xa * ya - lam * cross - gam * (xa * xa + ya * ya),
        g * yb + lam * zb * ya - gam * xb * zb,
        -g * xb + 2 * J * zb * xb - lam * zb * xa - gam * yb * zb,
        -2 * J * xb * yb + lam * cross + gam * (xb * xb + yb * yb),
    ])


def _jacobian_single(x: np.ndarray, p: LMGDimerParameters) -> np.ndarray:
    xa, ya, za, xb, yb, zb = (float(v) for v in x)
    g, J, lam, gam = p.g, p.J, p.lam, p.gamma
    return np.array([
        [gam * za, g, lam * yb + gam * xa, 0.0, lam * za, 0.0],
        [-g + 2 * J * za, gam * za, 2 * J * xa - lam * xb + gam * ya, -lam * za, 0.0, 0.0],
        [-2 * J * ya - lam * yb - 2 * gam * xa, -2 * J * xa + lam * xb - 2 * gam * ya, 0.0, lam * ya, -lam * xa, 0.0],
        [0.0, lam * zb, 0.0, -gam * zb, g, lam * ya - gam * xb],
        [-lam * zb, 0.0, 0.0, -g + 2 * J * zb, -gam * zb, 2 * J * xb - lam * xa - gam * yb],
        [lam * yb, -lam * xb, 0.0, -2 * J * yb - lam * ya + 2 * gam * xb, -2 * J * xb + lam * xa + 2 * gam * yb, 0.0],
    ])


def jacobian(x: np.ndarray, p: LMGDimerParameters) -> np.ndarray:
    """dF/dx, shape (..., 6, 6)."""
    if np.ndim(x) == 1:
        return _jacobian_single(x, p)
    xa, ya, za, xb, yb, zb = np.moveaxis(np.asarray(x, dtype=float), -1, 0)
    g, J, lam, gam = p.g, p.J, p.lam, p.gamma
    zero = np.zeros_like(xa)
    rows = [
        [gam * za, g + zero, lam * yb + gam * xa, zero, lam * za, zero],
        [-g + 2 * J * za, gam * za, 2 * J * xa - lam * xb + gam * ya, -lam * za, zero, zero],
        [-2 * J * ya - lam * yb - 2 * gam * xa, -2 * J * xa + lam * xb - 2 * gam * ya, zero, lam * ya, -lam * xa, zero],
        [zero, lam * zb, zero, -gam * zb, g + zero, lam * ya - gam * xb],
        [-lam * zb, zero, zero, -g + 2 * J * zb, -gam * zb, 2 * J * xb - lam * xa - gam * yb],
        [lam * yb, -lam * xb, zero, -2 * J * yb - lam * ya + 2 * gam * xb, -2 * J * xb + lam * xa + 2 * gam * yb, zero],
    ]
    jac = np.stack([np.stack(r, axis=-1) for r in rows], axis=-2)
    return jac


def observables(x: np.ndarray) -> dict[str, float]:
    return {name: float(v) for name, v in zip(NAMES, np.asarray(x, dtype=float))}


def conserved(x: np.ndarray) -> np.ndarray:
    """The conserved spin lengths squared (|S_A|², |S_B|²), shape (..., 2)."""
    x = np.asarray(x, dtype=float)
    return np.stack([np.sum(x[..., :3] ** 2, axis=-1), np.sum(x[..., 3:] ** 2, axis=-1)], axis=-1)


def tangent_basis(x: np.ndarray) -> np.ndarray:
    """Orthonormal basis (6, 4) of the directions that keep both spin lengths: the tangent planes of the
    two spheres. At a fixed point the Jacobian maps into this space (∇C·J = 0), so its spectrum is
    that of Tᵀ J T plus the two conserved-quantity zero modes."""
    x = np.asarray(x, dtype=float)
    basis = np.zeros((6, 4))
    for k, sl in enumerate((slice(0, 3), slice(3, 6))):
        normal = x[sl] / np.linalg.norm(x[sl])
        # the last two left-singular vectors of the normal span its orthogonal complement
        u, _, _ = np.linalg.svd(normal.reshape(3, 1))
        basis[sl, 2 * k : 2 * k + 2] = u[:, 1:]
    return basis


def rotation_generator() -> np.ndarray:
    """Generator of the common rotation of both spins about z: (X, Y) pairs of charge 1."""
    gen = np.zeros((6, 6))
    for i in (0, 3):
        gen[i + 1, i], gen[i, i + 1] = 1.0, -1.0
    return gen


def sample_states(rng: np.random.Generator, k: int) -> np.ndarray:
    """k states with both spins uniform on their unit spheres, shape (k, 6)."""
    v = rng.normal(size=(k, 2, 3))
    v /= np.linalg.norm(v, axis=-1, keepdims=True)
    return v.reshape(k, 6)


def initial_state(seed: float = 1e-3) -> np.ndarray:
    """The physical initial state: the normal state with both spins tilted by ``seed`` towards +x (and
    spin B also towards +y), so that it leaves the normal state where that is unstable."""
    a = np.array([seed, 0.0, -1.0])
    b = np.array([seed, seed, 1.0])
    return np.concatenate([a / np.linalg.norm(a), b / np.linalg.norm(b)])


def mean_field_system(p: LMGDimerParameters) -> RealODESystem:
    """The six mean-field equations bound to ``p`` (U(1) generator attached only at J = 0)."""
    return RealODESystem(
        names=list(NAMES),
        rhs=lambda x: rhs(x, p),
        jacobian=lambda x: jacobian(x, p),
        observables=observables,
        initial_state=initial_state(),
        sample_states=sample_states,
        rotation=rotation_generator() if p.J == 0 else None,
        meta={
            "model": "lmg_dimer",
            "order": "1",
            "parameters": p.as_dict(),
            "conserved": "spin lengths |S_A|^2 = X_A^2+Y_A^2+Z_A^2 and |S_B|^2 (two zero modes excluded)",
        },
    )


def constrained_system(p: LMGDimerParameters) -> ConstrainedSystem:
    """The six mean-field equations bound to ``p`` as a constrained system: both spins on their unit
    spheres (|S_A|², |S_B|² conserved), the Z2 map as a discrete symmetry, and the common rotation about
    z as the continuous one only at J = 0 (so a rotation orbit of fixed points counts once there)."""
    return ConstrainedSystem(
        6,
        lambda x: rhs(x, p),
        lambda x: jacobian(x, p),
        spheres=[(0, 1, 2), (3, 4, 5)],
        vectorized=True,
        rotation=rotation_generator() if p.J == 0 else None,
        symmetries=[Z2_SYMMETRY],
        names=list(NAMES),
    )


def fixed_point_starts() -> np.ndarray:
    """The deterministic starts of the fixed-point search: the physical initial state, then the poles
    (exact roots; where one is degenerate the generic layer snaps nearby iterates onto it)."""
    return np.vstack([initial_state()[None], POLE_STATES])
