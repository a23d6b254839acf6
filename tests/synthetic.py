"""Synthetic central-spin point datasets for tests of layout, assembly, tables and figures."""

from __future__ import annotations

from cumex.dataset import to_dataset
from cumex.models.central_spin import MODEL
from cumex.results import MethodResult

OBSERVABLES = MODEL.observable_names


def central_spin_point(result: MethodResult, *, order: str, scaling: str, N: int, pump_ratio: float,
                       settings=None, solve_seconds: float = 0.0, overrides=None):
    """The dataset of one central-spin point holding ``result`` (as cumex.study.solve_point lays it out)."""
    point = {"N": N, "pump_ratio": pump_ratio}
    params = MODEL.resolve(scaling, point, overrides)
    return to_dataset(result, model=MODEL, order=order, scaling=scaling, point=point, params=params,
                      overrides=dict(overrides or {}), settings=dict(settings or {}), solve_seconds=solve_seconds)
