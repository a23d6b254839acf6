"""Coherence cutoff |p − q| ≤ K of the Tavis–Cummings Dicke basis: the band against the whole basis."""

from __future__ import annotations

import numpy as np
import pytest

from cumex.exact.tavis_cummings import figure_parameters, solve_exact
from cumex.exact.tavis_cummings.dicke import DickeBasis, dicke_generator
from cumex.exact.tavis_cummings.dicke_solve import solve_dicke
from cumex.exact.tavis_cummings.dicke_steady import coherence_profile, dicke_observables, steady_state_dicke


@pytest.mark.parametrize("N, F, K", [(5, 4, 1), (6, 9, 3), (9, 7, 0), (8, 12, 5)])
def test_band_generator_is_the_restriction_of_the_whole_generator(N, F, K):
    """Rows and columns of the whole generator at |p − q| ≤ K, found by label, equal the band's generator."""
    params = figure_parameters(N)
    full, band = DickeBasis(N, F), DickeBasis(N, F, coherence=K)
    lab = full.labels
    keep = np.flatnonzero(np.abs(lab["p"] - lab["q"]) <= K)
    assert band.dim == keep.size
    for key in ("l", "E", "p", "q"):
        np.testing.assert_array_equal(band.labels[key], lab[key][keep])
    np.testing.assert_array_equal(band.index(lab["l"], lab["E"], lab["p"], lab["q"])[keep], np.arange(band.dim))
    assert np.all(band.index(lab["l"], lab["E"], lab["p"], lab["q"])[np.abs(lab["p"] - lab["q"]) > K] == -1)
    restricted = dicke_generator(params, full)[keep][:, keep]
    assert abs(restricted - dicke_generator(params, band)).max() == 0


@pytest.mark.parametrize("N, F", [(4, 10), (7, 12), (10, 8)])
def test_cutoff_at_its_maximum_equals_the_uncut_basis(N, F):
    """K = the widest block − 1 keeps every element: the same basis and the same steady state to 1e-12."""
    params = figure_parameters(N)
    full, band = DickeBasis(N, F), DickeBasis(N, F, coherence=min(F, N))
    assert band.dim == full.dim
    x_full = solve_dicke(params, full).x
    x_band = solve_dicke(params, band).x
    assert np.abs(x_full - x_band).max() < 1e-12
    a, b = dicke_observables(x_full, full), dicke_observables(x_band, band)
    for key, value in a.items():
        assert b[key] == pytest.approx(value, abs=1e-12), key


def test_cut_state_converges_to_the_uncut_one_as_K_grows():
    """N = 16: the change of ⟨a†a⟩/N from the uncut basis falls with K, by orders of magnitude per step."""
    N, F = 16, 20
    params = figure_parameters(N)
    full = DickeBasis(N, F)
    ref = dicke_observables(solve_dicke(params, full).x, full)["photon_number_per_N"]
    errors = []
    for K in (4, 7, 10, 13):
        basis = DickeBasis(N, F, coherence=K)
        errors.append(abs(dicke_observables(solve_dicke(params, basis).x, basis)["photon_number_per_N"] - ref))
    assert all(b < 0.3 * a for a, b in zip(errors, errors[1:])), errors
    assert errors[-1] < 1e-9


def test_reported_coherence_error_bounds_the_actual_error():
    """A loose leak tolerance makes the loop cut at N = 16; the reported K − 2 → K change bounds the error from
    the uncut basis at the same F, and the residual of the untruncated generator shows the leak."""
    N = 16
    params = figure_parameters(N)
    # a low first Fock cutoff forces a second attempt, which is cut (an uncut solve that passes is kept)
    res = steady_state_dicke(params, fock_start=10, coherence_leak_tol=1e-4, coherence_tol=1e-4)
    K, F = int(res.info["coherence_cutoff"]), int(res.info["fock_cutoff"])
    assert 0 < K < min(F, N)
    full = DickeBasis(N, F)
    ref = dicke_observables(solve_dicke(params, full).x, full)
    actual = abs(res.observables["photon_number_per_N"] - ref["photon_number_per_N"])
    assert 0 < actual <= res.info["coherence_error_photon_number_per_N"]
    assert res.info["coherence_error"] <= 1e-4
    assert res.info["coherence_leak"] <= 1e-4
    assert res.residual >= res.info["coherence_leak"]
    prof = coherence_profile(res.w, res.basis)
    assert prof.size == K + 1 and prof[-1] == pytest.approx(res.info["coherence_edge"], rel=1e-12)


def test_default_solve_passes_both_error_tolerances_and_matches_the_uncut_basis():
    """N = 12, defaults: Fock and coherence errors reported below 1e-10 in ⟨a†a⟩/N, and the value equals that of
    a much larger uncut basis."""
    params = figure_parameters(12)
    result = solve_exact(params)
    assert result.converged and result.status == "ok"
    info = result.physical.info
    assert info["fock_error_photon_number_per_N"] < 1e-10 and info["coherence_error_photon_number_per_N"] < 1e-10
    big = DickeBasis(12, int(info["fock_cutoff"]) + 8)
    ref = dicke_observables(solve_dicke(params, big).x, big)
    assert result.physical.observables["photon_number_per_N"] == pytest.approx(ref["photon_number_per_N"], abs=1e-11)


def test_loose_coherence_tolerance_with_a_capped_K_is_not_ok():
    """K capped at 4 (N = 14): the measured coherence error is far above 1e-10, so the status says so."""
    result = solve_exact(figure_parameters(14), {"exact_coherence_max": 4})
    assert not result.converged and "coherence truncation" in result.status
    assert result.physical.info["coherence_cutoff"] == 4


@pytest.mark.slow
def test_emitter_window_error_is_reported_and_bounds_the_actual_error():
    """N = 20 with a coarse window (populations above 1e-3): the reported change against the window at 1e-2
    bounds the change from the unwindowed solve at the same F; solve_exact says it is above tolerance."""
    params = figure_parameters(20)
    res = steady_state_dicke(params, window_tol=1e-3, window_check=10.0)
    assert res.basis.window is not None and res.info["window_unknowns_fraction"] < 1
    ref = steady_state_dicke(params, fock_start=int(res.info["fock_cutoff"]), window_tol=0)
    assert ref.basis.window is None and ref.info["fock_cutoff"] == res.info["fock_cutoff"]
    actual = abs(res.observables["photon_number_per_N"] - ref.observables["photon_number_per_N"])
    assert 0 < actual <= res.info["window_error_photon_number_per_N"]
    result = solve_exact(params, {"exact_window_tol": 1e-3})
    assert not result.converged and "window error" in result.status


def test_default_window_keeps_every_emitter_state_at_small_N():
    """At N = 16 every (l, e) carries population above 1e-16: the default window is the whole basis."""
    res = steady_state_dicke(figure_parameters(16))
    assert res.basis.window is None and res.info["window_error"] == 0
