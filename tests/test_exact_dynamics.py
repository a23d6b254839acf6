"""Time evolution with the reduced generator against brute-force dynamics, and its long-time limit."""

from __future__ import annotations

import numpy as np
import pytest

from cumex.errors import CumexInputError
from cumex.exact.brute_force import full_evolve, full_observables, reduced_to_full
from cumex.exact.dynamics import evolve, evolve_observables, initial_state
from cumex.exact.observables import observables, trace
from cumex.exact.steady import steady_state
from cumex.models.central_spin import resolve_parameters


@pytest.mark.parametrize("N,overrides", [(1, {}), (2, {"omega": 1.3}), (3, {})])
def test_matches_brute_force_dynamics(N: int, overrides: dict[str, float]) -> None:
    params = resolve_parameters(N, "fixed_g_sqrtN", 0.8, overrides)
    times = np.array([0.0, 0.3, 1.0, 2.5, 6.0])
    w0 = initial_state(params)
    # the standard initial state, built by hand in the full space: central down, satellites r|1⟩⟨1| + (1−r)|0⟩⟨0|
    sat = np.diag([1 - params.pump_ratio, params.pump_ratio])
    rho0 = np.diag([1.0, 0.0])
    for _ in range(N):
        rho0 = np.kron(rho0, sat)
    assert np.abs(reduced_to_full(w0, N) - rho0).max() < 1e-15
    full = full_evolve(params, rho0.astype(complex), times)
    reduced = evolve(params, w0, times)
    for w, rho in zip(reduced, full):
        assert np.abs(reduced_to_full(w, N) - rho).max() < 1e-10
        ours, theirs = observables(w, steady_state(params).basis), full_observables(rho, N)
        for key in ours:
            if not np.isnan(theirs[key]):
                assert ours[key] == pytest.approx(theirs[key], abs=1e-10), key


def test_relaxes_to_steady_state() -> None:
    params = resolve_parameters(12, "fixed_kappa_over_N", 0.75)
    traj = evolve_observables(params, initial_state(params), np.array([0.0, 5.0, 60.0]))
    res = steady_state(params)
    final = observables(res.w, res.basis)
    for key, values in traj.items():
        assert values[-1] == pytest.approx(final[key], abs=1e-8), key
    assert traj["central_population"][0] == 0.0  # the initial state has the central spin down


def test_trace_is_conserved() -> None:
    params = resolve_parameters(20, "fixed_g_sqrtN", 0.6, {"epsilon": 0.8})
    states = evolve(params, initial_state(params), np.linspace(0.0, 4.0, 5))
    basis = steady_state(params).basis
    assert max(abs(trace(w, basis) - 1.0) for w in states) < 1e-12


def test_bad_input() -> None:
    params = resolve_parameters(3, "none", 0.5)
    with pytest.raises(CumexInputError, match="w0"):
        evolve(params, np.zeros(7), np.array([0.0, 1.0]))
    with pytest.raises(CumexInputError, match="times"):
        evolve(params, initial_state(params), np.array([1.0, 0.0]))
