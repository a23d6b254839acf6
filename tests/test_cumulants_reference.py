"""The fast derivation (memoised cumulant recursion, sparse string products) against plain reference
implementations: the explicit sum over set partitions and a site-by-site string product written here.
The derived systems must be identical, coefficient by coefficient (exact rationals)."""

from __future__ import annotations

from fractions import Fraction

import pytest

import cumex.cumulants.heisenberg as heisenberg_module
import cumex.cumulants.system as system_module
from cumex.cumulants.closure import closure, closure_by_partitions, nonzero_filter
from cumex.cumulants.moments import Moment
from cumex.cumulants.system import derive_system
from cumex.models.central_spin_operators import CENTRAL_SPIN
from cumex.models.tavis_cummings_operators import TAVIS_CUMMINGS
from cumex.operators.labels import site_product


def naive_string_product(a, b):
    """Every site multiplied in turn, the sum expanded as it goes."""
    partial = {(): Fraction(1)}
    for x, y in zip(a, b, strict=True):
        nxt = {}
        for prefix, c in partial.items():
            for label, d in site_product(x, y):
                nxt[prefix + (label,)] = nxt.get(prefix + (label,), Fraction(0)) + c * d
        partial = nxt
    return {k: v for k, v in partial.items() if v != 0}


def naive_commutator(a, b):
    out = dict(naive_string_product(a, b))
    for k, v in naive_string_product(b, a).items():
        out[k] = out.get(k, Fraction(0)) - v
    return {k: v for k, v in out.items() if v != 0}


def reference_system(monkeypatch, model, order, symmetry):
    with monkeypatch.context() as m:
        m.setattr(system_module, "closure", closure_by_partitions)
        m.setattr(heisenberg_module, "string_product", naive_string_product)
        m.setattr(heisenberg_module, "string_commutator", naive_commutator)
        return derive_system(model, order, symmetry)


CASES = [(CENTRAL_SPIN, M, "u1") for M in range(1, 7)] + [(CENTRAL_SPIN, M, "broken") for M in range(1, 5)]
CASES += [(TAVIS_CUMMINGS, M, "u1") for M in range(1, 6)] + [(TAVIS_CUMMINGS, M, "broken") for M in range(1, 4)]
SLOW = [(CENTRAL_SPIN, M, "u1") for M in (7, 8)] + [(CENTRAL_SPIN, M, "broken") for M in (5, 6, 7, 8)]
SLOW += [(TAVIS_CUMMINGS, 6, "u1")] + [(TAVIS_CUMMINGS, M, "broken") for M in (4, 5)]


@pytest.mark.parametrize(
    "model, order, symmetry",
    CASES + [pytest.param(*c, marks=pytest.mark.slow) for c in SLOW],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_fast_derivation_equals_reference(monkeypatch, model, order, symmetry):
    fast = derive_system(model, order, symmetry)
    ref = reference_system(monkeypatch, model, order, symmetry)
    assert fast.moments == ref.moments
    assert fast.equations == ref.equations  # Poly == compares exact Fraction coefficients
    assert list(fast.closures) == list(ref.closures)
    for m in fast.closures:
        assert fast.closures[m] == ref.closures[m], m
        assert list(fast.closures[m]) == list(ref.closures[m])  # same term order: same compiled arrays


def test_recursion_equals_partition_sum_on_long_moments():
    """Moments beyond the default orders above (9 and 10 operators), both variants."""
    for m in (Moment("P", ("Z", "P", "M", "M", "P", "Z", "M")), Moment("AAa", ("Z", "P", "M", "M", "P", "M"))):
        for symmetry in ("u1", "broken"):
            nz = nonzero_filter(symmetry)
            assert closure(m, nz) == closure_by_partitions(m, nz)
