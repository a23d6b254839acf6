"""Study configurations: schema errors name the key and what is allowed; grids and batches expand right."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from cumex.config import Batch, GridPoint, canonical_value, grid_points, overrides_for, plan_batches, validate_study
from cumex.errors import CumexInputError
from cumex.models.central_spin import MODEL, SCALINGS, allowed_overrides

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "config" / "schema.yaml"


def tiny() -> dict:
    return {
        "study": "t",
        "grids": [{"scalings": ["fixed_g_sqrtN"], "orders": ["exact", 1, "2"], "N": [1, 2], "pump_ratios": [0.5]}],
    }


def with_grid(**changes) -> dict:
    config = tiny()
    config["grids"][0].update(changes)
    return config


# (config, substrings the one-line message must contain: the key, the bad value, what is allowed)
BAD = {
    "unknown top-level key": ({**tiny(), "colour": "red"}, ["colour", "allowed keys", "grids", "study"]),
    "unknown grid key": (with_grid(Ns=[1]), ["grids[0].Ns", "allowed keys", "N_range", "pump_ratios"]),
    "wrong type": (with_grid(N=["ten"]), ["grids[0].N[0]", "'ten'", "integer"]),
    "N below 1": (with_grid(N=[0, 1]), ["grids[0].N[0]", "got 0", ">= 1"]),
    "pump ratio above 1": (with_grid(pump_ratios=[1.5]), ["grids[0].pump_ratios[0]", "1.5", ">= 0 and <= 1"]),
    "pump ratio below 0": (with_grid(pump_ratios=[-0.1]), ["grids[0].pump_ratios[0]", "-0.1", ">= 0 and <= 1"]),
    "unknown order": (with_grid(orders=["exact", "mf"]), ["grids[0].orders[1]", "'mf'", "'exact', 'limit', a cumulant order 1..14"]),
    "order out of range": (with_grid(orders=[15]), ["grids[0].orders[0]", "15", "a cumulant order 1..14"]),
    "unknown scaling": (with_grid(scalings=["sqrtN"]),
                        ["grids[0].scalings[0]", "'sqrtN'", "fixed_g_sqrtN, fixed_kappa_over_N, fixed_gN, none"]),
    "unknown parameter": ({**tiny(), "parameters": {"gg": 1.0}}, ["parameters.gg", "a parameter of central_spin", "g_sqrtN"]),
    "parameter of another scaling": ({**tiny(), "parameters": {"kappa_over_N": 0.1}}, ["parameters.kappa_over_N", "fixed_kappa_over_N"]),
    "missing study": ({"grids": tiny()["grids"]}, ["study", "required"]),
    "empty N": (with_grid(N=[]), ["grids[0].N", "at least one value (in N or N_range)"]),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_config_names_key_and_allowed(name: str) -> None:
    config, expected = BAD[name]
    with pytest.raises(CumexInputError) as info:
        validate_study(copy.deepcopy(config), SCHEMA)
    message = str(info.value)
    assert "\n" not in message
    for text in expected:
        assert text in message, f"{text!r} not in {message!r}"


def shipped_study(name: str) -> dict:
    """A study file of config/, checked, as Snakemake reads it: --configfile extends config/config.yaml."""
    config = yaml.safe_load((ROOT / "config" / name).read_text())
    if name != "config.yaml":
        config = {**yaml.safe_load((ROOT / "config" / "config.yaml").read_text()), **config}
    return validate_study(config, SCHEMA)


def test_shipped_studies_are_valid() -> None:
    for name in ("config.yaml", "fig2.yaml", "fig3a.yaml", "large_n.yaml", "scale_100k.yaml", "fig3b.yaml",
                 "carollo_fig2.yaml", "carollo_steady.yaml", "pattern_retrieval.yaml"):
        assert grid_points(shipped_study(name))


def test_scale_study_is_the_issue_size() -> None:
    """config/scale_100k.yaml: 100,000 points of mean-field and order 2, N x pump ratio x scaling."""
    points = grid_points(shipped_study("scale_100k.yaml"))
    assert len(points) == 100_000
    assert {p.order for p in points} == {"1", "2"} and len({p.scaling for p in points}) == 2


def test_default_study_size_matches_issue() -> None:
    """Both main scalings, orders exact/1/2, about 10 N up to 50, about 8 pump ratios."""
    points = grid_points(shipped_study("config.yaml"))
    assert {p.scaling for p in points} == {"fixed_g_sqrtN", "fixed_kappa_over_N"}
    assert {p.order for p in points} == {"exact", "1", "2"}
    Ns = {p.values[0] for p in points}
    assert 8 <= len(Ns) <= 12 and max(Ns) == 50
    assert 6 <= len({p.values[1] for p in points}) <= 10


def test_defaults_are_filled_in() -> None:
    config = validate_study(tiny(), SCHEMA)
    assert config["model"] == "central_spin"
    assert config["parameters"] == {} and config["settings"] == {}
    assert config["batching"] == {"group_by": "order", "points_per_job": 100}
    assert config["figures"]["formats"] == ["png", "pdf"]


def test_union_of_grids_and_ranges_without_duplicates() -> None:
    config = validate_study(
        {
            "study": "u",
            "grids": [
                {"scalings": ["none"], "orders": ["1"], "N_range": {"start": 2, "stop": 7, "step": 2}, "pump_ratios": [0.3]},
                # 0.1 * 3 = 0.30000000000000004 must be the same grid point as 0.3
                {"scalings": ["none"], "orders": [1], "N": [4, 9], "pump_ratio_range": {"start": 0.0, "stop": 0.3, "num": 4}},
            ],
        },
        SCHEMA,
    )
    points = grid_points(config)
    assert len(points) == len(set(points))
    assert {p.point(MODEL)["N"] for p in points} == {2, 4, 6, 9}
    assert {p.point(MODEL)["pump_ratio"] for p in points} == {0.0, 0.1, 0.2, 0.3}
    assert GridPoint("none", "1", (4, 0.3)) in points
    # grid 1 gives (2, 4, 6) x 0.3; grid 2 gives (4, 9) x 4 ratios; (4, 0.3) is shared
    assert len(points) == 3 + 8 - 1


def test_canonical_value() -> None:
    assert canonical_value(0.1 + 0.2) == 0.3
    assert canonical_value(3 * 0.1) == canonical_value(0.3)


def test_batches_cover_every_point_once() -> None:
    config = validate_study(with_grid(pump_ratios=[0.1, 0.2, 0.3, 0.4, 0.5], N=[3, 7]), SCHEMA)
    config["batching"] = {"group_by": "N", "points_per_job": 0}
    by_N = plan_batches(config)
    assert len(by_N) == 3 * 2 and "fixed_g_sqrtN/order_exact/N_7" in by_N
    assert by_N["fixed_g_sqrtN/order_2/N_3"].values == tuple((3, r) for r in (0.1, 0.2, 0.3, 0.4, 0.5))
    config["batching"]["points_per_job"] = 2
    parts = plan_batches(config)
    assert len(parts) == 3 * 2 * 3  # 5 pump ratios in parts of 2
    assert parts["fixed_g_sqrtN/order_2/N_3_part2"] == Batch("fixed_g_sqrtN", "2", ((3, 0.5),), "N_3", 2)
    config["batching"] = {"group_by": "order", "points_per_job": 0}
    by_order = plan_batches(config)
    assert sorted(by_order) == ["fixed_g_sqrtN/order_1/all", "fixed_g_sqrtN/order_2/all", "fixed_g_sqrtN/order_exact/all"]
    for batches in (by_N, parts, by_order):
        covered = [p for batch in batches.values() for p in batch.points]
        assert sorted(covered) == grid_points(config)


def test_overrides_go_only_to_scalings_that_use_them() -> None:
    parameters = {"g": 0.5, "omega": 1.2, "g_sqrtN": 2.0}
    for scaling in SCALINGS:
        mine = overrides_for(scaling, parameters)
        assert set(mine) == set(parameters) & set(allowed_overrides(scaling))
    assert overrides_for("fixed_g_sqrtN", parameters) == {"g_sqrtN": 2.0, "omega": 1.2}
