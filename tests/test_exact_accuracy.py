"""The exact steady state is right or says it is not (issue 16): high pump, physical bounds, memory.

References: the full-sector solve (exact_method "full", every coherence ladder line), the unreduced
permutation-symmetric oracle (:mod:`cumex.exact.unreduced`) and the full Hilbert space
(:mod:`cumex.exact.brute_force`); tolerance 1e-10 in p0↑ and the other observables.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import cumex.exact.solver as solver_module
from cumex.exact.basis import SectorBasis
from cumex.exact.brute_force import full_observables, full_steady_state
from cumex.exact.checks import physical_problems
from cumex.exact.memory import estimate_memory_bytes
from cumex.exact.observables import observables
from cumex.exact.steady import SteadyResult, steady_state
from cumex.exact.unreduced import unreduced_observables, unreduced_steady_state
from cumex.models.central_spin import resolve_parameters

TOL = 1e-10
SCALINGS = ("fixed_g_sqrtN", "fixed_kappa_over_N", "fixed_gN")


def _agree(ours: dict[str, float], ref: dict[str, float], tol: float = TOL) -> None:
    for key, value in ref.items():
        if math.isnan(value):
            assert math.isnan(ours[key]), key
        else:
            assert ours[key] == pytest.approx(value, abs=tol), key


@pytest.mark.parametrize("scaling", SCALINGS)
@pytest.mark.parametrize("r", [0.95, 1.0])
def test_default_solve_matches_full_sector(scaling: str, r: float) -> None:
    params = resolve_parameters(120, scaling, r)
    ours = solver_module.solve(params, {})
    full = steady_state(params, method="full")
    assert ours.converged and ours.status == "ok"
    _agree(ours.physical.observables, observables(full.w, full.basis))


@pytest.mark.parametrize("r", [0.95, 1.0])
def test_high_pump_matches_unreduced_oracle(r: float) -> None:
    params = resolve_parameters(16, "fixed_kappa_over_N", r, {"omega": 1.1})
    ours = solver_module.solve(params, {"exact_cutoff_start": 2})
    z, ub = unreduced_steady_state(params)
    assert ours.converged
    _agree(ours.physical.observables, unreduced_observables(z, ub))


@pytest.mark.parametrize("r", [0.0, 0.97, 1.0])
def test_extreme_pump_matches_brute_force(r: float) -> None:
    params = resolve_parameters(5, "fixed_g_sqrtN", r)
    ours = solver_module.solve(params, {})
    assert ours.converged
    _agree(ours.physical.observables, full_observables(full_steady_state(params), 5))


def _state(N: int = 30) -> tuple[np.ndarray, SectorBasis]:
    res = steady_state(resolve_parameters(N, "fixed_kappa_over_N", 0.9), method="full")
    return res.w.copy(), res.basis


def test_physical_state_passes_the_checks() -> None:
    w, basis = _state()
    assert physical_problems(w, basis, 0.0) == []


def test_negative_population_is_caught() -> None:
    w, basis = _state()
    w[basis.diag_size + 3] -= 1e-6  # p(1, m = 3) below zero by ~1e-6 ...
    w[basis.diag_size + 20] += 1e-6  # ... with the trace kept
    assert w[basis.diag_size + 3].real < 0 and any("negative population" in p for p in physical_problems(w, basis, 0.0))


def test_non_positive_coherence_is_caught() -> None:
    # populations untouched, the central-satellite coherence 30× too large: only the two-site check sees it
    w, basis = _state()
    sl = basis.block_slice(1, 0)
    w[sl.start : sl.start + basis.N] *= 30.0
    w[basis.block_slice(0, 1).start : basis.block_slice(0, 1).start + basis.N] *= 30.0
    problems = physical_problems(w, basis, 0.0)
    assert problems and all("negative population" not in p for p in problems)
    assert any("central-satellite" in p for p in problems)


def test_trace_error_is_caught() -> None:
    w, basis = _state()
    assert any("trace" in p for p in physical_problems(w, basis, 1e-6))


def test_solve_reports_an_unphysical_state(monkeypatch: pytest.MonkeyPatch) -> None:
    # p0↑ = −0.0176 (the N = 2000, r = 0.95 failure of the old cutoff) must never be "ok"
    w, basis = _state(8)
    w[basis.diag_size : basis.diag_size + 9] = -0.0176 / 9
    w[:9] = 1.0176 / 9
    bad = SteadyResult(w=w, basis=basis, residual=1e-15, trace_error=0.0,
                       info={"settled": 1.0, "cutoff_converged": 1.0, "cutoff_change": 0.0, "passes": 1.0})
    monkeypatch.setattr(solver_module, "steady_state", lambda *a, **k: bad)
    params = resolve_parameters(8, "fixed_kappa_over_N", 0.9)
    result = solver_module.solve(params, {"exact_fallback": None})
    assert not result.converged and result.status.startswith("unphysical")
    assert "central population" in result.status and result.physical is not None
    # with the default fallback the point is solved again on the Dicke basis: the true state, not the bad one
    rescued = solver_module.solve(params, {})
    truth = solver_module.solve(params, {"exact_method": "dicke"})
    assert rescued.converged and rescued.physical.info["fallback_dicke"] == 1.0
    assert abs(rescued.physical.observables["central_population"] - truth.physical.observables["central_population"]) < 1e-12


def test_unconverged_cutoff_is_not_ok() -> None:
    result = solver_module.solve(resolve_parameters(200, "fixed_kappa_over_N", 0.95), {"exact_cutoff_max": 6, "exact_fallback": None})
    assert not result.converged and "cutoff not converged" in result.status


def test_unsettled_reference_fraction_is_not_ok() -> None:
    # one pass: q starts at the pump ratio 0.95, the solution's excitation fraction is 0.935 (logit moves 0.3)
    params = resolve_parameters(60, "fixed_kappa_over_N", 0.95)
    result = solver_module.solve(params, {"exact_max_passes": 1, "exact_method": "full", "exact_fallback": None})
    assert not result.converged and "not settled" in result.status


def test_out_of_memory_is_a_clear_status(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_memory(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(solver_module, "steady_state", no_memory)
    result = solver_module.solve(resolve_parameters(3000, "fixed_kappa_over_N", 0.75), {"exact_method": "full", "exact_fallback": None})
    assert not result.converged and result.physical is None
    assert result.status.startswith("failed: out of memory (estimated peak") and "GiB" in result.status


@pytest.mark.parametrize("N,settings", [(100, {"exact_method": "full"}), (400, {"exact_cutoff_max": 12, "exact_cutoff_start": 12})])
def test_memory_estimate_covers_the_factors(N: int, settings: dict[str, object]) -> None:
    # the factors alone take ≥ 12 bytes per stored entry (8-byte value, 4-byte row index)
    params = resolve_parameters(N, "fixed_kappa_over_N", 0.75)
    result = solver_module.solve(params, settings)
    assert estimate_memory_bytes(params, settings) >= 12 * result.physical.info["factor_nnz"]
    bigger = resolve_parameters(2 * N, "fixed_kappa_over_N", 0.75)
    assert estimate_memory_bytes(bigger, settings) > estimate_memory_bytes(params, settings)


@pytest.mark.slow
@pytest.mark.parametrize("scaling", SCALINGS)
@pytest.mark.parametrize("r", [0.05, 0.5, 0.6, 0.9, 0.95, 1.0])
def test_default_solve_matches_full_sector_at_N_400(scaling: str, r: float) -> None:
    params = resolve_parameters(400, scaling, r)
    ours = solver_module.solve(params, {})
    full = steady_state(params, method="full")
    assert ours.converged
    _agree(ours.physical.observables, observables(full.w, full.basis))


@pytest.mark.slow
def test_high_pump_at_N_1000_matches_full_sector() -> None:
    # the old conditioned-tail criterion needed K = 166 here and went wrong at N = 2000
    params = resolve_parameters(1000, "fixed_kappa_over_N", 0.95)
    ours = solver_module.solve(params, {})
    full = steady_state(params, method="full")
    assert ours.converged
    _agree(ours.physical.observables, observables(full.w, full.basis))


def test_ladder_shifts_bring_every_line_down_to_the_populations() -> None:
    from cumex.exact.ladder import balanced_shifts, extend_shifts

    rng = np.random.default_rng(3)
    k = np.repeat(np.arange(12), 5)
    natural = rng.uniform(0.5, 1.0, k.size) * np.exp(5.0 * k - 0.5 * k**2)  # rises ~e^12.5 above k = 0, then falls
    mu = extend_shifts(np.array([0.0, -1.0, -2.0, -9.0]), 12)  # last reliable line: k = 1
    assert np.array_equal(mu, np.r_[0.0, -1.0, np.full(10, -1.0)])
    u = natural * np.exp(mu[k])
    new, balanced = balanced_shifts(u, k, mu)
    assert not balanced  # lines up to ~e^11.5 above the populations in this gauge
    top = np.array([(natural * np.exp(new[k]))[k == i].max() for i in range(12)])
    assert np.all(top <= top[0] * (1 + 1e-12)) and np.all(new <= mu)
    assert balanced_shifts(natural * np.exp(new[k]), k, new)[1]


def test_largest_cutoff_within_fits() -> None:
    from cumex.exact.memory import largest_cutoff_within

    params = resolve_parameters(4000, "fixed_kappa_over_N", 0.75)
    budget = 2 * 2**30
    K = largest_cutoff_within(params, budget)
    assert K is not None and 1 <= K < 2000
    ladder = {"exact_method": "coherence_cutoff"}  # "auto" takes the Dicke route at this lasing point
    assert estimate_memory_bytes(params, {**ladder, "exact_cutoff_max": K}) <= budget
    assert estimate_memory_bytes(params, {**ladder, "exact_cutoff_max": K + 1}) > budget
    assert largest_cutoff_within(resolve_parameters(50, "fixed_kappa_over_N", 0.75), budget) is None


def _accuracy_script():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "exact_accuracy.py"
    spec = importlib.util.spec_from_file_location("exact_accuracy_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("scaling,r", [("fixed_kappa_over_N", 0.95), ("fixed_g_sqrtN", 0.4)])
def test_dicke_second_check_of_the_benchmark(scaling: str, r: float) -> None:
    # the check the benchmark applies where the ladder is not ok: LU = GMRES on the final window, and the two
    # balance identities; here also against brute force (N = 5), which neither shares
    bench = _accuracy_script()
    box = bench._Direct()
    bench._solve(5, scaling, r, {"exact_method": "dicke", "_gmres_rtol": bench.GMRES_RTOL}, box)
    row = box.item
    params = resolve_parameters(5, scaling, r)
    exact = full_observables(full_steady_state(params), 5)
    assert row["converged"] and abs(row["p0"] - exact["central_population"]) < TOL
    assert bench._identities(params, exact)["central_balance"] < 1e-13  # the identity itself, on brute force
    assert bench._second_check(row) == "dicke LU = dicke GMRES, identities ok"
    assert abs(row["lu_gmres"]["p0_gmres"] - exact["central_population"]) < TOL


def test_benchmark_second_check_reports_failures() -> None:
    bench = _accuracy_script()
    good = {"identities": {"excitation_balance": 0.0, "central_balance": 0.0},
            "lu_gmres": {"p0_lu": 0.5, "p0_gmres": 0.5, "gmres_converged": True}}
    assert bench._second_check(good) == "dicke LU = dicke GMRES, identities ok"
    off = {**good, "lu_gmres": {**good["lu_gmres"], "p0_gmres": 0.5 + 1e-9}}
    assert bench._second_check(off).startswith("DICKE LU != GMRES")
    broken = {**good, "identities": {"excitation_balance": 1e-9, "central_balance": 0.0}}
    assert bench._second_check(broken).endswith("IDENTITIES BROKEN")
    assert bench._second_check({**good, "lu_gmres": {**good["lu_gmres"], "gmres_converged": False}}).startswith("GMRES NOT")
