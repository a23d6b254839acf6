"""The coherence-cutoff steady state (exact_method "coherence_cutoff") against the full-sector solve."""

from __future__ import annotations

import numpy as np
import pytest

import cumex.exact.solver as solver_module
from cumex.errors import CumexInputError
from cumex.exact.basis import SectorBasis
from cumex.exact.liouvillian import reduced_liouvillian
from cumex.exact.observables import observables
from cumex.exact.steady import steady_state
from cumex.models.central_spin import resolve_parameters

TOL = 1e-11  # both solves reach ~1e-15 here; the cutoff stops when the observables move by < 1e-12


@pytest.mark.parametrize("N", [0, 1, 2, 5, 9])
def test_truncated_basis_sizes_and_index(N: int) -> None:
    full = SectorBasis(N)
    for K in range(0, 6):
        t = SectorBasis(N, K)
        lab = t.labels()
        k = np.minimum(lab["n01"], lab["n10"])
        # exactly the elements of the full basis with k ≤ K, in the same block order
        assert t.dim == int((np.minimum(full.labels()["n01"], full.labels()["n10"]) <= K).sum())
        assert k.max(initial=0) <= K
        assert np.array_equal(t.index(lab["c"], lab["d"], lab["n01"], lab["n10"], lab["n11"]), np.arange(t.dim))
        assert t.truncated == (t.dim < full.dim)


def test_truncated_generator_is_the_principal_submatrix() -> None:
    params = resolve_parameters(11, "fixed_kappa_over_N", 0.7, {"omega": 1.3})
    L = reduced_liouvillian(params).toarray()
    for K in (1, 2, 4):
        t = SectorBasis(11, K)
        idx = t.full_index()
        assert np.array_equal(reduced_liouvillian(params, t).toarray(), L[np.ix_(idx, idx)])


@pytest.mark.parametrize(
    "scaling,r,extra",
    [
        ("fixed_kappa_over_N", 0.3, {}),
        ("fixed_kappa_over_N", 0.55, {}),  # near the lasing threshold
        ("fixed_kappa_over_N", 0.75, {"omega": 1.2}),
        ("fixed_kappa_over_N", 0.95, {}),
        ("fixed_g_sqrtN", 0.75, {}),
        ("fixed_gN", 0.6, {"epsilon": 0.9}),
    ],
)
def test_cutoff_agrees_with_full_solve(scaling: str, r: float, extra: dict[str, float]) -> None:
    params = resolve_parameters(120, scaling, r, extra)
    full = steady_state(params, method="full")
    cut = steady_state(params)
    assert cut.basis.truncated and cut.info["cutoff_change"] <= 1e-12 and cut.info["cutoff_converged"] == 1.0
    oa, ob = observables(full.w, full.basis), observables(cut.w, cut.basis)
    for key, value in oa.items():
        assert ob[key] == pytest.approx(value, abs=TOL), key
    # the state itself, coefficient by coefficient (zero beyond the cutoff)
    padded = np.zeros(full.basis.dim, dtype=complex)
    padded[cut.basis.full_index()] = cut.w
    assert np.abs(padded - full.w).max() < TOL
    # the reported residual is the full generator's: the truncated basis keeps the rows the cutoff leaks into
    assert cut.residual == pytest.approx(np.abs(reduced_liouvillian(params) @ padded).max(), rel=1e-6, abs=1e-16)
    assert cut.residual < 1e-12


def test_cutoff_covering_the_sector_is_the_full_solve() -> None:
    params = resolve_parameters(10, "fixed_kappa_over_N", 0.75)
    res = steady_state(params, cutoff_start=5)
    assert not res.basis.truncated and res.info["cutoff_k"] == -1
    full = steady_state(params, method="full")
    assert np.abs(res.w - full.w).max() < 1e-14


def test_tight_tolerance_raises_the_cutoff() -> None:
    params = resolve_parameters(150, "fixed_kappa_over_N", 0.55)
    loose = steady_state(params, cutoff_tol=1e-4, cutoff_start=4)
    tight = steady_state(params, cutoff_tol=1e-14, cutoff_start=4)
    assert loose.info["cutoff_change"] <= 1e-4 and tight.info["cutoff_change"] <= 1e-14
    assert tight.info["cutoff_k"] > loose.info["cutoff_k"]


@pytest.mark.parametrize(
    "settings,key",
    [
        ({"exact_method": "gmres"}, "exact_method"),
        ({"exact_cutoff_tol": 0.0}, "exact_cutoff_tol"),
        ({"exact_cutoff_start": 0}, "exact_cutoff_start"),
    ],
)
def test_bad_cutoff_settings_raise(settings: dict[str, object], key: str) -> None:
    with pytest.raises(CumexInputError, match=key):
        solver_module.solve(resolve_parameters(2, "none", 0.5), settings)


def test_solver_reports_the_method() -> None:
    params = resolve_parameters(80, "fixed_g_sqrtN", 0.75)
    a = solver_module.solve(params, {})
    b = solver_module.solve(params, {"exact_method": "full"})
    assert a.settings["exact_method"] == "auto" and "method_dicke" not in a.physical.info  # auto: the ladder at N = 80
    assert a.converged and b.converged
    assert a.physical.info["cutoff_k"] >= 1 and b.physical.info["cutoff_k"] == -1
    for key, value in b.physical.observables.items():
        assert a.physical.observables[key] == pytest.approx(value, abs=TOL), key


@pytest.mark.slow
@pytest.mark.parametrize("scaling,r", [("fixed_kappa_over_N", 0.75), ("fixed_g_sqrtN", 0.55)])
def test_cutoff_agrees_with_full_solve_at_N_400(scaling: str, r: float) -> None:
    params = resolve_parameters(400, scaling, r)
    full, cut = steady_state(params, method="full"), steady_state(params)
    oa, ob = observables(full.w, full.basis), observables(cut.w, cut.basis)
    for key, value in oa.items():
        assert ob[key] == pytest.approx(value, abs=TOL), key


@pytest.mark.parametrize("N,r", [(2000, 0.75), (2000, 0.95), (4000, 0.6), (4000, 0.7)])
def test_auto_routes_by_the_mean_field_coherence(N: int, r: float) -> None:
    """"auto" takes the Dicke route where mean field's N|s|² reaches AUTO_DICKE_COHERENCE (the ladder was
    inaccurate there, cumex.exact.solver docstring). N|s|² from the closed form must equal N ⟨σn^+σm^-⟩ of the
    mean-field engine's own solve (order 1, a product state: ⟨σn^+σm^-⟩ = |s|²) to 1e-9."""
    from cumex.exact.central_dicke_window import mean_field_coherence
    from cumex.study import solve_point

    params = resolve_parameters(N, "fixed_kappa_over_N", r)
    ds = solve_point(model="central_spin", order="1", scaling="fixed_kappa_over_N", N=N, pump_ratio=r)
    pair = ds["corr_satellite_satellite"].squeeze()  # the physical (stable lasing) state
    assert N * float(pair) == pytest.approx(mean_field_coherence(params), rel=1e-9, abs=1e-9)
    expected = "dicke" if mean_field_coherence(params) >= solver_module.AUTO_DICKE_COHERENCE else "coherence_cutoff"
    assert solver_module.resolved_method(params, "auto") == expected
    assert expected == ("dicke" if (N, r) in ((2000, 0.95), (4000, 0.7)) else "coherence_cutoff")
