"""Reduced solver against the permutation-symmetric Liouvillian without the U(1) restriction."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cumex.exact.basis import SectorBasis, dimension
from cumex.exact.observables import observables
from cumex.exact.steady import steady_state
from cumex.exact.unreduced import UnreducedBasis, to_reduced, unreduced_observables, unreduced_steady_state
from cumex.models.central_spin import resolve_parameters

TOL = 1e-9


def _compare(N: int, scaling: str, r: float, overrides: dict[str, float]) -> None:
    params = resolve_parameters(N, scaling, r, overrides)
    z, ub = unreduced_steady_state(params)
    res = steady_state(params)
    labels = res.basis.labels()
    # the unrestricted steady state lives in the U(1) sector and equals the reduced one element by element
    n = np.stack([labels[k] for k in ("n00", "n01", "n10", "n11")], axis=1)
    in_sector = np.zeros(ub.dim, dtype=bool)
    in_sector[ub.index(labels["c"], labels["d"], n)] = True
    assert np.abs(z[~in_sector]).max(initial=0.0) < TOL
    assert np.abs(to_reduced(z, ub, labels) - res.w).max() < TOL
    ours, theirs = observables(res.w, res.basis), unreduced_observables(z, ub)
    for key in ours:
        if math.isnan(theirs[key]):
            assert math.isnan(ours[key])
        else:
            assert ours[key] == pytest.approx(theirs[key], abs=TOL), key


@pytest.mark.parametrize(
    "N,scaling,r,overrides",
    [
        (2, "fixed_g_sqrtN", 0.8, {}),
        (7, "fixed_kappa_over_N", 0.3, {}),
        (12, "fixed_kappa_over_N", 0.75, {}),
        (16, "fixed_g_sqrtN", 0.9, {"omega": 1.3}),
        (30, "fixed_kappa_over_N", 0.75, {}),
    ],
)
def test_matches_unreduced(N: int, scaling: str, r: float, overrides: dict[str, float]) -> None:
    _compare(N, scaling, r, overrides)


@pytest.mark.slow
@pytest.mark.parametrize("N", [20, 25, 30])
@pytest.mark.parametrize("scaling", ["fixed_g_sqrtN", "fixed_kappa_over_N", "fixed_gN"])
@pytest.mark.parametrize("r,overrides", [(0.3, {}), (0.55, {}), (0.95, {}), (0.75, {"epsilon": 0.6})])
def test_matches_unreduced_slow(N: int, scaling: str, r: float, overrides: dict[str, float]) -> None:
    _compare(N, scaling, r, overrides)


@pytest.mark.parametrize("N", [1, 2, 3, 10, 100])
def test_dimensions(N: int) -> None:
    # the reduced sector has (N+1)(N+2) elements, the unrestricted space 4·C(N+3, 3)
    basis = SectorBasis(N)
    assert basis.dim == dimension(N) == (N + 1) * (N + 2)
    if N <= 10:
        assert UnreducedBasis(N).dim == 4 * math.comb(N + 3, 3)
    lab = basis.labels()
    assert np.array_equal(basis.index(lab["c"], lab["d"], lab["n01"], lab["n10"], lab["n11"]), np.arange(basis.dim))
    assert np.all(lab["n01"] - lab["n10"] == lab["c"] - lab["d"])  # the U(1) sector
    assert np.all(lab["n00"] >= 0)
    # every (c, d, n) of the sector appears exactly once
    keys = set(zip(*(lab[k].tolist() for k in ("c", "d", "n00", "n01", "n10", "n11"))))
    assert len(keys) == basis.dim
