"""Convergence figure: p0 against 1/N, one line per order, exact as dots, one panel per scaling.

As Fowler-Wright et al. (PRL 2023) Fig. 2(a, b): the horizontal axis 1/N puts N -> infinity on the left.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from cumex.plots._series import draw_orders
from cumex.plots.style import (
    styled,
    panels_with_a_line,
    P0_LABEL, nearest_value, new_figure, present, scaling_title, shared_legend,
)

__all__ = ["plot_convergence", "pick_pump_ratio"]


def pick_pump_ratio(ds: xr.Dataset, pump_ratio: float | None) -> float:
    """The pump ratio of the dataset closest to ``pump_ratio``; None: the one with the most N values."""
    counts = present(ds).sum(dim=[d for d in ("scaling", "order", "N") if d in ds.dims]).values
    return nearest_value(ds["pump_ratio"].values, pump_ratio, counts)


def _reciprocal(x):
    x = np.asarray(x, dtype=float)
    # 1/x, with 1/0 capped (the top axis at 1/N = 0 is N -> infinity, never a tick)
    return 1.0 / np.maximum(x, 1e-9)


def _N_axis(ax) -> None:
    """N itself on the top axis, so that a point can be read off without inverting."""
    top = ax.secondary_xaxis("top", functions=(_reciprocal, _reciprocal))
    top.set_xticks([1, 2, 3, 5, 10, 50], labels=["1", "2", "3", "5", "10", "50"])
    top.tick_params(labelsize=7.5, length=2)
    top.set_xlabel(r"$N$", fontsize=8.5, labelpad=4)


@styled
def plot_convergence(ds: xr.Dataset, pump_ratio: float | None = 0.75, variable: str = "central_population"):
    """p0 (or ``variable``) against 1/N at the pump ratio nearest ``pump_ratio``."""
    r = pick_pump_ratio(ds, pump_ratio)
    at_r = ds.sel(pump_ratio=r)
    scalings = panels_with_a_line(at_r, "N")
    fig, axes = new_figure(len(scalings))
    any_failed = False
    for ax, scaling in zip(axes, scalings):
        panel = at_r.sel(scaling=scaling)
        any_failed |= draw_orders(ax, panel, variable, "N", x_of=lambda x: 1.0 / x)
        ax.set_title(scaling_title(ds, scaling))
        ax.set_xlabel(r"$1/N$")
        ax.set_xlim(left=0)
        _N_axis(ax)
    axes[0].set_ylabel(P0_LABEL if variable == "central_population" else ds[variable].attrs.get("long_name", variable))
    shared_legend(axes, any_failed)
    fig.suptitle(rf"Convergence with $N$ at $\Gamma_\uparrow/\Gamma_T = {r:.4g}$", fontsize=10)
    return fig
