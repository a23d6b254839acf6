"""Figures the data cannot show as asked: which axis values hold results, and a figure that says why
nothing (or something else) is drawn, so that a workflow still writes every figure file."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from cumex.plots.style import MAX_FIGURE_INCHES, RC_PARAMS, present

__all__ = ["values_with_results", "notice_figure", "add_note", "MAX_FIGURE_INCHES"]

def values_with_results(ds: xr.Dataset, axis: str) -> np.ndarray:
    """The values of ``axis`` at which ``ds`` holds any result (solved or failed)."""
    held = present(ds)
    if axis not in held.dims:
        return np.asarray([ds[axis].values]).ravel()
    keep = held.any(dim=[d for d in held.dims if d != axis]).values
    return np.asarray(ds[axis].values)[np.asarray(keep, dtype=bool)]


def notice_figure(title: str, why: str):
    """A small figure with ``title`` and the reason ``why`` the figure is not drawn."""
    with plt.rc_context(RC_PARAMS):
        fig = plt.figure(figsize=(6.4, 1.8))
        fig.suptitle(title, fontsize=10)
        fig.text(0.5, 0.45, textwrap.fill(why, 90), ha="center", va="center", fontsize=9)
    return fig


def add_note(fig, note: str) -> None:
    """Text under the figure's title (what it adapted, or what the whole figure shows): part of the
    suptitle, so that the constrained layout keeps room for it above the panels."""
    if note:
        title = fig.get_suptitle()
        width = max(60, int(14 * fig.get_size_inches()[0]))
        fig.suptitle((title + "\n" if title else "") + textwrap.fill(note, width), fontsize=9)
