"""Grid points of any model with operator data, solved with derived cumulant equations of any order.

``solve_order(order, params, settings, model=...)``: order ``"M"`` is the U(1)-symmetric expansion of
order M (moments on at most M sites), ``"M_broken"`` keeps moments of non-zero U(1) charge; ``"1"``
(mean field) is always symmetry-broken since its symmetric version is trivial. ``params`` are the
concrete parameters (a mapping, or a parameters dataclass with ``as_dict``); the model's operator data
(``Model.operators``, e.g. :mod:`cumex.models.central_spin_operators`) gives the equations; the compiled
system comes from the disk cache
(:mod:`cumex.cumulants.cache`, folder from the ``cache_dir`` setting); steady states from
``cumex.steady.analyse``.

Settings read here: ``compiled`` (path of a file made by ``write_compiled`` / ``cumex derive --out``, e.g.
the workflow's ``derive`` rule output; it must hold this order and variant), else ``cache_dir`` (str) for
the disk cache; ``seed`` (symmetry-breaking seed added to ⟨σ+⟩ of every site in the initial state,
default 0.01); ``lower_order_guess`` (default: on for U(1) orders ≥ 3): the fixed points of order M - 1
(multi-start Newton, no integration) lifted to order M (:mod:`.lift`) are added to Newton's starts.
All settings are passed on to the steady-state analysis.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Mapping

import numpy as np

from cumex.cumulants.bind import bind
from cumex.cumulants.cache import compiled_system, get_model, load_compiled
from cumex.cumulants.compile import CompiledSystem
from cumex.cumulants.lift import lift_state
from cumex.errors import CumexInputError
from cumex.methods import parse_method
from cumex.results import MethodResult
from cumex.steady import analyse
from cumex.steady.system import RealODESystem

__all__ = ["parse_order", "cumulant_system", "central_spin_system", "lower_order_guesses", "solve_order"]


def parse_order(order: str) -> tuple[int, str]:
    """"3" -> (3, "u1"), "3_broken" -> (3, "broken"), "1" -> (1, "broken")."""
    method = parse_method(order)
    if method.kind != "cumulant":
        raise CumexInputError("order", order, "a cumulant order M >= 1, or 'M_broken' for a symmetry-broken order M")
    return method.order, method.symmetry


def _values(params) -> dict[str, float]:
    return dict(params.as_dict()) if hasattr(params, "as_dict") else dict(params)


def cumulant_system(model: str, order: str, params, settings: Mapping[str, object] | None = None) -> RealODESystem:
    """The bound real ODE system of ``model`` at this order and grid point."""
    settings = dict(settings or {})
    M, symmetry = parse_order(order)
    operators = get_model(model)
    if settings.get("compiled"):
        compiled = _load_file(str(settings["compiled"]))
        if (compiled.model, compiled.order, compiled.symmetry) != (operators.name, M, symmetry):
            raise CumexInputError(
                "compiled", settings["compiled"],
                f"a compiled {operators.name} system of order {M} ({symmetry}); the file holds "
                f"{compiled.model} order {compiled.order} ({compiled.symmetry})",
            )
    else:
        compiled = compiled_system(model, M, symmetry, settings.get("cache_dir"))  # type: ignore[arg-type]
    system = bind(compiled, _values(params), operators.initial_sites, seed=float(settings.get("seed", 0.01)))
    if operators.u1_violations():  # no U(1) symmetry: steady states are fixed points, not rotating ones
        system.rotation = None
    system.meta["order"] = order
    return system


def central_spin_system(order: str, params, settings: Mapping[str, object] | None = None) -> RealODESystem:
    """:func:`cumulant_system` of the central spin model."""
    return cumulant_system("central_spin", order, params, settings)


@lru_cache(maxsize=32)
def _load_file(path: str) -> CompiledSystem:
    return load_compiled(path)


def lower_order_guesses(order: str, params, settings: Mapping[str, object], model: str = "central_spin") -> list[np.ndarray]:
    """Every fixed point of order M - 1 (same variant) lifted into order M's unknowns."""
    from cumex.steady import find_steady_states

    M, symmetry = parse_order(order)
    if M < 2:
        return []
    lower_order = str(M - 1) + ("_broken" if symmetry == "broken" and M > 2 else "")
    lower_settings = {k: v for k, v in settings.items() if k != "compiled"}
    lower = cumulant_system(model, lower_order, params, lower_settings)
    upper = cumulant_system(model, order, params, settings)
    found = find_steady_states(lower, settings=lower_settings, find_physical=False)
    lb, ub = lower.meta["bound"], upper.meta["bound"]
    return [lift_state(lb, fp.x, ub) for fp in found.fixed_points]  # type: ignore[arg-type]


def solve_order(order: str, params, settings: Mapping[str, object], model: str = "central_spin") -> MethodResult:
    start = time.perf_counter()
    system = cumulant_system(model, order, params, settings)
    M, symmetry = parse_order(order)
    guesses: list[np.ndarray] = []
    if settings.get("lower_order_guess", symmetry == "u1" and M >= 3):
        guesses = lower_order_guesses(order, params, settings, model)
    result = analyse(system, settings, guesses) if guesses else analyse(system, settings)
    result.settings = {**result.settings, "order": str(order), "engine": "derived", "n_unknowns": system.size}
    result.settings.setdefault("solve_seconds", time.perf_counter() - start)
    return result
