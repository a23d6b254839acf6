"""Line figures of any model: an observable against one axis (a line per order, a panel per scaling),
and its distance to the exact result.

``series`` figures reproduce Fowler-Wright et al. (PRL 2023) Fig. 2(a-c): against 1/N (N -> infinity on
the left, N itself on the top axis) or against the pump ratio; ``error`` figures Fig. 2(d). Every other
axis of the model is held at one value (:func:`cumex.plots.slicing.slice_axes`), said in the title --
except a figure's ``lines`` axis, each of whose values is a line (the LMG dimer's spin length S). A
series figure with ``panels`` draws a panel per cut (Kothe & Kirton 2025, Fig. 3: Z_B along J at fixed
lambda and along lambda at fixed J), each cut fixing its own axes.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from cumex.figure_choices import figure_panels, panel_axis
from cumex.models.spec import FigureSpec, Model
from cumex.plots._series import draw_lines, draw_orders
from cumex.plots.slicing import axis_label, fixed_text, observable_label, slice_axes
from cumex.plots.style import (
    failed,
    mark_failed,
    new_figure,
    order_label,
    order_style,
    panels_with_a_line,
    present,
    scaling_title,
    shared_legend,
    sorted_orders,
    styled,
)

__all__ = ["plot_series", "plot_error_series"]

#: errors below this are rounding (an order that is exact at small N): below the log axis' range
_ROUNDING = 1e-12


def _reciprocal(x):
    x = np.asarray(x, dtype=float)
    # 1/x, with 1/0 capped (the top axis at 1/N = 0 is N -> infinity, never a tick)
    return 1.0 / np.maximum(x, 1e-9)


def _top_axis_of_N(ax) -> None:
    """N itself on the top axis, so that a point can be read off without inverting."""
    top = ax.secondary_xaxis("top", functions=(_reciprocal, _reciprocal))
    top.set_xticks([1, 2, 3, 5, 10, 50], labels=["1", "2", "3", "5", "10", "50"])
    top.tick_params(labelsize=7.5, length=2)
    top.set_xlabel(r"$N$", fontsize=8.5, labelpad=4)


@styled
def plot_series(ds: xr.Dataset, model: Model, spec: FigureSpec, choices: Mapping[str, object] | None = None):
    """The headline observable (or ``spec.observable``) against ``spec.x`` (see the module docstring).

    With ``spec.panels`` (or the study's ``figures.panels.<name>``) a panel per cut and scaling, each along its
    own x axis (:func:`cumex.figure_choices.panel_axis`); with ``spec.lines`` a line per value of that axis.
    """
    variable = spec.observable or model.headline
    choices = dict(choices or {})
    cuts = figure_panels(spec, choices)
    cells = []
    for cut in cuts:
        x = panel_axis(spec, cut)
        keep = (x,) + ((spec.lines,) if spec.lines else ())
        at, fixed = slice_axes(ds, model, keep, {**choices, **cut})
        cells += [(cut, x, at.sel(scaling=scaling), fixed, scaling) for scaling in panels_with_a_line(at, x)]
    fig, axes = new_figure(len(cells))
    inverse = spec.x_transform == "inverse"
    several = len({c[4] for c in cells}) > 1
    any_failed = False
    for k, (ax, (cut, x, panel, fixed, scaling)) in enumerate(zip(axes, cells)):
        x_of = (lambda v: 1.0 / np.asarray(v, dtype=float)) if inverse else (lambda v: v)
        if spec.lines:
            symbol = (model.axis(spec.lines).symbol or spec.lines) if spec.lines in model.axis_names else rf"\mathrm{{{spec.lines}}}"
            any_failed |= draw_lines(ax, panel, variable, x, spec.lines, symbol)
        else:
            any_failed |= draw_orders(ax, panel, variable, x, x_of=x_of, dense_exact_as_line=not inverse)
        if spec.decoration:
            model.decorations[spec.decoration](ax, panel, fixed)
        if cut:
            cut_text = fixed_text(model, {a: fixed.get(a, v) for a, v in cut.items()})
            ax.set_title(f"({chr(ord('a') + k)}) {cut_text}" + (f"\n{scaling_title(ds, scaling)}" if several else ""))
        else:
            ax.set_title(scaling_title(ds, scaling))
        symbol = model.axis(x).symbol or x
        if inverse:
            ax.set_xlabel(rf"$1/{symbol}$")
            ax.set_xlim(left=0)
            _top_axis_of_N(ax)
        else:
            ax.set_xlabel(axis_label(model, x))
            lo, hi = model.axis(x).minimum, model.axis(x).maximum
            if lo is not None and hi is not None:
                pad = 0.02 * (hi - lo)
                ax.set_xlim(lo - pad, hi + pad)
    axes[0].set_ylabel(observable_label(model, variable))
    shared_legend(axes, any_failed)
    if any(cut for cut, *_ in cells):
        rest = {a: v for a, v in cells[0][3].items() if not any(a in c for c, *_ in cells)}
        what = f"{observable_label(model, variable)} along cuts" + ("" if several else f", {scaling_title(ds, cells[0][4])}")
        fig.suptitle(f"{what} at {fixed_text(model, rest)}" if rest else what, fontsize=10)
        return fig
    what = "Convergence with $N$" if inverse else f"Dependence on {axis_label(model, spec.x)}"
    fig.suptitle(f"{what} at {fixed_text(model, fixed)}" if fixed else what, fontsize=10)
    return fig


@styled
def plot_error_series(ds: xr.Dataset, model: Model, spec: FigureSpec, choices: Mapping[str, object] | None = None):
    """|value − exact value| against ``spec.x`` for every approximate order (failed points marked)."""
    variable = spec.observable or model.headline
    at, fixed = slice_axes(ds, model, (spec.x,), choices or {})
    scalings = panels_with_a_line(at, spec.x)
    fig, axes = new_figure(len(scalings), sharey=False)  # errors differ by scaling: no clipped panel
    orders = [o for o in sorted_orders(at["order"].values) if o != "exact"]
    have_exact = "exact" in set(map(str, at["order"].values))
    any_failed = False
    for ax, scaling in zip(axes, scalings):
        panel = at.sel(scaling=scaling)
        ax.set_title(scaling_title(ds, scaling))
        ax.set_xlabel(axis_label(model, spec.x))
        if not have_exact:
            ax.text(0.5, 0.5, "no exact results in this study", transform=ax.transAxes, ha="center", va="center")
            continue
        exact = panel.sel(order="exact")
        drawn: list[float] = []
        x = np.asarray(panel[spec.x].values, dtype=float)
        exact_ok = np.asarray((present(exact) & ~failed(exact)).values, dtype=bool)
        for order in orders:
            line = panel.sel(order=order)
            ok = np.asarray((present(line) & ~failed(line)).values, dtype=bool)
            err = np.abs(np.asarray(line[variable].values, dtype=float) - np.asarray(exact[variable].values, dtype=float))
            both = ok & exact_ok & np.isfinite(err)
            fail = np.asarray(present(line).values, dtype=bool) & np.asarray(present(exact).values, dtype=bool) & ~(ok & exact_ok)
            if not both.any() and not fail.any():
                continue
            style = {**order_style(order), "markevery": None, "markersize": 3} if both.sum() < 40 else order_style(order)
            ax.plot(x[both], err[both], label=order_label(order), **style)
            any_failed |= mark_failed(ax, x[fail], style["color"])
            drawn.extend(err[both])
        visible = [e for e in drawn if e > _ROUNDING]
        if visible:  # errors span decades: a log axis; rounding-level errors (an order exact at small N) sit on its lower edge
            ax.set_yscale("log")
            ax.set_ylim(bottom=0.3 * min(visible), top=3.0 * max(visible))
        else:
            ax.set_ylim(bottom=0)
    axes[0].set_ylabel(f"error in {observable_label(model, variable)}")
    shared_legend(axes, any_failed)
    title = "Error against the exact steady state"
    fig.suptitle(f"{title} at {fixed_text(model, fixed)}" if fixed else title, fontsize=10)
    return fig
