"""Error figure: |p0 - p0(exact)| against N for every approximate order, one panel per scaling.

As Fowler-Wright et al. (PRL 2023) Fig. 2(d). Needs the exact order at the same grid points; points
where either the approximation or the exact solve failed are marked as failed.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from cumex.plots.convergence import pick_pump_ratio
from cumex.plots.style import (
    failed, mark_failed, new_figure, order_label, order_style, panels_with_a_line, present, scaling_title,
    shared_legend, sorted_orders, styled,
)

__all__ = ["plot_error"]


@styled
def plot_error(ds: xr.Dataset, pump_ratio: float | None = 0.75, variable: str = "central_population"):
    """|value - exact value| against N at the pump ratio nearest ``pump_ratio``."""
    r = pick_pump_ratio(ds, pump_ratio)
    at_r = ds.sel(pump_ratio=r)
    scalings = panels_with_a_line(at_r, "N")
    fig, axes = new_figure(len(scalings), sharey=False)  # errors differ by scaling: no clipped panel
    orders = [o for o in sorted_orders(at_r["order"].values) if o != "exact"]
    have_exact = "exact" in set(map(str, at_r["order"].values))
    any_failed = False
    for ax, scaling in zip(axes, scalings):
        panel = at_r.sel(scaling=scaling)
        ax.set_title(scaling_title(ds, scaling))
        ax.set_xlabel(r"number of satellites $N$")
        if not have_exact:
            ax.text(0.5, 0.5, "no exact results in this study", transform=ax.transAxes, ha="center", va="center")
            continue
        exact = panel.sel(order="exact")
        N = np.asarray(panel["N"].values, dtype=float)
        exact_ok = np.asarray((present(exact) & ~failed(exact)).values, dtype=bool)
        for order in orders:
            line = panel.sel(order=order)
            ok = np.asarray((present(line) & ~failed(line)).values, dtype=bool)
            err = np.abs(np.asarray(line[variable].values, dtype=float) - np.asarray(exact[variable].values, dtype=float))
            both = ok & exact_ok & np.isfinite(err)
            fail = np.asarray(present(line).values, dtype=bool) & np.asarray(present(exact).values, dtype=bool) & ~(ok & exact_ok)
            if not both.any() and not fail.any():
                continue
            style = {**order_style(order), "marker": "s", "markersize": 2.5} if both.sum() < 40 else order_style(order)
            ax.plot(N[both], err[both], label=order_label(order), **style)
            any_failed |= mark_failed(ax, N[fail], style["color"])
        ax.set_ylim(bottom=0)
    if variable == "central_population":
        axes[0].set_ylabel(r"error $|p_0^{\uparrow} - p_{0,\mathrm{exact}}^{\uparrow}|$")
    else:
        axes[0].set_ylabel(f"error in {variable}")
    shared_legend(axes, any_failed)
    fig.suptitle(rf"Error against the exact steady state at $\Gamma_\uparrow/\Gamma_T = {r:.4g}$", fontsize=10)
    return fig
