"""The batched multi-start analysis (cumex.sweep.multistart) against the point-by-point one it replaces.

References, all computed here point by point with the library's own per-point code: damped Newton
(cumex.steady.newton.newton_root), the lift of a lower-order state (cumex.cumulants.lift.lift_state),
the multi-start analysis with lower-order guesses (lower_order_guesses + find_steady_states), and the
whole point-by-point solve (cumex.study.solve_result via solve_batch(continuation=False)). Tolerances:
states to 1e-10 (both converge to residual 1e-10 from the same starts), observables to 1e-10.
"""

from __future__ import annotations

import numpy as np
import pytest

from cumex.cumulants.lift import lift_state
from cumex.cumulants.solver import lower_order_guesses, model_system
from cumex.models import get_model
from cumex.steady import find_steady_states
from cumex.steady.newton import newton_root
from cumex.steady.stability import classify_jacobians, classify_stability
from cumex.sweep import solve_batch
from cumex.sweep.batched import BatchedCumulantSystem, batched_newton, lift_states
from cumex.sweep.multistart import batch_analyses

SPEC = get_model("central_spin")


def _values(Ns, ratios, scaling="fixed_kappa_over_N"):
    return [dict(SPEC.resolve(scaling, {"N": N, "pump_ratio": float(r)}, None)) for N in Ns for r in ratios]


def test_batched_rhs_and_jacobian_are_those_of_each_point():
    values = _values([3, 101], [0.2, 0.9])
    rng = np.random.default_rng(1)
    for v in values[2:]:  # N = 101: one structure
        system = model_system("central_spin", "4", v, {})
        bs = BatchedCumulantSystem(model_system("central_spin", "4", values[2], {}).meta["bound"], values[2:])
        p = values[2:].index(v)
        X = rng.uniform(-0.5, 0.5, (3, system.size))
        own = np.full(3, p)
        assert np.allclose(bs.rhs(X, own), [system.rhs(x) for x in X], rtol=0, atol=1e-12)
        assert np.allclose(bs.jacobian(X, own), [system.jacobian(x) for x in X], rtol=0, atol=1e-12)


def test_batched_newton_reaches_what_newton_root_reaches():
    values = _values([101], [0.1, 0.6, 0.95])
    systems = [model_system("central_spin", "3", v, {}) for v in values]
    bs = BatchedCumulantSystem(systems[0].meta["bound"], values)
    starts = np.atleast_2d(systems[0].sample_states(np.random.default_rng(0), 8))
    X = np.concatenate([starts] * len(values))
    owner = np.repeat(np.arange(len(values)), len(starts))
    got = batched_newton(bs, X, owner, 1e-10)
    for x0, p, root in zip(X, owner, got):
        ref = newton_root(systems[p], x0, residual_tol=1e-10)
        assert (root is None) == (ref is None)
        if ref is not None:
            assert np.max(np.abs(root.x - ref.x)) <= 1e-10


def test_lift_states_equals_lift_state():
    v = _values([101], [0.8])[0]
    lower, upper = model_system("central_spin", "3", v, {}), model_system("central_spin", "4", v, {})
    X = np.atleast_2d(lower.sample_states(np.random.default_rng(2), 5))
    got = lift_states(lower.meta["bound"], X, upper.meta["bound"])
    ref = [lift_state(lower.meta["bound"], x, upper.meta["bound"]) for x in X]
    assert np.allclose(got, ref, rtol=0, atol=1e-14)


def test_admissible_rows_and_batched_stability_equal_the_per_state_checks():
    """BoundSystem.admissible_rows against BoundSystem.admissible, classify_jacobians against classify_stability
    (the same verdict, eigenvalues to 1e-12), on random states inside and outside the bounds."""
    v = _values([101], [0.7])[0]
    system = model_system("central_spin", "4", v, {})
    rng = np.random.default_rng(3)
    X = np.concatenate([np.atleast_2d(system.sample_states(rng, 20)), rng.uniform(-1.2, 1.2, (20, system.size))])
    X[-1, 0] = np.nan
    bound = system.meta["bound"]
    assert list(bound.admissible_rows(X)) == [bound.admissible(x) for x in X]
    got = classify_jacobians(np.array([system.jacobian(x) for x in X]), 1e-9)
    for x, st in zip(X, got):
        ref = classify_stability(system, x, 0.0, 1e-9)
        assert (st.stable, st.neutral_modes, st.reason) == (ref.stable, ref.neutral_modes, ref.reason)
        assert st.max_real_eigenvalue == pytest.approx(ref.max_real_eigenvalue, abs=1e-12, nan_ok=True)


@pytest.mark.parametrize("order", ["3", "4"])
def test_batch_analyses_equal_the_point_by_point_starts(order):
    """Same states (count, order, stability, set-aside zeros, status) as find_steady_states with the
    lower-order guesses, at small N (structures with fewer moments) and large N, below and above R_c."""
    values = _values([3, 101], [0.0, 0.5, 0.8, 1.0])
    got = batch_analyses("central_spin", order, values, {})
    assert got is not None
    for v, (analysis, system, _) in zip(values, got):
        ref_system = model_system("central_spin", order, v, {})
        ref = find_steady_states(ref_system, lower_order_guesses(order, v, {}), {}, find_physical=False)
        assert analysis.status == ref.status, v
        assert [f.stable for f in analysis.fixed_points] == [f.stable for f in ref.fixed_points]
        assert len(analysis.discarded) == len(ref.discarded)
        for a, r in zip(analysis.fixed_points, ref.fixed_points):
            assert np.max(np.abs(a.x - r.x)) <= 1e-10
            assert system.observables(a.x) == pytest.approx(ref_system.observables(r.x), abs=1e-10, nan_ok=True)


def test_neighbour_newton_across_a_change_of_unknowns_equals_newton_root():
    """Issue 16: the point visited before may have fewer unknowns (N = 2 below order 4's satellite count,
    then N = 6). Newton from its states is skipped there (a grid step that changes the unknowns is not
    continued); elsewhere it reaches what newton_root(max_iter=12) reaches, to 1e-10, and the analyses
    are those of find_steady_states with the lower-order guesses."""
    values = _values([2, 6], [0.25, 0.75])
    chain = [None, 0, 1, 2]  # visiting order 0 -> 1 -> 2 -> 3: the step 1 -> 2 goes from N = 2 to N = 6
    got = batch_analyses("central_spin", "4", values, {}, chain)
    assert got is not None
    for p, (v, (analysis, system, roots)) in enumerate(zip(values, got)):
        ref_system = model_system("central_spin", "4", v, {})
        ref = find_steady_states(ref_system, lower_order_guesses("4", v, {}), {}, find_physical=False)
        assert analysis.status == ref.status, v
        for a, r in zip(analysis.fixed_points, ref.fixed_points):
            assert np.max(np.abs(a.x - r.x)) <= 1e-10
        q = chain[p]
        before = [] if q is None else got[q][0].fixed_points
        if q is not None and got[q][1].size != system.size:
            assert roots == {}, v
            continue
        assert len(roots) == len(before)
        for fp in before:
            ref_root = newton_root(ref_system, fp.x, residual_tol=1e-10, max_iter=12)
            root = roots[id(fp.x)]
            assert (root is None) == (ref_root is None)
            if ref_root is not None:
                assert np.max(np.abs(root.x - ref_root.x)) <= 1e-10


def test_order4_batch_across_a_change_of_unknowns_equals_point_by_point():
    points = [{"N": N, "pump_ratio": float(r)} for N in (2, 6) for r in np.linspace(0.0, 1.0, 6)]
    batch = solve_batch("central_spin", "4", "fixed_kappa_over_N", points)
    alone = solve_batch("central_spin", "4", "fixed_kappa_over_N", points, continuation=False)
    _same_results(batch, alone)


def _same_results(batch, alone):
    for b, a in zip(batch, alone):
        rb, ra = b.result, a.result
        assert (rb.n_steady_states, rb.n_stable, rb.converged) == (ra.n_steady_states, ra.n_stable, ra.converged), b.point
        assert (rb.physical is None) == (ra.physical is None), b.point
        if ra.physical is not None:
            for name, value in ra.physical.observables.items():
                assert rb.physical.observables[name] == pytest.approx(value, abs=1e-10, nan_ok=True), (b.point, name)


def test_order4_batch_with_batched_starts_equals_point_by_point():
    points = [{"N": N, "pump_ratio": float(r)} for N in (101,) for r in np.linspace(0.0, 1.0, 26)]
    batch = solve_batch("central_spin", "4", "fixed_kappa_over_N", points)
    alone = solve_batch("central_spin", "4", "fixed_kappa_over_N", points, continuation=False)
    assert sum(b.how == "continued" for b in batch) >= 15
    _same_results(batch, alone)


@pytest.mark.slow
@pytest.mark.parametrize("scaling", ["fixed_kappa_over_N", "fixed_g_sqrtN"])
def test_order4_batch_of_1000_points_equals_point_by_point_at_every_point(scaling):
    """A whole batch as the studies cut it (10 N x 100 pump ratios), every point compared."""
    points = [{"N": N, "pump_ratio": float(r)} for N in range(101, 111) for r in np.linspace(0.0, 1.0, 100)]
    batch = solve_batch("central_spin", "4", scaling, points)
    alone = solve_batch("central_spin", "4", scaling, points, continuation=False)
    _same_results(batch, alone)
