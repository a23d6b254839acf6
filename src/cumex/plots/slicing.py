"""Choosing what a figure shows: the model of a dataset, and the value of every axis a figure slices."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from cumex.models import Model, get_model
from cumex.plots.style import nearest_value, present

__all__ = ["dataset_model", "slice_axes", "first_finite", "axis_label", "observable_label"]


def dataset_model(ds: xr.Dataset) -> Model:
    """The model a study dataset was made with (its ``model`` attribute or coordinate)."""
    name = ds.attrs.get("model") or (str(ds["model"].values) if "model" in ds.coords else "central_spin")
    return get_model(str(name))


def slice_axes(ds: xr.Dataset, model: Model, keep: tuple[str, ...], choices: Mapping[str, object]) -> tuple[xr.Dataset, dict[str, float]]:
    """``ds`` at one value of every model axis not in ``keep``: the value nearest ``choices[axis]``
    (default: the model's figure default), or with none the best-covered value (most points solved)."""
    fixed: dict[str, float] = {}
    for axis in model.axis_names:
        if axis in keep or axis not in ds.dims:
            continue
        target = choices.get(axis, model.figure_defaults.get(axis))
        others = [d for d in ("scaling", "order", *model.axis_names) if d in ds.dims and d != axis]
        counts = present(ds).sum(dim=others).values
        value = nearest_value(ds[axis].values, target, counts)  # type: ignore[arg-type]
        ds = ds.sel({axis: value})
        fixed[axis] = value
    return ds, fixed


def first_finite(values) -> float:
    """The first finite entry of ``values`` (NaN if none): a parameter read back from a panel of a study,
    where points outside the study are NaN."""
    flat = np.asarray(values, dtype=float).ravel()
    flat = flat[np.isfinite(flat)]
    return float(flat[0]) if flat.size else float("nan")


def axis_label(model: Model, axis: str) -> str:
    a = model.axis(axis)
    return a.label or a.description


def observable_label(model: Model, name: str) -> str:
    o = model.observable(name)
    return o.label or o.description


def fixed_text(model: Model, fixed: Mapping[str, float]) -> str:
    """'at $N = 50$' style text of the values a figure holds fixed."""
    parts = []
    for axis, value in fixed.items():
        symbol = model.axis(axis).symbol or axis
        parts.append(f"{symbol} = {float(value):.4g}" if not np.issubdtype(type(value), np.integer) else f"{symbol} = {value}")
    return ", ".join(f"${p}$" if "$" not in p else p for p in parts)
