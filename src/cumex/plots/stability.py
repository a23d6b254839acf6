"""Stability-count figure: the number of linearly stable steady states over two axes of a model.

One panel per (scaling, order): rows are scalings, columns orders. Cells are coloured by
``n_stable`` (0, 1, 2, 3 or more); failed solves are hatched grey; white cells are not in the study.
Both axes are shown as categories (equal-width cells), labelled with their values; other axes of the
model are held at one value. A model decoration (``FigureSpec.decoration``) may draw lines over it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Patch

from cumex.models.spec import FigureSpec, Model
from cumex.plots.slicing import axis_label, slice_axes
from cumex.plots.style import RC_PARAMS, styled, failed, order_label, present, scaling_title, sorted_orders

__all__ = ["plot_map"]

_LEVEL_COLOURS = ["#f0e442", "#56b4e9", "#e69f00", "#cc79a7"]  # 0, 1, 2, >= 3 stable states
_MAX_LEVEL = len(_LEVEL_COLOURS) - 1


def _tick_positions(n: int, max_ticks: int = 10) -> np.ndarray:
    step = max(1, int(np.ceil(n / max_ticks)))
    return np.arange(0, n, step)


@styled
def plot_map(ds: xr.Dataset, model: Model, spec: FigureSpec, choices=None):
    """Map of ``n_stable`` over (``spec.x``, ``spec.y``), a panel per scaling (rows) and order (columns)."""
    assert spec.y is not None
    ds, fixed = slice_axes(ds, model, (spec.x, spec.y), choices or {})
    scalings = [str(s) for s in ds["scaling"].values]
    orders = sorted_orders(ds["order"].values)
    Ns = np.asarray(ds[spec.x].values)
    ratios = np.asarray(ds[spec.y].values, dtype=float)
    cmap = ListedColormap(_LEVEL_COLOURS)
    cmap.set_bad("white")
    norm = BoundaryNorm(np.arange(-0.5, _MAX_LEVEL + 1.0), cmap.N)
    with plt.rc_context(RC_PARAMS):
        fig, axes = plt.subplots(
            len(scalings), len(orders), figsize=(2.6 * len(orders) + 1.2, 2.3 * len(scalings) + 0.6),
            squeeze=False, sharex=True, sharey=True, layout="constrained",
        )
        for i, scaling in enumerate(scalings):
            for j, order in enumerate(orders):
                ax = axes[i][j]
                cell = ds[["converged", "n_stable"]].sel(scaling=scaling, order=order).transpose(spec.y, spec.x)
                ok = np.asarray((present(cell) & ~failed(cell)).values, dtype=bool)
                counts = np.where(ok, np.minimum(np.asarray(cell["n_stable"].values, dtype=float), _MAX_LEVEL), np.nan)
                ax.pcolormesh(np.ma.masked_invalid(counts), cmap=cmap, norm=norm, edgecolors="face")
                bad = np.asarray(failed(cell).values, dtype=bool)
                if bad.any():
                    ax.pcolor(
                        np.ma.masked_where(~bad, np.ones(bad.shape)), hatch="xxx", cmap=ListedColormap(["0.85"]),
                        edgecolor="0.45", linewidth=0.0,
                    )
                if i == 0:
                    ax.set_title(order_label(order))
                if j == 0:
                    # the row's scaling as the first line of the axis label: a separate annotation at a
                    # fixed offset collides with the label when tick labels are wide
                    ax.set_ylabel(scaling_title(ds, scaling) + "\n" + axis_label(model, spec.y))
                if i == len(scalings) - 1:
                    ax.set_xlabel(axis_label(model, spec.x))
                xt, yt = _tick_positions(len(Ns)), _tick_positions(len(ratios), 8)
                ax.set_xticks(xt + 0.5, [f"{n:.4g}" for n in np.asarray(Ns, dtype=float)[xt]], rotation=90 if len(Ns) > 6 else 0)
                ax.set_yticks(yt + 0.5, [f"{r:.3g}" for r in ratios[yt]])
                ax.tick_params(length=2)
        handles = [Patch(color=c, label=f"{k}" if k < _MAX_LEVEL else f"{k} or more") for k, c in enumerate(_LEVEL_COLOURS)]
        handles.append(Patch(facecolor="0.85", edgecolor="0.45", hatch="xxx", label="solve failed"))
        fig.legend(handles=handles, title="stable steady states", loc="outside right center", frameon=False)
    return fig
