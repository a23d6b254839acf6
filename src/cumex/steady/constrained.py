"""Fixed points of mean-field equations with conserved quantities, and their stability on the manifold.

A :class:`ConstrainedSystem` is dx/dt = F(x) on R^n whose flow conserves the squared length of some
blocks of unknowns (one block (m_x, m_y, m_z) per collective spin: |m_j|² = R_j²); the remaining
unknowns (boson amplitudes, ...) are free. The state lies on a product of spheres times R^(free).
Because d|m_j|²/dt = 0 everywhere, every fixed point has one zero eigenvalue per sphere along the
sphere's normal, and the square system F(x) = 0 is singular there; so

* roots are found on the manifold: from each start a (batched) Levenberg-Marquardt iteration drives
  the over-determined residual [F(x); (|m_j|² - R_j²)/2] to zero, then the spin blocks are projected
  onto their spheres and the root is accepted when max|F| ≤ ``tol`` (1e-12: near a degenerate root
  the residual falls like the distance cubed, so a loose tol would accept points ~tol^(1/3) away);
  iterates within ``snap_tol`` of a given start that is itself a degenerate root (singular tangent
  Jacobian) are put onto it, for the same reason;
* starts are the caller's (symmetric states, sign patterns) plus ``n_random`` random states (spins
  uniform on their spheres, free unknowns normal with width ``free_scale``; seeded: deterministic);
* images of every root under the system's discrete symmetries (matrices S with F(Sx) = S F(x)) are
  added, and roots closer than ``merge_tol``·max(1, |x|) are merged — modulo the continuous rotation
  x → expm(θG)x when ``rotation`` G is given (F(expm(θG)x) = expm(θG)F(x)), so an orbit counts once;
* each fixed point is classified on the tangent space (normals of the spheres removed, and the orbit
  direction Gx* quotiented out when it is non-zero) by :func:`cumex.steady.tangent_stability.classify_matrix`:
  asymptotically stable, neutrally stable, marginal with a Jordan block, or unstable. ``n_stable``
  counts the first two.

:func:`integrate_constrained` integrates from an initial state (re-projecting onto the spheres between
chunks, which only removes integrator drift) until the state settles, and polishes the end point with
the manifold iteration: the physical state reached from that start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import solve_ivp
from scipy.spatial import cKDTree

from cumex.steady.symmetry import charged_pairs, distance_modulo_rotation, rotate
from cumex.steady.tangent_stability import TangentStability, classify_matrix

__all__ = ["ConstrainedSystem", "ConstrainedFixedPoint", "ConstrainedAnalysis", "Settled",
           "tangent_basis", "classify_on_manifold", "manifold_roots", "find_constrained_fixed_points",
           "integrate_constrained"]


@dataclass
class ConstrainedSystem:
    size: int
    #: F(x); with ``vectorized`` it must also accept a batch (k, n) and return (k, n)
    rhs: Callable[[np.ndarray], np.ndarray]
    #: dF/dx (n, n) (batched (k, n, n) with ``vectorized``); None: central finite differences
    jacobian: Callable[[np.ndarray], np.ndarray] | None = None
    #: index blocks whose squared length is conserved (one per collective spin)
    spheres: Sequence[Sequence[int]] = ()
    #: radius of each sphere for the fixed-point search (default 1)
    radii: Sequence[float] | None = None
    vectorized: bool = False
    #: generator G of a continuous symmetry (real antisymmetric, blocks on (Re, Im) pairs), or None
    rotation: np.ndarray | None = None
    #: matrices S of discrete symmetries: F(S x) = S F(x)
    symmetries: Sequence[np.ndarray] = ()
    #: width of the random starts of the free unknowns
    free_scale: float = 1.0
    names: list[str] | None = None

    def __post_init__(self) -> None:
        self.spheres = [np.asarray(b, dtype=int) for b in self.spheres]  # type: ignore[misc]
        self.radii = np.ones(len(self.spheres)) if self.radii is None else np.asarray(self.radii, dtype=float)  # type: ignore[assignment]
        used = np.concatenate(self.spheres) if self.spheres else np.zeros(0, int)
        if len(set(used.tolist())) != len(used) or (used.size and (used.min() < 0 or used.max() >= self.size)):
            raise ValueError("spheres must be disjoint index blocks inside range(size)")
        self.free = np.setdiff1d(np.arange(self.size), used)

    def f(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim == 1 or self.vectorized:
            return np.asarray(self.rhs(X), dtype=float)
        return np.array([self.rhs(x) for x in X])

    def jac(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if self.jacobian is not None and (X.ndim == 1 or self.vectorized):
            return np.asarray(self.jacobian(X), dtype=float)
        if X.ndim > 1:
            return np.array([self.jac(x) for x in X])
        h = 1e-6 * max(1.0, float(np.max(np.abs(X))))
        cols = [(self.f(X + h * e) - self.f(X - h * e)) / (2 * h) for e in np.eye(self.size)]
        return np.array(cols).T

    def constraint(self, X: np.ndarray) -> np.ndarray:
        """(|m_j|² - R_j²)/2 for every sphere, shape (..., n_spheres)."""
        X = np.asarray(X, dtype=float)
        radii = () if self.radii is None else self.radii
        return np.stack([0.5 * (np.sum(X[..., b] ** 2, axis=-1) - r * r) for b, r in zip(self.spheres, radii)], axis=-1) \
            if self.spheres else np.zeros(X.shape[:-1] + (0,))

    def project(self, X: np.ndarray) -> np.ndarray:
        """Each spin block rescaled onto its sphere."""
        Y = np.array(X, dtype=float, copy=True)
        for b, r in zip(self.spheres, self.radii):  # type: ignore[arg-type]
            norm = np.linalg.norm(Y[..., b], axis=-1, keepdims=True)
            Y[..., b] = Y[..., b] * (r / np.where(norm > 0, norm, 1.0))
        return Y

    def sample(self, rng: np.random.Generator, k: int) -> np.ndarray:
        X = np.zeros((k, self.size))
        X[:, self.free] = self.free_scale * rng.normal(size=(k, len(self.free)))
        for b in self.spheres:
            X[:, b] = rng.normal(size=(k, len(b)))
        return self.project(X)


def tangent_basis(system: ConstrainedSystem, x: np.ndarray) -> np.ndarray:
    """Orthonormal (n, d) basis of the directions keeping every sphere radius, with the symmetry
    orbit direction G x removed when it is non-zero (d = n - n_spheres [- 1])."""
    x = np.asarray(x, dtype=float)
    normals = np.zeros((system.size, len(system.spheres)))
    for j, b in enumerate(system.spheres):
        normals[b, j] = x[b]
    vectors = [normals]
    if system.rotation is not None:
        gx = system.rotation @ x
        if np.linalg.norm(gx) > 1e-9 * max(1.0, float(np.linalg.norm(x))):
            vectors.append(gx[:, None])
    removed = np.hstack(vectors)
    if removed.shape[1] == 0:
        return np.eye(system.size)
    # complement of the removed span: the trailing left-singular vectors of the full SVD
    u, s, _ = np.linalg.svd(removed, full_matrices=True)
    rank = int(np.sum(s > 1e-12 * max(1.0, float(s.max(initial=0.0)))))
    return u[:, rank:]


def classify_on_manifold(system: ConstrainedSystem, x: np.ndarray, axis_tol: float = 1e-9,
                         cluster_tol: float = 1e-5, jordan_tol: float = 1e-10) -> TangentStability:
    """Stability of the fixed point x on the tangent space (module docstring).

    The tangent space is invariant under J at a fixed point (∇C·J = 0 for each conserved C), and J G x* = 0
    for a symmetry orbit, so Wᵀ J W is the restriction of J with the orbit direction quotiented out."""
    W = tangent_basis(system, x)
    return classify_matrix(W.T @ system.jac(x) @ W, axis_tol, cluster_tol, jordan_tol)


def manifold_roots(system: ConstrainedSystem, starts: np.ndarray, max_iter: int = 200) -> np.ndarray:
    """Batched Levenberg-Marquardt on [F(x); (|m_j|² - R_j²)/2] from each start; returns the iterates
    projected onto the spheres (unconverged ones included: the caller tests the residual)."""
    X = np.array(np.atleast_2d(starts), dtype=float)
    n = system.size

    def residual(Y: np.ndarray) -> np.ndarray:
        return np.concatenate([system.f(Y), system.constraint(Y)], axis=-1)

    def jacobian(Y: np.ndarray) -> np.ndarray:
        grad = np.zeros((len(Y), len(system.spheres), n))
        for j, b in enumerate(system.spheres):
            grad[:, j, b] = Y[:, b]
        return np.concatenate([system.jac(Y).reshape(len(Y), n, n), grad], axis=1)

    with np.errstate(all="ignore"):
        r = residual(X)
        cost = np.sum(r * r, axis=-1)
        mu = np.full(len(X), 1e-3)
        eye = np.eye(n)
        for _ in range(max_iter):
            active = np.flatnonzero((cost > 1e-28) & (mu < 1e12) & np.isfinite(cost))
            if active.size == 0:
                break
            A = jacobian(X[active])
            At = np.swapaxes(A, 1, 2)
            lhs = At @ A + mu[active, None, None] * eye
            try:
                step = -np.linalg.solve(lhs, (At @ r[active][..., None]))[..., 0]
            except np.linalg.LinAlgError:
                step = -np.array([np.linalg.lstsq(m, v, rcond=None)[0] for m, v in zip(lhs, At @ r[active][..., None])])[..., 0]
            trial = X[active] + step
            rt = residual(trial)
            ct = np.sum(rt * rt, axis=-1)
            better = ct < cost[active]
            acc, rej = active[better], active[~better]
            X[acc], r[acc], cost[acc] = trial[better], rt[better], ct[better]
            mu[acc] = np.maximum(mu[acc] / 5.0, 1e-15)
            mu[rej] *= 4.0
    return system.project(X)


@dataclass
class ConstrainedFixedPoint:
    x: np.ndarray
    #: max |F(x)| after projection onto the spheres
    residual: float
    stability: TangentStability
    #: how many starts (and symmetry images) landed on it
    hits: int = 1

    @property
    def stable(self) -> bool:
        return self.stability.stable

    @property
    def kind(self) -> str:
        return self.stability.kind


@dataclass
class ConstrainedAnalysis:
    fixed_points: list[ConstrainedFixedPoint]
    n_starts: int
    #: starts whose iteration did not reach a root
    n_failed: int
    settings: dict[str, object] = field(default_factory=dict)

    @property
    def n_steady_states(self) -> int:
        return len(self.fixed_points)

    @property
    def n_stable(self) -> int:
        return sum(fp.stable for fp in self.fixed_points)

    def count(self, kind: str) -> int:
        return sum(fp.kind == kind for fp in self.fixed_points)


def _canonical(X: np.ndarray, G: np.ndarray | None) -> np.ndarray:
    """Each row rotated along its orbit so that its reference charged pair is real and positive: the
    first pair (in index order) whose modulus is at least half the largest one. Copies of one orbit
    point then coincide (up to the roots' own scatter); a symmetric row is left as it is."""
    if G is None:
        return X
    pairs = charged_pairs(G)
    out = X.copy()
    for r, x in enumerate(X):
        mod = np.array([np.hypot(x[p.re], x[p.im]) for p in pairs])
        if mod.max(initial=0.0) <= 1e-9:
            continue
        p = pairs[int(np.flatnonzero(mod >= 0.5 * mod.max())[0])]
        out[r] = rotate(x, G, -np.arctan2(x[p.im], x[p.re]) / p.charge)
    return out


def _merge(system: ConstrainedSystem, X: np.ndarray, res: np.ndarray, tol: float) -> list[tuple[int, int]]:
    """(representative index, multiplicity) of the groups of X closer than tol·max(1, |x|), modulo
    the rotation (canonical forms are compared; a pair is confirmed by the distance modulo rotation)."""
    scale = max(1.0, float(np.max(np.linalg.norm(X, axis=1)))) if len(X) else 1.0
    G = system.rotation
    # exact copies (many starts land on one root) first, by rounding: the tree then sees one per cell
    keys_all = _canonical(X, G)
    _, first, inverse = np.unique(np.round(keys_all / (tol * scale)), axis=0, return_index=True, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    keys, reps = keys_all[first], X[first]
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in cKDTree(keys).query_pairs(tol * scale):
        if root(i) != root(j) and (G is None or distance_modulo_rotation(reps[i], reps[j], G) <= tol * scale):
            parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(X)):
        groups.setdefault(root(int(inverse[i])), []).append(i)
    return [(min(g, key=lambda i: res[i]), len(g)) for g in groups.values()]


def _snap_to_degenerate_starts(system: ConstrainedSystem, given: np.ndarray, roots: np.ndarray, snap_tol: float,
                               tol: float) -> np.ndarray:
    """Near a degenerate root (singular tangent Jacobian) the iteration creeps and stops ~tol^(1/3) away:
    roots within snap_tol of a given start that is itself such a root are put onto it."""
    if not len(given) or not len(roots):
        return roots
    with np.errstate(all="ignore"):
        exact = given[np.max(np.abs(system.f(system.project(given))), axis=-1) <= 1e-3 * tol]
    for x in system.project(exact):
        W = tangent_basis(system, x)
        A = W.T @ system.jac(x) @ W
        if A.size and np.min(np.abs(np.linalg.eigvals(A))) <= 1e-6 * max(1.0, float(np.abs(A).max())):
            roots[np.max(np.abs(roots - x), axis=-1) <= snap_tol] = x
    return roots


def find_constrained_fixed_points(
    system: ConstrainedSystem,
    starts: np.ndarray | Sequence[np.ndarray] = (),
    n_random: int = 64,
    seed: int = 0,
    tol: float = 1e-12,
    merge_tol: float = 1e-5,
    snap_tol: float = 1e-2,
    axis_tol: float = 1e-9,
    cluster_tol: float = 1e-5,
    jordan_tol: float = 1e-10,
    max_iter: int = 200,
) -> ConstrainedAnalysis:
    """Every fixed point reached from the starts, merged and classified (module docstring); stable
    ones first. Never raises for a numerical failure (a start that does not converge is counted)."""
    given = np.asarray(starts, dtype=float).reshape(-1, system.size) if len(starts) else np.zeros((0, system.size))
    rng = np.random.default_rng(seed)
    S = np.vstack([given, system.sample(rng, n_random)]) if n_random else given
    roots = manifold_roots(system, S, max_iter=max_iter)
    with np.errstate(all="ignore"):
        res = np.max(np.abs(system.f(roots)), axis=-1) if len(roots) else np.zeros(0)
    ok = np.isfinite(res) & (res <= tol)
    found = _snap_to_degenerate_starts(system, given, roots[ok], snap_tol, tol)
    images = [found] + [found @ np.asarray(M, dtype=float).T for M in system.symmetries]
    cand = np.vstack(images) if len(found) else np.zeros((0, system.size))
    with np.errstate(all="ignore"):
        cres = np.max(np.abs(system.f(cand)), axis=-1) if len(cand) else np.zeros(0)
    points = []
    for i, hits in (_merge(system, cand, cres, merge_tol) if len(cand) else []):
        st = classify_on_manifold(system, cand[i], axis_tol, cluster_tol, jordan_tol)
        points.append(ConstrainedFixedPoint(cand[i], float(cres[i]), st, hits))
    points.sort(key=lambda fp: (not fp.stable, fp.stability.max_real_eigenvalue))
    cfg = {"n_random": n_random, "seed": seed, "tol": tol, "merge_tol": merge_tol, "snap_tol": snap_tol, "axis_tol": axis_tol,
           "cluster_tol": cluster_tol, "jordan_tol": jordan_tol, "n_given_starts": len(given)}
    return ConstrainedAnalysis(points, len(S), int(np.sum(~ok)), cfg)  # type: ignore[arg-type]


@dataclass
class Settled:
    """Where a trajectory from x0 ends: the end state, whether it settled, and the polished root."""

    x_end: np.ndarray
    settled: bool
    t_end: float
    #: max |F| at the end of the integration
    drift: float
    #: the manifold root polished from x_end (None when the polish did not reach max|F| ≤ tol)
    root: np.ndarray | None
    message: str


def integrate_constrained(
    system: ConstrainedSystem,
    x0: np.ndarray,
    t_chunk: float = 50.0,
    t_max: float = 1e5,
    settle_tol: float = 1e-9,
    tol: float = 1e-10,
    track_tol: float = 1e-9,
    rtol: float = 1e-8,
    atol: float = 1e-10,
    method: str = "DOP853",
) -> Settled:
    """Integrate from x0 chunk by chunk (chunks double while the drift falls slowly) until
    max|F| ≤ settle_tol, or until the fixed point polished from the state after two successive chunks
    is the same (to ``track_tol``) while the distance to it has fallen by 20 % or more, or t_max. The spheres'
    radii are those of x0 (conserved by the flow). ``root`` is the fixed point polished from the end."""
    x = np.asarray(x0, dtype=float).copy()
    radii = [float(np.linalg.norm(x[b])) for b in system.spheres]
    local = ConstrainedSystem(system.size, system.rhs, system.jacobian, system.spheres, radii, system.vectorized,
                              system.rotation, system.symmetries, system.free_scale, system.names)
    fun = lambda t, y: local.f(y)  # noqa: E731
    t, chunk, drift, last = 0.0, float(t_chunk), float("inf"), float("inf")
    previous: tuple[np.ndarray, float] | None = None
    message, settled = "", False
    while t < t_max:
        chunk = min(chunk, t_max - t)
        try:
            with np.errstate(all="ignore"):
                implicit = {"jac": lambda t, y: local.jac(y)} if method in ("BDF", "Radau", "LSODA") else {}
                sol = solve_ivp(fun, (0.0, chunk), x, method=method, rtol=rtol, atol=atol, **implicit)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            message = f"integration failed at t = {t:.3g}: {exc}"
            break
        if not sol.success or not np.all(np.isfinite(sol.y)):
            message = f"integration failed at t = {t:.3g}: {sol.message}"
            break
        x = local.project(sol.y[:, -1])
        t += chunk
        drift = float(np.max(np.abs(local.f(x))))
        if drift <= settle_tol:
            settled, message = True, f"settled at t = {t:.6g}"
            break
        # a weakly damped approach (rate ≪ frequency) takes long to reach settle_tol: accept when the
        # root polished from the state stays the same while the distance to it keeps falling
        cand = manifold_roots(local, x[None])[0]
        if float(np.max(np.abs(local.f(cand)))) <= tol:
            dist = float(np.max(np.abs(x - cand)))
            if previous is not None and float(np.max(np.abs(cand - previous[0]))) <= track_tol and dist < 0.8 * previous[1]:
                settled, message = True, f"converging onto one root at t = {t:.6g} (distance {dist:.2g}, was {previous[1]:.2g})"
                break
            previous = (cand, dist)
        else:
            previous = None
        if drift > 0.5 * last:  # slow approach (critical slowing down) or no approach: longer chunks
            chunk *= 2.0
        last = drift
    else:
        message = f"not settled by t = {t:.6g} (max|F| = {drift:.3g})"
    polished = manifold_roots(local, x[None])[0]
    root = polished if float(np.max(np.abs(local.f(polished)))) <= tol else None
    return Settled(x, settled, t, drift, root, message)
