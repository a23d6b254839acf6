"""The point-by-point multi-start Newton analysis of a derived cumulant order, run for a whole batch at once.

:func:`cumex.cumulants.solver.solve_model_order` finds the steady states of a U(1) order M ≥ 3 at one
point by damped Newton from: every fixed point of order M - 1 (itself found by Newton from that order's
initial state and its seeded random starts) lifted to order M, the initial state, and ``n_random``
seeded random product states (:func:`cumex.steady.find_steady_states`). The count of states it reports
depends on where those starts go, not only on the equations: the unstable closure roots a random start
happens to reach differ from one grid point to the next. A batch that must report the same states as
the point-by-point analysis therefore runs the same starts. This module runs them for all points of a
batch together: the equations of one compiled order differ between points only in their linear
coefficients A (parameters, N), so F(x) = A · [z(x), 1, w(z(x))] and its Jacobian are evaluated for
thousands of (point, start) pairs in one numpy expression, and Newton's least-squares step is one
batched SVD. Each pair follows the same damped Newton iteration as :func:`cumex.steady.newton.newton_root`
(same steps, line search and stopping rules, same acceptance test), so it reaches the same zero up to
rounding; the states are then merged and classified per point by the analysis' own code
(:func:`cumex.steady.analysis._add`, :func:`cumex.steady.stability.classify_stability`).

Used for systems without a rotation generator (U(1)-symmetric orders, whose steady states are fixed
points); :func:`batch_analyses` returns None for anything else and the caller runs the analysis point by
point. ``tests/test_sweep_multistart.py`` compares it with :func:`cumex.steady.find_steady_states` and
:func:`cumex.cumulants.solver.lower_order_guesses` point by point.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence

import numpy as np

from cumex.cumulants.bind import BoundSystem
from cumex.steady.analysis import FixedPoint, SteadyStateAnalysis, _add, _same, read_settings
from cumex.steady.newton import Root
from cumex.steady.system import RealODESystem

__all__ = ["BatchedCumulantSystem", "batched_newton", "batch_analyses", "lift_states", "one_blas_thread"]

#: (point, start) pairs evaluated together: bounds the memory of the gathered coefficient arrays
CHUNK = 8192


class BatchedCumulantSystem:
    """rhs and Jacobian of one compiled order (one ``BoundSystem`` structure, i.e. one N) at many
    parameter points: row p of every array is the point ``values[p]``."""

    def __init__(self, template: BoundSystem, values: Sequence[Mapping[str, float]]):
        self.template = b = template
        self.values = list(values)
        c = b.compiled
        n_cols = b.n_z + 1 + b.n_w
        mono = np.array([[np.prod([float(v[n]) ** p for n, p in m]) if m else 1.0 for m in c.monomials]
                         for v in values]).reshape(len(values), len(c.monomials))
        coef = c.lin_coef[None, :] * (mono[:, c.lin_mono] if len(c.monomials) else 1.0)
        flat = np.zeros((len(c.reps) * n_cols, len(values)), dtype=np.complex128)
        np.add.at(flat, c.lin_row * n_cols + c.lin_col, coef.T)  # the same sums, in the same order, as bind
        A = flat.T.reshape(len(values), len(c.reps), n_cols)
        N = float(b.values["N"])
        kept = [i for i, m in enumerate(c.reps) if len(m.satellites) <= N]  # as BoundSystem keeps them
        self.A = np.ascontiguousarray(A[:, kept])
        self.n_z, self.n_w, self.n_x = b.n_z, b.n_w, b.n_x
        # closure polynomials w_j = Σ coef Π z[factors] as matrices: scatter of the terms onto their targets
        clo = b.clo
        self.factors, self.coef = clo["factors"], clo["coef"]
        T = len(clo["target"])
        self.scatter = np.zeros((T, b.n_w))
        self.scatter[np.arange(T), clo["target"]] = 1.0
        self.dscatter = []
        for p in range(self.factors.shape[1] if T else 0):
            S = np.zeros((T, b.n_w * (b.n_z + 1)))
            S[np.arange(T), clo["target"] * (b.n_z + 1) + self.factors[:, p]] = 1.0
            self.dscatter.append(S)
        self.R = b.R

    def _zext(self, X: np.ndarray) -> np.ndarray:
        b = self.template
        Xe = np.concatenate([X, np.zeros((len(X), 1))], axis=1)
        z = Xe[:, b.re_idx] + 1j * b.im_sign * Xe[:, b.im_idx]
        return np.concatenate([z, np.ones((len(X), 1))], axis=1)

    def _to_real(self, F: np.ndarray) -> np.ndarray:
        b = self.template
        out = np.empty((F.shape[0], self.n_x) + F.shape[2:], dtype=float)
        out[:, b.pos_re] = F.real
        out[:, b.pos_im[b.complex_rows]] = F[:, b.complex_rows].imag
        return out

    def rhs(self, X: np.ndarray, owner: np.ndarray) -> np.ndarray:
        """F at the states X (m, n_x), row i at the point owner[i]."""
        zext = self._zext(X)
        # products through BLAS: call within one_blas_thread (threads cost milliseconds per small product)
        w = (self.coef * zext[:, self.factors].prod(axis=2)) @ self.scatter if len(self.coef) else \
            np.zeros((len(X), self.n_w), dtype=np.complex128)
        ext = np.concatenate([zext, w], axis=1)
        return self._to_real(np.einsum("mrc,mc->mr", self.A[owner], ext))

    def jacobian(self, X: np.ndarray, owner: np.ndarray) -> np.ndarray:
        """dF/dx at the states X (m, n_x, n_x), row i at the point owner[i]."""
        zext = self._zext(X)
        m, n_cols = len(X), self.n_z + 1
        dW = np.zeros((m, self.n_w * n_cols), dtype=np.complex128)
        if len(self.coef):
            Z = zext[:, self.factors]
            D = Z.shape[2]
            prefix = np.ones(Z.shape[:2] + (D + 1,), dtype=np.complex128)
            suffix = np.ones(Z.shape[:2] + (D + 1,), dtype=np.complex128)
            prefix[:, :, 1:] = np.cumprod(Z, axis=2)
            suffix[:, :, :-1] = np.cumprod(Z[:, :, ::-1], axis=2)[:, :, ::-1]
            for p in range(D):
                dW += (self.coef * prefix[:, :, p] * suffix[:, :, p + 1]) @ self.dscatter[p]
        A = self.A[owner]
        dFdz = A[:, :, :n_cols] + A[:, :, n_cols:] @ dW.reshape(m, self.n_w, n_cols)
        return self._to_real(dFdz[:, :, : self.n_z] @ self.R)

    def system(self, p: int, initial_state: np.ndarray, template: RealODESystem) -> RealODESystem:
        """Point p as a ``RealODESystem`` (for the per-point steps: stability, a neighbour's Newton);
        ``template`` is a system of the same structure at the point's N (observables, samples, bounds)."""
        import copy

        from scipy import sparse

        b = copy.copy(template.meta["bound"])  # the template's structure, this point's coefficients
        A = self.A[p]
        b.values = {k: float(v) for k, v in self.values[p].items()}
        b.A, b._Az = A, A[:, : b.n_z + 1].copy()  # type: ignore[attr-defined]
        b._A_sparse, b._Aw = sparse.csr_matrix(A), sparse.csr_matrix(A[:, b.n_z + 1 :])  # type: ignore[attr-defined]
        return RealODESystem(
            names=b.names,
            rhs=b.rhs,
            jacobian=b.jacobian,
            observables=b.observables,
            initial_state=initial_state,
            sample_states=template.sample_states,
            rotation=None,
            admissible=b.admissible,
            meta={**template.meta, "values": dict(b.values), "bound": b},
        )


def _lstsq(J: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Minimum-norm least-squares solutions of J[i] s = b[i], as numpy.linalg.lstsq gives them.

    lstsq (SVD) drops singular values below ε·n·σ_max; for a better-conditioned J its solution is J⁻¹b
    up to rounding. The inverse (LU, ~10× cheaper than an SVD at n = 20) is used where the 1-norm
    condition |J|₁|J⁻¹|₁ < 1e12 (then the 2-norm condition is below n·1e12, far from the cut at 1/(ε n));
    the others (and every J of a stack holding an exactly singular one) go through the SVD."""
    svd = np.ones(len(J), dtype=bool)
    out = np.empty(b.shape)
    try:
        inv = np.linalg.inv(J)
        cond = np.max(np.sum(np.abs(J), axis=1), axis=1) * np.max(np.sum(np.abs(inv), axis=1), axis=1)
        svd = ~(np.isfinite(cond) & (cond < 1e12))
        out[~svd] = np.einsum("mij,mj->mi", inv[~svd], b[~svd])
    except np.linalg.LinAlgError:
        pass
    if svd.any():
        U, s, Vt = np.linalg.svd(J[svd])
        cut = np.finfo(float).eps * max(J.shape[1:]) * s[:, :1]
        inv_s = np.where(s > cut, 1.0 / np.where(s > cut, s, 1.0), 0.0)
        out[svd] = np.einsum("mji,mj->mi", Vt, inv_s * np.einsum("mji,mj->mi", U, b[svd]))
    return out


def _norms(R: np.ndarray) -> np.ndarray:
    ok = np.all(np.isfinite(R), axis=1)
    return np.where(ok, np.linalg.norm(np.where(ok[:, None], R, 0.0), axis=1), np.inf)


def batched_newton(bs: BatchedCumulantSystem, X0: np.ndarray, owner: np.ndarray, residual_tol: float,
                   max_iter: int = 100) -> list[Root | None]:
    """:func:`cumex.steady.newton.newton_root` (no rotation) from every row of X0 at its point owner[i]."""
    out: list[Root | None] = []
    with np.errstate(all="ignore"):
        for lo in range(0, len(X0), CHUNK):
            out += _newton_chunk(bs, np.array(X0[lo:lo + CHUNK], dtype=float), owner[lo:lo + CHUNK],
                                 residual_tol, max_iter)
    return out


def _newton_chunk(bs, X, owner, residual_tol, max_iter):
    tol = 0.1 * residual_tol
    good = np.all(np.isfinite(X), axis=1)
    R = bs.rhs(X, owner)
    f = _norms(R)
    active = good & (f > tol) & np.isfinite(f)
    for _ in range(max_iter):
        act = np.flatnonzero(active)
        if not act.size:
            break
        J = bs.jacobian(X[act], owner[act])
        finite = np.all(np.isfinite(J), axis=(1, 2))
        active[act[~finite]] = False
        act, J = act[finite], J[finite]
        if not act.size:
            break
        step = _lstsq(J, -R[act])
        t = np.ones(act.size)
        pending = np.ones(act.size, dtype=bool)
        accepted = np.zeros(act.size, dtype=bool)
        while pending.any():
            k = np.flatnonzero(pending)
            Xn = X[act[k]] + t[k, None] * step[k]
            Rn = bs.rhs(Xn, owner[act[k]])
            fn = _norms(Rn)
            ok = fn < (1.0 - 1e-4 * t[k]) * f[act[k]]
            hit = act[k[ok]]
            X[hit], R[hit], f[hit] = Xn[ok], Rn[ok], fn[ok]
            accepted[k[ok]] = True
            pending[k[ok]] = False
            t[k[~ok]] *= 0.5
            pending[k[~ok]] = t[k[~ok]] >= 1e-6
        active[act[~accepted]] = False  # stalled, as newton_root stops
        active[act] &= (f[act] > tol) & np.isfinite(f[act])
    # the acceptance test of newton_root: inf-norm residual within max(tol, 100 ε |J| |x|); the floor
    # (a Jacobian) is needed only where the residual is above tol
    res = np.where(np.all(np.isfinite(R), axis=1), np.max(np.abs(np.where(np.isfinite(R), R, 0.0)), axis=1), np.inf)
    accept = np.full(len(X), residual_tol)
    check = np.flatnonzero(good & np.isfinite(res) & (res > residual_tol))
    if check.size:
        J = bs.jacobian(X[check], owner[check])
        finite_J = np.all(np.isfinite(J), axis=(1, 2))
        rows = np.max(np.sum(np.abs(np.where(np.isfinite(J), J, 0.0)), axis=2), axis=1)
        floor = 100.0 * np.finfo(float).eps * rows * np.maximum(1.0, np.max(np.abs(X[check]), axis=1))
        accept[check] = np.where(finite_J, np.maximum(residual_tol, floor), residual_tol)
    return [Root(x=X[i].copy(), nu=0.0, residual=float(res[i]), iterations=0)
            if good[i] and np.isfinite(res[i]) and res[i] <= accept[i] else None for i in range(len(X))]


def _analysis(system: RealODESystem, starts: list[tuple[str, np.ndarray]], roots: list[Root | None],
              cfg: dict[str, object], notes: list[str]) -> SteadyStateAnalysis:
    """What :func:`cumex.steady.find_steady_states` (``find_physical=False``) makes of these roots."""
    found: list[FixedPoint] = []
    discarded: list[Root] = []
    for (source, _), root in zip(starts, roots):
        if root is None:
            continue
        if system.admissible is not None and not system.admissible(root.x):
            if not any(_same(d.x, root.x, system, float(cfg["merge_tol"])) for d in discarded):  # type: ignore[arg-type]
                discarded.append(root)
            continue
        _add(system, found, root, source, cfg)
    n_stable = sum(fp.stable for fp in found)
    summary = f"{len(found)} steady state(s) found from {len(starts)} starts, {n_stable} stable"
    if discarded:
        summary += f" ({len(discarded)} zero(s) outside the physical bounds set aside)"
    status = "; ".join([("ok: " if found else "failed: ") + summary, *notes])
    return SteadyStateAnalysis(found, None, None, bool(found), status, cfg, discarded, None)


def _starts(system: RealODESystem, guesses: Sequence[np.ndarray], cfg, samples) -> tuple[list, list[str]]:
    starts, notes = [], []
    for i, g in enumerate(guesses):
        g = np.asarray(g, dtype=float)
        if g.shape != (system.size,):
            notes.append(f"guess {i} ignored (shape {g.shape}, expected ({system.size},))")
            continue
        starts.append((f"guess {i}", g))
    starts.append(("initial", np.asarray(system.initial_state, dtype=float)))
    starts += [(f"random {i}", np.asarray(s, dtype=float)) for i, s in enumerate(samples)]
    return starts, notes


class _Order:
    """One order at the batch's points: a batched system per N, each point's system and random starts."""

    def __init__(self, model, label, values, settings, cfg):
        from cumex.cumulants.solver import model_system

        self.systems: list[RealODESystem | None] = [None] * len(values)
        self.samples: list[np.ndarray] = [np.empty(0)] * len(values)
        self.rotating = False
        # points whose systems keep the same moments (every N ≥ the largest number of satellites in a
        # moment) share one batched system; observables are those of their own N
        groups: dict[int, list[int]] = {}
        for p, v in enumerate(values):
            groups.setdefault(int(min(float(v["N"]), label_satellites(model, label))), []).append(p)
        n_random = int(cfg["n_random"])  # type: ignore[call-overload]
        for ps in groups.values():
            templates: dict[float, RealODESystem] = {}
            for p in ps:
                N = float(values[p]["N"])
                if N not in templates:
                    templates[N] = model_system(model, label, dict(values[p]), settings)
                    if templates[N].rotation is not None:
                        self.rotating = True
                        return
            first = templates[float(values[ps[0]]["N"])]
            bs = BatchedCumulantSystem(first.meta["bound"], [values[p] for p in ps])  # type: ignore[arg-type]
            sites: dict[str, np.ndarray] = {}
            samples: dict[float, np.ndarray] = {}
            for j, p in enumerate(ps):
                N = float(values[p]["N"])
                system = templates[N]
                if N not in samples:
                    # the random product states depend on the structure and N only, not on the rates
                    rng = np.random.default_rng(int(cfg["rng_seed"]))  # type: ignore[call-overload]
                    samples[N] = (np.atleast_2d(system.sample_states(rng, n_random)) if n_random
                                  else np.empty((0, system.size)))
                x0 = _initial_state(model, system.meta["bound"], values[p], sites)  # type: ignore[arg-type]
                self.systems[p] = _Local(bs, j, x0, system)
                self.samples[p] = samples[N]


def label_satellites(model: str, label: str) -> int:
    """The largest number of satellites in a moment of the order: N beyond it changes no structure."""
    from cumex.cumulants.solver import parse_order

    return parse_order(label)[0]


class _Local:
    """A point of a batched system: its RealODESystem (built on demand) and its own N's template."""

    def __init__(self, bs: BatchedCumulantSystem, index: int, x0: np.ndarray, template: RealODESystem):
        self.bs, self.index, self.x0, self.template = bs, index, x0, template
        self._system: RealODESystem | None = None

    @property
    def bound(self) -> BoundSystem:
        return self.template.meta["bound"]  # type: ignore[return-value]

    @property
    def system(self) -> RealODESystem:
        if self._system is None:
            self._system = self.bs.system(self.index, self.x0, self.template)
        return self._system


def _initial_state(model, bound: BoundSystem, values, cache: dict) -> np.ndarray:
    from cumex.cumulants.cache import get_model

    spec = get_model(model)
    central, satellite = spec.initial_sites(values) if spec.initial_sites else ({"Z": -1.0, "P": 0.0}, {"Z": 0.0, "P": 0.0})
    key = repr((sorted(central.items()), sorted(satellite.items())))
    if key not in cache:
        cache[key] = bound.product_state(central, satellite)
    return cache[key]


def _run(order: _Order, guesses: list[list[np.ndarray]], cfg) -> list[SteadyStateAnalysis]:
    per_point = []
    for p, local in enumerate(order.systems):
        starts, notes = _starts(_Size(local), guesses[p], cfg, order.samples[p])  # type: ignore[arg-type]
        per_point.append((starts, notes))
    # group the starts by batched system (one per N), Newton on each group at once
    roots: list[list[Root | None]] = [[None] * len(s) for s, _ in per_point]
    groups: dict[int, tuple[BatchedCumulantSystem, list[tuple[int, int]]]] = {}
    for p, (starts, _) in enumerate(per_point):
        local = order.systems[p]
        groups.setdefault(id(local.bs), (local.bs, []))[1].extend((p, k) for k in range(len(starts)))  # type: ignore[union-attr]
    tol = float(cfg["residual_tol"])  # type: ignore[arg-type]
    for bs, pairs in groups.values():
        X = np.array([per_point[p][0][k][1] for p, k in pairs])
        owner = np.array([order.systems[p].index for p, _ in pairs])  # type: ignore[union-attr]
        for (p, k), root in zip(pairs, batched_newton(bs, X, owner, tol)):
            roots[p][k] = root
    return [_analysis(order.systems[p].system, starts, roots[p], cfg, notes)  # type: ignore[union-attr]
            for p, (starts, notes) in enumerate(per_point)]


class _Size:
    """Just what :func:`_starts` reads of a system (its size and initial state) without building it."""

    def __init__(self, local: _Local):
        self.size, self.initial_state = local.bs.n_x, local.x0


def batch_analyses(model: str, label: str, values: Sequence[Mapping[str, float]], settings: Mapping[str, object],
                   neighbours: Sequence[int | None] | None = None,
                   ) -> list[tuple[SteadyStateAnalysis, RealODESystem, dict[int, Root | None]]] | None:
    """For each point (parameter values incl. N) of a U(1) cumulant order ≥ 3 of ``model``: the analysis
    :func:`cumex.cumulants.solver.solve_model_order` runs before its integration — the lower-order fixed
    points lifted as guesses, then the multi-start Newton (``find_physical=False``) — and the point's
    system, and Newton (``newton_root(..., max_iter=12)``, as :func:`cumex.sweep.step.physical_from_neighbour`
    runs it) at the point from every state of the analysis at ``neighbours[p]`` (keyed by id of that state's
    x). None when the order's system rotates (symmetry-broken variants)."""
    with one_blas_thread():
        return _batch_analyses(model, label, values, settings, neighbours or [None] * len(values))


@contextlib.contextmanager
def one_blas_thread():
    """BLAS threads cost milliseconds per tiny product on a busy machine: the products here are small."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _batch_analyses(model, label, values, settings, neighbours):
    from cumex.cumulants.solver import parse_order

    M, symmetry = parse_order(label)
    cfg = read_settings(settings)
    upper = _Order(model, label, values, settings, cfg)
    if upper.rotating:
        return None
    guesses: list[list[np.ndarray]] = [[] for _ in values]
    if settings.get("lower_order_guess", symmetry == "u1" and M >= 3) and M >= 2:
        lower_label = str(M - 1) + ("_broken" if symmetry == "broken" and M > 2 else "")
        lower_settings = {k: v for k, v in settings.items() if k != "compiled"}
        lower = _Order(model, lower_label, values, lower_settings, read_settings(lower_settings))
        if lower.rotating:
            return None
        lowered = _run(lower, [[] for _ in values], read_settings(lower_settings))
        # one lift per structure pair for all fixed points at once (lift_state's recursion on arrays)
        jobs: dict[tuple[int, int], list[tuple[int, np.ndarray]]] = {}
        for p, analysis in enumerate(lowered):
            key = (id(lower.systems[p].bs), id(upper.systems[p].bs))  # type: ignore[union-attr]
            jobs.setdefault(key, []).extend((p, fp.x) for fp in analysis.fixed_points)
        for pairs in jobs.values():
            p0 = pairs[0][0]
            lifted = lift_states(lower.systems[p0].bound, np.array([x for _, x in pairs]),  # type: ignore[union-attr]
                                 upper.systems[p0].bound)  # type: ignore[union-attr]
            for (p, _), x in zip(pairs, lifted):
                guesses[p].append(x)
    analyses = _run(upper, guesses, cfg)
    roots = _from_neighbours(upper, analyses, neighbours, float(cfg["residual_tol"]))  # type: ignore[arg-type]
    return [(a, upper.systems[p].system, roots[p]) for p, a in enumerate(analyses)]  # type: ignore[union-attr]


def lift_states(lower: BoundSystem, X: np.ndarray, upper: BoundSystem) -> np.ndarray:
    """:func:`cumex.cumulants.lift.lift_state` of every row of X (states of ``lower``), evaluated together."""
    from cumex.cumulants.closure import closure
    from cumex.cumulants.moments import ONE
    from cumex.cumulants.system import nonzero_filter

    if not len(X):
        return np.empty((0, upper.n_x))
    Xe = np.concatenate([X, np.zeros((len(X), 1))], axis=1)
    zl = Xe[:, lower.re_idx] + 1j * lower.im_sign * Xe[:, lower.im_idx]
    known = {m: zl[:, k] for k, m in enumerate(lower.compiled.zmoments) if lower.zkept[k]}
    nonzero = nonzero_filter(lower.compiled.symmetry)
    memo: dict = {}
    ones, zeros = np.ones(len(X), dtype=complex), np.zeros(len(X), dtype=complex)

    def value(m):
        if m == ONE:
            return ones
        if m in known:
            return known[m]
        if not nonzero(m):
            return zeros
        if m not in memo:
            total = zeros
            for fs, k in closure(m, nonzero).items():
                term = ones
                for f in fs:
                    term = term * value(f)
                total = total + k * term
            memo[m] = total
        return memo[m]

    Z = np.array([value(m) if upper.zkept[i] else zeros for i, m in enumerate(upper.compiled.zmoments)]).T
    out = np.zeros((len(X), upper.n_x))
    for k, m in enumerate(upper.compiled.zmoments):
        if upper.zkept[k] and m == m.representative():
            out[:, upper.re_idx[k]] = Z[:, k].real
            if upper.im_idx[k] < upper.n_x:
                out[:, upper.im_idx[k]] = Z[:, k].imag
    return out


def _from_neighbours(order: _Order, analyses, neighbours, tol: float) -> list[dict[int, Root | None]]:
    out: list[dict[int, Root | None]] = [{} for _ in analyses]
    groups: dict[int, tuple[BatchedCumulantSystem, list[tuple[int, np.ndarray]]]] = {}
    for p, q in enumerate(neighbours):
        if q is None:
            continue
        local = order.systems[p]
        group = groups.setdefault(id(local.bs), (local.bs, []))[1]  # type: ignore[union-attr]
        group.extend((p, fp.x) for fp in analyses[q].fixed_points)
    for bs, pairs in groups.values():
        if not pairs:
            continue
        X = np.array([x for _, x in pairs])
        owner = np.array([order.systems[p].index for p, _ in pairs])  # type: ignore[union-attr]
        for (p, x), root in zip(pairs, batched_newton(bs, X, owner, tol, max_iter=12)):
            out[p][id(x)] = root
    return out
