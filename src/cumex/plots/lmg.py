"""Figures of the LMG-dimer study, from datasets only (Kothe & Kirton 2025, Figs. 2 and 3).

- :func:`plot_stability_diagram`: number of stable mean-field fixed points over (J/g, λ/g), hatched
  where none is stable and the attractor is a limit cycle or irregular, with the analytic boundaries
  drawn over it: eq. 12 (normal state loses stability to the LMG phases, |J| = J_c(λ)), the exact Hopf
  line of the normal state and eq. 13 as printed (its lowest order in J).
- :func:`plot_cuts`: Z_B along the Fig. 3 cuts, mean-field (time-averaged on cycles, with its
  averaging error as a band) against exact results for several spin lengths S.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402
from matplotlib.colors import BoundaryNorm, ListedColormap  # noqa: E402

from cumex.lmg import boundaries as bd  # noqa: E402

from cumex.plots.style import save_figure  # noqa: E402

__all__ = ["plot_stability_diagram", "plot_cuts"]


def _grid2d(ds: xr.Dataset, name: str) -> xr.DataArray:
    da = ds[name]
    for dim in ("order", "S"):
        if dim in da.dims:
            da = da.isel({dim: 0})
    return da.transpose("lambda", "J")


def plot_stability_diagram(ds: xr.Dataset, path: str | Path, g: float = 1.0, gamma: float = 0.5) -> Path:
    """Fig. 2: colour = number of stable fixed points; hatches: cycles (//) and irregular (xx)."""
    n_stable = _grid2d(ds, "n_stable")
    code = _grid2d(ds, "attractor_code")
    J, lam = n_stable["J"].values, n_stable["lambda"].values
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    cmap = ListedColormap(["#5b2a86", "#2a9d8f", "#f4d35e", "#e76f51"])
    norm = BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5], cmap.N)
    mesh = ax.pcolormesh(J / g, lam / g, n_stable.values, cmap=cmap, norm=norm, shading="nearest")
    cbar = fig.colorbar(mesh, ax=ax, ticks=[0, 1, 2, 3])
    cbar.set_label("number of stable fixed points")
    codes = code.values.astype(float)
    for value, hatch in ((2, "//"), (3, "xx")):
        ax.contourf(J / g, lam / g, (codes == value).astype(float), levels=[0.5, 1.5], colors="none", hatches=[hatch])
    failed = np.argwhere(codes < 0)
    if len(failed):
        ax.plot(J[failed[:, 1]] / g, lam[failed[:, 0]] / g, "kx", ms=3, label="failed")
    lam_fine = np.linspace(lam.min(), lam.max(), 400)
    jc = bd.j_critical(lam_fine, g, gamma)
    ax.plot(jc / g, lam_fine / g, "k--", lw=1.2, label="eq. 12")
    ax.plot(-jc / g, lam_fine / g, "k--", lw=1.2)
    j_fine = np.linspace(J.min(), J.max(), 400)
    ax.plot(j_fine / g, bd.lambda_hopf(j_fine, g, gamma) / g, "w-", lw=1.0, label="Hopf line of the normal state")
    small = np.abs(j_fine) < 0.5 * g
    ax.plot(j_fine[small] / g, bd.lambda_critical_eq13(j_fine[small], g) / g, "k:", lw=1.5, label="eq. 13")
    ax.set_xlim(J.min() / g, J.max() / g)
    ax.set_ylim(lam.min() / g, lam.max() / g)
    ax.set_xlabel("J / g")
    ax.set_ylabel("λ / g")
    ax.set_title(f"mean-field stability count, γ = {gamma / g:g} g  (// limit cycle, xx irregular)", fontsize=9)
    ax.legend(loc="upper right", fontsize=7, framealpha=0.8)
    fig.tight_layout()
    save_figure(fig, [path])  # atomic, like the central-spin figures
    return Path(path)


def plot_cuts(meanfield: xr.Dataset, exact: xr.Dataset | None, cuts: Mapping[str, Mapping[str, float]],
              path: str | Path, g: float = 1.0) -> Path:
    """Fig. 3: Z_B along each cut, mean-field line (± averaging error) and exact points for each S."""
    names = list(cuts)
    fig, axes = plt.subplots(1, len(names), figsize=(3.4 * len(names), 3.2), squeeze=False)
    for ax, name in zip(axes[0], names):
        fixed, value = next(iter(cuts[name].items()))
        swept = "lambda" if fixed == "J" else "J"
        mf = _grid2d(meanfield, "Z_B").sel({fixed: value}, method="nearest")
        err = _grid2d(meanfield, "Z_B_error").sel({fixed: value}, method="nearest").fillna(0.0)
        x = mf[swept].values / g
        ax.plot(x, mf.values, "k-", lw=1.2, label="mean-field")
        ax.fill_between(x, mf.values - err.values, mf.values + err.values, color="0.6", alpha=0.5, lw=0)
        if exact is not None:
            sub = exact
            for dim in ("order",):
                if dim in sub.dims:
                    sub = sub.isel({dim: 0})
            if value in sub[fixed].values:
                line = sub["Z_B"].sel({fixed: value})
                for S in line["S"].values:
                    y = line.sel(S=S).dropna(swept)
                    ax.plot(y[swept].values / g, y.values.ravel(), "o", ms=2.5, label=f"exact S = {S:g}")
        ax.set_xlabel(f"{'λ' if swept == 'lambda' else 'J'} / g")
        ax.set_title(f"({name}) {'λ' if fixed == 'lambda' else 'J'} = {value:g} g", fontsize=9)
        ax.set_ylim(-1.05, 1.05)
    axes[0][0].set_ylabel("Z_B = <S_B^z>/S")
    axes[0][-1].legend(fontsize=6)
    fig.tight_layout()
    save_figure(fig, [path])  # atomic, like the central-spin figures
    return Path(path)
