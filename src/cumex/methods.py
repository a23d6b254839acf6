"""The "order" axis: which method solves a grid point, parsed once, and which engine serves it.

An order is a string of the grammar (the one place it is defined)::

    exact            the exact steady state of the master equation (the model's exact engine)
    limit            the exact N → ∞ limit of the point's scaling (N = inf in the data)
    M                a cumulant expansion of order M ≥ 1 (1 = mean-field), U(1)-symmetric for M ≥ 2
    M_broken         order M keeping the moments of non-zero U(1) charge

:func:`parse_method` turns it into a :class:`Method`; :func:`engine_for` finds the engine a model
names for it (``Model.engines``: a key "exact", "limit", an order label, or "cumulant" for any order),
imported lazily so that importing this module stays cheap. Every engine is called as
``engine.solve(model, method, params, settings) -> MethodResult`` with the point's concrete parameters
(:mod:`cumex.engines`). :func:`check_settings` rejects, before any work, a setting no engine of the
study reads or a value an engine does not accept.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cumex.errors import CumexInputError

if TYPE_CHECKING:
    from cumex.engines import Engine
    from cumex.models.spec import Model

__all__ = ["Method", "ORDER_PATTERN", "MAX_ORDER", "parse_method", "validate_order", "engine_for", "orders_allowed",
           "check_settings", "known_settings"]

#: the highest cumulant order the grammar admits (a model may offer fewer: ``Model.max_order``)
MAX_ORDER = 14
ORDER_PATTERN = re.compile(r"\A(?:exact|limit|(?P<M>[1-9][0-9]?)(?P<broken>_broken)?)\Z")

@dataclass(frozen=True)
class Method:
    """A parsed order: ``kind`` is "exact", "limit" or "cumulant" (with ``order`` M and ``broken``)."""

    kind: str
    order: int = 0
    broken: bool = False

    @property
    def label(self) -> str:
        """The canonical string of the order axis ("exact", "limit", "3", "3_broken")."""
        if self.kind != "cumulant":
            return self.kind
        return f"{self.order}_broken" if self.broken else str(self.order)

    @property
    def symmetry(self) -> str:
        """"broken" or "u1": mean-field is always symmetry-broken (its U(1) version is trivial)."""
        return "broken" if self.broken or self.order == 1 else "u1"

    def __str__(self) -> str:
        return self.label


def orders_allowed(max_order: int = MAX_ORDER) -> str:
    return f"'exact', 'limit', a cumulant order 1..{max_order} (1 = mean-field), or 'M_broken' for a symmetry-broken order M"


def parse_method(order: object, model: Model | None = None) -> Method:
    """The :class:`Method` of an order string (integers are read as orders); CumexInputError if bad.

    With ``model``, also checks that the model offers it (an engine for it, M ≤ ``model.max_order``).
    """
    if isinstance(order, bool):
        raise CumexInputError("order", order, orders_allowed())
    text = str(order)
    match = ORDER_PATTERN.match(text)
    if not match:
        raise CumexInputError("order", order, orders_allowed())
    if text in ("exact", "limit"):
        method = Method(text)
    else:
        M = int(match["M"])
        if M > MAX_ORDER:
            raise CumexInputError("order", order, orders_allowed())
        method = Method("cumulant", M, bool(match["broken"]))
    if model is not None:
        _engine_key(model, method)
    return method


def validate_order(order: object, model: Model | None = None) -> str:
    """The canonical label of an order (see :func:`parse_method`)."""
    return parse_method(order, model).label


def _engine_key(model: Model, method: Method, engine: str = "auto") -> str:
    offered = _offered(model)
    if method.kind == "cumulant":
        if method.order > model.max_order and model.max_order:
            raise CumexInputError("order", method.label, f"an order this model offers: {offered}")
        if method.symmetry == "u1" and not model.u1_symmetric:
            raise CumexInputError("order", method.label, f"'{method.order}_broken': {model.name} breaks the U(1) symmetry, "
                                  "so its cumulant orders keep the moments of non-zero charge")
        if engine != "derived" and method.label in model.engines:
            return method.label
        if "cumulant" in model.engines:
            return "cumulant"
        if method.label in model.engines:
            return method.label
    elif method.kind in model.engines:
        return method.kind
    raise CumexInputError("order", method.label, f"an order model {model.name!r} offers: {offered}")


def _offered(model: Model) -> str:
    parts = [k for k in ("exact", "limit") if k in model.engines]
    if "cumulant" in model.engines:
        parts.append(f"1..{model.max_order} and M_broken")
    else:
        parts += [k for k in model.engines if k not in ("exact", "limit")]
    return ", ".join(parts)


def engine_for(model: Model, method: Method, engine: str = "auto") -> Engine:
    """The engine function that solves ``method`` for ``model``.

    ``engine`` ("auto", "handwritten", "derived") picks, where a model has hand-written equations for an
    order as well as the cumulant engine, between them ("auto" takes the hand-written ones).
    """
    if engine not in {"auto", "handwritten", "derived"}:
        raise CumexInputError("settings.engine", engine, "'auto', 'handwritten' or 'derived'")
    return _load(model.engines[_engine_key(model, method, engine)])


def _load(target: str) -> Engine:
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)


def known_settings(model: Model, methods: Iterable[Method], engine: str = "auto") -> dict[str, object]:
    """Every setting the engines of ``methods`` read, with its default (plus the common ones)."""
    from cumex.engines import COMMON_SETTINGS

    known: dict[str, object] = dict(COMMON_SETTINGS)
    for method in methods:
        known.update(engine_for(model, method, engine).defaults())
    return known


def check_settings(model: Model, methods: Iterable[Method], settings: Mapping[str, object], key: str = "settings") -> dict[str, object]:
    """``settings`` checked for the engines of ``methods``: unknown keys and bad values raise
    :class:`CumexInputError` naming the key, the value and what is allowed. Returns the settings with
    every default filled in (what the solves will use)."""

    settings = dict(settings)
    engine = settings.get("engine", "auto")
    if engine not in {"auto", "handwritten", "derived"}:
        raise CumexInputError(f"{key}.engine", engine, "'auto', 'handwritten' or 'derived'")
    methods = list(methods)
    known = known_settings(model, methods, str(engine))
    for name, value in settings.items():
        if name not in known:
            raise CumexInputError(f"{key}.{name}", value, "a setting of the methods in use: " + ", ".join(sorted(known)))
    timeout = settings.get("timeout_seconds")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0
                                or timeout != timeout or timeout == float("inf")):
        raise CumexInputError(f"{key}.timeout_seconds", timeout, "a finite number of seconds > 0, or null for no limit")
    for method in methods:
        engine_for(model, method, str(engine)).check(settings)
    return {**known, **settings}
