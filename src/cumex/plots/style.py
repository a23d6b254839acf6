"""Shared look of cumex figures: labels, colours, panel titles, selection helpers, saving."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # figures are files; never open a window

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

__all__ = [
    "RC_PARAMS",
    "styled",
    "order_label",
    "order_style",
    "sorted_orders",
    "scaling_title",
    "nearest_value",
    "present",
    "failed",
    "new_figure",
    "mark_failed",
    "save_figure",
    "panels_with_a_line",
    "shared_legend",
    "failed_legend_handle",
    "MAX_FIGURE_INCHES",
    "bounded_size",
    "label_rows",
]

#: no figure is wider or taller than this (inches; 2400 x 1800 px at the style's 200 dpi)
MAX_FIGURE_INCHES = (12.0, 9.0)


def bounded_size(width: float, height: float) -> tuple[float, float]:
    """(width, height) scaled down, aspect kept, to fit :data:`MAX_FIGURE_INCHES`."""
    shrink = min(1.0, MAX_FIGURE_INCHES[0] / width, MAX_FIGURE_INCHES[1] / height)
    return width * shrink, height * shrink

#: the house style (src/cumex/data/cumex.mplstyle): one font for text and mathematics, Type 42 fonts
STYLE_FILE = Path(__file__).resolve().parents[1] / "data" / "cumex.mplstyle"
RC_PARAMS = dict(matplotlib.rc_params_from_file(STYLE_FILE, use_default_template=False))

# Okabe-Ito colours, one per order, with a marker of its own (colour-blind safe; also apart in greyscale)
_EXACT = {"color": "#000000", "marker": "o"}
_ORDER_STYLES = [
    ("#D55E00", "v"),  # 1: mean-field
    ("#0072B2", "s"),  # 2
    ("#009E73", "^"),  # 3
    ("#CC79A7", "D"),  # 4
    ("#E69F00", "P"),  # 5
    ("#56B4E9", "X"),  # 6
    ("#7F7F7F", "*"),  # 7
    ("#F0E442", "h"),  # 8
]
_LIMIT = {"color": "#000000", "marker": "*"}


def styled(function):
    """Run a figure function inside the house style, so that every text it creates gets the same fonts
    (matplotlib fixes a text's math font when the text is created)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with plt.rc_context(RC_PARAMS):
            return function(*args, **kwargs)

    return wrapper


def sorted_orders(orders: Iterable[str]) -> list[str]:
    """exact first, then by order M (broken after symmetric)."""

    def key(order: str) -> tuple[int, int, str]:
        if order == "exact":
            return (0, 0, "")
        m = order.split("_")[0]
        return (1, int(m) if m.isdigit() else 99, order)

    return sorted(map(str, orders), key=key)


def order_label(order: str) -> str:
    order = str(order)
    if order == "exact":
        return "exact"
    if order == "limit":
        return r"exact $N \to \infty$ limit"
    if order == "1":
        return "mean-field (MF)"
    m, _, broken = order.partition("_")
    return f"cumulants, order {m} (C{m})" + (", symmetry-broken" if broken else "")


def order_style(order: str) -> dict:
    """Colour, marker and line style of an order (exact: black dots, as dots in Fowler-Wright et al. Fig. 2)."""
    order = str(order)
    if order == "exact":
        return {**_EXACT, "linestyle": "none", "markersize": 3.5, "zorder": 3}
    if order == "limit":
        return {**_LIMIT, "linestyle": "--", "markersize": 7, "zorder": 3}
    m, _, broken = order.partition("_")
    index = (int(m) - 1) if m.isdigit() else len(_ORDER_STYLES) - 1
    colour, marker = _ORDER_STYLES[index % len(_ORDER_STYLES)]
    return {
        "color": colour,
        "marker": marker,
        "markevery": 0.1,
        "markersize": 4,
        "linestyle": ":" if broken else ("--" if m == "1" else "-"),
    }


def scaling_title(ds: xr.Dataset, scaling: str) -> str:
    """Panel title of a scaling: the model's own (decoration "scaling_title"), else what the scaling holds
    fixed (:attr:`cumex.models.spec.Scaling.shown`, read back from the data), else the scaling's name."""
    from cumex.plots.slicing import dataset_model, first_finite

    model = dataset_model(ds)
    title = model.decorations.get("scaling_title")
    if title:
        return title(ds, scaling)
    spec = next((s for s in model.scalings if s.name == scaling), None)
    if spec is None or not spec.shown:
        return f"scaling {scaling}"
    sub = ds.sel(scaling=scaling) if "scaling" in ds.dims else ds
    values = ", ".join(f"${label} = {first_finite(value(sub)):.4g}$" for label, value in spec.shown)
    return f"no scaling: {values}" if scaling == "none" else f"fixed {values}"


def nearest_value(values: np.ndarray, target: float | None, counts: np.ndarray | None = None) -> float:
    """The coordinate value closest to ``target``; with no target, the one with the largest count (of
    several equally covered, the last: the largest N of a full grid)."""
    values = np.asarray(values)
    if target is None:
        if counts is None:
            return values[-1].item()
        counts = np.asarray(counts)
        return values[int(np.flatnonzero(counts == counts.max())[-1])].item()
    numbers = values.astype(float)
    if np.isinf(float(target)):  # inf - inf is NaN: the infinite value itself, else the extreme one
        hits = np.flatnonzero(numbers == float(target))
        return values[hits[0] if hits.size else (np.argmax(numbers) if float(target) > 0 else np.argmin(numbers))].item()
    distance = np.abs(numbers - float(target))
    return values[int(np.argmin(np.where(np.isnan(distance), np.inf, distance)))].item()


def present(ds: xr.Dataset) -> xr.DataArray:
    """True where the study has a result (solved or failed); False for points outside its grids."""
    return ds["converged"].notnull()


def failed(ds: xr.Dataset) -> xr.DataArray:
    """True where the solve failed (recorded with converged = 0 and NaN observables)."""
    return present(ds) & (ds["converged"] == 0)


def panels_with_a_line(ds: xr.Dataset, along: str) -> list[str]:
    """Scalings of ``ds`` (already at a fixed pump ratio or N) where some order has two or more points
    along ``along``: a panel with single points only says nothing. All scalings when none has."""
    held = present(ds).sum(dim=along)
    counts = held.max(dim=[d for d in held.dims if d != "scaling"])
    scalings = [str(s) for s in ds["scaling"].values]
    keep = [s for s, c in zip(scalings, np.asarray(counts.values)) if c >= 2]
    return keep or scalings


def new_figure(n_panels: int, width_per_panel: float = 3.4, height: float = 3.4, sharey: bool = True, max_columns: int = 3):
    """A figure of ``n_panels`` panels (constrained layout) in rows of at most ``max_columns``, so that
    many panels never make a strip; its size bounded by :data:`MAX_FIGURE_INCHES`."""
    columns = min(n_panels, max_columns)
    rows = -(-n_panels // columns)
    with plt.rc_context(RC_PARAMS):
        fig, axes = plt.subplots(
            rows, columns, figsize=bounded_size(width_per_panel * columns + 0.4, height * rows - 0.4 * (rows - 1)),
            sharey=sharey, squeeze=False, layout="constrained",
        )
    flat = list(axes.ravel())
    for extra in flat[n_panels:]:
        fig.delaxes(extra)
    return fig, flat[:n_panels]


def label_rows(axes, label: str) -> None:
    """The y label on the first panel of each row."""
    for ax in axes:
        if ax.get_subplotspec().is_first_col():
            ax.set_ylabel(label)


def mark_failed(ax, x: np.ndarray, colour: str) -> bool:
    """Crosses on the lower edge of ``ax`` at the x positions of failed points; True if any drawn."""
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        return False
    ax.plot(
        x, np.full(x.shape, 0.02), transform=ax.get_xaxis_transform(), linestyle="none", marker="x",
        markersize=5, color=colour, clip_on=False,
    )
    return True


def failed_legend_handle(colour: str = "0.3"):
    from matplotlib.lines import Line2D

    return Line2D([], [], linestyle="none", marker="x", color=colour, label="solve failed (no value)")


def shared_legend(axes, any_failed: bool) -> None:
    """One legend below the panels with every label of every panel, plus the failed-point marker."""
    handles, labels = [], []
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    if any_failed:
        handles.append(failed_legend_handle())
        labels.append(handles[-1].get_label())
    if handles:
        fig = axes[0].figure
        columns = min(len(handles), 2 * len(axes), 4)  # a single panel: no legend wider than the figure
        fig.legend(handles, labels, frameon=False, loc="outside lower center", ncols=columns)


def save_figure(fig, paths: Iterable[str | os.PathLike]) -> None:
    """Save ``fig`` under each path (format from the suffix), atomically, then close it."""
    with plt.rc_context(RC_PARAMS):
        for path in map(Path, paths):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.part")
            fig.savefig(tmp, format=path.suffix.lstrip("."), bbox_inches="tight", pad_inches=0.05)
            os.replace(tmp, path)
    plt.close(fig)
