"""Study configurations: validation with readable messages, grid expansion and batching into jobs.

A study (``config/config.yaml`` and friends; the keys are described in ``config/schema.yaml``) names
a union of Cartesian grids of (scaling, order, N, pump ratio), parameter overrides and solver
settings. This module turns it into grid points and into *batches*: one batch is the set of grid
points one job solves and writes to one NetCDF file (the pump ratios of one (scaling, order, N), or
every point of one (scaling, order); optionally split into parts of ``batching.points_per_job``). Nothing here knows about Snakemake, so the CLI,
benchmarks and tests can expand a study the same way the workflow does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from cumex.errors import CumexInputError
from cumex.io import format_float
from cumex.models.central_spin import BASE_DEFAULTS, SCALING_DEFAULTS

__all__ = [
    "GridPoint",
    "Batch",
    "load_study",
    "validate_study",
    "format_validation_error",
    "explain_validation_error",
    "grid_points",
    "plan_batches",
    "overrides_for",
    "canonical_pump_ratio",
]

@dataclass(frozen=True, order=True)
class GridPoint:
    """One grid point of a study."""

    scaling: str
    order: str
    N: int
    pump_ratio: float


@dataclass(frozen=True)
class Batch:
    """The grid points one solve job carries: (N, pump ratio) pairs of one (scaling, order)."""

    scaling: str
    order: str
    pairs: tuple[tuple[int, float], ...]
    #: "N_<N>" when the batch holds one N, "all" when it holds every N of its (scaling, order)
    group: str
    part: int | None = None

    @property
    def id(self) -> str:
        """Relative path stem of the batch's file, e.g. ``fixed_g_sqrtN/order_exact/N_10``."""
        suffix = "" if self.part is None else f"_part{self.part}"
        return f"{self.scaling}/order_{self.order}/{self.group}{suffix}"

    @property
    def points(self) -> list[GridPoint]:
        return [GridPoint(self.scaling, self.order, N, r) for N, r in self.pairs]

    @property
    def max_N(self) -> int:
        return max(N for N, _ in self.pairs)


def canonical_pump_ratio(value: float) -> float:
    """The pump ratio rounded to 12 significant digits, so that 0.1 + 0.2 and 0.3 are one grid point."""
    return float(format_float(value))


def _path_text(path: Iterable[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "<top level>"


def explain_validation_error(error) -> tuple[str, Any, str]:
    """(key, value, what is allowed) for a ``jsonschema.ValidationError``, in words."""
    key = _path_text(error.absolute_path)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    kind = error.validator
    if kind == "additionalProperties":
        allowed_keys = sorted(schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed_keys))
        where = "" if key == "<top level>" else f"{key}."
        return f"{where}{extra[0]}", error.instance[extra[0]], f"no such key here; allowed keys: {', '.join(allowed_keys)}"
    if kind == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        where = "" if key == "<top level>" else f"{key}."
        return f"{where}{missing[0]}", "nothing", "a required key: " + _describe(schema.get("properties", {}).get(missing[0], {}))
    if kind == "enum":
        allowed = "one of " + ", ".join(map(str, error.validator_value))
    elif kind == "type":
        expected = error.validator_value
        allowed = "of type " + (" or ".join(expected) if isinstance(expected, list) else str(expected))
    elif kind in _BOUNDS:
        noun = "an integer" if schema.get("type") == "integer" else "a number"
        allowed = f"{noun} " + " and ".join(f"{_BOUNDS[k]} {schema[k]}" for k in _BOUNDS if k in schema)
    elif kind == "pattern":
        if _describe(schema):  # the description says it in words; the regular expression would not
            return key, error.instance, _describe(schema)
        allowed = f"a string matching {error.validator_value}"
    else:
        allowed = error.message
    description = _describe(schema)
    return key, error.instance, allowed + (f" ({description})" if description else "")


def _describe(schema: Mapping) -> str:
    return " ".join(str(schema.get("description", "")).split())


_BOUNDS = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}


def format_validation_error(error) -> str:
    """One readable line for a ``jsonschema.ValidationError``: the key, the value and what is allowed."""
    return str(CumexInputError(*explain_validation_error(error)))


def validate_study(config: dict, schema_path: str | Path) -> dict:
    """Validate ``config`` against the JSON schema at ``schema_path``, fill in defaults, check semantics.

    Raises :class:`CumexInputError` naming the first offending key and what is allowed. Returns the
    same (now completed) dictionary.
    """
    import jsonschema
    import yaml

    schema = yaml.safe_load(Path(schema_path).read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    errors = sorted(validator_class(schema).iter_errors(config), key=lambda e: list(e.absolute_path))
    if errors:
        raise CumexInputError(*explain_validation_error(jsonschema.exceptions.best_match(errors)))
    _fill_defaults(config, schema)
    _check_semantics(config)
    return config


def _fill_defaults(instance: Any, schema: Mapping) -> None:
    """Insert the schema's ``default`` values (recursively, into objects that exist or get defaults)."""
    if isinstance(instance, dict):
        for key, sub in schema.get("properties", {}).items():
            if key not in instance and "default" in sub:
                instance[key] = _copy(sub["default"])
            if key in instance:
                _fill_defaults(instance[key], sub)
    elif isinstance(instance, list) and isinstance(schema.get("items"), Mapping):
        for item in instance:
            _fill_defaults(item, schema["items"])


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _check_semantics(config: Mapping) -> None:
    """What a JSON schema cannot say: every grid has points; every override is used by some scaling."""
    scalings: set[str] = set()
    for i, grid in enumerate(config["grids"]):
        scalings.update(grid["scalings"])
        if not _grid_N(grid):
            raise CumexInputError(f"grids[{i}].N", grid.get("N"), "at least one N >= 1 (in N or N_range)")
        if not _grid_pump_ratios(grid):
            raise CumexInputError(
                f"grids[{i}].pump_ratios", grid.get("pump_ratios"), "at least one pump ratio in [0, 1] (in pump_ratios or pump_ratio_range)"
            )
        rng = grid.get("N_range")
        if rng and rng["stop"] < rng["start"]:
            raise CumexInputError(f"grids[{i}].N_range.stop", rng["stop"], f"an integer >= start = {rng['start']}")
    for key, value in config.get("parameters", {}).items():
        if not any(key in _parameters_of(s) for s in scalings):
            users = [s for s in SCALING_DEFAULTS if key in _parameters_of(s)]
            raise CumexInputError(
                f"parameters.{key}", value, f"a parameter of a scaling in this study ({key} is used by {', '.join(users)})"
            )


def _parameters_of(scaling: str) -> set[str]:
    return {*BASE_DEFAULTS, *SCALING_DEFAULTS[scaling]}


def overrides_for(scaling: str, parameters: Mapping[str, float]) -> dict[str, float]:
    """The study's parameter overrides that ``scaling`` uses (others belong to other scalings)."""
    used = _parameters_of(scaling)
    return {k: float(v) for k, v in sorted(parameters.items()) if k in used}


def load_study(path: str | Path, schema_path: str | Path) -> dict:
    """Read a study YAML file and validate it (see :func:`validate_study`)."""
    import yaml

    config = yaml.safe_load(Path(path).read_text()) or {}
    return validate_study(config, schema_path)


def _grid_N(grid: Mapping) -> list[int]:
    values = set(grid.get("N", []))
    rng = grid.get("N_range")
    if rng:
        values.update(range(rng["start"], rng["stop"] + 1, rng.get("step", 1)))
    return sorted(values)


def _grid_pump_ratios(grid: Mapping) -> list[float]:
    values = {canonical_pump_ratio(r) for r in grid.get("pump_ratios", [])}
    rng = grid.get("pump_ratio_range")
    if rng:
        num, start, stop = rng["num"], rng["start"], rng["stop"]
        step = 0.0 if num == 1 else (stop - start) / (num - 1)
        values.update(canonical_pump_ratio(start + i * step) for i in range(num))
    return sorted(values)


def grid_points(config: Mapping) -> list[GridPoint]:
    """Every grid point of a validated study, sorted, each once."""
    points = set()
    for grid in config["grids"]:
        Ns, ratios = _grid_N(grid), _grid_pump_ratios(grid)
        for scaling in grid["scalings"]:
            for order in grid["orders"]:
                for N in Ns:
                    points.update(GridPoint(scaling, str(order), N, r) for r in ratios)
    return sorted(points)


def plan_batches(config: Mapping) -> dict[str, Batch]:
    """Batch id -> batch: the study's points grouped into solve jobs.

    ``batching.group_by``: ``"N"`` gives one job per (scaling, order, N) with all its pump ratios;
    ``"order"`` one job per (scaling, order) with all its N and pump ratios. ``batching.points_per_job``
    (> 0) then splits a group into parts of at most that many points.
    """
    batching = config.get("batching", {})
    by_N = batching.get("group_by", "N") == "N"
    groups: dict[tuple[str, str, str], list[tuple[int, float]]] = {}
    for p in grid_points(config):
        group = f"N_{p.N}" if by_N else "all"
        groups.setdefault((p.scaling, p.order, group), []).append((p.N, p.pump_ratio))
    size = int(batching.get("points_per_job", 0) or 0)
    batches: dict[str, Batch] = {}
    for (scaling, order, group), pairs in groups.items():
        if size <= 0 or len(pairs) <= size:
            parts = [(None, pairs)]
        else:
            parts = [(k, pairs[k * size:(k + 1) * size]) for k in range(math.ceil(len(pairs) / size))]
        for part, chunk in parts:
            batch = Batch(scaling, order, tuple(chunk), group, part)
            batches[batch.id] = batch
    return batches


