"""Each method's dynamics against something independent: a dense full-Hilbert-space Lindblad integration
(N = 2, 3), the exact engine where a cumulant order is exact (M >= N + 1 sites), and the limit as N grows."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla

from cumex import get_model
from cumex.dynamics import evolve_point, time_grid

# single-site basis (down, up): sigma+ = |1><0|
SP = np.array([[0.0, 0.0], [1.0, 0.0]], dtype=complex)
SM = SP.T.copy()
SZ = np.diag([-1.0, 1.0]).astype(complex)
SX, SY = SP + SM, -1j * (SP - SM)


def _op(single: np.ndarray, site: int, n_sites: int) -> np.ndarray:
    out = np.eye(1, dtype=complex)
    for k in range(n_sites):
        out = np.kron(out, single if k == site else np.eye(2))
    return out


def _dense_carollo(N: int, p: dict) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Liouvillian on row-major vec(rho) of Carollo's model written out site by site (no symmetry used),
    the observables' matrices and the initial state (central up, bath spins in their own steady state)."""
    n = N + 1
    g = p["g0"] / np.sqrt(N)
    tp, tm = _op(SP, 0, n), _op(SM, 0, n)
    Sm = sum(_op(SM, k, n) for k in range(1, n))
    H = p["omega_x"] * _op(SX, 0, n) + p["omega_z"] * _op(SZ, 0, n) + g * (tp @ Sm + tm @ Sm.conj().T)
    jumps = [(p["gamma_up_central"], tp), (p["gamma_down_central"], tm)]
    jumps += [(p["gamma_up"], _op(SP, k, n)) for k in range(1, n)] + [(p["gamma_down"], _op(SM, k, n)) for k in range(1, n)]
    eye = np.eye(2**n)
    L = -1j * (np.kron(H, eye) - np.kron(eye, H.T))
    for rate, c in jumps:
        cdc = c.conj().T @ c
        L += rate * (np.kron(c, c.conj()) - 0.5 * np.kron(cdc, eye) - 0.5 * np.kron(eye, cdc.T))
    eps = (p["gamma_down"] - p["gamma_up"]) / (p["gamma_up"] + p["gamma_down"])
    q = (Sm + Sm.conj().T) / np.sqrt(2 * eps * N)
    ops = {"sz_central": _op(SZ, 0, n), "sx_central": _op(SX, 0, n), "sy_central": _op(SY, 0, n), "q": q,
           "sz_satellite": _op(SZ, 1, n), "corr": tp @ _op(SM, 1, n)}
    site = np.diag([p["gamma_down"], p["gamma_up"]]) / (p["gamma_up"] + p["gamma_down"])
    rho = np.diag([0.0, 1.0]).astype(complex)
    for _ in range(N):
        rho = np.kron(rho, site)
    return L, ops, rho


def _dense_traces(N: int, times: np.ndarray) -> dict[str, np.ndarray]:
    params = get_model("driven_central_spin").resolve("fixed_g_sqrtN", {"N": N})
    L, ops, rho0 = _dense_carollo(N, {**params, "g0": params["g"] * np.sqrt(N)})
    d = rho0.shape[0]
    out: dict[str, list] = {k: [] for k in ("sz_central", "sx_central", "sy_central", "sz_satellite", "quadrature_mean",
                                            "quadrature_central4", "corr_re", "corr_im")}
    step = sla.expm(L * (times[1] - times[0]))
    v = rho0.reshape(-1)
    for _ in times:
        rho = v.reshape(d, d)
        ev = lambda A: np.trace(A @ rho)  # noqa: E731
        for k in ("sz_central", "sx_central", "sy_central", "sz_satellite"):
            out[k].append(ev(ops[k]).real)
        m = ev(ops["q"]).real
        Q = ops["q"] - m * np.eye(d)
        out["quadrature_mean"].append(m)
        out["quadrature_central4"].append(ev(Q @ Q @ Q @ Q).real)
        out["corr_re"].append(ev(ops["corr"]).real)
        out["corr_im"].append(ev(ops["corr"]).imag)
        v = step @ v
    return {k: np.array(v) for k, v in out.items()}


@pytest.mark.parametrize("N", [2, 3])
def test_exact_dynamics_equals_dense_lindblad_integration(N):
    times = time_grid(4.0, 41)
    dense = _dense_traces(N, times)
    traces = evolve_point("driven_central_spin", "fixed_g_sqrtN", "exact", {"N": N}, times)
    assert traces.converged and traces.status == "ok"
    for name in ("sz_central", "sx_central", "sy_central", "sz_satellite", "quadrature_mean", "quadrature_central4"):
        np.testing.assert_allclose(traces.observables[name], dense[name], atol=1e-9, err_msg=name)
    np.testing.assert_allclose(traces.observables["corr_central_satellite_re"], dense["corr_re"], atol=1e-9)
    np.testing.assert_allclose(traces.observables["corr_central_satellite_im"], dense["corr_im"], atol=1e-9)


def test_cumulant_order_with_a_moment_on_every_site_equals_exact_dynamics():
    """Order 3 on N = 2 bath spins keeps every moment of the 3 sites: no closure, so it is the exact hierarchy."""
    times = time_grid(4.0, 41)
    exact = evolve_point("driven_central_spin", "fixed_g_sqrtN", "exact", {"N": 2}, times)
    cumulant = evolve_point("driven_central_spin", "fixed_g_sqrtN", "3_broken", {"N": 2}, times)
    assert cumulant.converged
    for name in ("sz_central", "sx_central", "sy_central", "sz_satellite", "corr_central_satellite_re",
                 "corr_central_satellite_im"):
        np.testing.assert_allclose(cumulant.observables[name], exact.observables[name], atol=1e-8, err_msg=name)


def test_u1_central_spin_exact_and_cumulant_dynamics_agree_where_the_order_is_exact():
    """Fowler-Wright's central spin: the U(1)-reduced exact engine and the derived U(1) order 3 at N = 2 (every
    moment of the 3 sites kept, the exact hierarchy) agree along the trajectory from central spin down."""
    times = time_grid(3.0, 31)
    exact = evolve_point("central_spin", "fixed_g_sqrtN", "exact", {"N": 2, "pump_ratio": 0.75}, times)
    cumulant = evolve_point("central_spin", "fixed_g_sqrtN", "3", {"N": 2, "pump_ratio": 0.75}, times)
    assert exact.converged and cumulant.converged
    for name in ("central_population", "sz_satellite", "corr_central_satellite_re", "corr_satellite_satellite"):
        np.testing.assert_allclose(cumulant.observables[name], exact.observables[name], atol=1e-8, err_msg=name)
    assert abs(exact.observables["central_population"][0]) < 1e-14  # the model's initial state: central spin down


def test_limit_dynamics_is_approached_like_one_over_N():
    times = time_grid(4.0, 81)
    limit = evolve_point("driven_central_spin", "fixed_g_sqrtN", "limit", {}, times)
    assert limit.converged
    Ns = np.array([4, 8, 16])
    dev = []
    for N in Ns:
        exact = evolve_point("driven_central_spin", "fixed_g_sqrtN", "exact", {"N": int(N)}, times)
        dev.append([np.abs(exact.observables[k] - limit.observables[k]).max() for k in ("sz_central", "quadrature_mean")])
    dev = np.array(dev)
    assert np.all(np.diff(dev, axis=0) < 0), dev
    slopes = np.polyfit(np.log(Ns), np.log(dev), 1)[0]
    assert np.all((slopes > -1.25) & (slopes < -0.8)), slopes  # Δ ∝ 1/N (measured: about -1)


def test_orders_without_dynamics_are_refused_by_name():
    from cumex.errors import CumexInputError

    with pytest.raises(CumexInputError, match="order.*with dynamics for lmg_dimer"):
        evolve_point("lmg_dimer", None, "1", {}, time_grid(1.0, 3))
    with pytest.raises(CumexInputError, match="with dynamics for central_spin: exact, limit"):
        evolve_point("central_spin", None, "2", {"N": 3}, time_grid(1.0, 3), {"engine": "handwritten"})
    with pytest.raises(CumexInputError, match="settings.krylov_tol"):
        evolve_point("driven_central_spin", None, "exact", {"N": 3}, time_grid(1.0, 3), {"krylov_tol": -1})


def test_hand_written_orders_evolve_with_the_equal_derived_equations():
    traces = evolve_point("central_spin", None, "2", {"N": 5}, time_grid(2.0, 5))
    assert traces.converged and traces.settings["ode_method"] == "DOP853"


def test_limit_quadrature_moments_carry_the_finite_N_names():
    from cumex.limits.api import evolve_limit
    from cumex.study import solve_point

    times = time_grid(2.0, 11)
    _, raw = evolve_limit("driven_central_spin", "fixed_g_sqrtN", {}, times)
    traces = evolve_point("driven_central_spin", None, "limit", {}, times)
    np.testing.assert_array_equal(traces.observables["quadrature_mean"], raw["quadrature"])
    np.testing.assert_array_equal(traces.observables["quadrature_central4"], raw["quadrature_fourth_moment"])
    steady = solve_point(model="driven_central_spin", order="limit")
    assert np.isfinite(steady["quadrature_cumulant4"].item()) and steady["quadrature_cumulant4"].item() < 0  # non-Gaussian


def test_a_run_past_its_time_limit_is_a_result():
    traces = evolve_point("driven_central_spin", None, "exact", {"N": 60}, time_grid(4.0, 801), {"timeout_seconds": 0.5})
    assert not traces.converged and traces.status.startswith("timeout") and traces.observables == {}
