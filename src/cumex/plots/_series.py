"""Pull one line (values against N, the pump ratio, J, ...) out of a study dataset and draw it.

:func:`draw_orders` draws a line per order; :func:`draw_lines` a line per (order, value of a ``lines``
axis), e.g. mean-field at S = inf and exact at each spin length S. Both draw a band of ± the block
standard error ``<variable>_error`` where the data has one (time averages on cycles).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import xarray as xr

from cumex.plots.style import failed, mark_failed, order_label, order_style, present, sorted_orders

__all__ = ["Series", "series", "draw_orders", "draw_lines"]

#: colours of the values of a ``lines`` axis within one order (the order's own colour first)
_LINE_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]


@dataclass
class Series:
    """x values of solved points with their y values, and x values of failed points."""

    x: np.ndarray
    y: np.ndarray
    x_failed: np.ndarray

    @property
    def empty(self) -> bool:
        return self.x.size == 0 and self.x_failed.size == 0


    #: block standard error of each y (time averages on cycles), or None
    error: np.ndarray | None = None


def series(line: xr.DataArray, ds_line: xr.Dataset, along: str) -> Series:
    """``line`` (1-D over ``along``) at the points the study solved; failed points separately; with the
    error of each value where ``ds_line`` has ``<name>_error``."""
    coords = np.asarray(ds_line[along].values, dtype=float)
    is_present = np.asarray(present(ds_line).values, dtype=bool)
    is_failed = np.asarray(failed(ds_line).values, dtype=bool)
    values = np.asarray(line.values, dtype=float)
    ok = is_present & ~is_failed & np.isfinite(values)
    error = None
    if f"{line.name}_error" in ds_line:
        error = np.asarray(ds_line[f"{line.name}_error"].values, dtype=float)[ok]
    return Series(coords[ok], values[ok], coords[is_failed], error)


def _band(ax, s: Series, x_of, colour: str) -> None:
    """y ± error where the error is known (> 0): the spread of a time average on a cycle."""
    if s.error is None:
        return
    known = np.isfinite(s.error) & (s.error > 0)
    if known.any():
        err = np.where(np.isfinite(s.error), s.error, 0.0)
        ax.fill_between(x_of(s.x), s.y - err, s.y + err, color=colour, alpha=0.25, linewidth=0)


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
        _band(ax, s, x_of, style["color"])
        any_failed |= mark_failed(ax, x_of(s.x_failed), style["color"])
    return any_failed


def _value_text(value) -> str:
    value = float(value)
    return r"\infty" if value == np.inf else f"{value:.4g}"


def draw_lines(ax, panel: xr.Dataset, variable: str, along: str, lines: str, symbol: str) -> bool:
    """A line per order and value of the axis ``lines`` of ``panel`` along ``along`` (labelled
    "order, $symbol = value$"); an order with several values gets a colour per value. Exact results
    are dots, the others lines (squares where sparse). Returns whether any point failed."""
    any_failed = False
    for order in sorted_orders(panel["order"].values):
        by_order = panel.sel(order=order)
        drawn = [(v, s) for v in by_order[lines].values
                 if not (s := series(by_order.sel({lines: v})[variable], by_order.sel({lines: v}), along)).empty]
        for k, (value, s) in enumerate(drawn):
            style = order_style(order)
            if len(drawn) > 1:
                style["color"] = _LINE_COLOURS[k % len(_LINE_COLOURS)]
            if order != "exact" and s.x.size < 40:
                style = {**style, "marker": "s", "markersize": 2.5}
            ax.plot(s.x, s.y, label=f"{order_label(order)}, ${symbol} = {_value_text(value)}$", **style)
            _band(ax, s, lambda x: x, style["color"])
            any_failed |= mark_failed(ax, s.x_failed, style["color"])
    return any_failed
