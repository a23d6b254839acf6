"""Fig. 3(a), S2(a,b) of Fowler-Wright et al. (2023) as statements on computed values.

Parameters: fixed_kappa_over_N scaling, κ/N = 1/16, g = 3/4, ω = ε = 1, Γ_T = 2, r = Γ↑/Γ_T = 0.75.
Exact values from ``cumex.exact.solver.solve`` (U(1)-reduced permutation-symmetric Liouvillian);
cumulant orders from the derived equations (``cumex.cumulants.solver``) and ``cumex.steady``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from cumex.cumulants.continuation import follow_branch
from cumex.cumulants.solver import central_spin_system, solve_order
from cumex.models.central_spin import resolve_parameters
from cumex.steady import find_steady_states

SCALING, R = "fixed_kappa_over_N", 0.75


def params(N: int):
    return resolve_parameters(N, SCALING, R)


def at(N: float):
    """Parameters at real-valued N (for continuation; the equations are polynomial in N)."""
    p = params(10)
    return replace(p, N=N, kappa=p.kappa / 10 * N)


def exact_p(N: int) -> float:
    from cumex.exact.solver import solve

    result = solve(params(N), {})
    assert result.converged, result.status
    return result.physical.observables["central_population"]


def order_p(order: str, N: int) -> float:
    result = solve_order(order, params(N), {})
    assert result.converged, result.status
    return result.physical.observables["central_population"]


def mean_field_limit() -> float:
    """Eq. 7 (N-independent at fixed κ/N): p0↑ = (1 + ⟨σ0^z⟩)/2."""
    p = params(1)
    a = 1 - p.gamma_delta * p.N / p.kappa
    sz = -0.5 * a - 0.5 * np.sqrt(a * a + p.gamma_T**2 / p.g**2)
    return 0.5 * (1 + sz)


def large_n_branch(order: str, start_N: int, Ns) -> list[float]:
    """p0↑ along the branch through the physical state at start_N, continued in N (Newton)."""
    first = find_steady_states(central_spin_system(order, params(start_N)), settings={})
    assert first.physical is not None, first.status
    points = follow_branch(lambda N: central_spin_system(order, at(N)), Ns, first.physical.x)
    assert all(pt is not None and pt.residual < 1e-10 for pt in points)
    return [pt.observables["central_population"] for pt in points]


GRID_FAST = [2, 3, 5, 8, 13, 34, 89, 150]


@pytest.mark.parametrize(
    "grid", [GRID_FAST, pytest.param(list(range(2, 151)), marks=pytest.mark.slow)], ids=["coarse", "every_N"]
)
def test_order4_closer_to_exact_than_order2(grid):
    for N in grid:
        e = exact_p(N)
        err2, err4 = abs(order_p("2", N) - e), abs(order_p("4", N) - e)
        assert err4 < err2, (N, err2, err4)


def test_order5_is_best_at_very_small_N():
    """Among mean field and orders 2–5, order 5 has the smallest error for N = 2..8 (ties where
    several orders are exact, N + 1 ≤ order)."""
    for N in range(2, 9):
        e = exact_p(N)
        errors = {o: abs(order_p(o, N) - e) for o in ("1", "2", "3", "4", "5")}
        assert errors["5"] <= min(errors.values()) + 1e-9, (N, errors)
        if N == 4:
            assert errors["5"] < 1e-9  # N + 1 = 5 sites: order 5 is exact


@pytest.mark.slow
def test_large_N_limits_of_orders_2_to_5():
    """Order 2 and 4 go to the mean-field limit; order 3 to a limit far from it; the order-5 branch
    to a third, distinct value. (The stable order-5 branch ends at a fold near N ≈ 2,100, where no
    stable steady state is left: the paper's noisy fifth order beyond N ≈ 2,500; we follow the
    unstable continuation of the order-5 fixed point that the multi-start finds at N = 10^4.)"""
    mf = mean_field_limit()
    Ns = [1e4, 1e5, 1e6]
    limits = {}
    for order, start in (("2", 150), ("3", 150), ("4", 150)):
        branch = large_n_branch(order, start, [start, *Ns])[1:]
        assert abs(branch[2] - branch[1]) < abs(branch[1] - branch[0])  # converging
        limits[order] = branch[2]
    assert abs(limits["2"] - mf) < 1e-4 and abs(limits["4"] - mf) < 1e-4
    assert abs(limits["3"] - mf) > 0.15
    states = find_steady_states(central_spin_system("5", params(10_000)), settings={}, find_physical=False)
    pops = [central_spin_system("5", params(10_000)).observables(fp.x)["central_population"] for fp in states.fixed_points]
    start = states.fixed_points[int(np.argmin([abs(p - 0.25) for p in pops]))]
    points = follow_branch(lambda N: central_spin_system("5", at(N)), Ns, start.x)
    assert all(pt is not None and pt.residual < 1e-10 for pt in points)
    b5 = [pt.observables["central_population"] for pt in points]
    assert abs(b5[2] - b5[1]) < abs(b5[1] - b5[0])
    assert abs(b5[2] - mf) > 0.1 and abs(b5[2] - limits["3"]) > 0.01


def test_order5_stable_branch_ends_distinct_from_order3_and_mean_field():
    """Where order 5 still has a stable physical state (N ≤ 2,000) it lies far from both mean field and
    order 3; at N = 3,000 no stable steady state of order 5 exists any more."""
    mf = mean_field_limit()
    for N in (1000, 2000):
        p5, p3 = order_p("5", N), order_p("3", N)
        assert abs(p5 - mf) > 0.1 and abs(p5 - p3) > 0.03
    states = find_steady_states(central_spin_system("5", params(3000)), settings={}, find_physical=False)
    assert states.fixed_points and not any(fp.stable for fp in states.fixed_points)


def _broken_amplitude(N: int) -> tuple[float, float]:
    """(|charged moments| of the physical order-3 broken state, its p0↑)."""
    system = central_spin_system("3_broken", params(N))
    analysis = find_steady_states(system, settings={})
    assert analysis.physical is not None, analysis.status
    x = analysis.physical.x
    return float(np.linalg.norm(system.rotation @ x)), system.observables(x)["central_population"]


@pytest.mark.parametrize("N", [25, pytest.param(10, marks=pytest.mark.slow), pytest.param(18, marks=pytest.mark.slow)])
def test_broken_order3_has_no_symmetry_breaking_below_26(N):
    amplitude, p = _broken_amplitude(N)
    assert amplitude < 1e-8
    assert abs(p - order_p("3", N)) < 1e-9


@pytest.mark.parametrize("N", [27, pytest.param(40, marks=pytest.mark.slow)])
def test_broken_order3_breaks_symmetry_above_26(N):
    amplitude, p = _broken_amplitude(N)
    assert amplitude > 1e-3
    assert p > order_p("3", N) + 1e-3


@pytest.mark.slow
def test_broken_order3_approaches_mean_field_limit():
    mf = mean_field_limit()
    branch = large_n_branch("3_broken", 50, [50, 1e3, 1e4, 1e5])[1:]
    gaps = [abs(b - mf) for b in branch]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-3
