"""The point solver's fallback: continuation in N from a smaller N when its starts at N fail."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from cumex.cumulants.continuation import follow_branch
from cumex.cumulants.solver import central_spin_system, continued_in_N, solve_order
from cumex.models.central_spin import resolve_parameters
from cumex.steady import find_steady_states


def test_continued_state_equals_the_direct_solution_where_both_work():
    """Order 4 at N = 10^5 (fixed κ/N): the direct multi-start solve and the state continued from
    N0 = 100 along fixed g and κ/N are the same steady state."""
    p = resolve_parameters(100_000, "fixed_kappa_over_N", 0.75)
    direct = solve_order("4", p, {})
    continued = continued_in_N("central_spin", "4", p.as_dict(), {})
    assert direct.physical is not None and continued is not None and continued.physical is not None
    assert continued.settings["continued_from_N"] == pytest.approx(100.0)
    for name, value in direct.physical.observables.items():
        assert abs(continued.physical.observables[name] - value) < 1e-10, name


@pytest.mark.slow
def test_order5_at_a_million_equals_the_continuation():
    """Order 5 at N = 10^6: the starts find no steady state; the solver's result must be the fixed point
    that continuation reaches. Reference path written here: the multi-start fixed point at N = 10^4
    nearest p0↑ = 0.25 (past the order-5 fold near N ≈ 2,100), followed in log N along fixed κ/N."""
    base = resolve_parameters(10_000, "fixed_kappa_over_N", 0.75)
    at = lambda N: central_spin_system("5", replace(base, N=N, kappa=base.kappa / 10_000 * N))  # noqa: E731
    found = find_steady_states(at(10_000), settings={}, find_physical=False)
    pops = [at(10_000).observables(fp.x)["central_population"] for fp in found.fixed_points]
    start = found.fixed_points[int(np.argmin([abs(q - 0.25) for q in pops]))]
    reference = follow_branch(at, np.logspace(4, 6, 17), start.x)[-1]
    assert reference is not None
    result = solve_order("5", resolve_parameters(1_000_000, "fixed_kappa_over_N", 0.75), {})
    assert "continued in N" in result.status and len(result.states) == 1
    state = result.states[0]
    assert state.stable == reference.stable
    assert (result.physical is None) == (not reference.stable)
    for name, value in reference.observables.items():
        assert abs(state.observables[name] - value) < 1e-10, name
