"""Pump-ratio figure: p0 against Gamma_up/Gamma_T at fixed N, one line per order, one panel per scaling.

As Fowler-Wright et al. (PRL 2023) Fig. 2(c). The dashed grey line marks the mean-field threshold
R_c = (1 + Gamma_T kappa / (4 g^2 N)) / 2 at resonance (omega = epsilon), computed from the
parameters stored in the data: below it the mean-field central population is zero.
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

__all__ = ["plot_pump_ratio", "pick_N", "mean_field_threshold"]


def pick_N(ds: xr.Dataset, N: int | None) -> int:
    """The N of the dataset closest to ``N``; None: the N with the most pump ratios."""
    counts = present(ds).sum(dim=[d for d in ("scaling", "order", "pump_ratio") if d in ds.dims]).values
    return int(nearest_value(ds["N"].values, N, counts))


def mean_field_threshold(g: float, kappa: float, N: int, gamma_T: float) -> float:
    """Mean-field lasing threshold R_c = (1 + Gamma_T kappa / (4 g^2 N)) / 2 at resonance (issue 2, eq. 9)."""
    return 0.5 * (1.0 + gamma_T * kappa / (4.0 * g * g * N))


def _first_finite(values) -> float:
    flat = np.asarray(values, dtype=float).ravel()
    flat = flat[np.isfinite(flat)]
    return float(flat[0]) if flat.size else float("nan")


@styled
def plot_pump_ratio(ds: xr.Dataset, N: int | None = 50, variable: str = "central_population"):
    """p0 (or ``variable``) against the pump ratio at the N nearest ``N``."""
    n = pick_N(ds, N)
    at_n = ds.sel(N=n)
    scalings = panels_with_a_line(at_n, "pump_ratio")
    fig, axes = new_figure(len(scalings))
    any_failed = False
    for ax, scaling in zip(axes, scalings):
        panel = at_n.sel(scaling=scaling)
        any_failed |= draw_orders(ax, panel, variable, "pump_ratio", dense_exact_as_line=True)
        g, kappa = _first_finite(panel["g"]), _first_finite(panel["kappa"])
        gamma_T = _first_finite(panel["gamma_up"] + panel["gamma_down"])
        if np.isclose(_first_finite(panel["omega"]), _first_finite(panel["epsilon"])) and np.isfinite(g * kappa * gamma_T):
            rc = mean_field_threshold(g, kappa, n, gamma_T)
            if 0.0 <= rc <= 1.0:
                ax.axvline(rc, color="0.6", linestyle="--", linewidth=0.9, label=r"MF threshold $R_c$")
        ax.set_title(scaling_title(ds, scaling))
        ax.set_xlabel(r"pump ratio $\Gamma_\uparrow/\Gamma_T$")
        ax.set_xlim(-0.02, 1.02)
    axes[0].set_ylabel(P0_LABEL if variable == "central_population" else ds[variable].attrs.get("long_name", variable))
    shared_legend(axes, any_failed)
    fig.suptitle(rf"Dependence on the pump ratio at $N = {n}$", fontsize=10)
    return fig
