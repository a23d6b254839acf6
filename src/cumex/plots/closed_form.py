"""Closed-form lines a model file draws over its pump-ratio figure (``Model.decorations``): a mean-field
curve over the whole visible axis and its threshold, or a note where the threshold lies off the axis."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cumex.plots.style import order_style

__all__ = ["draw_threshold_and_curve"]


def draw_threshold_and_curve(ax, threshold: float, curve: Callable[[np.ndarray], np.ndarray] | None = None,
                             name: str = "MF threshold $R_c$", samples: int = 801) -> None:
    """``curve(x)`` (the closed-form mean-field value, in the mean-field colour) across the current x
    limits, and a dashed line at ``threshold`` labelled with its value -- or, when the threshold is
    outside the x limits, a note in the panel saying on which side it lies."""
    lo, hi = ax.get_xlim()
    if curve is not None:
        x = np.linspace(lo, hi, samples)
        ax.plot(x, curve(x), color=order_style("1")["color"], linewidth=0.9, alpha=0.8, zorder=1,
                label="mean-field, closed form")
    label = name.replace("$R_c$", f"$R_c = {threshold:.3g}$")
    if lo <= threshold <= hi:
        ax.axvline(threshold, color="0.6", linestyle="--", linewidth=0.9, label=label)
    else:
        left = threshold < lo
        ax.text(0.03 if left else 0.97, 0.97, f"{label}\n{'left' if left else 'right'} of the axis", transform=ax.transAxes,
                ha="left" if left else "right", va="top", fontsize=8, color="0.35")
