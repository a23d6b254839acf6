"""Pull one line (values against N or against the pump ratio) out of a study dataset."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from typing import Callable

from cumex.plots.style import failed, mark_failed, order_label, order_style, present, sorted_orders

__all__ = ["Series", "series", "draw_orders"]


@dataclass
class Series:
    """x values of solved points with their y values, and x values of failed points."""

    x: np.ndarray
    y: np.ndarray
    x_failed: np.ndarray

    @property
    def empty(self) -> bool:
        return self.x.size == 0 and self.x_failed.size == 0


def series(line: xr.DataArray, ds_line: xr.Dataset, along: str) -> Series:
    """``line`` (1-D over ``along``) at the points the study solved; failed points separately."""
    coords = np.asarray(ds_line[along].values, dtype=float)
    is_present = np.asarray(present(ds_line).values, dtype=bool)
    is_failed = np.asarray(failed(ds_line).values, dtype=bool)
    values = np.asarray(line.values, dtype=float)
    ok = is_present & ~is_failed & np.isfinite(values)
    return Series(coords[ok], values[ok], coords[is_failed])


def draw_orders(
    ax, panel: xr.Dataset, variable: str, along: str,
    x_of: Callable[[np.ndarray], np.ndarray] = lambda x: x, dense_exact_as_line: bool = False,
) -> bool:
    """One line per order of ``panel`` along ``along`` (x drawn as ``x_of(x)``); failed points marked.

    Sparse lines mark every point with the order's marker; with ``dense_exact_as_line`` an exact series of 40 points or more is
    drawn as a line, as the paper does. Returns whether any point failed.
    """
    any_failed = False
    for order in sorted_orders(panel["order"].values):
        line = panel.sel(order=order)
        s = series(line[variable], line, along)
        if s.empty:
            continue
        style = order_style(order)
        if order == "limit":  # N = inf: a marker where x_of puts it (1/N = 0) and a dashed level across
            finite = np.isfinite(x_of(s.x))
            for y in s.y:
                ax.axhline(y, color=style["color"], linestyle="--", linewidth=0.8, alpha=0.7)
            ax.plot(x_of(s.x)[finite], s.y[finite], label=order_label(order), **{**style, "linestyle": "none", "clip_on": False})
            continue
        if order == "exact" and dense_exact_as_line and s.x.size >= 40:
            style = {**style, "marker": None, "markevery": None, "linestyle": "-", "linewidth": 2.2, "alpha": 0.6}
        elif order != "exact" and s.x.size < 40:
            style = {**style, "markevery": None, "markersize": 3}  # few points: mark each one
        ax.plot(x_of(s.x), s.y, label=order_label(order), **style)
        any_failed |= mark_failed(ax, x_of(s.x_failed), style["color"])
    return any_failed
