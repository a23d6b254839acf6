"""The symmetric engine against an independent dense brute force in the full 2^(N+1)-dimensional space (N ≤ 4).

The brute force here builds H and the jumps site by site with Kronecker products (site 0 central, basis
|0⟩ = down, |1⟩ = up) and the Lindbladian on row-major vec(ρ) (vec(XρY) = (X ⊗ Yᵀ) vec ρ); it uses no
permutation symmetry. Engine states are mapped to full density matrices by summing x_e over all 4^N
placements of each element.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest
import scipy.linalg as sla

from cumex.exact.symmetric import (
    CentralSpinModel,
    ProductState,
    build_problem,
    carollo_initial_state,
    carollo_model,
    evolve_problem,
    solve_problem,
)
from cumex.exact.symmetric.model import SIGMA_MINUS, SIGMA_PLUS, SIGMA_X, SIGMA_Y, SIGMA_Z
from cumex.exact.symmetric.states import coefficients_x, to_complex
from cumex.exact.threads import blas_threads

TOL = 1e-10


@pytest.fixture(autouse=True)
def _one_blas_thread():
    # dense 1024×1024 algebra: spinning BLAS threads on the shared 2-core machine cost more than they give
    with blas_threads(1):
        yield


def _site(op: np.ndarray, s: int, n: int) -> np.ndarray:
    out = np.eye(1, dtype=complex)
    for k in range(n):
        out = np.kron(out, op if k == s else np.eye(2))
    return out


@functools.cache
def _dense_generator_of(name: str, N: int) -> np.ndarray:
    return _dense_generator(MODELS[name], N)


def _dense_generator(model: CentralSpinModel, N: int) -> np.ndarray:
    n = N + 1
    g = float(N) ** (-model.coupling_power)
    H = _site(model.central_hamiltonian, 0, n)
    for k in range(1, n):
        H = H + _site(model.bath_hamiltonian, k, n)
        for c, A, B in model.coupling:
            H = H + g * c * _site(A, 0, n) @ _site(B, k, n)
    jumps = [(rate, _site(x, 0, n)) for rate, x in model.central_jumps]
    jumps += [(rate, _site(x, k, n)) for k in range(1, n) for rate, x in model.bath_jumps]
    eye = np.eye(2**n)
    gen = -1j * (np.kron(H, eye) - np.kron(eye, H.T))
    for rate, x in jumps:
        xdx = x.conj().T @ x
        gen += rate * (np.kron(x, x.conj()) - 0.5 * np.kron(xdx, eye) - 0.5 * np.kron(eye, xdx.T))
    return gen


def _dense_steady(gen: np.ndarray) -> np.ndarray:
    # the first equation (that of ⟨0…0|ρ|0…0⟩) replaced by Tr ρ = 1
    d = int(round(np.sqrt(gen.shape[0])))
    system = gen.copy()
    system[0] = np.eye(d).reshape(-1)
    rhs = np.zeros(system.shape[0], dtype=complex)
    rhs[0] = 1.0
    return np.linalg.solve(system, rhs).reshape(d, d)


def _to_full(problem, r: np.ndarray) -> np.ndarray:
    basis = problem.basis
    N = basis.N
    x = coefficients_x(basis, to_complex(r, problem.conj))
    rho = np.zeros((2 ** (N + 1),) * 2, dtype=complex)
    for cd in range(4):
        for types in itertools.product(range(4), repeat=N):
            e = cd * basis.block + basis.rank(np.bincount(types, minlength=4)[None, :])[0]
            ket, bra = cd // 2, cd % 2
            for t in types:
                ket, bra = 2 * ket + t // 2, 2 * bra + t % 2
            rho[ket, bra] += x[e]
    return rho


def _full_observables(rho: np.ndarray, N: int, eps: float) -> dict[str, float]:
    n = N + 1
    ev = lambda op: complex(np.trace(op @ rho))  # noqa: E731
    X = sum(_site(SIGMA_X, k, n) for k in range(1, n))
    Sm = sum(_site(SIGMA_MINUS, k, n) for k in range(1, n))
    mom = [ev(np.linalg.matrix_power(X, p)).real / (2 * abs(eps) * N) ** (p / 2) for p in range(5)]
    var = mom[2] - mom[1] ** 2
    c4 = mom[4] - 4 * mom[3] * mom[1] + 6 * mom[2] * mom[1] ** 2 - 3 * mom[1] ** 4
    tz = ev(_site(SIGMA_Z, 0, n)).real
    corr = ev(_site(SIGMA_PLUS, 0, n) @ Sm) / N
    return {
        "central_population": 0.5 * (1 + tz), "sz_central": tz, "sx_central": ev(_site(SIGMA_X, 0, n)).real,
        "sy_central": ev(_site(SIGMA_Y, 0, n)).real,
        "sz_satellite": sum(ev(_site(SIGMA_Z, k, n)).real for k in range(1, n)) / N,
        "sminus_re": ev(Sm).real / N, "sminus_im": ev(Sm).imag / N,
        "quadrature_mean": mom[1], "quadrature_variance": var, "quadrature_central4": c4,
        "quadrature_cumulant4": c4 - 3 * var**2,
        "corr_central_satellite_re": corr.real, "corr_central_satellite_im": corr.imag, "trace": ev(np.eye(2**n)).real,
    }


def _generic_model() -> CentralSpinModel:
    """No symmetry at all: complex fields, a bath Hamiltonian, dephasing jumps and a σ^x σ^z coupling."""
    h0 = 0.7 * SIGMA_X - 0.4 * SIGMA_Y + 0.3 * SIGMA_Z
    hb = 0.2 * SIGMA_X + 0.5 * SIGMA_Z
    return CentralSpinModel(
        central_hamiltonian=h0,
        bath_hamiltonian=hb,
        central_jumps=((0.6, SIGMA_MINUS), (0.3, SIGMA_PLUS + 0.5j * SIGMA_Z)),
        bath_jumps=((0.9, SIGMA_MINUS), (0.25, SIGMA_PLUS), (0.4, SIGMA_Z)),
        coupling=((1.1, SIGMA_PLUS, SIGMA_MINUS), (1.1, SIGMA_MINUS, SIGMA_PLUS), (0.5, SIGMA_Z, SIGMA_X)),
        coupling_power=0.5,
    )


MODELS = {"carollo": carollo_model(), "generic": _generic_model()}


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("N", [1, 3, pytest.param(4, marks=pytest.mark.slow)])
def test_generator_matches_brute_force(name: str, N: int) -> None:
    # L applied to a correlated, non-product Hermitian state (one engine step from a product state)
    model = MODELS[name]
    problem = build_problem(model, N, 0.3)
    st = ProductState(central=[[0.3, 0.2 - 0.1j], [0.2 + 0.1j, 0.7]], bath=[[0.6, 0.1 + 0.3j], [0.1 - 0.3j, 0.4]])
    r0 = problem.initial_vector(st)
    r1 = r0 + 0.1 * (problem.L @ r0)
    rho1 = _to_full(problem, r1)
    gen = _dense_generator_of(name, N)
    expected = (gen @ rho1.reshape(-1)).reshape(rho1.shape)
    assert np.abs(_to_full(problem, problem.L @ r1) - expected).max() < TOL


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("N", [1, 3, pytest.param(4, marks=pytest.mark.slow)])
def test_steady_state_matches_brute_force(name: str, N: int) -> None:
    model = MODELS[name]
    for representation in ("real", "complex"):
        problem = build_problem(model, N)
        res = solve_problem(problem, {"representation": representation})
        assert res.converged, res.status
        rho = _dense_steady(_dense_generator_of(name, N))
        obs = _full_observables(rho, N, problem.epsilon)
        for key, value in obs.items():
            assert res.physical.observables[key] == pytest.approx(value, abs=TOL), (key, representation)
        assert res.physical.info["trace_error"] < TOL
        assert res.physical.info["hermiticity_error"] < TOL


@pytest.mark.parametrize(
    "method,name,N",
    [
        ("krylov", "carollo", 3),
        pytest.param("krylov", "carollo", 4, marks=pytest.mark.slow),
        ("krylov", "generic", 3), ("expm_multiply", "carollo", 3), ("expm_multiply", "generic", 2)],
)
def test_dynamics_matches_brute_force(method: str, name: str, N: int) -> None:
    model = MODELS[name]
    problem = build_problem(model, N)
    st = carollo_initial_state(model)
    times = np.linspace(0.0, 4.0, 21)
    obs, r_end, _ = evolve_problem(problem, st, times, {"method": method})
    gen = _dense_generator_of(name, N)
    rho0 = st.central
    for _ in range(N):
        rho0 = np.kron(rho0, st.bath)
    assert np.abs(_to_full(problem, problem.initial_vector(st)) - rho0).max() < 1e-14
    step = sla.expm((times[1] - times[0]) * gen)
    vec = rho0.reshape(-1)
    for i, t in enumerate(times):
        rho = vec.reshape(rho0.shape)
        vec = step @ vec
        for key, value in _full_observables(rho, N, problem.epsilon).items():
            assert obs[key][i] == pytest.approx(value, abs=TOL), (key, t)
    assert np.abs(_to_full(problem, r_end) - rho).max() < TOL
