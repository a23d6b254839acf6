"""Mean-field Tavis–Cummings: closed-form steady states vs the ODEs, their stability and the lasing threshold."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from cumex.errors import CumexInputError
from cumex.exact.tavis_cummings import TavisCummingsParameters, figure_parameters
from cumex.handwritten.tavis_cummings import (
    MEAN_FIELD_SEED,
    jacobian,
    lasing_frequency,
    rhs,
    solve_mean_field,
    steady_states,
    threshold_pump_ratio,
)


def _params(N=20, pump=0.75, omega=1.0, scaling="fixed_g_sqrtN"):
    p = figure_parameters(N, scaling, pump)
    return TavisCummingsParameters(**{**p.as_dict(), "omega": omega})


@pytest.mark.parametrize("omega", [1.0, 1.25])
def test_closed_form_states_are_zeros_of_the_equations(omega):
    p = _params(omega=omega)
    states = steady_states(p)
    assert len(states) == 2  # above threshold: normal and lasing
    for s in states:
        assert s.residual < 1e-14
    lasing = states[1]
    assert lasing.info["frequency"] == pytest.approx(lasing_frequency(p))
    # the U(1) phase mode is neutral
    assert lasing.info["neutral_eigenvalue"] < 1e-12


def test_jacobian_matches_finite_differences():
    p = _params(omega=1.3)
    x = np.array([0.3, -0.2, 0.05, 0.1, 0.2])
    J = jacobian(x, p, nu=0.7)
    h = 1e-6
    fd = np.stack([(rhs(x + h * e, p, 0.7) - rhs(x - h * e, p, 0.7)) / (2 * h) for e in np.eye(5)], axis=1)
    assert np.abs(J - fd).max() < 1e-8


@pytest.mark.parametrize("omega", [1.0, 1.25])
def test_stability_flips_at_the_threshold(omega):
    p0 = _params(omega=omega)
    rc = threshold_pump_ratio(p0)
    assert 0.5 < rc < 1.0
    below = steady_states(_params(pump=rc - 1e-4, omega=omega))
    above = steady_states(_params(pump=rc + 1e-4, omega=omega))
    assert len(below) == 1 and below[0].stable  # only the normal state, stable
    assert len(above) == 2 and not above[0].stable and above[1].stable
    assert abs(below[0].info["max_real_eigenvalue"]) < 1e-3  # a mode crosses the axis at r_c
    assert abs(above[0].info["max_real_eigenvalue"]) < 1e-3


@pytest.mark.parametrize(
    "pump,omega", [(0.55, 1.0), (0.75, 1.25), pytest.param(0.75, 1.0, marks=pytest.mark.slow),
                   pytest.param(0.9, 1.25, marks=pytest.mark.slow)]
)
def test_physical_state_is_reached_by_time_integration(pump, omega):
    p = _params(pump=pump, omega=omega)
    result = solve_mean_field(p)
    assert result.converged
    x0 = [MEAN_FIELD_SEED, 0.0, 0.0, 0.0, p.sz_uncoupled]
    sol = solve_ivp(lambda t, x: rhs(x, p), (0.0, 600.0), x0, method="LSODA", rtol=1e-10, atol=1e-13)
    x = sol.y[:, -1]
    obs = result.physical.observables
    assert (x[0] ** 2 + x[1] ** 2) / p.N == pytest.approx(obs["photon_number_per_N"], abs=1e-8)
    assert x[4] == pytest.approx(obs["sz_satellite"], abs=1e-8)
    alpha, s = x[0] + 1j * x[1], x[2] + 1j * x[3]
    assert (np.conj(alpha) * s).imag == pytest.approx(obs["corr_photon_satellite_im"], abs=1e-8)
    assert abs(s) ** 2 == pytest.approx(obs["corr_satellite_satellite"], abs=1e-8)


def test_three_scalings_share_one_large_N_limit_only_for_fixed_g_sqrtN():
    n_g = [solve_mean_field(figure_parameters(N)).physical.observables["photon_number_per_N"] for N in (10, 1000)]
    assert n_g[0] == pytest.approx(n_g[1], rel=1e-12)  # |α|²/N independent of N at fixed g√N
    # fixed gN: g²N → 0, the laser switches off at large N
    assert solve_mean_field(figure_parameters(1000, "fixed_gN")).physical.observables["photon_number"] == 0.0


def test_mf_settings_are_checked():
    with pytest.raises(CumexInputError):
        solve_mean_field(_params(), {"mf_unknown": 1})
    assert solve_mean_field(_params(), {"exact_fock_tol": 1e-3}).converged
