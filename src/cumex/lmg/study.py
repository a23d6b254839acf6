"""The LMG-dimer study: config check, the (J, λ) grid, the Fig. 3 cuts, and batch solvers.

A study is the mapping under the top-level key ``lmg_dimer`` of a YAML config (``config/lmg_dimer.yaml``):

    lmg_dimer:
      study: NAME                              # results go to results/NAME/
      parameters: {g: 1.0, gamma: 0.5}         # fixed parameters (any of g, gamma)
      grid:                                    # the mean-field phase diagram
        J: {start: -2.0, stop: 2.0, num: 81}
        lambda: {start: 0.0, stop: 1.5, num: 61}
      cuts:                                    # Fig. 3: name -> the one fixed coordinate
        a: {lambda: 0.2}
        d: {J: 1.5}
      exact: {S: [1, 2, 3, 4], points: 41}     # exact solves along each cut
      settings: {...}                          # solver settings (cumex.steady.attractors, cumex.lmg.solver)
      figures: {formats: [png]}

Mean-field is solved one J row per job (:func:`solve_row`): a 81 × 61 grid is 81 jobs, not 4,941.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import xarray as xr

from cumex.errors import CumexInputError
from cumex.lmg.dataset import solve_point

__all__ = ["validate_study", "axis_values", "cut_axis", "solve_row", "solve_cut"]

_KEYS = {"study", "parameters", "grid", "cuts", "exact", "settings", "figures"}


def _axis(spec: object, key: str) -> np.ndarray:
    if not isinstance(spec, Mapping) or set(spec) != {"start", "stop", "num"}:
        raise CumexInputError(key, spec, "a mapping {start: number, stop: number, num: integer >= 1}")
    num = spec["num"]
    if isinstance(num, bool) or not isinstance(num, int) or num < 1:
        raise CumexInputError(f"{key}.num", num, "an integer >= 1")
    try:
        start, stop = float(spec["start"]), float(spec["stop"])
    except (TypeError, ValueError):
        raise CumexInputError(key, spec, "numbers for start and stop") from None
    return np.round(np.linspace(start, stop, num), 12)


def validate_study(cfg: Mapping[str, object]) -> dict[str, object]:
    """Check the ``lmg_dimer`` mapping; raises :class:`CumexInputError` naming the key."""
    if not isinstance(cfg, Mapping):
        raise CumexInputError("lmg_dimer", cfg, "a mapping with keys " + ", ".join(sorted(_KEYS)))
    unknown = set(cfg) - _KEYS
    if unknown:
        raise CumexInputError(f"lmg_dimer.{sorted(unknown)[0]}", cfg[sorted(unknown)[0]], "one of " + ", ".join(sorted(_KEYS)))
    for key in ("study", "grid"):
        if key not in cfg:
            raise CumexInputError(f"lmg_dimer.{key}", None, "a required key")
    params = dict(cfg.get("parameters") or {})
    for key in params:
        if key not in {"g", "gamma"}:
            raise CumexInputError(f"lmg_dimer.parameters.{key}", params[key], "g or gamma (J, lambda, S come from the grid)")
    grid = cfg["grid"]
    if not isinstance(grid, Mapping) or set(grid) != {"J", "lambda"}:
        raise CumexInputError("lmg_dimer.grid", grid, "a mapping with keys J and lambda")
    for name in ("J", "lambda"):
        _axis(grid[name], f"lmg_dimer.grid.{name}")
    if np.any(axis_values(cfg, "lambda") < 0):
        raise CumexInputError("lmg_dimer.grid.lambda", grid["lambda"], "lambda >= 0")
    for name, cut in dict(cfg.get("cuts") or {}).items():
        if not isinstance(cut, Mapping) or len(cut) != 1 or next(iter(cut)) not in {"J", "lambda"}:
            raise CumexInputError(f"lmg_dimer.cuts.{name}", cut, "{J: value} or {lambda: value}")
    exact = dict(cfg.get("exact") or {})
    for s in exact.get("S", []):
        if 2 * float(s) != round(2 * float(s)) or float(s) < 0.5:
            raise CumexInputError("lmg_dimer.exact.S", s, "spin lengths 1/2, 1, 3/2, ...")
    return dict(cfg)


def axis_values(cfg: Mapping[str, object], name: str) -> np.ndarray:
    return _axis(cfg["grid"][name], f"lmg_dimer.grid.{name}")  # type: ignore[index]


def cut_axis(cfg: Mapping[str, object], cut: str) -> tuple[str, float, str, np.ndarray]:
    """(fixed name, fixed value, swept name, swept values) of a cut; the sweep spans the grid's range."""
    fixed_name, fixed_value = next(iter(cfg["cuts"][cut].items()))  # type: ignore[index]
    swept = "lambda" if fixed_name == "J" else "J"
    values = axis_values(cfg, swept)
    points = int((cfg.get("exact") or {}).get("points", 41))  # type: ignore[union-attr]
    return fixed_name, float(fixed_value), swept, np.round(np.linspace(values[0], values[-1], points), 12)


def _merge(points: list[xr.Dataset]) -> xr.Dataset:
    return xr.combine_by_coords(points, combine_attrs="drop_conflicts", data_vars="all", coords="different",
                                compat="no_conflicts", join="outer")


def solve_row(J: float, lambdas, parameters: Mapping[str, float], settings: Mapping[str, object]) -> xr.Dataset:
    """Mean-field points (J, λ) for every λ, as one dataset with dims (order, S, J, lambda)."""
    return _merge([solve_point("1", {**parameters, "J": J, "lambda": float(lam)}, settings) for lam in lambdas])


def solve_cut(S: float, fixed: Mapping[str, float], swept: str, values, parameters: Mapping[str, float],
              settings: Mapping[str, object] | None = None) -> xr.Dataset:
    """Exact points of spin length S along a cut."""
    return _merge([solve_point("exact", {**parameters, **fixed, swept: float(v), "S": S}, settings or {}) for v in values])
