"""solve_exact: adaptive Fock and coherence cutoffs, their reported errors, settings and physical bounds."""

from __future__ import annotations

import numpy as np
import pytest

from cumex.errors import CumexInputError
from cumex.exact.tavis_cummings import TCBasis, figure_parameters, read_settings, solve_exact, solve_on_basis
from cumex.exact.tavis_cummings.solver import bound_violations
from cumex.handwritten.tavis_cummings import mean_field_photon_number, solve_mean_field


def test_default_solve_is_ok_and_matches_a_large_fixed_basis():
    params = figure_parameters(6)
    result = solve_exact(params)
    assert result.converged and result.status == "ok"
    state = result.physical
    assert state is result.states[0] and state.stable
    assert state.residual < 1e-9
    assert state.info["fock_top_weight"] <= 1e-12
    ref = solve_on_basis(params, TCBasis(6, int(state.info["fock_cutoff"]) + 12))  # far more Fock levels
    # the reported Fock error bounds the actual one (both tiny)
    actual = abs(state.observables["photon_number_per_N"] - ref.observables["photon_number_per_N"])
    assert actual <= max(state.info["fock_error_photon_number_per_N"], 1e-14)
    assert actual < 1e-10


def test_coherence_cutoff_error_is_reported_and_bounds_the_actual_error():
    params = figure_parameters(8)
    full = solve_on_basis(params, TCBasis(8, 20))  # C = N: no coherence truncation
    result = solve_exact(params, {"exact_method": "sector_lu", "exact_coherence_max": 6, "exact_fock_start": 20,
                                   "exact_coherence_start": 4})
    state = result.physical
    assert state.info["coherence_cutoff"] == 6
    actual = abs(state.observables["photon_number_per_N"] - full.observables["photon_number_per_N"])
    assert 0 < actual <= state.info["coherence_error"]
    # coherence error 1e-5-ish > the 1e-10 tolerance: never reported as ok
    assert not result.converged and "coherence truncation" in result.status


def test_tighter_coherence_tolerance_reaches_the_full_sector_value():
    params = figure_parameters(8, "fixed_gN", 0.9)
    full = solve_on_basis(params, TCBasis(8, 24))
    result = solve_exact(params, {"exact_method": "sector_lu", "exact_coherence_tol": 1e-11})
    assert result.status == "ok"
    for key in ("photon_number_per_N", "sz_satellite", "corr_satellite_satellite", "g2"):
        assert result.physical.observables[key] == pytest.approx(full.observables[key], abs=1e-10), key


@pytest.mark.parametrize(
    "settings",
    [{"exact_fock_tol": 0}, {"exact_coherence_start": 0}, {"exact_fock_start": 1.5}, {"exact_blas_threads": True},
     {"exact_method": "full"}, {"exact_cutoff_tol": 1e-12}],
)
def test_bad_or_unknown_settings_are_rejected(settings):
    with pytest.raises(CumexInputError):
        read_settings(settings)


def test_settings_of_other_methods_are_ignored():
    assert read_settings({"n_random": 5, "timeout_seconds": 3})["exact_fock_tol"] == 1e-12


def test_bound_violation_is_never_ok():
    params = figure_parameters(3)
    state = solve_exact(params).physical
    assert bound_violations(state.observables, state.info) == []
    bad_info = {**state.info, "min_population": -1e-6}
    assert bound_violations(state.observables, bad_info)
    bad_obs = {**state.observables, "corr_photon_satellite_im": 10.0}
    assert bound_violations(bad_obs, state.info)


def test_exact_photon_number_per_N_approaches_mean_field_from_above():
    """Fig. 3b/S2d parameters (g√N = 0.9, r = 3/4): ⟨a†a⟩/N decreases with N towards |α|²/N = 0.0864."""
    mf = solve_mean_field(figure_parameters(2)).physical.observables["photon_number_per_N"]
    assert mf == pytest.approx(mean_field_photon_number(figure_parameters(50)) / 50, rel=1e-12)
    values = [solve_exact(figure_parameters(N)).physical.observables["photon_number_per_N"] for N in (2, 4, 6, 8)]
    gaps = np.array(values) - mf
    assert np.all(gaps > 0)  # above mean field at every N
    assert np.all(np.diff(gaps) < 0)  # and closer with every N
    assert gaps[-1] < 0.5 * gaps[0]


@pytest.mark.slow
def test_larger_N_still_above_mean_field_and_closer():
    mf = solve_mean_field(figure_parameters(2)).physical.observables["photon_number_per_N"]
    values = [solve_exact(figure_parameters(N)).physical.observables["photon_number_per_N"] for N in (8, 12, 16)]
    gaps = np.array(values) - mf
    assert np.all(gaps > 0) and np.all(np.diff(gaps) < 0)


@pytest.mark.slow
def test_reported_coherence_error_bounds_actual_error_at_N14():
    params = figure_parameters(14)
    full = solve_exact(params, {"exact_method": "sector_lu"}).physical  # ends on the whole sector (C = N)
    assert full.info["coherence_cutoff"] == -1
    cut = solve_exact(params, {"exact_method": "sector_lu", "exact_coherence_max": 10,
                               "exact_fock_start": int(full.info["fock_cutoff"])}).physical
    actual = abs(cut.observables["photon_number_per_N"] - full.observables["photon_number_per_N"])
    assert actual <= cut.info["coherence_error"]
