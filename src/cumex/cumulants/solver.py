"""Grid points solved with derived cumulant equations of any order (central spin, Tavis–Cummings, ...).

``solve_order(order, params, settings)``: order ``"M"`` is the U(1)-symmetric expansion of order M
(moments on at most M sites), ``"M_broken"`` keeps moments of non-zero U(1) charge; ``"1"`` (mean field)
is always symmetry-broken since its symmetric version is trivial. The model is
:mod:`cumex.models.central_spin_operators`; the compiled system comes from the disk cache
(:mod:`cumex.cumulants.cache`, folder from the ``cache_dir`` setting); steady states from
``cumex.steady.analyse``.

Settings read here: ``compiled`` (path of a file made by ``write_compiled`` / ``cumex derive --out``, e.g.
the workflow's ``derive`` rule output; it must hold this order and variant), else ``cache_dir`` (str) for
the disk cache; ``seed`` (symmetry-breaking seed added to ⟨σ+⟩ of every site in the initial state,
default 0.01); ``lower_order_guess`` (default: on for U(1) orders ≥ 3): the fixed points of order M - 1
(multi-start Newton, no integration) lifted to order M (:mod:`.lift`) are added to Newton's starts.
All settings are passed on to the steady-state analysis.

Any registered model (:data:`cumex.cumulants.cache.MODELS`) is solved the same way by
``solve_model_order(model, order, values, settings)`` with ``values`` a mapping of its parameters and N
(orders up to the engine's limit 12; the central spin's orders are those ``cumex.methods`` admits).
"""

from __future__ import annotations

import re
import time
from functools import lru_cache
from typing import Mapping

import numpy as np

from cumex.cumulants.bind import bind
from cumex.cumulants.cache import compiled_system, get_model, load_compiled
from cumex.cumulants.compile import CompiledSystem
from cumex.cumulants.lift import lift_state
from cumex.errors import CumexInputError
from cumex.methods import ORDER_PATTERN
from cumex.models.central_spin import CentralSpinParameters
from cumex.results import MethodResult
from cumex.steady import analyse
from cumex.steady.system import RealODESystem

__all__ = [
    "parse_order",
    "model_system",
    "central_spin_system",
    "lower_order_guesses",
    "solve_model_order",
    "solve_order",
]

#: orders the engine derives (any model); the central spin's admitted orders come from cumex.methods
ENGINE_ORDER_PATTERN = re.compile(r"^(1[0-2]|[1-9])(_broken)?$")


def parse_order(order: str, pattern: re.Pattern[str] = ORDER_PATTERN) -> tuple[int, str]:
    """"3" -> (3, "u1"), "3_broken" -> (3, "broken"), "1" -> (1, "broken")."""
    order = str(order)
    if order == "exact" or not pattern.match(order) or not ENGINE_ORDER_PATTERN.match(order):
        top = "8" if pattern is ORDER_PATTERN else "12"
        raise CumexInputError("order", order, f"an integer 1..{top}, or 'M_broken' for a symmetry-broken order M")
    if order.endswith("_broken"):
        return int(order.split("_")[0]), "broken"
    M = int(order)
    return M, "broken" if M == 1 else "u1"


def _pattern(model: str) -> re.Pattern[str]:
    return ORDER_PATTERN if model == "central_spin" else ENGINE_ORDER_PATTERN


def _values(params: CentralSpinParameters | Mapping[str, float]) -> dict[str, float]:
    return dict(params.as_dict()) if hasattr(params, "as_dict") else {k: float(v) for k, v in params.items()}


def model_system(
    model: str, order: str, values: Mapping[str, float], settings: Mapping[str, object] | None = None
) -> RealODESystem:
    """The bound real ODE system of ``model`` at this order and parameter point (``values`` incl. N)."""
    settings = dict(settings or {})
    M, symmetry = parse_order(order, _pattern(model))
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
    seed = float(settings.get("seed", spec.default_seed))  # type: ignore[arg-type]
    system = bind(compiled, values, spec.initial_sites, seed=seed)
    system.meta["order"] = order
    return system


def central_spin_system(order: str, params: CentralSpinParameters, settings: Mapping[str, object] | None = None) -> RealODESystem:
    """The bound real ODE system of the central spin model at this order and grid point."""
    return model_system("central_spin", order, params.as_dict(), settings)


@lru_cache(maxsize=32)
def _load_file(path: str) -> CompiledSystem:
    return load_compiled(path)


def lower_order_guesses(
    order: str, params: CentralSpinParameters | Mapping[str, float], settings: Mapping[str, object], model: str = "central_spin"
) -> list[np.ndarray]:
    """Every fixed point of order M - 1 (same variant) lifted into order M's unknowns."""
    from cumex.steady import find_steady_states

    M, symmetry = parse_order(order, _pattern(model))
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
    model: str, order: str, values: CentralSpinParameters | Mapping[str, float], settings: Mapping[str, object]
) -> MethodResult:
    """Steady states of ``model`` at ``order`` (see the module docstring for the settings)."""
    start = time.perf_counter()
    system = model_system(model, order, _values(values), settings)
    M, symmetry = parse_order(order, _pattern(model))
    guesses: list[np.ndarray] = []
    if settings.get("lower_order_guess", symmetry == "u1" and M >= 3):
        guesses = lower_order_guesses(order, values, settings, model)
    result = analyse(system, settings, guesses) if guesses else analyse(system, settings)
    result.settings = {**result.settings, "order": str(order), "engine": "derived", "n_unknowns": system.size}
    result.settings.setdefault("solve_seconds", time.perf_counter() - start)
    return result


def solve_order(order: str, params: CentralSpinParameters, settings: Mapping[str, object]) -> MethodResult:
    """A central-spin grid point (``cumex.methods`` calls this for the derived orders)."""
    return solve_model_order("central_spin", order, params, settings)
