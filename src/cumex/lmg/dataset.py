"""One LMG-dimer grid point as an ``xarray.Dataset`` (what ``cumex solve lmg_dimer`` writes).

Grid values are length-1 dimension coordinates (order, S, J, lambda), so ``xarray.combine_by_coords``
rebuilds a study from its files. Mean-field results do not depend on S (eqs. 6-11 are S-independent,
they are the S → ∞ limit), so order "1" carries S = inf. All parameters are in the attributes as JSON,
with the settings and provenance (:func:`cumex.io.provenance`).

Observables of the physical attractor (reached from the seeded normal state): X_A, Y_A, Z_A, X_B,
Y_B, Z_B = ⟨S^{x,y,z}⟩/S of each spin, time-averaged over ``averaging_window`` on a limit cycle or
irregular attractor, with the block standard error ``Z_A_error``, ``Z_B_error``. Fixed points found
are stored along a ``state`` dimension of fixed length (stable ones first, NaN padding).
"""

from __future__ import annotations

import time
import traceback
from typing import Mapping

import numpy as np
import xarray as xr

from cumex.errors import CumexInputError
from cumex.io import provenance, to_json
from cumex.lmg.solver import LMGResult, solve, validate_order
from cumex.models.lmg_dimer import LMGDimerParameters, resolve_parameters
from cumex.results import MethodResult

__all__ = ["GRID_DIMS", "ATTRACTOR_CODES", "LMG_OBSERVABLES", "STATE_SLOTS", "solve_point", "result_to_dataset"]

GRID_DIMS = ("order", "S", "J", "lambda")
#: integer codes of the attractor kinds, for plotting (-1: the solve failed)
ATTRACTOR_CODES = {"fixed_point": 0, "bistable": 1, "limit_cycle": 2, "irregular": 3}
STATE_SLOTS = 48

LMG_OBSERVABLES: dict[str, tuple[str, str]] = {
    "X_A": ("<S_A^x>/S", "1"), "Y_A": ("<S_A^y>/S", "1"), "Z_A": ("magnetisation of the lossy spin A, <S_A^z>/S", "1"),
    "X_B": ("<S_B^x>/S", "1"), "Y_B": ("<S_B^y>/S", "1"), "Z_B": ("magnetisation of the driven spin B, <S_B^z>/S", "1"),
    "purity": ("purity Tr rho^2 of the exact steady state", "1"),
}


def _grid(value, dtype=None) -> np.ndarray:
    return np.full((1, 1, 1, 1), value, dtype=dtype)


def result_to_dataset(result: LMGResult, order: str, params: LMGDimerParameters, overrides: Mapping[str, object],
                      settings: Mapping[str, object], solve_seconds: float) -> xr.Dataset:
    method: MethodResult = result.method
    report = result.attractors
    s_coord = float(params.S) if order == "exact" else float("inf")
    coords = {
        "order": ("order", [order]),
        "S": ("S", [s_coord], {"long_name": "spin length (inf: mean-field, the S -> infinity limit)"}),
        "J": ("J", [params.J], {"long_name": "LMG nonlinearity J", "units": "g"}),
        "lambda": ("lambda", [params.lam], {"long_name": "inter-spin coupling lambda", "units": "g"}),
        "model": "lmg_dimer",
    }
    physical = method.physical
    data: dict[str, tuple] = {}
    for name, (long_name, units) in LMG_OBSERVABLES.items():
        value = np.nan if physical is None else float(physical.observables.get(name, np.nan))
        data[name] = (GRID_DIMS, _grid(value), {"long_name": long_name + " on the physical attractor (time average)", "units": units})
    info = {} if physical is None else physical.info
    for name in ("Z_A", "Z_B"):
        data[f"{name}_error"] = (GRID_DIMS, _grid(float(info.get(f"error_{name}", 0.0 if order == "exact" else np.nan))),
                                 {"long_name": f"block standard error of the time average of {name}", "units": "1"})
        data[f"{name}_amplitude"] = (GRID_DIMS, _grid(float(info.get(f"amplitude_{name}", 0.0 if order == "exact" else np.nan))),
                                     {"long_name": f"half peak-to-peak range of {name} on the attractor", "units": "1"})
    kind = report.attractor if report is not None else ("fixed_point" if method.converged else "failed")
    if not method.converged:
        kind = "failed"
    data["attractor"] = (GRID_DIMS, _grid(kind, dtype=object),
                         {"long_name": "fixed_point / bistable / limit_cycle / irregular (failed: no result)"})
    data["attractor_code"] = (GRID_DIMS, _grid(np.int8(ATTRACTOR_CODES.get(kind, -1))),
                              {"long_name": "attractor as a code: " + ", ".join(f"{v} {k}" for k, v in ATTRACTOR_CODES.items()) + ", -1 failed"})
    data["n_fixed_points"] = (GRID_DIMS, _grid(len(method.states)), {"long_name": "number of fixed points found"})
    data["n_stable"] = (GRID_DIMS, _grid(method.n_stable), {"long_name": "number of linearly stable fixed points"})
    data["period"] = (GRID_DIMS, _grid(float(info.get("period", np.nan))), {"long_name": "period of the limit cycle", "units": "1/g"})
    data["lyapunov"] = (GRID_DIMS, _grid(float(info.get("lyapunov", np.nan))),
                        {"long_name": "largest Lyapunov exponent estimate (irregular attractors)", "units": "g"})
    data["averaging_window"] = (GRID_DIMS, _grid(float(info.get("window", np.nan))),
                                {"long_name": "length of the time-averaging window", "units": "1/g"})
    data["converged"] = (GRID_DIMS, _grid(np.int8(method.converged)), {"long_name": "1 if the solve succeeded, else 0"})
    data["residual"] = (GRID_DIMS, _grid(float(method.residual)), {"long_name": "residual at the physical state"})
    data["status"] = (GRID_DIMS, _grid(method.status, dtype=object), {"long_name": "solver status"})
    data["solve_seconds"] = (GRID_DIMS, _grid(solve_seconds), {"long_name": "wall time of the solve", "units": "s"})
    data["g"] = (GRID_DIMS, _grid(params.g), {"long_name": "field g"})
    data["gamma"] = (GRID_DIMS, _grid(params.gamma), {"long_name": "loss/gain rate gamma", "units": "g"})

    states = method.states[:STATE_SLOTS]
    state_dims = GRID_DIMS + ("state",)

    def per_state(values) -> np.ndarray:
        padded = np.full(STATE_SLOTS, np.nan)
        padded[: len(states)] = values
        return padded.reshape(1, 1, 1, 1, -1)

    for name in ("Z_A", "Z_B", "X_B", "Y_B"):
        data[f"state_{name}"] = (state_dims, per_state([s.observables.get(name, np.nan) for s in states]),
                                 {"long_name": f"{name} of each fixed point found (NaN pads)"})
    data["state_stable"] = (state_dims, per_state([float(s.stable) for s in states]),
                            {"long_name": "1 if the fixed point is linearly stable (NaN pads)"})
    data["state_max_real_eigenvalue"] = (state_dims, per_state([s.info.get("max_real_eigenvalue", np.nan) for s in states]),
                                         {"long_name": "largest real part of the Jacobian eigenvalues that count"})
    coords["state"] = ("state", np.arange(STATE_SLOTS))
    attrs = {
        "title": f"cumex lmg_dimer steady state, order {order}",
        "Conventions": "CF-1.10",
        "model": "lmg_dimer",
        "parameters": to_json(params.as_dict()),
        "overrides": to_json({k: v for k, v in overrides.items()}),
        "solver_settings": to_json({**dict(settings), **dict(method.settings)}),
        "neutral_modes": "conserved spin lengths |S_A|, |S_B| (2 zero modes) and, at J = 0, the rotation about z",
        **provenance(),
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)


def solve_point(order: str, overrides: Mapping[str, object] | None = None,
                settings: Mapping[str, object] | None = None) -> xr.Dataset:
    """Solve one LMG-dimer point (``overrides``: J, lambda, g, gamma, S as numbers or strings).

    Bad input raises :class:`CumexInputError`; a numerical failure is recorded in the dataset
    (converged = 0, status says why) instead of raising.
    """
    order = validate_order(order)
    overrides = dict(overrides or {})
    params = resolve_parameters(overrides)
    settings = dict(settings or {})
    start = time.perf_counter()
    try:
        result = solve(order, params, settings)
    except CumexInputError:
        raise
    except Exception as exc:  # a numerical failure is data, not a crash
        status = f"error: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
        result = LMGResult(MethodResult([], None, False, status, {}), None, [])
    return result_to_dataset(result, order, params, overrides, settings, time.perf_counter() - start)
