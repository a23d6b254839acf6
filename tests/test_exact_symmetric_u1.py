"""The symmetric engine on the U(1)-symmetric Fowler-Wright model against the project's independent solvers.

Three references: the U(1)-reduced solver ``cumex.exact.solver.solve`` (steady state) and
``cumex.exact.dynamics`` (time evolution), and the unreduced oracle ``cumex.exact.unreduced`` (same basis,
z coordinates), element by element for the generator and the steady state.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from cumex.exact.dynamics import evolve_observables, initial_state
from cumex.exact.solver import solve
from cumex.exact.symmetric import ProductState, build_problem, evolve_problem, fowler_wright_model, solve_problem
from cumex.exact.symmetric.generator import liouvillian
from cumex.exact.symmetric.states import to_complex
from cumex.exact.symmetric.steady import steady_vector
from cumex.exact.unreduced import UnreducedBasis, unreduced_liouvillian, unreduced_steady_state
from cumex.models.central_spin import resolve_parameters

TOL = 1e-10
SHARED = ("central_population", "sz_satellite", "corr_central_satellite_re", "corr_central_satellite_im")


@pytest.mark.parametrize("N,scaling,r", [(10, "none", 0.75), (16, "none", 0.75), (12, "fixed_g_sqrtN", 0.6)])
def test_steady_state_matches_u1_solver(N: int, scaling: str, r: float) -> None:
    params = resolve_parameters(N, scaling, r)
    ref = solve(params, {})
    assert ref.converged, ref.status
    res = solve_problem(build_problem(fowler_wright_model(params), N))
    assert res.converged, res.status
    for key in SHARED:
        assert res.physical.observables[key] == pytest.approx(ref.physical.observables[key], abs=TOL), key
    # the drive-free model has no U(1)-breaking expectations
    for key in ("sx_central", "sy_central", "sminus_re", "sminus_im", "quadrature_mean"):
        assert abs(res.physical.observables[key]) < TOL, key


def test_dynamics_matches_u1_dynamics() -> None:
    N = 10
    params = resolve_parameters(N, "none", 0.75)
    times = np.linspace(0.0, 3.0, 13)
    ref = evolve_observables(params, initial_state(params), times)
    # the reduced module's standard initial state: central down, satellites diag(1 − r, r)
    st = ProductState(central=np.diag([1.0, 0.0]), bath=np.diag([1 - params.pump_ratio, params.pump_ratio]))
    obs, _, _ = evolve_problem(build_problem(fowler_wright_model(params), N), st, times)
    for key in SHARED:
        assert np.abs(obs[key] - ref[key]).max() < TOL, key


def _oracle_permutation(problem, ub: UnreducedBasis) -> np.ndarray:
    """Oracle index of every engine element."""
    n = np.tile(problem.basis.counts, (4, 1))
    cd = np.repeat(np.arange(4), problem.basis.block)
    return ub.index(cd // 2, cd % 2, n)


@pytest.mark.parametrize("N", [2, 5])
def test_generator_and_steady_state_match_oracle(N: int) -> None:
    params = resolve_parameters(N, "fixed_g_sqrtN", 0.7, {"omega": 1.3, "epsilon": 0.8})
    problem = build_problem(fowler_wright_model(params), N)
    ub = UnreducedBasis(N)
    perm = _oracle_permutation(problem, ub)
    # ζ = z σ(n): the engine's complex generator is σ L_z σ^{-1}
    sigma = np.exp(np.tile(problem.basis.log_sigma(), 4))
    ours = sp.diags(1 / sigma) @ liouvillian(problem.model, problem.basis, "complex") @ sp.diags(sigma)
    theirs = unreduced_liouvillian(params, ub)[perm][:, perm]
    assert abs(ours - theirs).max() < TOL
    z_oracle, _ = unreduced_steady_state(params)
    res = solve_problem(problem)
    assert res.converged, res.status
    z_ours = to_complex(steady_vector(problem)[0], problem.conj) / sigma
    assert np.abs(z_ours - z_oracle[perm]).max() < TOL
