"""`cumex solve` and `cumex derive` offer the same cumulant orders (issue 16: studies can ask whether
even orders keep converging up to the highest order that can be derived)."""

from __future__ import annotations

import pytest

from cumex.cumulants import derive
from cumex.cumulants.cache import _check
from cumex.errors import CumexInputError
from cumex.methods import MAX_ORDER, parse_method
from cumex.models import get_model


def _derivable(M: int) -> bool:
    try:
        _check(M, "u1")  # the check `derive` and `write_compiled` make before any work
    except CumexInputError:
        return False
    return True


def _solvable(M: int) -> bool:
    try:
        parse_method(str(M), get_model("central_spin"))
    except CumexInputError:
        return False
    return True


@pytest.mark.parametrize("M", range(1, MAX_ORDER + 4))
def test_solve_and_derive_accept_the_same_orders(M):
    assert _derivable(M) == _solvable(M)
    assert _solvable(M) == (M <= MAX_ORDER)


def test_an_order_beyond_the_last_is_refused_by_derive_before_any_work():
    with pytest.raises(CumexInputError):
        derive("central_spin", MAX_ORDER + 1)
