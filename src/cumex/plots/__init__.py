"""Figures of a study, made from its aggregated dataset only (never by re-solving).

Each function takes the dataset of a study (dims scaling, order, N, pump_ratio; see
:mod:`cumex.study`) and returns a matplotlib Figure. Failed grid points (``converged == 0``) are drawn
as such: crosses on the lower edge of line plots, hatched cells in the stability map; grid points
that were never part of the study are simply absent.
"""

from cumex.plots.convergence import plot_convergence
from cumex.plots.error import plot_error
from cumex.plots.pump_ratio import plot_pump_ratio
from cumex.plots.stability import plot_stability
from cumex.plots.style import save_figure

__all__ = ["plot_convergence", "plot_error", "plot_pump_ratio", "plot_stability", "save_figure", "FIGURES"]

#: figure name -> function, in the order the workflow writes them
FIGURES = {
    "convergence": plot_convergence,
    "error": plot_error,
    "pump_ratio": plot_pump_ratio,
    "stability": plot_stability,
}
