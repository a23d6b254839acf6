"""Stability-count figure: the number of linearly stable steady states over two axes of a model.

One panel per (scaling, order) with results: rows are scalings, columns orders. Cells are coloured by
``n_stable`` (0, 1, 2, 3 or more); where the attractor reached from the fixed initial state is a limit
cycle the cell is hatched //, where it is irregular xx; failed solves are grey and hatched; white cells
are not in the study. An axis whose values (those with results) are evenly spaced is drawn as numbers,
cells centred on the grid values, so that closed-form lines (``FigureSpec.decoration``, drawn from the
model file's ``decorations``) sit where they belong; any other axis is drawn as categories (equal-width
cells labelled with their values). Other axes of the model are held at one value.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Patch

from cumex.models.spec import FigureSpec, Model
from cumex.plots.slicing import axis_label, slice_axes
from cumex.plots.style import RC_PARAMS, failed, order_label, present, scaling_title, sorted_orders, styled

__all__ = ["plot_map", "cell_edges", "ATTRACTOR_HATCHES"]

_LEVEL_COLOURS = ["#f0e442", "#56b4e9", "#e69f00", "#cc79a7"]  # 0, 1, 2, >= 3 stable states
_MAX_LEVEL = len(_LEVEL_COLOURS) - 1
#: attractor kinds drawn as hatching over the count (the common schema's ``attractor`` variable)
ATTRACTOR_HATCHES = {"limit_cycle": "//", "irregular": "xx"}


def _tick_positions(n: int, max_ticks: int = 10) -> np.ndarray:
    step = max(1, int(np.ceil(n / max_ticks)))
    return np.arange(0, n, step)


def cell_edges(values) -> tuple[np.ndarray, bool]:
    """Cell edges of an axis and whether they are numeric: midpoints of evenly spaced finite values
    (cells centred on the values), else 0, 1, ..., n (categories)."""
    try:
        v = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        v = np.array([])
    n = len(values)
    if n >= 2 and v.size == n and np.all(np.isfinite(v)):
        step = np.diff(v)
        if step.min() > 0 and np.allclose(step, step.mean(), rtol=1e-6, atol=0):
            return np.concatenate([v[:1] - step[0] / 2, v[:-1] + step / 2, v[-1:] + step[-1] / 2]), True
    return np.arange(n + 1, dtype=float), False


def _with_results(ds: xr.Dataset, spec: FigureSpec) -> xr.Dataset:
    """``ds`` without the values of x and y, orders and scalings that hold no result in any panel (a union
    of grids leaves such holes: the exact cuts' values in a mean-field map)."""
    held = present(ds)
    for dim in (spec.x, spec.y, "order", "scaling"):
        keep = held.any(dim=[d for d in held.dims if d != dim]).values
        if keep.any():
            ds = ds.isel({dim: np.flatnonzero(keep)})
            held = held.isel({dim: np.flatnonzero(keep)})
    return ds


def _ticks(ax, which: str, values, numeric: bool, max_ticks: int) -> None:
    if numeric:
        return  # matplotlib's own ticks on a numeric axis
    positions = _tick_positions(len(values), max_ticks)
    labels = [f"{float(v):.4g}" for v in np.asarray(values)[positions]]
    if which == "x":
        ax.set_xticks(positions + 0.5, labels, rotation=90 if len(values) > 6 else 0)
    else:
        ax.set_yticks(positions + 0.5, labels)


@styled
def plot_map(ds: xr.Dataset, model: Model, spec: FigureSpec, choices=None):
    """Map of ``n_stable`` over (``spec.x``, ``spec.y``), a panel per scaling (rows) and order (columns)."""
    assert spec.y is not None
    ds, fixed = slice_axes(ds, model, (spec.x, spec.y), choices or {})
    ds = _with_results(ds, spec)
    scalings = [str(s) for s in ds["scaling"].values]
    orders = sorted_orders(ds["order"].values)
    xs, ys = ds[spec.x].values, ds[spec.y].values
    (x_edges, x_numeric), (y_edges, y_numeric) = cell_edges(xs), cell_edges(ys)
    cmap = ListedColormap(_LEVEL_COLOURS)
    cmap.set_bad("white")
    norm = BoundaryNorm(np.arange(-0.5, _MAX_LEVEL + 1.0), cmap.N)
    hatched: set[str] = set()
    with plt.rc_context(RC_PARAMS):
        fig, axes = plt.subplots(
            len(scalings), len(orders), figsize=(2.6 * len(orders) + 1.2, 2.3 * len(scalings) + 0.6),
            squeeze=False, sharex=True, sharey=True, layout="constrained",
        )
        if x_numeric and y_numeric and len(orders) == 1 and len(scalings) == 1:
            fig.set_size_inches(6.4, 4.6)  # one panel of a dense numeric grid: the paper's size
        for i, scaling in enumerate(scalings):
            for j, order in enumerate(orders):
                ax = axes[i][j]
                cell = ds[["converged", "n_stable", "attractor"]].sel(scaling=scaling, order=order).transpose(spec.y, spec.x)
                ok = np.asarray((present(cell) & ~failed(cell)).values, dtype=bool)
                counts = np.where(ok, np.minimum(np.asarray(cell["n_stable"].values, dtype=float), _MAX_LEVEL), np.nan)
                ax.pcolormesh(x_edges, y_edges, np.ma.masked_invalid(counts), cmap=cmap, norm=norm, edgecolors="face")
                kinds = np.asarray(cell["attractor"].values).astype(str)
                for kind, hatch in ATTRACTOR_HATCHES.items():
                    mask = ok & (kinds == kind)
                    if mask.any():
                        hatched.add(kind)
                        ax.pcolor(x_edges, y_edges, np.ma.masked_where(~mask, np.ones(mask.shape)), hatch=hatch,
                                  cmap=ListedColormap([(0, 0, 0, 0)]), edgecolor="0.15", linewidth=0.0)
                bad = np.asarray(failed(cell).values, dtype=bool)
                if bad.any():
                    ax.pcolor(
                        x_edges, y_edges, np.ma.masked_where(~bad, np.ones(bad.shape)), hatch="xxx",
                        cmap=ListedColormap(["0.85"]), edgecolor="0.45", linewidth=0.0,
                    )
                ax.set_xlim(x_edges[0], x_edges[-1])
                ax.set_ylim(y_edges[0], y_edges[-1])
                if spec.decoration and x_numeric and y_numeric:
                    model.decorations[spec.decoration](ax, ds.sel(scaling=scaling, order=order), fixed)
                if i == 0:
                    ax.set_title(order_label(order))
                if j == 0:
                    # the row's scaling as the first line of the axis label: a separate annotation at a
                    # fixed offset collides with the label when tick labels are wide
                    ax.set_ylabel(scaling_title(ds, scaling) + "\n" + axis_label(model, spec.y))
                if i == len(scalings) - 1:
                    ax.set_xlabel(axis_label(model, spec.x))
                _ticks(ax, "x", xs, x_numeric, 10)
                _ticks(ax, "y", ys, y_numeric, 8)
                ax.tick_params(length=2)
        handles = [Patch(color=c, label=f"{k}" if k < _MAX_LEVEL else f"{k} or more") for k, c in enumerate(_LEVEL_COLOURS)]
        handles += [Patch(facecolor="white", edgecolor="0.15", hatch=ATTRACTOR_HATCHES[k], label=k.replace("_", " "))
                    for k in ATTRACTOR_HATCHES if k in hatched]
        handles.append(Patch(facecolor="0.85", edgecolor="0.45", hatch="xxx", label="solve failed"))
        lines, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles=handles + lines, labels=[h.get_label() for h in handles] + labels,
                   title="stable steady states", loc="outside right center", frameon=False)
    return fig
