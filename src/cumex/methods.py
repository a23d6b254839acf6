"""The "order" axis: which method solves a central-spin grid point.

An order is a string: ``"exact"`` (U(1)-reduced permutation-symmetric Liouvillian), ``"1"``
(mean-field, symmetry-broken), ``"M"`` for M ≥ 2 (cumulant expansion of order M, U(1)-symmetric),
or ``"M_broken"`` (order M keeping moments of non-zero U(1) charge). Each order maps to a solver
``solve(params, settings) -> MethodResult``; engines register themselves here lazily so that importing
this module stays cheap.
"""

from __future__ import annotations

import importlib
import re
from typing import Callable, Mapping

from cumex.errors import CumexInputError
from cumex.models.central_spin import CentralSpinParameters
from cumex.results import MethodResult

__all__ = ["ORDER_PATTERN", "solver_for", "validate_order", "MAX_ORDER"]

Solver = Callable[[CentralSpinParameters, Mapping[str, object]], MethodResult]

#: the highest cumulant order offered (derivation cost grows quickly beyond it)
MAX_ORDER = 8
ORDER_PATTERN = re.compile(r"^(exact|[1-8](_broken)?)$")

# order -> "module:function"; modules are imported on first use
_HANDWRITTEN = {"1": "cumex.handwritten.central_spin:solve_mean_field", "2": "cumex.handwritten.central_spin:solve_order2"}
_EXACT = "cumex.exact.solver:solve"
_DERIVED = "cumex.cumulants.solver:solve_order"


def validate_order(order: str) -> str:
    order = str(order)
    if not ORDER_PATTERN.match(order):
        raise CumexInputError(
            "order", order, f"'exact', an integer 1..{MAX_ORDER}, or 'M_broken' for a symmetry-broken order M"
        )
    return order


def _load(target: str):
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)


def solver_for(order: str, engine: str = "auto") -> Solver:
    """The solver for an order.

    ``engine`` picks, for orders 1 and 2, between the hand-written equations (``"handwritten"``, also
    what ``"auto"`` takes) and those derived automatically (``"derived"``); higher orders are always derived.
    """
    order = validate_order(order)
    if order == "exact":
        return _load(_EXACT)
    if engine not in {"auto", "handwritten", "derived"}:
        raise CumexInputError("engine", engine, "'auto', 'handwritten' or 'derived'")
    if order in _HANDWRITTEN and engine != "derived":
        return _load(_HANDWRITTEN[order])
    derived = _load(_DERIVED)

    def solve(params: CentralSpinParameters, settings: Mapping[str, object]) -> MethodResult:
        return derived(order, params, settings)

    return solve
