"""Figures of a study, made from its aggregated dataset only (never by re-solving).

The figures of a study are its model's (``Model.figures``): :func:`draw_figure` draws one by name from
a dataset of the common schema (:mod:`cumex.dataset`), with the kind's function — ``series`` and
``error`` (:mod:`.lines`), ``map`` (:mod:`.stability`). Failed grid points (``converged == 0``) are drawn
as such: crosses on the lower edge of line plots, hatched cells in maps; grid points that were never part
of the study are absent. The central spin's figures also have names of their own (``plot_convergence``,
``plot_error``, ``plot_pump_ratio``, ``plot_stability``).
"""

from __future__ import annotations

from collections.abc import Mapping

import xarray as xr

from cumex.plots.lines import plot_error_series, plot_series
from cumex.plots.slicing import dataset_model
from cumex.plots.stability import plot_map
from cumex.plots.style import save_figure

__all__ = ["draw_figure", "figure_names", "plot_series", "plot_error_series", "plot_map", "save_figure",
           "plot_convergence", "plot_error", "plot_pump_ratio", "plot_stability", "FIGURES"]

KINDS = {"series": plot_series, "error": plot_error_series, "map": plot_map}


def figure_names(ds: xr.Dataset) -> list[str]:
    return [f.name for f in dataset_model(ds).figures]


def draw_figure(ds: xr.Dataset, name: str, choices: Mapping[str, object] | None = None):
    """The model's figure ``name`` of the study dataset ``ds``; ``choices``: the study's ``figures``."""
    model = dataset_model(ds)
    spec = next((f for f in model.figures if f.name == name), None)
    if spec is None:
        raise KeyError(f"{name!r} is not a figure of {model.name}: {', '.join(f.name for f in model.figures)}")
    return KINDS[spec.kind](ds, model, spec, {k: v for k, v in (choices or {}).items() if k != "formats"})


def plot_convergence(ds: xr.Dataset, pump_ratio: float | None = 0.75):
    return draw_figure(ds, "convergence", {"pump_ratio": pump_ratio})


def plot_error(ds: xr.Dataset, pump_ratio: float | None = 0.75):
    return draw_figure(ds, "error", {"pump_ratio": pump_ratio})


def plot_pump_ratio(ds: xr.Dataset, N: int | None = 50):
    return draw_figure(ds, "pump_ratio", {"N": N})


def plot_stability(ds: xr.Dataset):
    return draw_figure(ds, "stability")


#: central-spin figure name -> function, in the order the workflow writes them
FIGURES = {"convergence": plot_convergence, "error": plot_error, "pump_ratio": plot_pump_ratio, "stability": plot_stability}
