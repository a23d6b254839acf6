"""The open Jaynes–Cummings engine of cumex.limits against an independent dense brute force and closed forms.

The brute force below builds the operators element by element, applies the master equation to matrices
(no vectorisation formula) and takes the superoperator column by column from basis matrices; the steady
state is its SVD null vector, the dynamics a dense matrix exponential.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla

from cumex.errors import CumexInputError
from cumex.exact.threads import blas_threads
from cumex.limits import emergent_jaynes_cummings, evolve_limit, fock, solve_limit
from cumex.limits.jaynes_cummings import jc_evolve, jc_steady_state, read_settings
from cumex.limits.krylov import krylov_evolve
from cumex.limits.meanfield import lone_spin_steady


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """Small dense products: OpenBLAS worker threads only contend on a loaded machine."""
    with blas_threads(1):
        yield


# ---- independent dense brute force ---------------------------------------------------------------


def _dense_ops(nf: int) -> dict[str, np.ndarray]:
    d = 2 * nf
    ops = {k: np.zeros((d, d), dtype=complex) for k in ("tm", "b", "tz", "tx", "ty")}
    for n in range(nf):
        ops["tm"][0 * nf + n, 1 * nf + n] = 1.0  # |down, n⟩⟨up, n|
        ops["tz"][n, n], ops["tz"][nf + n, nf + n] = -1.0, 1.0
        for c in (0, 1):
            if n + 1 < nf:
                ops["b"][c * nf + n, c * nf + n + 1] = np.sqrt(n + 1)
    ops["tp"] = ops["tm"].conj().T
    ops["tx"] = ops["tp"] + ops["tm"]
    ops["ty"] = -1j * (ops["tp"] - ops["tm"])
    return ops


def _dense_generator(model, nf: int) -> np.ndarray:
    o = _dense_ops(nf)
    b, bd = o["b"], o["b"].conj().T
    pair = o["tp"] @ bd + o["tm"] @ b if model.counter_rotating else o["tp"] @ b + o["tm"] @ bd
    H = model.h_x * o["tx"] + model.h_y * o["ty"] + model.h_z * o["tz"] + model.omega_b * bd @ b + model.coupling * pair
    jumps = [(model.gamma_up_central, o["tp"]), (model.gamma_down_central, o["tm"]),
             (model.boson_loss, b), (model.boson_gain, bd)]

    def rhs(rho):
        out = -1j * (H @ rho - rho @ H)
        for rate, c in jumps:
            cd = c.conj().T
            out += rate * (c @ rho @ cd - 0.5 * (cd @ c @ rho + rho @ cd @ c))
        return out

    d = 2 * nf
    S = np.zeros((d * d, d * d), dtype=complex)
    for k in range(d * d):
        E = np.zeros(d * d, dtype=complex)
        E[k] = 1.0
        S[:, k] = rhs(E.reshape(d, d)).reshape(-1)
    return S


def _dense_observables(rho: np.ndarray, nf: int) -> dict[str, float]:
    o = _dense_ops(nf)
    q = (o["b"] + o["b"].conj().T) / np.sqrt(2)
    ev = lambda A: np.trace(A @ rho).real  # noqa: E731
    m1 = ev(q)
    Q = q - m1 * np.eye(2 * nf)
    return {"sz_central": ev(o["tz"]), "sx_central": ev(o["tx"]), "sy_central": ev(o["ty"]),
            "boson_number": ev(o["b"].conj().T @ o["b"]), "quadrature": m1,
            "quadrature_variance": ev(Q @ Q), "quadrature_fourth_moment": ev(Q @ Q @ Q @ Q)}


MODELS = {
    "jc": dict(h_x=0.7, h_y=-0.3, h_z=0.4, gamma_up_central=0.6, gamma_down_central=0.2, bath_pump=0.3,
               bath_loss=1.1, bath_frequency=0.8, coupling_sqrtN=1.5),
    "anti_jc": dict(h_x=0.5, h_y=0.2, h_z=-0.6, gamma_up_central=0.1, gamma_down_central=0.9, bath_pump=1.4,
                    bath_loss=0.4, bath_frequency=-0.5, coupling_sqrtN=1.2),
}
NF = 7  # small cutoff: the brute force is dense in d² = 196 unknowns


def _fixed_cutoff(nf: int) -> dict[str, float]:
    return read_settings({"limit_fock_start": nf, "limit_fock_max": nf, "limit_fock_tol": 1.0})


@pytest.mark.parametrize("name", sorted(MODELS))
def test_steady_state_equals_dense_brute_force(name):
    model = emergent_jaynes_cummings(**MODELS[name])
    assert model.counter_rotating == (name == "anti_jc")
    S = _dense_generator(model, NF)
    null = np.linalg.svd(S)[2][-1].conj()
    rho = null.reshape(2 * NF, 2 * NF)
    rho = rho / np.trace(rho)
    want = _dense_observables(rho, NF)
    got, info = jc_steady_state(model, _fixed_cutoff(NF))
    assert info["n_fock"] == NF
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=1e-10), key
    assert np.abs(fock.liouvillian(model, NF).toarray() - S).max() < 1e-13  # same generator, element by element


@pytest.mark.parametrize("name", sorted(MODELS))
def test_dynamics_equals_dense_exponential(name):
    model = emergent_jaynes_cummings(**MODELS[name])
    S = _dense_generator(model, NF)
    central0 = np.array([[0.3, 0.2 - 0.1j], [0.2 + 0.1j, 0.7]])
    diag = fock.thermal_boson(NF, model.thermal_occupation)
    rho0 = np.kron(central0, np.diag(diag))
    times = np.array([0.0, 0.13, 0.5, 0.5, 1.7, 3.0])
    got, _ = jc_evolve(model, times, central0, _fixed_cutoff(NF))
    for i, t in enumerate(times):
        rho = (sla.expm(S * t) @ rho0.reshape(-1)).reshape(2 * NF, 2 * NF)
        for key, value in _dense_observables(rho, NF).items():
            assert got[key][i] == pytest.approx(value, abs=1e-10), (key, t)


def test_krylov_equals_expm_multiply_on_uneven_times():
    model = emergent_jaynes_cummings(**MODELS["jc"])
    L = fock.liouvillian(model, 20)
    v0 = fock.product_state(np.diag([0.0, 1.0]), fock.thermal_boson(20, 0.4))
    times = np.sort(np.r_[0.0, np.random.default_rng(1).uniform(0.0, 5.0, 25), 2.5, 2.5])
    a = krylov_evolve(L, v0, times)
    b = fock.evolve_vectors_expm_multiply(L, v0, times)
    assert np.abs(a - b).max() < 1e-11


def test_uncoupled_limit_is_thermal_boson_times_lone_spin():
    """λ = 0: the boson is the bath's thermal state, n_th = Γ↑/(|p|Γ_T) (Carollo's Proposition 1), Gaussian
    (⟨Q²⟩ = n_th + 1/2, fourth cumulant 0); the spin solves its Bloch equations
    dτ/dt = 2 h × τ − (Γ/2)(τ_x, τ_y, 0) − Γ(0, 0, τ_z − z∞), Γ = γ↑ + γ↓, z∞ = (γ↑ − γ↓)/Γ."""
    args = dict(MODELS["jc"], coupling_sqrtN=0.0)
    model = emergent_jaynes_cummings(**args)
    obs, info = jc_steady_state(model, read_settings({}))
    Gt = args["bath_pump"] + args["bath_loss"]
    p = (args["bath_pump"] - args["bath_loss"]) / Gt
    n_th = args["bath_pump"] / (abs(p) * Gt)
    assert obs["boson_number"] == pytest.approx(n_th, abs=1e-10)
    assert obs["quadrature_variance"] == pytest.approx(n_th + 0.5, abs=1e-10)
    assert abs(obs["quadrature_fourth_cumulant"]) < 1e-9
    assert obs["sz_satellite"] == p
    h = np.array([args["h_x"], args["h_y"], args["h_z"]])
    G = args["gamma_up_central"] + args["gamma_down_central"]
    zinf = (args["gamma_up_central"] - args["gamma_down_central"]) / G
    cross = np.array([[0, -h[2], h[1]], [h[2], 0, -h[0]], [-h[1], h[0], 0]])  # cross @ τ = h × τ
    A = 2 * cross - np.diag([G / 2, G / 2, G])
    tau = np.linalg.solve(A, -np.array([0.0, 0.0, G * zinf]))
    assert [obs["sx_central"], obs["sy_central"], obs["sz_central"]] == pytest.approx(tau, abs=1e-10)
    rho, _ = lone_spin_steady(tuple(h), args["gamma_up_central"], args["gamma_down_central"])
    assert 2 * rho[0, 1].real == pytest.approx(tau[0], abs=1e-12)
    assert 2 * rho[0, 1].imag == pytest.approx(tau[1], abs=1e-12)
    assert (rho[1, 1] - rho[0, 0]).real == pytest.approx(tau[2], abs=1e-12)


def test_adaptive_cutoff_reaches_tolerance_and_is_converged():
    """The adaptive cutoff's result equals one at a much larger cutoff (truncation weight < 1e-12 there)."""
    res = solve_limit("driven_central_spin", "fixed_g_sqrtN", {})
    info = res.physical.info
    assert res.converged and info["truncation_weight"] < 1e-12 and info["cutoff_converged"] == 1.0
    model_settings = _fixed_cutoff(int(info["n_fock"]) + 20)
    from cumex.limits import limit_model

    big, _ = jc_steady_state(limit_model("driven_central_spin", "fixed_g_sqrtN"), model_settings)
    for key in ("sz_central", "boson_number", "quadrature", "quadrature_fourth_moment"):
        assert res.physical.observables[key] == pytest.approx(big[key], abs=1e-10), key
    capped = solve_limit("driven_central_spin", "fixed_g_sqrtN", {}, {"limit_fock_start": 6, "limit_fock_max": 8})
    assert not capped.converged and "truncation" in capped.status


@pytest.mark.parametrize("model_name, params", [("driven_central_spin", {}),
                                               pytest.param("central_spin", {"pump_ratio": 0.7}, marks=pytest.mark.slow)])
def test_long_time_dynamics_reaches_steady_state(model_name, params):
    """The slowest decay rate of the generator is 1.05 (Carollo's Fig. 2) and 1.24 (central_spin, r = 0.7),
    so at t = 30 the distance from the steady state is ~e^{-31}."""
    steady = solve_limit(model_name, "fixed_g_sqrtN", params).physical.observables
    times, obs = evolve_limit(model_name, "fixed_g_sqrtN", params, np.linspace(0.0, 30.0, 4))
    for key in ("central_population", "sz_central", "boson_number", "quadrature_fourth_moment",
                "N_corr_satellite_satellite"):
        assert obs[key][-1] == pytest.approx(steady[key], abs=1e-8), key
    assert obs["truncation_weight"].max() < 1e-12


def test_bad_input_is_rejected():
    with pytest.raises(CumexInputError, match="pump ratio"):
        emergent_jaynes_cummings(**dict(MODELS["jc"], bath_pump=0.5, bath_loss=0.5))
    with pytest.raises(CumexInputError, match="scaling"):
        solve_limit("central_spin", "none", {})
    with pytest.raises(CumexInputError, match="model"):
        solve_limit("dicke", "fixed_g_sqrtN", {})
    with pytest.raises(CumexInputError, match="limit_fock_tol"):
        solve_limit("central_spin", "fixed_g_sqrtN", {}, {"limit_fock_tol": -1})
    with pytest.raises(CumexInputError, match="set.g0"):
        solve_limit("central_spin", "fixed_g_sqrtN", {"g0": 1.0})
    with pytest.raises(CumexInputError, match="initial"):
        evolve_limit("driven_central_spin", "fixed_g_sqrtN", {}, [0.0, 1.0], initial="left")
    with pytest.raises(CumexInputError, match="times"):
        evolve_limit("driven_central_spin", "fixed_g_sqrtN", {}, [1.0, 0.0])
    with pytest.raises(CumexInputError, match="scaling"):
        evolve_limit("central_spin", "fixed_kappa_over_N", {}, [0.0, 1.0])
