"""Line figures of any model: an observable against one axis (a line per order, a panel per scaling),
and its distance to the exact result.

``series`` figures reproduce Fowler-Wright et al. (PRL 2023) Fig. 2(a-c): against N -- log N with the
N -> infinity value at "∞" beyond an axis break, or the paper's 1/N (N -> infinity on the left, N on the
top axis), as the study's ``figures.n_axis`` says (:mod:`cumex.plots.n_axis`) -- or against the pump
ratio, over the range of the data; ``error`` figures Fig. 2(d). A figure whose x axis holds results at one
value only is a notice saying so (:mod:`cumex.plots.notice`). Every other
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
from cumex.plots._series import draw_lines, draw_orders, series
from cumex.plots.n_axis import n_axis_mode, set_log_n_axis
from cumex.plots.notice import notice_figure, values_with_results
from cumex.plots.slicing import axis_label, fixed_text, observable_label, slice_axes
from cumex.plots.style import (
    failed,
    label_rows,
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


def _top_axis_of_N(ax, n_min: float = 1.0) -> None:
    """N itself on the top axis, so that a point can be read off without inverting (ticks from the
    smallest N plotted: 1/N beyond it is not on the axis)."""
    top = ax.secondary_xaxis("top", functions=(_reciprocal, _reciprocal))
    ticks = [float(n) for n in (1, 2, 3, 5, 10, 50) if n >= n_min] or [n_min]
    top.set_xticks(ticks, labels=[f"{n:g}" for n in ticks])
    top.tick_params(labelsize=7.5, length=2)
    top.set_xlabel(r"$N$", fontsize=8.5, labelpad=4)


def _infinity_value(model: Model, panel: xr.Dataset, variable: str, scaling: str, x: str) -> tuple[bool, float | None]:
    """Whether the panel knows its N -> infinity value: the ``limit`` order's point, or -- for a scaling
    whose limit is mean-field (``Scaling.limit``) -- a mean-field line that does not depend on N (then its
    value, which draw_orders does not draw as a limit itself)."""
    orders = set(map(str, panel["order"].values))
    if "limit" in orders and series(panel.sel(order="limit")[variable], panel.sel(order="limit"), x).y.size:
        return True, None
    if "1" in orders and model.scaling(scaling).limit == "mean_field":
        s = series(panel.sel(order="1")[variable], panel.sel(order="1"), x)
        if s.y.size >= 2 and np.ptp(s.y) <= 1e-9 * max(1.0, abs(float(np.mean(s.y)))):
            return True, float(np.mean(s.y))
    return False, None


def _draw_mean_field_limit(ax, y: float, x_inf: float) -> None:
    style = order_style("1")
    ax.axhline(y, color=style["color"], linestyle="--", linewidth=0.8, alpha=0.7)
    ax.plot([x_inf], [y], linestyle="none", marker="*", markersize=7, color=style["color"], clip_on=False, zorder=3,
            label=r"$N \to \infty$: mean-field (independent of $N$)")


def _finite_positive(values) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    return v[np.isfinite(v) & (v > 0)]


def _data_xlim(ax, values) -> None:
    """x from the smallest to the largest value with a result (2 % margins), so that a closed-form line
    outside the data is seen to be off axis."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size >= 2 and np.ptp(v) > 0:
        pad = 0.02 * np.ptp(v)
        ax.set_xlim(v.min() - pad, v.max() + pad)


def _one_value_notice(model: Model, axis: str, values, what: str):
    symbol = model.axis(axis).symbol or axis
    shown = ", ".join(f"${symbol} = {float(v):.4g}$" for v in values) or "none"
    return notice_figure(what, f"Not drawn: this study has results at one value of {axis_label(model, axis)} only "
                               f"({shown}); a figure along it needs two or more.")


@styled
def plot_series(ds: xr.Dataset, model: Model, spec: FigureSpec, choices: Mapping[str, object] | None = None):
    """The headline observable (or ``spec.observable``) against ``spec.x`` (see the module docstring).

    With ``spec.panels`` (or the study's ``figures.panels.<name>``) a panel per cut and scaling, each along its
    own x axis (:func:`cumex.figure_choices.panel_axis`); with ``spec.lines`` a line per value of that axis.
    A figure with ``x_transform="inverse"`` (convergence with N) draws N as the study's ``figures.n_axis``
    says (:mod:`cumex.plots.n_axis`). A figure whose x axis holds results at one value only is a notice.
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
    convergence = spec.x_transform == "inverse"
    what = "Convergence with $N$" if convergence else f"Dependence on {axis_label(model, spec.x)}"
    x_values = [values_with_results(panel, x) for _, x, panel, *_ in cells]
    finite_counts = [np.isfinite(np.asarray(v, dtype=float)).sum() for v in x_values]
    if max(finite_counts) < 2:
        return _one_value_notice(model, cells[0][1], x_values[0][np.isfinite(np.asarray(x_values[0], dtype=float))], what)
    mode = n_axis_mode(choices.get("n_axis", "auto"), np.concatenate(x_values)) if convergence else None
    inverse = mode == "inverse_n"
    n_all = _finite_positive(np.concatenate(x_values))
    fig, axes = new_figure(len(cells))
    several = len({c[4] for c in cells}) > 1
    any_failed = False
    for k, (ax, (cut, x, panel, fixed, scaling)) in enumerate(zip(axes, cells)):
        x_of = (lambda v: 1.0 / np.asarray(v, dtype=float)) if inverse else (lambda v: v)
        known, mf_limit = _infinity_value(model, panel, variable, scaling, x) if convergence else (False, None)
        x_inf = None
        if mode == "log_n":
            x_inf = set_log_n_axis(ax, n_all.min(), n_all.max(), infinity=known)
        elif inverse:
            x_inf = 0.0
        else:
            _data_xlim(ax, x_values[k])
        if spec.lines:
            symbol = (model.axis(spec.lines).symbol or spec.lines) if spec.lines in model.axis_names else rf"\mathrm{{{spec.lines}}}"
            any_failed |= draw_lines(ax, panel, variable, x, spec.lines, symbol)
        else:
            any_failed |= draw_orders(ax, panel, variable, x, x_of=x_of, dense_exact_as_line=not convergence, limit_x=x_inf)
        if mf_limit is not None and x_inf is not None:
            _draw_mean_field_limit(ax, mf_limit, x_inf)
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
            _top_axis_of_N(ax, n_all.min())
        elif mode == "log_n":
            ax.set_xlabel(axis_label(model, x) + " (log scale)")
        else:
            ax.set_xlabel(axis_label(model, x))
    label_rows(axes, observable_label(model, variable))
    shared_legend(axes, any_failed)
    if any(cut for cut, *_ in cells):
        rest = {a: v for a, v in cells[0][3].items() if not any(a in c for c, *_ in cells)}
        what = f"{observable_label(model, variable)} along cuts" + ("" if several else f", {scaling_title(ds, cells[0][4])}")
        fig.suptitle(f"{what} at {fixed_text(model, rest)}" if rest else what, fontsize=10)
        return fig
    fig.suptitle(f"{what} at {fixed_text(model, fixed)}" if fixed else what, fontsize=10)
    return fig


@styled
def plot_error_series(ds: xr.Dataset, model: Model, spec: FigureSpec, choices: Mapping[str, object] | None = None):
    """|value − exact value| against ``spec.x`` for every approximate order (failed points marked), on a
    log axis where the errors are above rounding; an N axis as the study's ``figures.n_axis`` says
    (log N where N spans more than a decade; no N = ∞ marker: there is no exact value there)."""
    variable = spec.observable or model.headline
    choices = dict(choices or {})
    at, fixed = slice_axes(ds, model, (spec.x,), choices)
    title = "Error against the exact steady state"
    have_exact = "exact" in set(map(str, at["order"].values))
    # errors exist where exact results do: the x range of the figure
    values = np.asarray(values_with_results(at.sel(order=["exact"]) if have_exact else at, spec.x), dtype=float)
    finite = _finite_positive(values) if spec.x == model.size_axis else values[np.isfinite(values)]
    if finite.size < 2:
        return _one_value_notice(model, spec.x, finite, title)
    mode = n_axis_mode(choices.get("n_axis", "auto"), finite) if spec.x == model.size_axis else None
    x_of = (lambda v: 1.0 / np.asarray(v, dtype=float)) if mode == "inverse_n" else (lambda v: np.asarray(v, dtype=float))
    scalings = panels_with_a_line(at, spec.x)
    fig, axes = new_figure(len(scalings), sharey=False)  # errors differ by scaling: no clipped panel
    orders = [o for o in sorted_orders(at["order"].values) if o not in ("exact", "limit")]
    any_failed = False
    for ax, scaling in zip(axes, scalings):
        panel = at.sel(scaling=scaling)
        ax.set_title(scaling_title(ds, scaling))
        symbol = model.axis(spec.x).symbol or spec.x
        if mode == "log_n":
            set_log_n_axis(ax, finite.min(), finite.max(), infinity=False)
            ax.set_xlabel(axis_label(model, spec.x) + " (log scale)")
        elif mode == "inverse_n":
            ax.set_xlim(0, 1.02 / finite.min())
            ax.set_xlabel(rf"$1/{symbol}$")
            _top_axis_of_N(ax, finite.min())
        else:
            ax.set_xlabel(axis_label(model, spec.x))
        if not have_exact:
            ax.text(0.5, 0.5, "no exact results in this study", transform=ax.transAxes, ha="center", va="center")
            continue
        exact = panel.sel(order="exact")
        lines: list[tuple] = []
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
            lines.append((x_of(x[both]), err[both], order, style))
            any_failed |= mark_failed(ax, x_of(x[fail]), style["color"])
        visible = [e for _, err, *_ in lines for e in err if e > _ROUNDING]
        # errors span decades: a log axis; rounding-level errors (an order exact at small N) on its lower edge
        bottom = 0.3 * min(visible) if visible else 0.0
        for xs, err, order, style in lines:
            ax.plot(xs, np.maximum(err, bottom), label=order_label(order), **style)
        if visible:
            ax.set_yscale("log")
            ax.set_ylim(bottom=bottom, top=3.0 * max(visible))
        else:
            ax.set_ylim(bottom=0)
    label_rows(axes, f"error in {observable_label(model, variable)}")
    shared_legend(axes, any_failed)
    fig.suptitle(f"{title} at {fixed_text(model, fixed)}" if fixed else title, fontsize=10)
    return fig
