"""Grid points of any model with operator data (central spin, Tavis–Cummings, a user's, ...), solved
with derived cumulant equations of any order.

``solve_model_order(model, order, values, settings)``: order ``"M"`` is the U(1)-symmetric expansion of
order M (moments of at most M operators), ``"M_broken"`` keeps moments of non-zero U(1) charge; ``"1"``
(mean field) is always symmetry-broken since its symmetric version is trivial. The model's operator data
(``Model.operators``, e.g. :mod:`cumex.models.central_spin_operators`) give the equations; a model
without U(1) symmetry has no rotating frame (its steady states are fixed points). The compiled system
comes from the disk cache
(:mod:`cumex.cumulants.cache`, folder from the ``cache_dir`` setting); steady states from
``cumex.steady.analyse``.

Settings read here: ``compiled`` (path of a file made by ``write_compiled`` / ``cumex derive --out``, e.g.
the workflow's ``derive`` rule output; it must hold this order and variant), else ``cache_dir`` (str) for
the disk cache; ``seed`` (symmetry-breaking seed added to ⟨σ+⟩ of every site in the initial state,
default 0.01); ``lower_order_guess`` (default: on for U(1) orders ≥ 3): the fixed points of order M - 1
(multi-start Newton, no integration) lifted to order M (:mod:`.lift`) are added to Newton's starts.
``continue_in_N`` (default on): when the analysis at N finds no steady state at all (its starts fail, as
for order 5 at N = 10^6), the physical stable state at a smaller N0 = N/10^k (k = 3, 4, ..., N0 ≥ 10) is
followed to N by Newton continuation (:mod:`.continuation`, 8 log-spaced steps per decade) along the path
N' ↦ (g, κ N'/N, other rates fixed), on which the cooperativity g²N'/κ' and so the mean-field threshold
stay those of the target point; past a fold the nearest fixed point there is followed on. The state
reached is reported (status says how, ``settings["continued_from_N"]`` = N0); it is the physical state
if stable. If it is unstable, the order's equations at N are integrated from it (kicked along its
leading mode, implicit Radau: the rates grow ∝ N) onto their attractor: a limit cycle (order 5 at
N = 10^6, fixed κ/N: period ≈ 6.3) is reported as :func:`cumex.steady.analyse` reports one (status
"ok: limit_cycle: ...", ``physical`` the time averages, ``attractor`` and the period in its info), a
stable fixed point reached instead as the physical state. All settings are passed on to the
steady-state analysis.

``values`` is a mapping of the model's concrete parameters and N (or a parameters dataclass with
``as_dict``); orders up to :data:`cumex.methods.MAX_ORDER` (a model may offer fewer, ``Model.max_order``,
checked by :mod:`cumex.methods`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from functools import lru_cache

import numpy as np

from cumex.cumulants.bind import bind
from cumex.cumulants.cache import compiled_system, get_model, load_compiled
from cumex.cumulants.compile import CompiledSystem
from cumex.cumulants.lift import lift_state
from cumex.errors import CumexInputError
from cumex.methods import parse_method
from cumex.results import MethodResult, SteadyState
from cumex.steady import analyse
from cumex.steady.analysis import read_settings
from cumex.steady.system import RealODESystem

__all__ = [
    "parse_order",
    "model_system",
    "central_spin_system",
    "lower_order_guesses",
    "solve_model_order",
    "continuation_path",
    "continued_in_N",
    "solve_order",
]

def parse_order(order: str) -> tuple[int, str]:
    """"3" -> (3, "u1"), "3_broken" -> (3, "broken"), "1" -> (1, "broken")."""
    method = parse_method(order)
    if method.kind != "cumulant":
        raise CumexInputError("order", order, "a cumulant order M >= 1, or 'M_broken' for a symmetry-broken order M")
    return method.order, method.symmetry


def _values(params: Mapping[str, float]) -> dict[str, float]:
    return dict(params.as_dict()) if hasattr(params, "as_dict") else {k: float(v) for k, v in params.items()}


def model_system(
    model: str, order: str, values: Mapping[str, float], settings: Mapping[str, object] | None = None
) -> RealODESystem:
    """The bound real ODE system of ``model`` at this order and parameter point (``values`` incl. N)."""
    settings = dict(settings or {})
    M, symmetry = parse_order(order)
    spec = get_model(model)
    if settings.get("compiled"):
        compiled = _load_file(str(settings["compiled"]))
        if (compiled.model, compiled.order, compiled.symmetry) != (model, M, symmetry):
            raise CumexInputError(
                "compiled", settings["compiled"],
                f"a compiled {model} system of order {M} ({symmetry}); the file holds "
                f"{compiled.model} order {compiled.order} ({compiled.symmetry})",
            )
    else:
        compiled = compiled_system(model, M, symmetry, settings.get("cache_dir"))  # type: ignore[arg-type]
    given_seed = settings.get("seed")
    seed = spec.default_seed if given_seed is None else float(given_seed)  # type: ignore[arg-type]
    system = bind(compiled, values, spec.initial_sites, seed=seed)
    if spec.u1_violations():  # no U(1) symmetry: steady states are fixed points, not rotating ones
        system.rotation = None
    system.meta["order"] = order
    return system


def central_spin_system(order: str, params, settings: Mapping[str, object] | None = None) -> RealODESystem:
    """The bound real ODE system of the central spin model at this order and grid point."""
    return model_system("central_spin", order, params.as_dict(), settings)


@lru_cache(maxsize=32)
def _load_file(path: str) -> CompiledSystem:
    return load_compiled(path)


def lower_order_guesses(
    order: str, params: Mapping[str, float], settings: Mapping[str, object], model: str = "central_spin"
) -> list[np.ndarray]:
    """Every fixed point of order M - 1 (same variant) lifted into order M's unknowns."""
    from cumex.steady import find_steady_states

    M, symmetry = parse_order(order)
    if M < 2:
        return []
    lower_order = str(M - 1) + ("_broken" if symmetry == "broken" and M > 2 else "")
    lower_settings = {k: v for k, v in settings.items() if k != "compiled"}
    lower = model_system(model, lower_order, _values(params), lower_settings)
    upper = model_system(model, order, _values(params), settings)
    found = find_steady_states(lower, settings=lower_settings, find_physical=False)
    lb, ub = lower.meta["bound"], upper.meta["bound"]
    return [lift_state(lb, fp.x, ub) for fp in found.fixed_points]  # type: ignore[arg-type]


def solve_model_order(
    model: str, order: str, values: Mapping[str, float], settings: Mapping[str, object]
) -> MethodResult:
    """Steady states of ``model`` at ``order`` (see the module docstring for the settings)."""
    start = time.perf_counter()
    system = model_system(model, order, _values(values), settings)
    M, symmetry = parse_order(order)
    guesses: list[np.ndarray] = []
    if settings.get("lower_order_guess", symmetry == "u1" and M >= 3):
        guesses = lower_order_guesses(order, values, settings, model)
    result = analyse(system, settings, guesses) if guesses else analyse(system, settings)
    if result.physical is None and not result.states and settings.get("continue_in_N", True):
        continued = continued_in_N(model, order, _values(values), settings)
        if continued is not None:
            result = continued
    result.settings = {**result.settings, "order": str(order), "engine": "derived", "n_unknowns": system.size}
    result.settings.setdefault("solve_seconds", time.perf_counter() - start)
    return result


def continuation_path(values: Mapping[str, float]):
    """N' ↦ parameter values at N' on the path to ``values`` (g fixed, κ ∝ N': constant cooperativity)."""
    N = float(values["N"])

    def at(N_prime: float) -> dict[str, float]:
        return {**values, "N": float(N_prime), "kappa": float(values["kappa"]) * float(N_prime) / N}

    return at


def _follow_past_folds(model: str, order: str, at, Ns: np.ndarray, x0: np.ndarray, sub: Mapping[str, object]):
    """follow_branch through Ns; where the branch ends (a fold), restart from the fixed point nearest to
    the last branch state among those a multi-start finds at the first unreachable N. Returns
    (last BranchPoint or None, list of fold N)."""
    from cumex.cumulants.continuation import follow_branch
    from cumex.steady import find_steady_states

    folds: list[float] = []
    x = x0
    while True:
        points = follow_branch(lambda n: model_system(model, order, at(n), sub), Ns, x)  # type: ignore[arg-type]
        if points[-1] is not None or len(folds) >= 2:
            return points[-1], folds
        k = next(i for i, pt in enumerate(points) if pt is None)
        if k == 0:
            return None, folds
        folds.append(float(Ns[k]))
        last = points[k - 1].x  # type: ignore[union-attr]
        found = find_steady_states(model_system(model, order, at(Ns[k]), sub), settings={**sub, "n_random": 16},
                                   find_physical=False)
        if not found.fixed_points:
            return None, folds
        x = min(found.fixed_points, key=lambda fp: float(np.linalg.norm(fp.x - last))).x
        Ns = Ns[k:]


def continued_in_N(
    model: str, order: str, values: Mapping[str, float], settings: Mapping[str, object], per_decade: int = 8
) -> MethodResult | None:
    """The physical state at a smaller N followed to ``values["N"]`` (see the module docstring); None
    when no smaller N gives a stable physical state or no branch reaches N. A branch that ends in a
    fold is continued from the nearest fixed point there (as ``benchmarks/cumulants.py`` does); if the
    state reached at N is unstable, the attractor its equations reach from it is reported (module docstring);
    where that analysis fails, the unstable state is in ``states`` only (no physical state)."""
    from cumex.steady import find_steady_states

    N = float(values["N"])
    at = continuation_path(values)
    sub = {k: v for k, v in settings.items() if k not in {"compiled", "continue_in_N"}}
    k = 3
    while N / 10**k >= 10.0:
        N0 = N / 10**k
        k += 1
        found = find_steady_states(model_system(model, order, at(N0), sub), settings=sub)
        if found.physical is None or not found.physical.stable:
            continue
        Ns = np.logspace(np.log10(N0), np.log10(N), int(round(per_decade * np.log10(N / N0))) + 1)
        last, folds = _follow_past_folds(model, order, at, Ns, found.physical.x, sub)
        if last is None:
            continue
        state = SteadyState(
            observables={k: float(v) for k, v in last.observables.items()},
            stable=last.stable,
            residual=last.residual,
            info={"max_real_eigenvalue": last.max_real_eigenvalue, "frequency": last.nu},
        )
        how = f"continued in N from the physical state at N0 = {N0:.6g} at fixed g and κ/N ({len(Ns)} points"
        how += f"; past fold(s) near N = {', '.join(f'{f:.4g}' for f in folds)})" if folds else ")"
        if last.stable:
            status = f"ok: the starts at N found no physical state; stable state {how}"
            return MethodResult([state], state, True, status, {**read_settings(settings), "continued_from_N": N0},
                                attractor="fixed_point")
        result = _attractor_past_unstable(model_system(model, order, values, sub), last, state, how, sub)
        result.settings = {**read_settings(settings), "continued_from_N": N0}
        return result
    return None


def _attractor_past_unstable(system: RealODESystem, last, state: SteadyState, how: str,
                             settings: Mapping[str, object]) -> MethodResult:
    """The continued fixed point at N is unstable: follow the order's own equations from it (a kick of
    relative size ``KICK`` along its leading mode) onto their attractor, with the implicit Radau
    integrator (at large N the rates grow ∝ N and an explicit method's steps ~1/ρ(J) are unaffordable;
    the attractor is slow: its time scales are those of the leading mode). A limit cycle (or an irregular
    attractor) is a result: ``physical`` holds its time averages, as :func:`cumex.steady.analyse` reports
    one; a stable fixed point reached instead is polished and reported."""
    from cumex.steady import attractors
    from cumex.steady.analysis import _steady_state
    from cumex.steady.fallback import KICK, leading_mode
    from cumex.steady.newton import newton_root
    from cumex.steady.stability import classify_stability

    unstable = (f"the fixed point {how} is unstable (max Re λ = {last.max_real_eigenvalue:.3g})")
    failed = MethodResult([state], None, False, f"failed: no stable steady state at N; {unstable}, "
                          "reported in states only", {})
    with np.errstate(all="ignore"):
        lam, v, _ = leading_mode(system, last.x, last.nu)
    if not (np.isfinite(lam) and lam.real > 0.0):
        return failed
    cfg: dict[str, object] = {}
    if lam.imag != 0.0:  # oscillatory: sample and average on the period the linear mode suggests
        P = 2.0 * np.pi / abs(lam.imag)
        t_transient = min(20.0 * P + 1.5 * np.log(1.0 / KICK) / lam.real,
                          float(attractors.DEFAULT_SETTINGS["t_transient"]))
        cfg = {"dt": P / 100.0, "t_window": 200.0 * P, "t_transient": t_transient, "t_lyapunov": 200.0 * P,
               "lyapunov_interval": 5.0 * P, "t_max": t_transient + 8.0 * 200.0 * P}
    cfg.update({k[len("attractor_"):]: val for k, val in settings.items() if k.startswith("attractor_")
                and k != "attractor_max_work"})
    direction = np.real(v) if np.linalg.norm(np.real(v)) > 1e-3 * np.linalg.norm(v) else np.imag(v)
    start = last.x + KICK * max(1.0, float(np.linalg.norm(last.x))) * direction / np.linalg.norm(direction)
    try:
        att = attractors.follow(system, start, cfg, start="initial", method="Radau")
    except (np.linalg.LinAlgError, FloatingPointError, OverflowError, ZeroDivisionError, ValueError) as exc:
        failed.status += f"; following its equations from it raised {exc!r}"
        return failed
    where = f"the trajectory from it (kick {KICK:g} along its leading mode λ = {lam:.4g}, Radau) {att.message}"
    if att.kind == "fixed_point":
        tol = float(read_settings(settings)["residual_tol"])  # type: ignore[arg-type]
        root = newton_root(system, att.x_end, residual_tol=tol)
        if root is None or (system.admissible is not None and not system.admissible(root.x)):
            failed.status += f"; {where}, but Newton from its end failed"
            return failed
        from cumex.steady.analysis import FixedPoint

        stab = classify_stability(system, root.x, root.nu, float(read_settings(settings)["stability_tol"]))  # type: ignore[arg-type]
        other = _steady_state(system, FixedPoint(root.x, root.nu, root.residual, stab, True, ["attractor"]))
        if not stab.stable:
            failed.states.append(other)
            failed.status += f"; {where}, on another unstable state"
            return failed
        return MethodResult([state, other], other, True, f"ok: stable state reached from {unstable}: {where}", {},
                            attractor="fixed_point")
    if not att.averages or "integration failed" in att.message:
        failed.status += f"; {where}"
        return failed
    info = {"period": att.period, "lyapunov": att.lyapunov, "window": att.window,
            **{f"error_{k}": float(val) for k, val in att.errors.items()},
            **{f"amplitude_{k}": float(val) for k, val in att.amplitude.items()}}
    averaged = SteadyState(observables={k: float(val) for k, val in att.averages.items()}, stable=False,
                           residual=float("nan"), info=info)
    what = (f"a limit cycle of period {att.period:.6g}" if att.kind == "limit_cycle"
            else f"an irregular attractor (largest Lyapunov exponent {att.lyapunov:.3g})")
    status = (f"ok: {att.kind}: no stable steady state at N; {unstable}; the order's equations from it reach "
              f"{what}, observables are time averages over {att.window:.6g} ({where})")
    return MethodResult([state], averaged, True, status, {}, attractor=att.kind)


def solve_order(order: str, params, settings: Mapping[str, object], model: str = "central_spin") -> MethodResult:
    """:func:`solve_model_order` with the order first (a central-spin point by default)."""
    return solve_model_order(model, order, params, settings)
