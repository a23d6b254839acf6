"""Bad studies of every category stop before any job with one line naming the key, the value and what is
allowed: generated variations of a valid study (paths, non-finite values, types, unknown keys, settings,
sizes), each checked through cumex.config exactly as the workflow checks it."""

from __future__ import annotations

import copy
import itertools
import math

import pytest

from cumex.config import grid_points, validate_study
from cumex.errors import CumexInputError

VALID = {
    "study": "fuzz",
    "grids": [{"scalings": ["fixed_kappa_over_N"], "orders": ["exact", "1", "2"], "N": [1, 2], "pump_ratios": [0.5]}],
    "settings": {"timeout_seconds": 60},
    "batching": {"group_by": "N", "points_per_job": 0},
}


def mutate(path: tuple, value):
    """VALID with the entry at ``path`` (keys and list indices) set to ``value``."""
    config = copy.deepcopy(VALID)
    target = config
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return config


# category -> (mutations: (path, bad value), substring the message must name)
CATEGORIES = {
    "paths": [(("study",), v) for v in ("../../../tmp/x", "a/b", "x\n", "x\nrm -rf", "", ".hidden", "a" * 200)],
    "non-finite numbers": [
        (("grids", 0, "pump_ratios"), [math.nan]), (("grids", 0, "pump_ratios"), [math.inf]),
        (("grids", 0, "pump_ratio_range"), {"start": math.nan, "stop": 1.0, "num": 3}),
        (("parameters",), {"g": math.nan}), (("parameters",), {"kappa_over_N": math.inf}),
        (("settings", "timeout_seconds"), math.nan), (("settings", "residual_tol"), math.inf),
    ],
    "types": [
        (("grids", 0, "N"), [5.0]), (("grids", 0, "N"), ["5"]), (("grids", 0, "N"), [True]),
        (("grids", 0, "pump_ratios"), ["half"]), (("grids", 0, "orders"), [["exact"]]),
        (("settings", "n_random"), "x"), (("settings", "n_random"), 2.5), (("settings", "exact_refine"), -1),
        (("settings", "attractors"), "yes"), (("batching", "points_per_job"), "ten"),
    ],
    "unknown keys": [
        (("settings", "n_randm"), 3), (("settings", "exact_methd"), "full"), (("grids", 0, "Ns"), [1]),
        (("parameters",), {"gg": 1.0}), (("figures",), {"pumpratio": 0.5}), (("colour",), "red"),
        (("batching", "group_by"), "pump"),
    ],
    "out of range": [
        (("grids", 0, "N"), [0]), (("grids", 0, "pump_ratios"), [1.5]), (("parameters",), {"kappa_over_N": -1.0}),
        (("settings", "timeout_seconds"), 0), (("grids", 0, "orders"), ["15"]), (("grids", 0, "orders"), ["99_broken"]),
        (("grids", 0, "N_range"), {"start": 5, "stop": 2}), (("figures",), {"pump_ratio": 2.0}),
    ],
    "runaway sizes": [
        (("grids", 0, "N_range"), {"start": 1, "stop": 5 * 10**9}),
        (("grids", 0, "pump_ratio_range"), {"start": 0, "stop": 1, "num": 10**8}),
        (("grids", 0, "N"), [10**9]),  # exact at N = 1e9: far more memory than any node
    ],
}
CASES = [(cat, i, path, value) for cat, mutations in CATEGORIES.items() for i, (path, value) in enumerate(mutations)]


def test_the_base_study_is_valid() -> None:
    assert len(grid_points(validate_study(copy.deepcopy(VALID)))) == 6


@pytest.mark.parametrize("category, i, path, value", CASES, ids=[f"{c}-{i}" for c, i, _, _ in CASES])
def test_bad_study_is_refused_with_one_line(category: str, i: int, path: tuple, value) -> None:
    with pytest.raises(CumexInputError) as info:
        validate_study(mutate(path, value))
    message = str(info.value)
    assert "\n" not in message  # values are quoted with repr: a newline in a value shows as \\n
    assert "allowed:" in message
    key = info.value.key
    named = [str(p) for p in path if isinstance(p, str)]
    assert any(part in key for part in named), (key, path)


@pytest.mark.parametrize("scaling, order", itertools.product(["fixed_g_sqrtN", "none"], ["exact", "2"]))
def test_every_message_is_one_line_even_for_newlines_in_values(scaling: str, order: str) -> None:
    config = mutate(("grids", 0, "scalings"), [scaling + "\n"])
    with pytest.raises(CumexInputError) as info:
        validate_study(config)
    assert "\n" not in str(info.value).replace("\\n", "")
