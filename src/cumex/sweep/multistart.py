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
thousands of (point, start) pairs in one numpy expression, and Newton's least-squares steps are
batched too. Each pair follows the same damped Newton iteration as :func:`cumex.steady.newton.newton_root`
(same steps, line search and stopping rules, same acceptance test), so it reaches the same zero up to
rounding; the roots' physical bounds are checked at once (:meth:`cumex.cumulants.bind.BoundSystem.admissible_rows`
of the structure's template: every bound of one structure checks the same moments), the states merged per
point by the analysis' own :func:`cumex.steady.analysis.collect_roots`, and the new ones classified
together (:func:`cumex.steady.stability.classify_jacobians`: classify_stability's verdict from one batched
Jacobian and eigenvalue call; the lower order's states, only lifted to starts, are not classified). The
batched evaluation and Newton are :mod:`cumex.sweep.batched`.

Used for systems without a rotation generator (U(1)-symmetric orders, whose steady states are fixed
points); :func:`batch_analyses` returns None for anything else and the caller runs the analysis point by
point. ``tests/test_sweep_multistart.py`` compares it with :func:`cumex.steady.find_steady_states` and
:func:`cumex.cumulants.solver.lower_order_guesses` point by point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from cumex.cumulants.bind import BoundSystem
from cumex.steady.analysis import FixedPoint, SteadyStateAnalysis, collect_roots, read_settings
from cumex.steady.newton import Root
from cumex.steady.stability import Stability, classify_jacobians
from cumex.steady.system import RealODESystem
from cumex.sweep.batched import BatchedCumulantSystem, batched_newton, lift_states, one_blas_thread

__all__ = ["batch_analyses"]

#: the stability of a lower order's states, which are only lifted to Newton starts of the order above
UNCLASSIFIED = Stability(False, float("nan"), 0, "not classified (a lower-order state, only lifted as a start)",
                         np.empty(0, dtype=complex))


def _summary(found: list[FixedPoint], discarded: list[Root], n_starts: int, notes: list[str], cfg
             ) -> SteadyStateAnalysis:
    """What :func:`cumex.steady.find_steady_states` (``find_physical=False``) reports for these states."""
    n_stable = sum(fp.stable for fp in found)
    summary = f"{len(found)} steady state(s) found from {n_starts} starts, {n_stable} stable"
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

        self.systems: list[_Local | None] = [None] * len(values)
        self.samples: list[np.ndarray] = [np.empty(0)] * len(values)
        self.rotating = False
        # points whose systems keep the same moments (every N ≥ the largest number of satellites in a
        # moment) share one batched system; observables are those of their own N
        groups: dict[int, list[int]] = {}
        for p, v in enumerate(values):
            groups.setdefault(int(min(float(v["N"]), label_satellites(model, label))), []).append(p)
        n_random = int(cfg["n_random"])
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
                    rng = np.random.default_rng(int(cfg["rng_seed"]))
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


class _Solved:
    """One point's starts (name, x0), notes on ignored guesses, Newton's roots and which lie inside the
    physical bounds (``system.admissible``)."""

    def __init__(self, starts: list[tuple[str, np.ndarray]], notes: list[str]):
        self.starts, self.notes = starts, notes
        self.roots: list[Root | None] = [None] * len(starts)
        self.inside: list[bool] = [False] * len(starts)

    def sourced(self) -> list[tuple[str, Root | None]]:
        return [(source, root) for (source, _), root in zip(self.starts, self.roots)]


def _solve_starts(order: _Order, guesses: list[list[np.ndarray]], cfg) -> list[_Solved]:
    """Newton from every start of every point, grouped by batched system (one per structure) and run at
    once; then the bounds check of every root, also at once."""
    solved = [_Solved(*_starts(_Size(local), guesses[p], cfg, order.samples[p]))  # type: ignore[arg-type]
              for p, local in enumerate(order.systems)]
    groups: dict[int, tuple[BatchedCumulantSystem, list[tuple[int, int]]]] = {}
    for p, sv in enumerate(solved):
        local = order.systems[p]
        groups.setdefault(id(local.bs), (local.bs, []))[1].extend((p, k) for k in range(len(sv.starts)))  # type: ignore[union-attr]
    tol = float(cfg["residual_tol"])
    for bs, pairs in groups.values():
        X = np.array([solved[p].starts[k][1] for p, k in pairs])
        owner = np.array([order.systems[p].index for p, _ in pairs])  # type: ignore[union-attr]
        got = batched_newton(bs, X, owner, tol)
        for (p, k), root in zip(pairs, got):
            solved[p].roots[k] = root
        hit = [(pk, root) for pk, root in zip(pairs, got) if root is not None]
        if hit:
            for ((p, k), _), ok in zip(hit, bs.template.admissible_rows(np.array([r.x for _, r in hit]))):
                solved[p].inside[k] = bool(ok)
    return solved


def _distinct_states(order: _Order, solved: list[_Solved], cfg) -> list[list[FixedPoint]]:
    """Each point's distinct states inside the bounds, merged as the analysis merges them, unclassified."""
    return [collect_roots(order.systems[p].system, sv.sourced(), cfg, sv.inside,  # type: ignore[union-attr]
                          lambda x, nu: UNCLASSIFIED)[0] for p, sv in enumerate(solved)]


def _analyses(order: _Order, solved: list[_Solved], cfg) -> list[SteadyStateAnalysis]:
    """The analyses of find_steady_states (``find_physical=False``): states merged point by point, the
    stability of the new ones (classify_stability without rotation) from one batched Jacobian and one
    eigenvalue call per structure."""
    pending: dict[int, tuple[_Local, np.ndarray]] = {}

    def deferred(local: _Local):
        def classify(x: np.ndarray, nu: float) -> Stability:
            mark = Stability(False, float("nan"), 0, "pending", np.empty(0, dtype=complex))
            pending[id(mark)] = (local, x)
            return mark
        return classify

    collected = [collect_roots(order.systems[p].system, sv.sourced(), cfg, sv.inside,  # type: ignore[union-attr]
                               deferred(order.systems[p])) for p, sv in enumerate(solved)]  # type: ignore[arg-type]
    resolved: dict[int, Stability] = {}
    groups: dict[int, list[tuple[int, _Local, np.ndarray]]] = {}
    for key, (local, x) in pending.items():
        groups.setdefault(id(local.bs), []).append((key, local, x))
    for jobs in groups.values():
        bs = jobs[0][1].bs
        J = bs.jacobian(np.array([x for _, _, x in jobs]), np.array([local.index for _, local, _ in jobs]))
        for (key, _, _), st in zip(jobs, classify_jacobians(J, float(cfg["stability_tol"]))):
            resolved[key] = st
    out = []
    for sv, (found, discarded) in zip(solved, collected):
        for fp in found:
            fp.stability = resolved[id(fp.stability)]
        out.append(_summary(found, discarded, len(sv.starts), sv.notes, cfg))
    return out


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
        lower_cfg = read_settings(lower_settings)
        lowered = _distinct_states(lower, _solve_starts(lower, [[] for _ in values], lower_cfg), lower_cfg)
        # one lift per structure pair for all fixed points at once (lift_state's recursion on arrays)
        jobs: dict[tuple[int, int], list[tuple[int, np.ndarray]]] = {}
        for p, found in enumerate(lowered):
            key = (id(lower.systems[p].bs), id(upper.systems[p].bs))  # type: ignore[union-attr]
            jobs.setdefault(key, []).extend((p, fp.x) for fp in found)
        for pairs in jobs.values():
            p0 = pairs[0][0]
            lifted = lift_states(lower.systems[p0].bound, np.array([x for _, x in pairs]),  # type: ignore[union-attr]
                                 upper.systems[p0].bound)  # type: ignore[union-attr]
            for (p, _), x in zip(pairs, lifted):
                guesses[p].append(x)
    analyses = _analyses(upper, _solve_starts(upper, guesses, cfg), cfg)
    roots = _from_neighbours(upper, analyses, neighbours, float(cfg["residual_tol"]))  # type: ignore[arg-type]
    return [(a, upper.systems[p].system, roots[p]) for p, a in enumerate(analyses)]  # type: ignore[union-attr]


def _from_neighbours(order: _Order, analyses, neighbours, tol: float) -> list[dict[int, Root | None]]:
    out: list[dict[int, Root | None]] = [{} for _ in analyses]
    groups: dict[int, tuple[BatchedCumulantSystem, list[tuple[int, np.ndarray]]]] = {}
    for p, q in enumerate(neighbours):
        local = order.systems[p]
        # the point visited before may lie across an N below the order's satellite count: other unknowns
        if q is None or order.systems[q].bs is not local.bs:  # type: ignore[union-attr]
            continue
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
