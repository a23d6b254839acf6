"""One continuation step: the steady states of a solved grid point carried to its neighbour by Newton.

An :class:`Anchor` is a solved point whose result may be carried on: every steady state's unknowns x
and frequency ν, its stability, which one is physical, and the zeros set aside outside the physical
bounds. :func:`continue_states` runs Newton (exact Jacobian, a few iterations) from each of them in
the neighbour's system and accepts the result only when nothing that can change the count of steady
states or the physical one is in sight; otherwise it returns the reason, and the caller runs the full
multi-start analysis there. Accepted only when

- Newton converges from every state (residual ≤ ``residual_tol``) inside the physical bounds, and no
  state moves by more than ``max_jump`` relative to |x| (a branch switch, or a fold near);
- no two continued states merge (a fold), and no set-aside zero enters the physical bounds;
- every state keeps its stability and its largest counted eigenvalue stays ``margin``·|J| away from
  the imaginary axis (a bifurcation near: a threshold, a Hopf point);
- exactly one state is stable and it is the continued physical state. With one stable fixed point and
  none of the above, the trajectory from the fixed initial state ends there, as the full analysis'
  integration would find; with two (bistable) the basins may move, so those points are never continued.

A model may give every zero of its equations in closed form (``starts``: the central spin orders 1 and 2,
:mod:`cumex.sweep.closed_form`): they replace the neighbour's states, zeros outside the physical bounds
are set aside, the margin and merge checks apply, and the count may change (a zero entering the bounds,
the lasing state past threshold): the one stable state is the physical one, and a point with none or
several stable states gets the full analysis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from cumex.results import MethodResult
from cumex.steady.analysis import FixedPoint, _steady_state
from cumex.steady.newton import Root, acceptance_tolerance, newton_root, residual_norm
from cumex.steady.stability import classify_stability
from cumex.steady.symmetry import distance_modulo_rotation, is_symmetric
from cumex.steady.system import RealODESystem

__all__ = ["Anchor", "anchor_from_analysis", "continue_states", "physical_from_neighbour", "MAX_JUMP", "MARGIN"]

#: largest relative change of a state's unknowns between neighbouring points that counts as the same branch
MAX_JUMP = 0.2
#: a counted eigenvalue closer than MARGIN·|J| to the imaginary axis: a bifurcation may be near
MARGIN = 1e-3


@dataclass
class Anchor:
    """A solved point whose steady states can be continued (see the module docstring)."""

    label: str
    xs: list[np.ndarray]
    nus: list[float]
    stable: list[bool]
    symmetric: list[bool]
    physical: int
    discarded: list[tuple[np.ndarray, float]] = field(default_factory=list)
    settings: dict[str, object] = field(default_factory=dict)


def anchor_from_analysis(label: str, result: MethodResult, analysis) -> Anchor | None:
    """An anchor from a full analysis whose result is one stable fixed point reached from the initial
    state (other states unstable), else None: bistable points, cycles and failures are not carried on."""
    fps = analysis.fixed_points
    if (not result.converged or result.physical is None or not result.physical.stable
            or len(result.states) != len(fps) or result.n_stable != 1):
        return None
    k = next((i for i, s in enumerate(result.states) if s is result.physical), None)
    if k is None:
        return None
    settings = {key: v for key, v in result.settings.items() if key not in {"solve_seconds", "continued_from_N"}}
    return Anchor(label, [fp.x for fp in fps], [fp.nu for fp in fps], [fp.stable for fp in fps],
                  [fp.symmetric for fp in fps], k, [(d.x, d.nu) for d in analysis.discarded], settings)


def _margin_ok(stab, margin: float) -> bool:
    """The largest counted eigenvalue is at least margin × the spectral radius away from Re λ = 0."""
    eig = stab.eigenvalues
    scale = max(1.0, float(np.max(np.abs(eig)))) if eig.size and np.all(np.isfinite(eig)) else np.inf
    return bool(np.isfinite(stab.max_real_eigenvalue)) and abs(stab.max_real_eigenvalue) > margin * scale


def _root(system: RealODESystem, x0: np.ndarray, nu0: float, tol: float, exact: bool) -> Root | None:
    """Newton from (x0, ν0); a closed-form zero (``exact``) is taken as it is when its residual passes."""
    if exact:
        res = residual_norm(system, x0, nu0)
        if res <= acceptance_tolerance(system, x0, tol):
            return Root(np.asarray(x0, dtype=float), float(nu0), res, 0)
    return newton_root(system, x0, nu0=nu0, residual_tol=tol, max_iter=12)


def continue_states(
    system: RealODESystem,
    anchor: Anchor,
    cfg: dict[str, object],
    starts: Sequence[tuple[np.ndarray, float]] | None = None,
    max_jump: float = MAX_JUMP,
    margin: float = MARGIN,
) -> tuple[MethodResult | None, Anchor | None, str]:
    """(result, anchor for the next point, "") when the continuation is accepted, else (None, None, why)."""
    tol, stol, mtol = (float(cfg[k]) for k in ("residual_tol", "stability_tol", "merge_tol"))  # type: ignore[arg-type]
    closed_form = starts is not None
    pairs = list(starts) if starts is not None else list(zip(anchor.xs, anchor.nus))
    fps: list[FixedPoint] = []
    with np.errstate(all="ignore"):
        for i, (x0, nu0) in enumerate(pairs):
            root = _root(system, x0, nu0, tol, closed_form)
            if root is None:
                return None, None, f"Newton failed from state {i}"
            if system.admissible is not None and not system.admissible(root.x):
                if closed_form:  # a zero outside the physical bounds: set aside, as the full analysis does
                    continue
                return None, None, f"state {i} left the physical bounds"
            scale = max(1.0, float(np.linalg.norm(x0)))
            if not closed_form and distance_modulo_rotation(root.x, x0, system.rotation) > max_jump * scale:
                return None, None, f"state {i} jumped"
            for fp in fps:
                d = distance_modulo_rotation(fp.x, root.x, system.rotation)
                if d <= max(mtol, 1e-3) * max(1.0, float(np.linalg.norm(root.x))):
                    return None, None, "two states merge"
            stab = classify_stability(system, root.x, root.nu, stol)
            if not _margin_ok(stab, margin):
                return None, None, f"state {i} near a bifurcation (max Re λ = {stab.max_real_eigenvalue:.3g})"
            symmetric = system.rotation is None or is_symmetric(root.x, system.rotation)
            fps.append(FixedPoint(root.x, root.nu, root.residual, stab, symmetric, ["continued"]))
        discarded = []
        for x0, nu0 in ([] if closed_form else anchor.discarded):  # a closed form knows every zero
            root = newton_root(system, x0, nu0=nu0, residual_tol=tol, max_iter=12)
            if root is None:
                continue
            if system.admissible is not None and system.admissible(root.x):
                return None, None, "a zero outside the physical bounds entered them"
            discarded.append((root.x, root.nu))
    if closed_form:
        # every zero is known: states matched to the neighbour's nearest ones keep their order there, new
        # ones (a zero entering the physical bounds, the lasing state past threshold) follow; with exactly
        # one stable state it is the physical one whatever the count did
        pool, ordered = list(fps), []
        for x in anchor.xs:
            if not pool:
                break
            j = int(np.argmin([distance_modulo_rotation(f.x, x, system.rotation) for f in pool]))
            ordered.append(pool.pop(j))
        fps = ordered + pool
        stable = [i for i, f in enumerate(fps) if f.stable]
        if len(stable) != 1:
            return None, None, f"{len(stable)} stable states"
        k = stable[0]
    elif [f.stable for f in fps] != anchor.stable:
        return None, None, "stability changed"
    else:
        k = anchor.physical
    states = [_steady_state(system, f) for f in fps]
    how = f"{len(fps)} state(s) {'from the closed form' if closed_form else 'continued by Newton'} beside {anchor.label}"
    result = MethodResult(states, states[k], True, f"ok: {how}; 1 stable, physical: state {k}",
                          dict(anchor.settings), attractor="fixed_point")
    nxt = Anchor(anchor.label, [f.x for f in fps], [f.nu for f in fps], [f.stable for f in fps],
                 [f.symmetric for f in fps], k, discarded, anchor.settings)
    return result, nxt, ""


def physical_from_neighbour(
    system: RealODESystem,
    analysis,
    anchor: Anchor,
    cfg: dict[str, object],
    max_jump: float = MAX_JUMP,
    margin: float = MARGIN,
    roots: Mapping[int, Root | None] | None = None,
) -> tuple[MethodResult | None, Anchor | None, str]:
    """The physical state of a multi-start ``analysis`` (``find_physical=False``, the point-by-point
    starts) taken from the neighbour instead of integrating: Newton from the neighbour's physical state
    must land on one of the states found, that state must be the only stable one and away from a
    bifurcation; else (None, None, why). The states are the analysis' own, in its order. ``roots``: that
    Newton's outcome (``newton_root(..., max_iter=12)``) already computed, by id of the start array."""
    tol, mtol = (float(cfg[k]) for k in ("residual_tol", "merge_tol"))  # type: ignore[arg-type]
    x0, nu0 = anchor.xs[anchor.physical], anchor.nus[anchor.physical]
    with np.errstate(all="ignore"):
        if roots is not None and id(x0) in roots:
            root = roots[id(x0)]
        else:
            root = newton_root(system, x0, nu0=nu0, residual_tol=tol, max_iter=12)
        if root is None:
            return None, None, "Newton failed from the physical state"
        scale = max(1.0, float(np.linalg.norm(x0)))
        if distance_modulo_rotation(root.x, x0, system.rotation) > max_jump * scale:
            return None, None, "the physical state jumped"
        fps = analysis.fixed_points
        symmetric = system.rotation is None or is_symmetric(root.x, system.rotation)
        size = max(1.0, float(np.linalg.norm(root.x)))
        k = next((i for i, fp in enumerate(fps) if fp.symmetric == symmetric
                  and distance_modulo_rotation(fp.x, root.x, system.rotation) <= mtol * size), None)
        if k is None:
            return None, None, "the continued physical state is not among the states the starts found"
        fp = fps[k]
        if not fp.stable or analysis.n_stable != 1:
            return None, None, f"{analysis.n_stable} stable state(s)"
        if not _margin_ok(fp.stability, margin):
            return None, None, f"the physical state is near a bifurcation (max Re λ = {fp.stability.max_real_eigenvalue:.3g})"
    states = [_steady_state(system, f) for f in fps]
    summary = analysis.status.split(": ", 1)[1] if ": " in analysis.status else analysis.status
    status = f"ok: {summary}; physical: state {k} (stable), continued by Newton from {anchor.label}"
    result = MethodResult(states, states[k], True, status, dict(anchor.settings), attractor="fixed_point")
    nxt = Anchor(anchor.label, [f.x for f in fps], [f.nu for f in fps], [f.stable for f in fps],
                 [f.symmetric for f in fps], k, [], anchor.settings)
    return result, nxt, ""
