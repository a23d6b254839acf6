"""Every registered (model, method) pair at a small point: the one result schema, closed derived systems,
and a cumulant order with at least as many sites as the system equal to the exact steady state."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cumex import get_model, model_names, solve_point
from cumex.cumulants import derive
from cumex.cumulants.moments import ONE
from cumex.dataset import grid_dims

COMMON = ("n_steady_states", "n_stable", "attractor", "attractor_period", "converged", "status", "status_detail",
          "residual", "solve_seconds", "state_stable", "state_residual")


def methods_of(name: str) -> list[str]:
    model = get_model(name)
    orders = [k for k in ("exact",) if k in model.engines]
    if "cumulant" in model.engines:
        orders += ["1", "2", "3", "2_broken"] if model.u1_symmetric else ["1", "2_broken", "3_broken"]
    orders += [k for k in model.engines if k not in ("exact", "limit", "cumulant") and k not in orders]
    return orders


# mean-field of the driven central spin follows a limit cycle for a minute: slow tier
SLOW = {("driven_central_spin", "1")}
PAIRS = [pytest.param(name, order, marks=[pytest.mark.slow] if (name, order) in SLOW else [])
         for name in model_names() for order in methods_of(name)]


@pytest.mark.parametrize("name, order", PAIRS)
def test_every_pair_has_the_common_schema(name: str, order: str) -> None:
    model = get_model(name)
    # axes the order fixes are left out (the LMG dimer's mean-field is at S = inf, whatever is asked)
    point = {a.name: (2 if a.integer else a.default) for a in model.axes if a.name not in model.fixed_axes(order)}
    ds = solve_point(model=name, order=order, **point)
    dims = grid_dims(model)
    for var in COMMON + tuple(model.observable_names):
        assert var in ds, (name, order, var)
        assert ds[var].dims[: len(dims)] == dims, (name, order, var)
    assert ds["status"].item() == "ok", ds["status_detail"].item()
    assert ds["converged"].item() == 1
    assert ds["n_stable"].item() >= 1 or ds["attractor"].item() in ("limit_cycle", "irregular")
    assert ds.attrs["model"] == name and "cumex_version" in ds.attrs
    headline = ds[model.headline].values.ravel()[0]  # a vector observable: its first element
    assert math.isfinite(headline)


@pytest.mark.parametrize("name", [n for n in model_names() if get_model(n).operators is not None])
@pytest.mark.parametrize("order, symmetry", [(2, "u1"), (3, "broken")])
def test_derived_systems_are_closed(name: str, order: int, symmetry: str) -> None:
    if symmetry == "u1" and not get_model(name).u1_symmetric:
        symmetry = "broken"
    system = derive(name, order, symmetry)
    reps = set(system.moments)
    for m in system.moments:
        for mm in system.equations[m]:
            assert mm == ONE or mm.representative() in reps or mm in system.closures, (m, mm)


def _spin_sites_only(name: str) -> bool:
    model = get_model(name)
    return "cumulant" in model.engines and "exact" in model.engines and getattr(model.operators, "central", "spin") == "spin"


# (a boson mode has no finite number of operators: no order is free of closure error for Tavis-Cummings)
@pytest.mark.parametrize("name", [n for n in model_names() if _spin_sites_only(n)])
@pytest.mark.parametrize("N", [1, 2])
def test_order_with_every_site_equals_exact(name: str, N: int) -> None:
    """Order M >= N + 1 (every site of the system in one moment) has no closure error."""
    model = get_model(name)
    exact = solve_point(model=name, order="exact", N=N)
    approx = solve_point(model=name, order=f"{N + 1}" + ("" if model.u1_symmetric else "_broken"), N=N)
    for obs in model.observable_names:
        a, b = exact[obs].item(), approx[obs].item()
        if np.isfinite(a) and np.isfinite(b):
            assert b == pytest.approx(a, abs=1e-8), obs
