"""Carollo's driven central spin through the one door: exact without U(1) from the model's operator data,
symmetry-broken cumulants, and the N -> infinity limit."""

from __future__ import annotations

import math

import pytest

from cumex import get_model, solve_point
from cumex.engines import symmetric_model_of
from cumex.errors import CumexInputError
from cumex.exact.symmetric import carollo_model, steady_state


def test_operator_data_give_the_engine_s_own_carollo_model() -> None:
    """The model file's terms and jumps, turned into matrices, equal the engine's hand-built Fig. 2 model."""
    model = get_model("driven_central_spin")
    N = 6
    params = model.resolve("fixed_g_sqrtN", {"N": N})
    ours = steady_state(symmetric_model_of(model, params), N)
    theirs = steady_state(carollo_model(), N)
    for name in ("sz_central", "sx_central", "sy_central", "sz_satellite", "quadrature_variance"):
        assert ours.physical.observables[name] == pytest.approx(theirs.physical.observables[name], abs=1e-12), name


def test_u1_orders_are_refused_and_broken_orders_run() -> None:
    with pytest.raises(CumexInputError, match="2_broken"):
        solve_point(model="driven_central_spin", order="2", N=4)
    ds = solve_point(model="driven_central_spin", order="2_broken", N=4)
    assert ds["status"].item() == "ok" and -1 <= ds["sz_central"].item() <= 1


def test_exact_approaches_the_limit() -> None:
    limit = solve_point(model="driven_central_spin", order="limit")
    assert math.isinf(limit["N"].item())
    errors = [abs(solve_point(model="driven_central_spin", order="exact", N=N)["sz_central"].item() - limit["sz_central"].item())
              for N in (5, 10, 20)]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.25 * errors[0]  # at least 1/N (measured: faster)
