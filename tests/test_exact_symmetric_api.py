"""Public edge of the symmetric engine (input checks) and invariants: closed forms, two integrators, t → ∞."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cumex.errors import CumexInputError
from cumex.exact.symmetric import (
    CentralSpinModel,
    ProductState,
    SymmetricBasis,
    build_problem,
    carollo_initial_state,
    carollo_model,
    dimension,
    evolve,
    evolve_problem,
    read_settings,
    solve_problem,
    steady_state,
)
from cumex.exact.symmetric.model import SIGMA_MINUS, SIGMA_PLUS, SIGMA_Z


@pytest.mark.parametrize(
    "kind,settings",
    [
        ("steady", {"no_such_key": 1}),
        ("steady", {"method": "qr"}),
        ("steady", {"ordering": "AMD"}),
        ("steady", {"refine": -1}),
        ("steady", {"refine": True}),
        ("steady", {"residual_tol": 0.0}),
        ("steady", {"representation": "quaternion"}),
        ("steady", {"reference_population": 1.0}),
        ("steady", {"blas_threads": 0}),
        ("dynamics", {"method": "rk4"}),
        ("dynamics", {"krylov_dim": 1}),
        ("dynamics", {"tol": float("nan")}),
        ("dynamics", {"ordering": "COLAMD"}),  # a steady-state key
        ("dynamics", "krylov"),
    ],
)
def test_bad_settings(kind: str, settings: object) -> None:
    with pytest.raises(CumexInputError):
        read_settings(settings, kind)  # type: ignore[arg-type]


def test_settings_defaults_filled() -> None:
    used = read_settings({"krylov_dim": 40}, "dynamics")
    assert used["krylov_dim"] == 40 and used["method"] == "krylov" and used["reference_population"] is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"central_hamiltonian": SIGMA_PLUS},  # not Hermitian
        {"central_hamiltonian": np.eye(3)},
        {"bath_jumps": ((-0.1, SIGMA_MINUS),)},
        {"bath_jumps": ((0.1,),)},
        {"coupling": ((1.0, SIGMA_PLUS, SIGMA_MINUS),)},  # half of the exchange: not Hermitian
        {"coupling_power": float("inf")},
    ],
)
def test_bad_model(kwargs: dict) -> None:
    base = dict(central_hamiltonian=SIGMA_Z, bath_hamiltonian=np.zeros((2, 2)))
    with pytest.raises(CumexInputError):
        CentralSpinModel(**{**base, **kwargs})


def test_bad_states_and_times() -> None:
    model = carollo_model()
    with pytest.raises(CumexInputError):
        ProductState(central=np.diag([0.5, 0.6]), bath=np.diag([1.0, 0.0]))
    with pytest.raises(CumexInputError):
        ProductState(central=np.diag([1.0, 0.0]), bath=np.diag([1.5, -0.5]))
    st = carollo_initial_state(model)
    with pytest.raises(CumexInputError):
        evolve(model, 3, st, [0.0, 2.0, 1.0])
    with pytest.raises(CumexInputError):
        evolve(model, 3, np.zeros(7), [0.0, 1.0])
    with pytest.raises(CumexInputError):
        steady_state(model, 0)
    with pytest.raises(CumexInputError):
        carollo_model(omega_x=float("nan"))


@pytest.mark.parametrize("N", [1, 2, 7, 30])
def test_basis_bookkeeping(N: int) -> None:
    b = SymmetricBasis(N, 0.3)
    assert b.dim == dimension(N) == 4 * math.comb(N + 3, 3)
    assert np.array_equal(b.rank(b.counts), np.arange(b.block))
    assert np.all(b.counts >= 0) and np.all(b.counts.sum(axis=1) == N)
    conj = b.conjugate_index()
    assert np.array_equal(conj[conj], np.arange(b.dim))
    assert len({tuple(row) for row in b.counts.tolist()}) == b.block


def test_initial_quadrature_closed_form() -> None:
    # Ω_SS: independent σ^x = ±1 with zero mean, so ⟨X²⟩ = N, ⟨X⁴⟩ = 3N² − 2N for X = S⁻ + S⁺:
    # Var q_N = 1/(2|ε|), fourth cumulant −1/(2ε²N), ⟨σ^z⟩ = ε = (Γ↑ − Γ↓)/(Γ↑ + Γ↓)
    N = 40
    model = carollo_model()
    eps = (0.2 - 1.0) / (0.2 + 1.0)
    _, obs = evolve(model, N, carollo_initial_state(model), [0.0])
    assert obs["sz_satellite"][0] == pytest.approx(eps, abs=1e-12)
    assert obs["quadrature_mean"][0] == pytest.approx(0.0, abs=1e-12)
    assert obs["quadrature_variance"][0] == pytest.approx(1 / (2 * abs(eps)), abs=1e-12)
    assert obs["quadrature_cumulant4"][0] == pytest.approx(-1 / (2 * eps**2 * N), abs=1e-12)
    assert obs["central_population"][0] == pytest.approx(1.0, abs=1e-14)


def test_krylov_matches_expm_multiply() -> None:
    N = 14
    model = carollo_model()
    problem = build_problem(model, N)
    times = np.linspace(0.0, 4.0, 41)
    a, ra, info = evolve_problem(problem, carollo_initial_state(model), times)
    b, rb, _ = evolve_problem(problem, carollo_initial_state(model), times, {"method": "expm_multiply"})
    assert info["steps"] > 1  # several Krylov steps with dense output in between
    for key in a:
        assert np.abs(a[key] - b[key]).max() < 1e-10, key
    assert np.abs(ra - rb).max() < 1e-10
    assert np.abs(a["trace"] - 1).max() < 1e-11


def test_long_time_limit_is_steady_state() -> None:
    N = 6
    model = carollo_model()
    problem = build_problem(model, N)
    res = solve_problem(problem)
    assert res.converged, res.status
    obs, _, _ = evolve_problem(problem, carollo_initial_state(model), [0.0, 20.0, 80.0])
    for key, value in res.physical.observables.items():
        assert obs[key][-1] == pytest.approx(value, abs=1e-9), key


def test_steady_solvers_agree() -> None:
    # three independent factorisation paths of the same bordered system
    N = 8
    problem = build_problem(carollo_model(), N)
    results = [
        solve_problem(problem, {"ordering": "nested_dissection"}),
        solve_problem(problem, {"ordering": "COLAMD"}),
        solve_problem(problem, {"method": "gmres"}),
        solve_problem(problem, {"representation": "complex", "ordering": "MMD_AT_PLUS_A"}),
    ]
    for res in results:
        assert res.converged, res.status
        assert res.residual < 1e-12
        for key, value in results[0].physical.observables.items():
            assert res.physical.observables[key] == pytest.approx(value, abs=1e-11), key
    info = results[0].physical.info
    assert info["min_population"] >= 0.0 and info["max_population"] <= 1.0
    assert info["central_bloch_length"] <= 1.0 and info["bath_bloch_length"] <= 1.0
