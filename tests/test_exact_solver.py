"""The `solve(params, settings) -> MethodResult` contract of the exact method."""

from __future__ import annotations

import pytest
from synthetic import OBSERVABLES

import cumex.exact.solver as solver_module
from cumex.errors import CumexInputError
from cumex.exact.brute_force import full_observables, full_steady_state
from cumex.methods import engine_for, parse_method
from cumex.models.central_spin import MODEL, resolve_parameters


def test_registry_loads_it_and_result_is_complete() -> None:
    engine = engine_for(MODEL, parse_method("exact", MODEL))
    params = resolve_parameters(4, "fixed_kappa_over_N", 0.75)
    result = engine.solve(MODEL, parse_method("exact"), params.as_dict(), {"timeout_seconds": 10, "engine": "auto"})
    assert result.converged and result.status == "ok"
    assert result.n_steady_states == 1 and result.n_stable == 1
    assert result.physical is result.states[0] and result.physical.stable
    assert set(result.physical.observables) == set(OBSERVABLES)
    assert result.residual < 1e-12
    assert result.settings["exact_ordering"] == "nested_dissection"
    assert result.physical.info["dimension"] == 30 and result.physical.info["trace_error"] < 1e-12
    brute = full_observables(full_steady_state(params), 4)
    for key, value in result.physical.observables.items():
        assert value == pytest.approx(brute[key], abs=1e-10), key


@pytest.mark.parametrize("ordering", ["COLAMD", "MMD_AT_PLUS_A"])
def test_other_orderings_agree(ordering: str) -> None:
    params = resolve_parameters(40, "fixed_g_sqrtN", 0.8, {"omega": 1.1})
    a = solver_module.solve(params, {})
    b = solver_module.solve(params, {"exact_ordering": ordering, "exact_refine": 2})
    assert b.settings["exact_ordering"] == ordering
    for key, value in a.physical.observables.items():
        assert value == pytest.approx(b.physical.observables[key], abs=1e-11), key


@pytest.mark.parametrize(
    "settings,key",
    [
        ({"exact_ordering": "METIS"}, "exact_ordering"),
        ({"exact_refine": -1}, "exact_refine"),
        ({"exact_max_passes": 0}, "exact_max_passes"),
        ({"exact_q_tol": 0}, "exact_q_tol"),
        ({"exact_residual_tol": "small"}, "exact_residual_tol"),
        ({"exact_blas_threads": 0}, "exact_blas_threads"),
        ({"exact_typo": 1}, "exact_typo"),
    ],
)
def test_bad_settings_raise(settings: dict[str, object], key: str) -> None:
    with pytest.raises(CumexInputError, match=key):
        solver_module.solve(resolve_parameters(2, "none", 0.5), settings)


def test_numerical_failure_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Factor is exactly singular")

    monkeypatch.setattr(solver_module, "steady_state", broken)
    result = solver_module.solve(resolve_parameters(2, "none", 0.5), {})
    assert not result.converged and result.physical is None and result.states == []
    assert "singular" in result.status


def test_inaccurate_state_is_flagged() -> None:
    # a residual tolerance no solve can meet gives converged = False with the reason, but keeps the state
    result = solver_module.solve(resolve_parameters(3, "none", 0.5), {"exact_residual_tol": 1e-300})
    assert not result.converged and result.status.startswith("inaccurate") and result.physical is not None
