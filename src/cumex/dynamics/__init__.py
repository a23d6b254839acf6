"""Dynamics studies: every method evolves a grid point from the model's initial state over a time window.

    evolve_point(model, scaling, order, point, times, settings) -> TimeTraces    (:mod:`.point`)
    evolve_dataset(model, order, scaling, times=..., **point) -> xarray.Dataset  (the common schema + ``time``)
    time_grid(stop, num)  the output times of a study's ``times: {stop, num}``

Each engine's time evolution is its ``evolve`` (:class:`cumex.engines.Engine`, implemented in
:mod:`.engines`): exact (the whole permutation-symmetric space, or the U(1)-reduced central spin), cumulant
orders (the compiled ODE), and the N → ∞ limit (:func:`cumex.limits.evolve_limit`). Figures:
:mod:`cumex.plots.dynamics`.
"""

from cumex.dynamics.dataset import traces_dataset
from cumex.dynamics.point import (
    check_dynamics_settings,
    dynamics_engine,
    dynamics_orders,
    evolve_dataset,
    evolve_point,
    evolve_result,
    known_dynamics_settings,
)
from cumex.dynamics.traces import TimeTraces, check_times, physical_problems, time_grid

__all__ = [
    "TimeTraces",
    "time_grid",
    "check_times",
    "physical_problems",
    "evolve_point",
    "evolve_result",
    "evolve_dataset",
    "traces_dataset",
    "dynamics_engine",
    "dynamics_orders",
    "known_dynamics_settings",
    "check_dynamics_settings",
]
