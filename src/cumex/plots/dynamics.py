"""Figures of a dynamics study (``study_type: dynamics``): time traces, and their approach to the N → ∞ limit.

``trace`` (Carollo 2023, Fig. 2a–c): each of ``spec.observables`` against time, a column per observable, a row
per (scaling, method); a line per N (light to dark as N grows) and the exact N → ∞ limit of the scaling
(order ``limit``) dashed black. ``deviation`` (the insets of his Fig. 2): Δ(N) = max over the time window of
|⟨O⟩_N(t) − ⟨O⟩_∞(t)| against N on log–log axes, a line per (scaling, method), with the fitted power law
Δ ∝ N^s written in the panel (least squares of log Δ on log N over the finite N shown). Every other model axis is
held at one value as in the steady figures (:func:`cumex.plots.slicing.slice_axes`). Points whose run failed
(``converged = 0``) are left out and named in the panel.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.ticker import NullFormatter

from cumex.models.spec import FigureSpec, Model
from cumex.plots.slicing import fixed_text, observable_label, slice_axes
from cumex.plots.style import RC_PARAMS, order_label, order_style, scaling_title, sorted_orders, styled

__all__ = ["plot_traces", "plot_deviation", "deviations", "power_law_slope"]


def _observables(model: Model, spec: FigureSpec) -> list[str]:
    return list(spec.observables or (spec.observable or model.headline,))


def _size(model: Model) -> str:
    return model.size_axis or model.axis_names[0]


def _held(ds: xr.Dataset, model: Model, choices: Mapping[str, object]) -> tuple[xr.Dataset, dict[str, float]]:
    return slice_axes(ds, model, (_size(model),), dict(choices))


def _methods(ds: xr.Dataset) -> list[tuple[str, str]]:
    """(scaling, order) pairs with at least one solved point, the limit excluded."""
    out = []
    for scaling in map(str, ds["scaling"].values):
        for order in sorted_orders(o for o in map(str, ds["order"].values) if o != "limit"):
            if bool(ds["converged"].sel(scaling=scaling, order=order).notnull().any()):
                out.append((scaling, order))
    return out


def _limit_trace(ds: xr.Dataset, model: Model, scaling: str, name: str) -> np.ndarray | None:
    """The limit's trace of ``name`` under ``scaling`` (None when the study has no converged limit there)."""
    if "limit" not in map(str, ds["order"].values):
        return None
    size = _size(model)
    at = ds.sel(scaling=scaling, order="limit")
    inf = [v for v in at[size].values if math.isinf(float(v))]
    if not inf or at["converged"].sel({size: inf[0]}).item() != 1:
        return None
    return np.asarray(at[name].sel({size: inf[0]}).values, dtype=float)


def _finite_sizes(panel: xr.Dataset, model: Model) -> tuple[list[float], list[float]]:
    """(N with a converged run, N whose run failed) of one (scaling, order) panel, finite N only."""
    size = _size(model)
    good, bad = [], []
    for value in panel[size].values:
        if math.isinf(float(value)):
            continue
        c = panel["converged"].sel({size: value}).item()
        if c == 1:
            good.append(value)
        elif c == 0:
            bad.append(value)
    return good, bad


def _new_grid(rows: int, cols: int):
    with plt.rc_context(RC_PARAMS):
        fig, axes = plt.subplots(rows, cols, figsize=(3.3 * cols + 0.4, 2.7 * rows + 0.6), squeeze=False,
                                 layout="constrained", sharex=True)
    return fig, axes


@styled
def plot_traces(ds: xr.Dataset, model: Model, spec: FigureSpec, choices: Mapping[str, object] | None = None):
    """Time traces per N with the limit dashed (module docstring)."""
    ds, fixed = _held(ds, model, choices or {})
    names = _observables(model, spec)
    methods = _methods(ds) or [(str(ds["scaling"].values[0]), "limit")]
    fig, axes = _new_grid(len(methods), len(names))
    t = ds["time"].values
    size = _size(model)
    every = [float(n) for n in ds[size].values if not math.isinf(float(n))]  # one colour per N in every row
    palette = dict(zip(every, plt.get_cmap("viridis")(np.linspace(0.85, 0.05, max(len(every), 1)))))
    for row, (scaling, order) in enumerate(methods):
        panel = ds.sel(scaling=scaling, order=order)
        good, bad = _finite_sizes(panel, model) if order != "limit" else ([], [])
        for col, name in enumerate(names):
            ax = axes[row][col]
            for n in good:
                ax.plot(t, panel[name].sel({size: n}).values, color=palette[float(n)], lw=1.1, label=f"$N = {int(n)}$")
            if good and not np.isfinite(np.asarray(panel[name].sel({size: good}).values, dtype=float)).any():
                ax.text(0.5, 0.5, "not given by this method", transform=ax.transAxes, ha="center", fontsize=8, color="0.4")
            limit = _limit_trace(ds, model, scaling, name)
            if limit is not None:
                ax.plot(t, limit, color="black", ls="--", lw=1.2, label=order_label("limit"))
            title = f"{order_label(order)}" if order != "limit" else order_label("limit")
            if len({s for s, _ in methods}) > 1:
                title += f"\n{scaling_title(ds, scaling)}"
            if bad:
                title += "\nnot converged: " + ", ".join(f"N = {int(n)}" for n in bad)
            ax.set_title(title, fontsize=8)
            ax.set_ylabel(observable_label(model, name))
            if row == len(methods) - 1:
                ax.set_xlabel(f"time $t$ [{model.time_units}]" if model.time_units != "1" else "time $t$")
    if fixed:
        fig.suptitle(fixed_text(model, fixed), fontsize=9)
    handles, labels = [], []
    for ax in axes[:, 0]:  # every N of every row, in order, and the limit
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    ranking = sorted(range(len(labels)), key=lambda k: (labels[k].startswith("exact"), float(labels[k].split("=")[-1].strip(" $"))
                                                         if "=" in labels[k] else 0.0))
    handles, labels = [handles[k] for k in ranking], [labels[k] for k in ranking]
    if handles:
        fig.legend(handles, labels, frameon=False, loc="outside lower center", ncols=min(len(handles), 6))
    return fig


def power_law_slope(N: np.ndarray, deviation: np.ndarray) -> float:
    """Least-squares slope s of log Δ against log N (Δ ∝ N^s); NaN with fewer than two positive points."""
    N, deviation = np.asarray(N, dtype=float), np.asarray(deviation, dtype=float)
    ok = np.isfinite(N) & np.isfinite(deviation) & (deviation > 0) & (N > 0)
    if ok.sum() < 2:
        return float("nan")
    return float(np.polyfit(np.log(N[ok]), np.log(deviation[ok]), 1)[0])


def deviations(ds: xr.Dataset, model: Model, names: list[str] | tuple[str, ...],
               choices: Mapping[str, object] | None = None) -> dict[tuple[str, str, str], tuple[np.ndarray, np.ndarray, float]]:
    """(scaling, order, observable) -> (N, max_t |⟨O⟩_N(t) − ⟨O⟩_∞(t)|, fitted slope) for every method with a
    limit in the study (other axes held as in the figures)."""
    ds, _ = _held(ds, model, choices or {})
    size = _size(model)
    out = {}
    for scaling, order in _methods(ds):
        panel = ds.sel(scaling=scaling, order=order)
        good, _ = _finite_sizes(panel, model)
        for name in names:
            limit = _limit_trace(ds, model, scaling, name)
            if limit is None or not good:
                continue
            traces = np.array([panel[name].sel({size: n}).values for n in good], dtype=float)
            if not np.isfinite(traces).any():  # the method does not give this observable
                continue
            gap = np.abs(traces - limit[None, :])
            dev = np.array([row[np.isfinite(row)].max() if np.isfinite(row).any() else np.nan for row in gap])
            Ns = np.array(good, dtype=float)
            out[(scaling, order, name)] = (Ns, dev, power_law_slope(Ns, dev))
    return out


@styled
def plot_deviation(ds: xr.Dataset, model: Model, spec: FigureSpec, choices: Mapping[str, object] | None = None):
    """The maximal deviation from the limit against N with the fitted slope (module docstring)."""
    names = _observables(model, spec)
    table = deviations(ds, model, names, choices)
    _, fixed = _held(ds, model, choices or {})
    with plt.rc_context(RC_PARAMS):
        fig, axes = plt.subplots(1, len(names), figsize=(3.3 * len(names) + 0.4, 3.2), squeeze=False, layout="constrained")
    t = ds["time"].values
    window = f"{float(t[0]):g} \\leq t \\leq {float(t[-1]):g}"
    for ax, name in zip(axes[0], names):
        lines = [(key, value) for key, value in table.items() if key[2] == name]
        several = len({s for (s, _, _), _ in lines}) > 1
        for k, ((scaling, order, _), (Ns, dev, slope)) in enumerate(lines):
            style = {key: v for key, v in order_style(order).items() if key not in ("markevery",)}
            style["linestyle"] = "-"
            label = order_label(order) + (f" ({scaling})" if several else "")
            ax.loglog(Ns, np.where(dev > 0, dev, np.nan), label=label, **style)
            if np.isfinite(slope):
                ok = dev > 0
                fit = np.exp(np.polyval(np.polyfit(np.log(Ns[ok]), np.log(dev[ok]), 1), np.log(Ns)))
                ax.loglog(Ns, fit, color=style.get("color", "black"), lw=0.7, ls=":")
                short = "exact" if order == "exact" else f"C{order.split('_')[0]}" + (" broken" if "_" in order else "")
                # lower left: decaying lines run from the upper left to the lower right
                ax.text(0.03, 0.03 + 0.075 * k, f"{short}: $\\Delta \\propto N^{{{slope:.2f}}}$", transform=ax.transAxes,
                        ha="left", va="bottom", fontsize=8, color=style.get("color", "black"))
        if not lines:
            ax.text(0.5, 0.5, "no N -> infinity limit\nin this study", transform=ax.transAxes, ha="center", va="center")
        sizes = sorted({float(n) for (_, _, o), (Ns, _, _) in table.items() if o == name for n in Ns})
        if sizes:  # the N of the study as ticks (log axes' minor labels overlap)
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xticks(sizes, labels=[f"{n:g}" for n in sizes])
        ax.set_xlabel(r"$N$")
        ax.set_title(f"max over ${window}$ of |{observable_label(model, name)} − limit|", fontsize=8)
    if fixed:
        fig.suptitle(fixed_text(model, fixed), fontsize=9)
    handles, labels = [], []
    for ax in axes[0]:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    if handles:
        fig.legend(handles, labels, frameon=False, loc="outside lower center", ncols=min(len(handles), 3), fontsize=8)
    return fig
