"""Batch continuation (cumex.sweep) against the point-by-point analysis of every point of the batch.

The point-by-point analysis (cumex.study.solve_result: multi-start Newton, integration from the initial
state) is the reference; the batch must give the same number of steady states and of stable ones, the
same convergence, and the physical state's observables to 1e-10, at every point, across the
mean-field threshold R_c where the lasing state appears and the normal state loses stability.
"""

from __future__ import annotations

import numpy as np
import pytest

from cumex.handwritten.central_spin import mean_field_system, order2_system
from cumex.models.central_spin import resolve_parameters
from cumex.sweep import central_spin_mean_field_states, serpentine_order, solve_batch
from cumex.sweep.closed_form import central_spin_order2_states


def _compare(batch, alone, tol=1e-10):
    for b, a in zip(batch, alone):
        assert b.point == a.point
        rb, ra = b.result, a.result
        assert (rb.n_steady_states, rb.n_stable, rb.converged) == (ra.n_steady_states, ra.n_stable, ra.converged), b.point
        assert (rb.physical is None) == (ra.physical is None), b.point
        if ra.physical is not None:
            for name, value in ra.physical.observables.items():
                assert abs(rb.physical.observables[name] - value) <= tol, (b.point, name)
        # every steady state found, as a set (the order along `state` may differ)
        for name in ("central_population", "corr_central_satellite_im"):
            sb = sorted(s.observables[name] for s in rb.states)
            sa = sorted(s.observables[name] for s in ra.states)
            assert np.allclose(sb, sa, rtol=0, atol=tol), (b.point, name)


def _grid(Ns, ratios):
    return [{"N": N, "pump_ratio": float(r)} for N in Ns for r in ratios]


def _mean_field_case(Ns):
    """At fixed g√N = 3 (R_c = 0.528 for every N) the lasing state appears at R_c."""
    points = _grid(Ns, np.linspace(0.3, 0.8, 26))
    batch = solve_batch("central_spin", "1", "fixed_g_sqrtN", points)
    alone = solve_batch("central_spin", "1", "fixed_g_sqrtN", points, continuation=False)
    assert {a.result.n_steady_states for a in alone} == {1, 2}  # the batch crosses the threshold
    assert sum(b.how == "continued" for b in batch) >= 0.75 * len(points)
    assert all(a.how == "full" for a in alone)
    _compare(batch, alone)


def test_mean_field_batch_equals_point_by_point_across_the_threshold():
    _mean_field_case([5, 40])


@pytest.mark.slow
def test_mean_field_batch_of_104_points():
    _mean_field_case([5, 10, 20, 40])


def test_order2_batch_equals_point_by_point_where_a_second_state_enters():
    """Order 2 at fixed κ/N: a second (unstable) zero enters the physical bounds at low pump ratio and
    the states change across the threshold; the closed form (a cubic) sees every zero."""
    points = _grid([30, 60], np.linspace(0.0, 1.0, 16))
    batch = solve_batch("central_spin", "2", "fixed_kappa_over_N", points)
    alone = solve_batch("central_spin", "2", "fixed_kappa_over_N", points, continuation=False)
    assert {a.result.n_steady_states for a in alone} == {1, 2}
    assert sum(b.how == "continued" for b in batch) >= 20
    _compare(batch, alone)


@pytest.mark.parametrize("N,ratio,scaling", [(7, 0.9, "fixed_kappa_over_N"), (40, 0.6, "fixed_g_sqrtN"), (3, 0.2, "none")])
def test_closed_forms_are_zeros_of_the_equations(N, ratio, scaling):
    """The closed-form states are zeros of the hand-written equations (rotating frame for mean-field)."""
    p = resolve_parameters(N, scaling, ratio)
    mf = mean_field_system(p)
    for x, nu in central_spin_mean_field_states(p.as_dict()):
        assert np.max(np.abs(mf.rhs(x) - nu * (mf.rotation @ x))) < 1e-12
    o2 = order2_system(p)
    zeros = central_spin_order2_states(p.as_dict())
    assert zeros
    for x, _ in zeros:
        assert np.max(np.abs(o2.rhs(x))) < 1e-10 * max(1.0, float(np.max(np.abs(x))))


def test_serpentine_order_visits_grid_neighbours():
    points = _grid([1, 2, 3], [0.0, 0.5, 1.0])
    visit, idx = serpentine_order(points, ("N", "pump_ratio"))
    assert sorted(visit) == list(range(9))
    steps = np.abs(np.diff(idx[visit], axis=0)).sum(axis=1)
    assert np.all(steps == 1)


@pytest.mark.slow
def test_order4_batch_equals_point_by_point():
    """Derived order 4: the starts at continued points are the point-by-point ones (whose count of
    unstable states found varies from point to point), the physical state comes from the neighbour."""
    points = _grid([50], np.linspace(0.0, 1.0, 41))
    batch = solve_batch("central_spin", "4", "fixed_kappa_over_N", points)
    alone = solve_batch("central_spin", "4", "fixed_kappa_over_N", points, continuation=False)
    assert sum(b.how == "continued" for b in batch) >= 30
    _compare(batch, alone)


def test_batch_dataset_equals_the_assembled_point_datasets():
    """The batch's one dataset equals assemble() of the points' solve_point-style datasets."""
    import xarray as xr

    from cumex.assemble import assemble
    from cumex.dataset import to_dataset
    from cumex.models import get_model
    from cumex.sweep import batch_dataset

    spec = get_model("central_spin")
    points = _grid([3, 4], [0.2, 0.9, 1.0])[:-1]  # a hole in the batch's grid
    solved = solve_batch("central_spin", "2", "none", points)
    one = batch_dataset(solved, "central_spin", "2", "none")
    parts = [to_dataset(bp.result, model=spec, order="2", scaling="none", point=spec.axis_values(bp.point),
                        params=bp.params, overrides={}, settings=bp.settings, solve_seconds=bp.seconds) for bp in solved]
    many = assemble(parts)
    for ds in (one, many):  # times of writing: the history's records carry them too
        ds.attrs.pop("created", None)
        ds.attrs.pop("history", None)
    xr.testing.assert_identical(one, many)
    assert int(np.isnan(one["converged"].values).sum()) == 1
