"""Time limits hold inside long compiled calls (a child process is killed), and a dead child is reported."""

from __future__ import annotations

import os
import re

import pytest

from cumex.study import solve_point
from cumex.timeouts import SolveDied, SolveTimeout, run_with_time_limit


def _stuck_in_c() -> bool:
    # catastrophic backtracking: ~2^40 steps inside one call of the C regex engine, where a Python
    # signal handler cannot run until the call returns
    return re.match(r"(a+)+$", "a" * 40 + "b") is not None


def test_child_is_killed_inside_a_compiled_call() -> None:
    with pytest.raises(SolveTimeout):
        run_with_time_limit(_stuck_in_c, 0.5)


def test_results_and_exceptions_come_back_from_the_child() -> None:
    assert run_with_time_limit(lambda: sum(range(10)), 30) == 45
    with pytest.raises(ZeroDivisionError):
        run_with_time_limit(lambda: 1 / 0, 30)


def test_a_child_that_dies_is_reported() -> None:
    with pytest.raises(SolveDied, match="exit code 3"):
        run_with_time_limit(lambda: os._exit(3), 30)


def test_exact_solve_under_a_time_limit_gives_the_same_result() -> None:
    """The exact engine runs in a child process under a limit: the result is that of a direct solve."""
    limited = solve_point(order="exact", N=6, pump_ratio=0.6, settings={"timeout_seconds": 60})
    direct = solve_point(order="exact", N=6, pump_ratio=0.6)
    assert limited["status"].item() == "ok"
    assert limited["central_population"].item() == pytest.approx(direct["central_population"].item(), abs=1e-14)
    timed_out = solve_point(order="exact", N=2500, pump_ratio=0.75, settings={"timeout_seconds": 0.05})
    assert timed_out["status"].item() == "timeout" and timed_out["converged"].item() == 0


def test_a_solve_that_cannot_fit_in_memory_is_refused_before_it_starts() -> None:
    from cumex.models import get_model
    from cumex.study import available_memory_mb

    cost = get_model("central_spin").cost
    N = 1000
    while cost("exact", {"N": N})[1] <= available_memory_mb():  # the model's estimate (models/central_spin.py)
        N *= 2
    ds = solve_point(order="exact", N=N, pump_ratio=0.75)
    assert ds["status"].item() == "failed" and "refused before solving" in ds["status_detail"].item()
    assert ds["solve_seconds"].item() == 0.0


def test_input_and_integrity_errors_cross_the_process_boundary() -> None:
    from cumex.errors import CumexInputError
    from cumex.integrity import DamagedFileError

    def bad_input():
        raise CumexInputError("exact_method", "fast", "one of coherence_cutoff, full")

    def damaged():
        raise DamagedFileError("x.npz", "truncated")

    with pytest.raises(CumexInputError, match="exact_method: got 'fast'"):
        run_with_time_limit(bad_input, 30)
    with pytest.raises(DamagedFileError, match="x.npz: truncated"):
        run_with_time_limit(damaged, 30)
