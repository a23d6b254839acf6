"""Settings of the symmetric engine, with typed checks (CumexInputError names a bad key or value).

Steady state (:func:`.steady.steady_state`):

    method                "lu" (default: sparse LU of the real form with one equation replaced by Tr ρ = 1)
                          or "gmres" (restarted GMRES on the same system, incomplete-LU preconditioned)
    ordering              "nested_dissection" (default, :mod:`cumex.exact.ordering`, symmetric, for "lu") or a SuperLU
                          column ordering: COLAMD (used by the ILU of "gmres"), MMD_AT_PLUS_A, MMD_ATA, NATURAL
    refine                at most this many steps of iterative refinement after the solve (default 3)
    residual_tol          converged when ‖L r‖_∞ ≤ this (default 1e-9)
    representation        "real" (default) or "complex" (the complex ζ system; reports its Hermiticity error)
    gmres_tol, gmres_restart, gmres_maxiter, ilu_drop_tol, ilu_fill_factor   for method "gmres"
                          (defaults 1e-12, 200, 50, 1e-5, 20)

Dynamics (:func:`.dynamics.evolve`):

    method                "krylov" (default, :mod:`.krylov`) or "expm_multiply" (scipy's, on the real form,
                          over the equally spaced grid in chunks of ``expm_chunk`` output times)
    tol                   Krylov error target relative to ‖r‖ over the whole interval (default 1e-11)
    krylov_dim            largest Krylov basis (default 30)
    expm_chunk            output times per scipy call (default 50)

Both: blas_threads  BLAS threads while solving or integrating (default 1: on a loaded 2-core machine
OpenBLAS's spinning threads made the Arnoldi steps 25 times slower; null: the library's default).
reference_population  the one-site population p of the ζ coordinates (:mod:`.basis`); null (default):
the single bath spin's steady up-population, clipped to [0.02, 0.98].
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from cumex.errors import CumexInputError

__all__ = ["STEADY_DEFAULTS", "DYNAMICS_DEFAULTS", "read_settings", "ORDERINGS"]

ORDERINGS = ("nested_dissection", "COLAMD", "MMD_AT_PLUS_A", "MMD_ATA", "NATURAL")

STEADY_DEFAULTS: dict[str, object] = {
    "method": "lu",
    "ordering": "nested_dissection",
    "refine": 3,
    "residual_tol": 1e-9,
    "representation": "real",
    "gmres_tol": 1e-12,
    "gmres_restart": 200,
    "gmres_maxiter": 50,
    "ilu_drop_tol": 1e-5,
    "ilu_fill_factor": 20.0,
    "blas_threads": 1,
    "reference_population": None,
}

DYNAMICS_DEFAULTS: dict[str, object] = {
    "method": "krylov",
    "tol": 1e-11,
    "krylov_dim": 30,
    "expm_chunk": 50,
    "blas_threads": 1,
    "reference_population": None,
}

_CHOICES = {
    ("steady", "method"): ("lu", "gmres"),
    ("steady", "ordering"): ORDERINGS,
    ("steady", "representation"): ("real", "complex"),
    ("dynamics", "method"): ("krylov", "expm_multiply"),
}
_INTS = {"refine": 0, "gmres_restart": 1, "gmres_maxiter": 1, "krylov_dim": 2, "expm_chunk": 1}
_POSITIVE = ("residual_tol", "gmres_tol", "ilu_drop_tol", "ilu_fill_factor", "tol")


def read_settings(settings: Mapping[str, object] | None, kind: str) -> dict[str, object]:
    """Defaults of ``kind`` ("steady" or "dynamics") updated by ``settings``; every key and value checked."""
    defaults = {"steady": STEADY_DEFAULTS, "dynamics": DYNAMICS_DEFAULTS}[kind]
    if settings is not None and not isinstance(settings, Mapping):
        raise CumexInputError("settings", settings, "a mapping of setting names to values")
    given = dict(settings or {})
    for key in given:
        if key not in defaults:
            raise CumexInputError(key, given[key], f"a {kind} setting: {', '.join(defaults)}")
    out = {**defaults, **given}
    for key, value in out.items():
        if (kind, key) in _CHOICES:
            if value not in _CHOICES[kind, key]:
                raise CumexInputError(key, value, f"one of {', '.join(_CHOICES[kind, key])}")
        elif key in _INTS:
            if isinstance(value, bool) or not isinstance(value, int) or value < _INTS[key]:
                raise CumexInputError(key, value, f"an integer >= {_INTS[key]}")
        elif key in _POSITIVE:
            number = not isinstance(value, bool) and isinstance(value, (int, float))
            if not (number and math.isfinite(value) and value > 0):  # type: ignore[arg-type, operator]
                raise CumexInputError(key, value, "a finite number > 0")
            out[key] = float(value)  # type: ignore[arg-type]
        elif key == "blas_threads" and value is not None:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise CumexInputError(key, value, "null or an integer >= 1")
        elif key == "reference_population" and value is not None:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < value < 1.0:
                raise CumexInputError(key, value, "null or a number in (0, 1)")
            out[key] = float(value)
    return out
