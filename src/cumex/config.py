"""Study configurations: validation with readable messages, grid expansion and batching into jobs.

A study (``config/config.yaml`` and friends; the keys are described in the schema shipped with the
package, :data:`SCHEMA_PATH`, linked as ``config/schema.yaml``) names one model, a union of Cartesian
grids of (scaling, order, model axes), parameter overrides and solver settings. This module checks it
against the schema and the model (grid keys are the model's axes, overrides its parameters, settings
those of the engines the orders use), and turns it into grid points and into *batches*: one batch is
the set of grid points one job solves and writes to one NetCDF file (every point of one (scaling, order),
or of one value of an axis; optionally split into parts of ``batching.points_per_job``). Nothing here
knows about Snakemake, so the CLI, benchmarks and tests expand a study the same way the workflow does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cumex.errors import CumexInputError
from cumex.figure_choices import check_figures
from cumex.io import format_float
from cumex.methods import Method, check_settings, parse_method
from cumex.models import Model, get_model
from cumex.schema_errors import explain_validation_error, format_validation_error

__all__ = [
    "SCHEMA_PATH",
    "MAX_POINTS",
    "GridPoint",
    "Batch",
    "load_study",
    "validate_study",
    "format_validation_error",
    "explain_validation_error",
    "grid_points",
    "plan_batches",
    "overrides_for",
    "settings_for",
    "canonical_value",
    "study_model",
    "study_times",
]

#: the study schema, shipped inside the package (so that the workflow also runs as a Snakemake module)
SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "study.schema.yaml"
#: the most grid points a study may have (counted before any grid is built)
MAX_POINTS = 10_000_000
#: the most memory one point may be estimated to need (Model.cost), in MB: a large cluster node
MAX_POINT_MEMORY_MB = 512_000


@dataclass(frozen=True, order=True)
class GridPoint:
    """One grid point of a study: scaling, order and the model's axis values (in the model's order)."""

    scaling: str
    order: str
    values: tuple[float, ...]

    def point(self, model: Model) -> dict[str, float]:
        return dict(zip(model.axis_names, self.values))


@dataclass(frozen=True)
class Batch:
    """The grid points one solve job carries: axis-value tuples of one (scaling, order)."""

    scaling: str
    order: str
    values: tuple[tuple[float, ...], ...]
    #: "<axis>_<value>" when the batch holds one value of an axis, "all" when it holds every point
    group: str
    part: int | None = None

    @property
    def id(self) -> str:
        """Relative path stem of the batch's file, e.g. ``fixed_g_sqrtN/order_exact/N_10``."""
        suffix = "" if self.part is None else f"_part{self.part}"
        return f"{self.scaling}/order_{self.order}/{self.group}{suffix}"

    @property
    def points(self) -> list[GridPoint]:
        return [GridPoint(self.scaling, self.order, v) for v in self.values]

    def largest(self, index: int = 0) -> float:
        """The largest value of axis ``index`` in the batch (e.g. the largest N)."""
        return max(v[index] for v in self.values)


def canonical_value(value: float) -> float:
    """A real axis value rounded to 12 significant digits, so that 0.1 + 0.2 and 0.3 are one grid point."""
    return float(format_float(value))




def study_model(config: Mapping[str, Any]) -> Model:
    return get_model(config.get("model", "central_spin"))


def validate_study(config: dict, schema_path: str | Path | None = None) -> dict:
    """Validate ``config`` against the JSON schema (default: :data:`SCHEMA_PATH`) and the model.

    Fills in defaults. Raises :class:`CumexInputError` naming the first offending key, the value and
    what is allowed. Returns the same (now completed) dictionary.
    """
    import jsonschema
    import yaml

    schema = yaml.safe_load(Path(schema_path or SCHEMA_PATH).read_text())
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


def _check_semantics(config: dict) -> None:
    """What a JSON schema cannot say: the keys that depend on the model, and the size of the study."""
    try:
        model = study_model(config)
    except CumexInputError as exc:
        raise CumexInputError("model", exc.value, exc.allowed) from None
    scalings: set[str] = set()
    methods: dict[str, Method] = {}
    total = 0
    for i, grid in enumerate(config["grids"]):
        grid.setdefault("scalings", [model.scaling_default])
        for j, name in enumerate(grid["scalings"]):
            if name not in model.scaling_names:
                raise CumexInputError(f"grids[{i}].scalings[{j}]", name, f"a scaling of {model.name}: {', '.join(model.scaling_names)}")
        scalings.update(grid["scalings"])
        for j, order in enumerate(grid["orders"]):
            try:
                method = parse_method(order, model)
            except CumexInputError as exc:
                raise CumexInputError(f"grids[{i}].orders[{j}]", order, exc.allowed) from None
            methods[method.label] = method
            if method.kind == "limit":
                for name in grid["scalings"]:
                    if not model.scaling(name).limit:
                        raise CumexInputError(f"grids[{i}].orders[{j}]", order,
                                              f"an order other than 'limit' under scaling {name!r}, which has no known N -> infinity limit")
        values = _grid_axes(model, grid, f"grids[{i}]", _fixed_by_all(model, grid["orders"]))
        _check_cost(model, grid, values, f"grids[{i}]", config.get("study_type", "steady") == "dynamics")
        size = len(grid["scalings"]) * len(grid["orders"]) * math.prod(len(v) for v in values.values())
        total += size
        if total > MAX_POINTS:
            raise CumexInputError(f"grids[{i}]", f"{total:,} grid points so far",
                                  f"at most {MAX_POINTS:,} grid points in a study (cumex.config.MAX_POINTS); split the study")
    used = set().union(*(model.parameters_of(s) for s in scalings))
    for key, value in config.get("parameters", {}).items():
        if key not in used:
            users = [s for s in model.scaling_names if key in model.parameters_of(s)]
            allowed = (f"a parameter of a scaling in this study ({key} is used by {', '.join(users)})" if users
                       else f"a parameter of {model.name}: {', '.join(sorted(model.all_parameter_names()))}")
            raise CumexInputError(f"parameters.{key}", value, allowed)
        next(q for s in scalings for name, q in model.parameters_of(s).items() if name == key).check(value, f"parameters.{key}")
    if _check_study_type(config, model, methods):
        from cumex.dynamics import check_dynamics_settings

        check_dynamics_settings(model, methods.values(), config.get("settings", {}))
    else:
        check_settings(model, methods.values(), config.get("settings", {}))
    group_by = config.get("batching", {}).get("group_by", "order")
    if group_by != "order" and group_by not in model.axis_names:
        raise CumexInputError("batching.group_by", group_by, f"'order' or an axis of {model.name}: {', '.join(model.axis_names)}")
    check_figures(model, config.get("figures", {}))


def _check_study_type(config: Mapping[str, Any], model: Model, methods: Mapping[str, Method]) -> bool:
    """True for a dynamics study, after checking its ``times`` and that every order has dynamics."""
    if config.get("study_type", "steady") != "dynamics":
        if "times" in config:
            raise CumexInputError("times", config["times"], "no times in a steady study (set study_type: dynamics)")
        return False
    from cumex.dynamics import dynamics_engine, time_grid

    if "times" not in config:
        raise CumexInputError("times", None, "a mapping {stop, num} of output times (required for study_type: dynamics)")
    time_grid(config["times"]["stop"], config["times"]["num"])
    engine = str(config.get("settings", {}).get("engine", "auto"))
    for i, grid in enumerate(config["grids"]):
        for j, order in enumerate(grid["orders"]):
            try:
                dynamics_engine(model, methods[parse_method(order, model).label], engine)
            except CumexInputError as exc:
                raise CumexInputError(f"grids[{i}].orders[{j}]", order, exc.allowed) from None
    return True


def study_times(config: Mapping[str, Any]):
    """The output times of a validated dynamics study (None for a steady study)."""
    if config.get("study_type", "steady") != "dynamics":
        return None
    from cumex.dynamics import time_grid

    return time_grid(config["times"]["stop"], config["times"]["num"])


def _check_cost(model: Model, grid: Mapping[str, Any], values: Mapping[str, list[float]], where: str,
                dynamics: bool = False) -> None:
    """Refuse a grid whose largest point would need more memory than any node has (Model.cost, or
    Model.dynamics_cost in a dynamics study; a dynamics study of a model without one is not checked)."""
    cost = (model.dynamics_cost if dynamics else model.cost)
    if cost is None:
        return
    largest = {name: max(v, key=lambda x: (x != math.inf, x)) for name, v in values.items()}
    for order in grid["orders"]:
        label = parse_method(order, model).label
        if label == "limit":
            continue
        mb = cost(label, largest)[1]
        if mb > MAX_POINT_MEMORY_MB:
            axis = model.size_axis or model.axis_names[0]
            raise CumexInputError(f"{where}.{model.axis(axis).grid_key}", largest[axis],
                                  f"values whose order-{label} solve fits in memory: this one needs about {mb / 1e6:.3g} TB "
                                  f"(more than cumex.config.MAX_POINT_MEMORY_MB = {MAX_POINT_MEMORY_MB:,} MB)")


_RANGE_INT = ("start", "stop", "step")
_RANGE_REAL = ("start", "stop", "num")


def _fixed_by_all(model: Model, orders: Iterable[object]) -> dict[str, float]:
    """The axis values every one of ``orders`` fixes (``Model.method_axes``): a grid may omit those axes."""
    fixed = [model.fixed_axes(parse_method(o, model).label) for o in orders]
    common = dict(fixed[0]) if fixed else {}
    return {k: v for k, v in common.items() if all(f.get(k) == v for f in fixed[1:])}


def _grid_axes(model: Model, grid: Mapping[str, Any], where: str, fixed: Mapping[str, float] | None = None) -> dict[str, list[float]]:
    """Each axis' sorted values in one grid (list and range merged); CumexInputError names a bad key.

    An axis in ``fixed`` (fixed by every order of the grid) may be omitted: it takes the fixed value."""
    keys = {"scalings", "orders"}
    out: dict[str, list[float]] = {}
    for axis in model.axes:
        list_key, range_key = axis.grid_key, f"{axis.name}_range"
        keys.update({list_key, range_key})
        values: set[float] = set()
        raw = grid.get(list_key, [])
        if not isinstance(raw, list):
            raise CumexInputError(f"{where}.{list_key}", raw, f"a list of values, each {axis.allowed()}")
        for k, value in enumerate(raw):
            checked = _axis_value(axis, value, f"{where}.{list_key}[{k}]")
            values.add(checked)
        if range_key in grid:
            values.update(_range_values(axis, grid[range_key], f"{where}.{range_key}"))
        if not values and fixed and axis.name in fixed:
            values.add(fixed[axis.name])
        if not values:
            raise CumexInputError(f"{where}.{list_key}", grid.get(list_key),
                                  f"at least one value (in {list_key} or {range_key}), each {axis.allowed()}")
        out[axis.name] = sorted(values)
    extra = sorted(set(grid) - keys)
    if extra:
        raise CumexInputError(f"{where}.{extra[0]}", grid[extra[0]], "no such key here; allowed keys: " + ", ".join(sorted(keys)))
    return out


def _axis_value(axis, value: Any, key: str) -> float:
    if axis.allow_infinite and isinstance(value, float) and value == math.inf:
        return math.inf
    checked = axis.check(value, key)
    return checked if axis.integer else canonical_value(checked)


def _range_values(axis, spec: Any, key: str) -> list[float]:
    fields = _RANGE_INT if axis.integer else _RANGE_REAL
    required = fields[:2] if axis.integer else fields
    if not isinstance(spec, Mapping) or not set(required) <= set(spec) or not set(spec) <= set(fields):
        form = "{start, stop, step (default 1)}" if axis.integer else "{start, stop, num}"
        raise CumexInputError(key, spec, f"a mapping {form} of {axis.description}s")
    start = axis.check(spec["start"], f"{key}.start")
    stop = axis.check(spec["stop"], f"{key}.stop")
    if axis.integer:
        step = spec.get("step", 1)
        if isinstance(step, bool) or not isinstance(step, int) or step < 1:
            raise CumexInputError(f"{key}.step", step, "an integer >= 1")
        if stop < start:
            raise CumexInputError(f"{key}.stop", stop, f"an integer >= start = {start}")
        if (stop - start) // step + 1 > MAX_POINTS:
            raise CumexInputError(key, spec, f"at most {MAX_POINTS:,} values")
        return list(range(int(start), int(stop) + 1, step))
    num = spec["num"]
    if isinstance(num, bool) or not isinstance(num, int) or num < 1 or num > MAX_POINTS:
        raise CumexInputError(f"{key}.num", num, f"an integer in 1..{MAX_POINTS:,}")
    step = 0.0 if num == 1 else (stop - start) / (num - 1)
    return [canonical_value(start + i * step) for i in range(num)]


def settings_for(order: str, settings: Mapping[str, object], model: Model | str = "central_spin",
                 study_type: str = "steady") -> dict[str, object]:
    """The study's settings that the engine of ``order`` reads (a study's settings are those of all its
    orders' engines; a job passes each point only its own, which its engine checks strictly); for
    ``study_type="dynamics"`` those its time evolution reads."""
    from cumex.methods import known_settings

    spec = get_model(model)
    if study_type == "dynamics":
        from cumex.dynamics import known_dynamics_settings as known_settings  # noqa: F811
    known = known_settings(spec, [parse_method(order, spec)], str(settings.get("engine", "auto")))
    return {k: v for k, v in settings.items() if k in known}


def overrides_for(scaling: str, parameters: Mapping[str, float], model: Model | str = "central_spin") -> dict[str, float]:
    """The study's parameter overrides that ``scaling`` uses (others belong to other scalings)."""
    used = get_model(model).parameters_of(scaling)
    return {k: float(v) for k, v in sorted(parameters.items()) if k in used}


def load_study(path: str | Path, schema_path: str | Path | None = None) -> dict:
    """Read a study YAML file and validate it (see :func:`validate_study`)."""
    import yaml

    config = yaml.safe_load(Path(path).read_text()) or {}
    return validate_study(config, schema_path)


def _grid_values(model: Model, grid: Mapping[str, Any], method: Method) -> list[list[float]]:
    axes = _grid_axes(model, grid, "grid", _fixed_by_all(model, grid["orders"]))
    if method.kind == "limit" and model.size_axis:
        axes[model.size_axis] = [math.inf]
    # an order that fixes an axis (the LMG dimer's mean-field: S = inf) replaces the grid's values of it
    axes.update({name: [value] for name, value in model.fixed_axes(method.label).items()})
    return [axes[name] for name in model.axis_names]


def grid_points(config: Mapping) -> list[GridPoint]:
    """Every grid point of a validated study, sorted, each once."""
    import itertools

    model = study_model(config)
    points: set[GridPoint] = set()
    for grid in config["grids"]:
        for order in grid["orders"]:
            method = parse_method(order, model)
            combos = list(itertools.product(*_grid_values(model, grid, method)))
            for scaling in grid.get("scalings", [model.scaling_default]):
                points.update(GridPoint(scaling, method.label, tuple(v)) for v in combos)
    return sorted(points)


def plan_batches(config: Mapping) -> dict[str, Batch]:
    """Batch id -> batch: the study's points grouped into solve jobs.

    ``batching.group_by``: ``"order"`` gives one job per (scaling, order) with all its points; an axis
    name one job per (scaling, order, value of that axis). ``batching.points_per_job`` (> 0) then splits
    a group into parts of at most that many points.
    """
    model = study_model(config)
    batching = config.get("batching", {})
    group_by = batching.get("group_by", "order")
    index = model.axis_names.index(group_by) if group_by in model.axis_names else None
    groups: dict[tuple[str, str, str], list[tuple[float, ...]]] = {}
    for p in grid_points(config):
        group = "all" if index is None else f"{group_by}_{_label(p.values[index])}"
        groups.setdefault((p.scaling, p.order, group), []).append(p.values)
    size = int(batching.get("points_per_job", 0) or 0)
    batches: dict[str, Batch] = {}
    for (scaling, order, group), values in groups.items():
        if size <= 0 or len(values) <= size:
            parts: list[tuple[int | None, list]] = [(None, values)]
        else:
            parts = [(k, values[k * size:(k + 1) * size]) for k in range(math.ceil(len(values) / size))]
        for part, chunk in parts:
            batch = Batch(scaling, order, tuple(chunk), group, part)
            batches[batch.id] = batch
    return batches


def _label(value: float) -> str:
    """An axis value as it appears in a file name (canonical; 'inf' for infinity)."""
    if isinstance(value, int):
        return str(value)
    return "inf" if value == math.inf else format_float(value)


#: the form of a batch id (the workflow constrains its wildcard to it)
BATCH_ID = re.compile(r"\A[A-Za-z0-9_]+/order_[A-Za-z0-9_]+/(all|[A-Za-z0-9_]+_[A-Za-z0-9.+-]+)(_part[0-9]+)?\Z")
