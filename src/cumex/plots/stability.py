"""Stability-count figure: the number of linearly stable steady states over two axes of a model.

One panel per (scaling, order) with results: rows are scalings, columns orders. Cells are coloured by
``n_stable`` (0, 1, 2, 3 or more); where the attractor reached from the fixed initial state is a limit
cycle the cell is hatched //, where it is irregular xx; failed solves are grey and hatched; white cells
are not in the study. A numeric axis is drawn true to its values (uneven grids unevenly; a log scale
where the values span more than a decade), each cell reaching halfway to its neighbours, so that
closed-form lines (``FigureSpec.decoration``, drawn from the model file's ``decorations``) sit where they
belong; only non-numeric values become categories. Infinite values (N = inf of the ``limit`` order) are
left out, and the figure says so. A map with one row or one column is drawn as lines (the count against
the other axis); a map of one count everywhere says so under the figure. The figure size is bounded
(:data:`cumex.plots.notice.MAX_FIGURE_INCHES`). Other axes of the model are held at one value.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Patch
from matplotlib.ticker import NullLocator

from cumex.models.spec import FigureSpec, Model
from cumex.plots._series import draw_orders
from cumex.plots.n_axis import log_ticks, number_text
from cumex.plots.notice import add_note, notice_figure
from cumex.plots.slicing import axis_label, fixed_text, slice_axes
from cumex.plots.style import (
    RC_PARAMS,
    bounded_size,
    failed,
    label_rows,
    new_figure,
    order_label,
    present,
    scaling_title,
    shared_legend,
    sorted_orders,
    styled,
)

__all__ = ["plot_map", "cell_edges", "ATTRACTOR_HATCHES"]

# Okabe-Ito: 0, 1, 2, 3, ... stable states; the last level holds "that many or more"
_LEVEL_COLOURS = ["#f0e442", "#56b4e9", "#e69f00", "#cc79a7", "#009e73", "#0072b2", "#d55e00", "#000000"]
_MIN_LEVELS = 4  # 0, 1, 2, 3+ at least, so maps of different studies share colours


def _levels(ds: xr.Dataset) -> int:
    """Number of count levels drawn: up to the largest count found (at least 0-3), at most the palette."""
    counts = np.asarray(ds["n_stable"].values, dtype=float)
    top = int(np.nanmax(counts)) if np.isfinite(counts).any() else 0
    return int(np.clip(top + 1, _MIN_LEVELS, len(_LEVEL_COLOURS)))
#: attractor kinds drawn as hatching over the count (the common schema's ``attractor`` variable)
ATTRACTOR_HATCHES = {"limit_cycle": "//", "irregular": "xx"}


def _tick_positions(n: int, max_ticks: int = 10) -> np.ndarray:
    step = max(1, int(np.ceil(n / max_ticks)))
    return np.arange(0, n, step)


def _as_numbers(values) -> np.ndarray | None:
    try:
        v = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return None
    return v if v.size == len(values) and np.all(np.isfinite(v)) and np.all(np.diff(v) > 0) else None


def cell_edges(values) -> tuple[np.ndarray, str]:
    """Cell edges of an axis and its scale: ``"log"`` for positive values spanning more than a decade
    (edges at geometric midpoints), ``"linear"`` for other increasing numbers (edges at midpoints; the
    end cells as wide as their neighbours' gap), else ``"category"`` (edges 0, 1, ..., n)."""
    v = _as_numbers(values)
    if v is None or v.size < 2:
        return np.arange(len(values) + 1, dtype=float), "category"
    log = bool(v[0] > 0 and v[-1] > 10.0 * v[0])
    w = np.log(v) if log else v
    step = np.diff(w)
    edges = np.concatenate([w[:1] - step[0] / 2, w[:-1] + step / 2, w[-1:] + step[-1] / 2])
    return (np.exp(edges), "log") if log else (edges, "linear")


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


def _ticks(ax, which: str, values, scale: str, max_ticks: int) -> None:
    """Every tick labelled: matplotlib's ticks on a linear axis, 1-2-5 or decades on a log axis (no
    unlabelled minor ticks), the values themselves on a categorical axis."""
    axis = ax.xaxis if which == "x" else ax.yaxis
    if scale == "linear":
        v = np.asarray(values, dtype=float)
        if len(v) <= 12 and np.all(v == np.round(v)):
            axis.set_ticks(v, [number_text(t) for t in v])  # integer axes (M, N): the values, not 2.5
        return
    if scale == "log":
        v = np.asarray(values, dtype=float)
        ticks = log_ticks(v.min(), v.max())
        axis.set_ticks(ticks, [number_text(t) for t in ticks])
        axis.set_minor_locator(NullLocator())
        return
    positions = _tick_positions(len(values), max_ticks)
    labels = [f"{float(v):.4g}" for v in np.asarray(values)[positions]]
    axis.set_ticks(positions + 0.5, labels, rotation=90 if which == "x" and len(values) > 6 else 0)


def _drop_infinite(ds: xr.Dataset, spec: FigureSpec, model: Model) -> tuple[xr.Dataset, list[str]]:
    """``ds`` without infinite values of x and y (no cell has a width there); notes saying what was left out."""
    notes = []
    assert spec.y is not None
    for axis in (spec.x, spec.y):
        v = np.asarray(ds[axis].values, dtype=float)
        bad = ~np.isfinite(v)
        if bad.any():
            held = bool(present(ds.isel({axis: np.flatnonzero(bad)})).any())
            ds = ds.isel({axis: np.flatnonzero(~bad)})
            if held:
                notes.append(f"Results at ${model.axis(axis).symbol or axis} = \\infty$ are not cells of the map.")
    return ds, notes


def _uniform_note(ds: xr.Dataset) -> str:
    """'One stable state everywhere' (or what the one count is) when every solved cell holds the same
    count and the same kind of attractor; empty otherwise."""
    ok = np.asarray((present(ds) & ~failed(ds)).values, dtype=bool)
    counts = np.asarray(ds["n_stable"].values, dtype=float)[ok]
    kinds = set(np.asarray(ds["attractor"].values).astype(str)[ok])
    if counts.size < 2 or np.unique(counts).size != 1 or len(kinds & set(ATTRACTOR_HATCHES)) > 0:
        return ""
    n = int(counts[0])
    what = "no stable steady state" if n == 0 else "one stable steady state" if n == 1 else f"{n} stable steady states"
    return f"Uniform: {what} at every solved grid point of every panel."


def _map_as_lines(ds: xr.Dataset, model: Model, spec: FigureSpec, along: str, single: str, notes: list[str]):
    """A map with one value of ``single``: the count against ``along``, a panel per scaling, a line per order."""
    scalings = [str(s) for s in ds["scaling"].values]
    fig, axes = new_figure(len(scalings))
    if fig.get_size_inches()[0] < 6.4:  # room for the note above a single panel
        fig.set_size_inches(6.4, fig.get_size_inches()[1])
    value = np.asarray(ds[single].values).ravel()[0]
    for ax, scaling in zip(axes, scalings):
        cut = ds.sel(scaling=scaling).squeeze(single, drop=True)
        any_failed = draw_orders(ax, cut, "n_stable", along)
        v = _as_numbers(cut[along].values)
        if v is not None and v.size >= 2 and v[0] > 0 and v[-1] > 10 * v[0]:
            ax.set_xscale("log")
            _ticks(ax, "x", v, "log", 10)
        ax.set_title(scaling_title(ds, scaling))
        ax.set_xlabel(axis_label(model, along))
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylim(bottom=-0.2)
    label_rows(axes, "stable steady states")
    shared_legend(axes, any_failed)
    symbol = model.axis(single).symbol or single
    fig.suptitle("Stable steady states", fontsize=10)
    adapted = (f"Only ${symbol} = {float(value):.4g}$ in this study: the map is drawn as lines of the "
               f"count against {axis_label(model, along)}.")
    add_note(fig, " ".join([adapted, *notes, _uniform_note(ds)]))
    return fig


@styled
def plot_map(ds: xr.Dataset, model: Model, spec: FigureSpec, choices=None):
    """Map of ``n_stable`` over (``spec.x``, ``spec.y``), a panel per scaling (rows) and order (columns)."""
    assert spec.y is not None
    ds, fixed = slice_axes(ds, model, (spec.x, spec.y), choices or {})
    ds, notes = _drop_infinite(ds, spec, model)
    ds = _with_results(ds, spec)
    xs, ys = ds[spec.x].values, ds[spec.y].values
    if len(xs) < 2 and len(ys) < 2 or not present(ds).any():
        where = fixed_text(model, {spec.x: xs[0], spec.y: ys[0]}) if len(xs) and len(ys) else "no grid point"
        return notice_figure("Stable steady states", f"Not drawn: the study has results at one grid point only "
                                                     f"({where}); a map needs two or more values of an axis.")
    if len(ys) < 2 or len(xs) < 2:
        along, single = (spec.x, spec.y) if len(ys) < 2 else (spec.y, spec.x)
        return _map_as_lines(ds, model, spec, along, single, notes)
    scalings = [str(s) for s in ds["scaling"].values]
    orders = sorted_orders(ds["order"].values)
    (x_edges, x_scale), (y_edges, y_scale) = cell_edges(xs), cell_edges(ys)
    x_numeric, y_numeric = x_scale != "category", y_scale != "category"
    n_levels = _levels(ds)
    top_level = n_levels - 1
    cmap = ListedColormap(_LEVEL_COLOURS[:n_levels])
    cmap.set_bad("white")
    norm = BoundaryNorm(np.arange(-0.5, top_level + 1.0), cmap.N)
    hatched: set[str] = set()
    with plt.rc_context(RC_PARAMS):
        fig, axes = plt.subplots(
            len(scalings), len(orders), figsize=bounded_size(2.6 * len(orders) + 1.2, 2.3 * len(scalings) + 0.6),
            squeeze=False, sharex=True, sharey=True, layout="constrained",
        )
        if x_numeric and y_numeric and len(orders) == 1 and len(scalings) == 1:
            fig.set_size_inches(6.4, 4.6)  # one panel of a dense numeric grid: the paper's size
        for i, scaling in enumerate(scalings):
            for j, order in enumerate(orders):
                ax = axes[i][j]
                if x_scale == "log":
                    ax.set_xscale("log")
                if y_scale == "log":
                    ax.set_yscale("log")
                cell = ds[["converged", "n_stable", "attractor"]].sel(scaling=scaling, order=order).transpose(spec.y, spec.x)
                ok = np.asarray((present(cell) & ~failed(cell)).values, dtype=bool)
                counts = np.where(ok, np.minimum(np.asarray(cell["n_stable"].values, dtype=float), top_level), np.nan)
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
                    row = "" if scalings == ["none"] else scaling_title(ds, scaling) + "\n"
                    ax.set_ylabel(row + axis_label(model, spec.y))
                if i == len(scalings) - 1:
                    ax.set_xlabel(axis_label(model, spec.x))
                _ticks(ax, "x", xs, x_scale, 10)
                _ticks(ax, "y", ys, y_scale, 8)
                ax.tick_params(length=2)
        handles = [Patch(color=c, label=f"{k}" if k < top_level else f"{k} or more")
                   for k, c in enumerate(_LEVEL_COLOURS[:n_levels])]
        handles += [Patch(facecolor="white", edgecolor="0.15", hatch=ATTRACTOR_HATCHES[k], label=k.replace("_", " "))
                    for k in ATTRACTOR_HATCHES if k in hatched]
        handles.append(Patch(facecolor="0.85", edgecolor="0.45", hatch="xxx", label="solve failed"))
        lines, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles=handles + lines, labels=[h.get_label() for h in handles] + labels,
                   title="stable steady states", loc="outside right center", frameon=False)
        add_note(fig, " ".join(n for n in [*notes, _uniform_note(ds)] if n))
    return fig
