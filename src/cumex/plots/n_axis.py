"""The N axis of convergence and error figures: log N (with N -> infinity at the right edge) or 1/N.

A study picks the view with ``figures.n_axis``: ``log_n`` (N on a log axis; the N -> infinity value, where
the figure knows it, is a marker beyond a break of the axis at a tick labelled "∞", with a dashed level
across the panel), ``inverse_n`` (the paper's view: 1/N from 0 = N -> infinity, N on the top axis) or
``auto`` (the default: log N where the plotted finite N span more than a decade, else 1/N). Every tick of
the N axis is labelled: no unlabelled minor ticks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from matplotlib.ticker import NullLocator

from cumex.figure_choices import N_AXIS_CHOICES

__all__ = ["N_AXIS_CHOICES", "n_axis_mode", "infinity_position", "set_log_n_axis", "number_text", "log_ticks"]


def n_axis_mode(choice: object, values: Iterable[float]) -> str:
    """``log_n`` or ``inverse_n`` for the study's ``figures.n_axis`` choice and the finite N plotted."""
    if choice in ("log_n", "inverse_n"):
        return str(choice)
    finite = np.asarray([v for v in values if math.isfinite(v) and v > 0], dtype=float)
    return "log_n" if finite.size and finite.max() > 10.0 * finite.min() else "inverse_n"


def infinity_position(n_min: float, n_max: float) -> float:
    """Where N = ∞ sits on a log axis: beyond the largest N by a fixed share (about 12 %) of the drawn
    width, and at least a factor 3, so the break between them is visible."""
    decades = math.log10(max(n_max / n_min, 10.0))
    return n_max * 10.0 ** max(math.log10(3.0), 0.14 * decades)


def number_text(value: float) -> str:
    """A tick label: the number as written (1, 20, 500, 2000), powers of ten from 10^4 as $10^k$."""
    if value >= 1e4:
        exponent = math.log10(value)
        if abs(exponent - round(exponent)) < 1e-9:
            return rf"$10^{{{round(exponent)}}}$"
        return rf"${value / 10 ** math.floor(exponent):g}\times10^{{{math.floor(exponent)}}}$"
    return f"{value:g}"


def log_ticks(n_min: float, n_max: float) -> list[float]:
    """1-2-5 ticks within [n_min, n_max] over up to two decades, decades beyond (about 4-7 ticks)."""
    lo, hi = math.floor(math.log10(n_min)), math.ceil(math.log10(n_max))
    steps = (1, 2, 5) if hi - lo <= 2 else (1, 3) if hi - lo <= 3 else (1,)
    ticks = [m * 10.0**k for k in range(lo, hi + 1) for m in steps]
    inside = [t for t in ticks if n_min * (1 - 1e-9) <= t <= n_max * (1 + 1e-9)]
    return inside if len(inside) >= 2 else sorted({n_min, n_max})


def set_log_n_axis(ax, n_min: float, n_max: float, infinity: bool) -> float | None:
    """N on a log x axis from ``n_min`` to ``n_max``, every tick labelled; with ``infinity`` an extra tick
    "∞" beyond a break mark. Returns the x position of N = ∞ (None without it)."""
    ax.set_xscale("log")
    ticks, labels = log_ticks(n_min, n_max), None
    labels = [number_text(t) for t in ticks]
    right = n_max
    x_inf = None
    if infinity:
        x_inf = infinity_position(n_min, n_max)
        ticks, labels, right = ticks + [x_inf], labels + [r"$\infty$"], x_inf
        # the break: two short slanted strokes on the lower spine halfway (in log) between n_max and ∞
        x_break = math.sqrt(n_max * x_inf)
        for dx in (0.97, 1.03):
            ax.plot([x_break * dx], [0.0], transform=ax.get_xaxis_transform(), marker=[(-1, -2), (1, 2)],
                    markersize=7, color="0.2", linestyle="none", clip_on=False, label="_axis break")
    pad = (right / n_min) ** 0.04
    ax.set_xlim(n_min / pad, right * pad)
    ax.set_xticks(ticks, labels)
    ax.xaxis.set_minor_locator(NullLocator())
    return x_inf
