"""What a model file declares: the data every engine, the workflow, the CLI and the figures read.

A model is one instance of :class:`Model` in one file of :mod:`cumex.models` (or a user's file). It names

- its **grid axes** (central spin: ``N`` and ``pump_ratio``; LMG dimer: ``J``, ``lambda``, ``S``): the
  coordinates of a study besides ``scaling`` and ``order``;
- its **base parameters** with defaults and units, shared by every scaling, and its **scalings** with N,
  each with parameters of its own and a rule that turns base parameters and axis values into the
  **concrete parameters** an engine solves with (and that every result file stores);
- its **observables** (name, description, units), the headline one for summaries and figures;
- which **engines** serve which methods, by reference ("module:function" strings, so that a model file
  imports no engine; :mod:`cumex.methods` resolves them);
- optional data for particular engines (``operators``: the operator data of the cumulant engine) and
  figure decorations (closed-form lines drawn over a figure, e.g. a threshold).

Nothing here solves anything.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cumex.errors import CumexInputError

__all__ = ["Quantity", "Axis", "Scaling", "ObservableInfo", "FigureSpec", "Model"]


def _same_number(value: object, number: float) -> bool:
    """``value`` (a number or a numeric string such as "inf", as the command line gives it) equals ``number``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return False
    try:
        return float(value) == number
    except ValueError:
        return False


@dataclass(frozen=True)
class Quantity:
    """A named real parameter with its default, units and admissible range."""

    name: str
    default: float
    description: str
    units: str = "1"
    minimum: float | None = None
    #: the value must be strictly above ``minimum``
    exclusive: bool = False

    def check(self, value: object, key: str | None = None) -> float:
        """``value`` as a finite float in range; CumexInputError names ``key`` (default ``set.<name>``)."""
        key = key or f"set.{self.name}"
        if isinstance(value, bool):
            raise CumexInputError(key, value, f"a real number ({self.description})")
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise CumexInputError(key, value, f"a real number ({self.description})") from None
        if not math.isfinite(number):
            raise CumexInputError(key, value, f"a finite real number ({self.description})")
        if self.minimum is not None and (number <= self.minimum if self.exclusive else number < self.minimum):
            raise CumexInputError(key, value, f"a number {'>' if self.exclusive else '>='} {self.minimum:g} ({self.description})")
        return number


@dataclass(frozen=True)
class Axis:
    """A grid axis of the model: the key of a study's grid that lists its values, and their range.

    Integer axes take ranges ``{start, stop, step}`` (stop included), real axes ``{start, stop, num}``
    (evenly spaced, both ends included). ``list_key`` is the key a grid uses for the list of values
    (default: the axis name); ``<name>_range`` is the key of a range.
    """

    name: str
    description: str
    units: str = "1"
    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    default: float = 0.0
    list_key: str | None = None
    #: plot label (LaTeX allowed) and the symbol in titles ("N", r"\Gamma_\uparrow/\Gamma_T")
    label: str = ""
    symbol: str = ""
    #: +inf is a value of this axis (N = inf for the limit; the LMG mean-field spin length S = inf)
    allow_infinite: bool = False
    #: every finite value is a whole multiple of this (the LMG spin length S: 0.5); None: any value
    multiple_of: float | None = None

    @property
    def grid_key(self) -> str:
        return self.list_key or self.name

    def allowed(self) -> str:
        noun = "an integer" if self.integer else "a finite number"
        if self.multiple_of is not None:
            noun += f" multiple of {self.multiple_of:g}"
        bounds = []
        if self.minimum is not None:
            bounds.append(f">= {self.minimum:g}")
        if self.maximum is not None:
            bounds.append(f"<= {self.maximum:g}")
        return f"{noun}{' ' + ' and '.join(bounds) if bounds else ''} ({self.description})"

    def check(self, value: object, key: str | None = None) -> float | int:
        """``value`` as this axis' type, in range; CumexInputError names ``key``."""
        key = key or self.name
        if isinstance(value, bool):
            raise CumexInputError(key, value, self.allowed())
        if self.integer:
            if isinstance(value, float) and value.is_integer():
                raise CumexInputError(key, value, self.allowed() + "; write it without a decimal point")
            if not isinstance(value, int):
                raise CumexInputError(key, value, self.allowed())
            number: float | int = int(value)
        else:
            try:
                number = float(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise CumexInputError(key, value, self.allowed()) from None
            if not math.isfinite(number):
                raise CumexInputError(key, value, self.allowed())
        if (self.minimum is not None and number < self.minimum) or (self.maximum is not None and number > self.maximum):
            raise CumexInputError(key, value, self.allowed())
        if self.multiple_of is not None and not float(number / self.multiple_of).is_integer():
            raise CumexInputError(key, value, self.allowed())
        return number


@dataclass(frozen=True)
class Scaling:
    """How parameters scale with N: its own base parameters and the rule giving concrete ones.

    ``rule(values)`` receives every base parameter of the model and of this scaling plus the axis values
    of the point, and returns the concrete parameters this scaling fixes (e.g. ``{"g": g_sqrtN / √N}``).
    """

    name: str
    description: str
    parameters: tuple[Quantity, ...] = ()
    rule: Callable[[Mapping[str, float]], Mapping[str, float]] = lambda values: {}
    #: the method "limit" is available for this scaling (its N → ∞ limit is known)
    limit: str | None = None
    #: what a panel title says this scaling holds fixed: (LaTeX label, function of the dataset's variables
    #: and coordinates, e.g. ``lambda d: d["g"] * d["N"] ** 0.5``), each drawn as "label = value"
    shown: tuple[tuple[str, Callable[[Any], Any]], ...] = ()


@dataclass(frozen=True)
class ObservableInfo:
    """An observable a method reports: name, a short description and its units."""

    name: str
    description: str
    units: str = "1"
    #: plot label (LaTeX allowed); default: the description
    label: str = ""
    #: short name in result files (CF long_name); default: the description up to a parenthesis or comma
    long_name: str = ""
    #: a vector observable: values along its own dimension ``dim`` (coordinate 1..size), which an engine
    #: reports as ``<name>_1`` .. ``<name>_<size>`` (NaN where a point has fewer, e.g. patterns beyond M)
    dim: str | None = None
    size: int = 0


@dataclass(frozen=True)
class FigureSpec:
    """A figure of a study, drawn by :mod:`cumex.plots` from the dataset alone.

    kind ``series``: the headline observable (or ``observable``) against axis ``x``, a line per order, a
    panel per scaling (``x_transform="inverse"`` marks a convergence figure in N: drawn against log N with
    the N → ∞ value at "∞", or against 1/N, the paper's view, as the study's ``figures.n_axis`` says), with a
    band of ± ``<observable>_error`` where the data has it (time averages on cycles); ``error``:
    |value − exact| against ``x``; ``map``: the number of stable steady states over axes ``x`` and ``y``,
    a row per scaling and a column per order, hatched where the attractor is a limit cycle or irregular.
    Every other axis is held at one value: the study's ``figures.<axis>`` (the nearest in the data), else
    the model's ``figure_defaults``, else the best covered. ``decoration`` names a function of the model
    file's ``decorations`` that draws closed-form lines over the axes.

    ``lines`` (series) names an axis (or a vector observable's dimension) that is not held at one value: each of its values in the data is a
    line of its own (e.g. the LMG dimer's spin length S: mean-field at S = inf, exact at S = 1, 2, ...).
    ``panels`` (series) are cuts, a panel each: a mapping that fixes axes (``{"lambda": 0.2}``); a
    panel's x axis is ``x``, or ``y`` where the panel fixes ``x``. A study replaces them with a list
    under its ``figures.panels.<figure name>``.
    """

    name: str
    kind: str
    x: str
    y: str | None = None
    x_transform: str | None = None
    observable: str | None = None
    decoration: str | None = None
    caption: str = ""
    lines: str | None = None
    panels: tuple[Mapping[str, float], ...] = ()
    #: dynamics figures (kinds ``trace`` and ``deviation``, :mod:`cumex.plots.dynamics`): a panel per observable
    observables: tuple[str, ...] = ()


@dataclass(frozen=True)
class Model:
    """A model as data (see the module docstring). Build one with keyword arguments in a model file."""

    name: str
    title: str
    description: str
    axes: tuple[Axis, ...]
    parameters: tuple[Quantity, ...]
    scalings: tuple[Scaling, ...]
    #: the concrete parameters of a point (stored in every result file), from every resolved value
    concrete: Callable[[Mapping[str, float]], Mapping[str, float]]
    concrete_parameters: tuple[Quantity, ...]
    observables: tuple[ObservableInfo, ...]
    headline: str
    #: method key -> engine reference "module:function"; keys: "exact", "limit", an order label
    #: ("1", "2", ...) for an engine that serves that order only, and "cumulant" for every order
    engines: Mapping[str, str]
    #: the highest cumulant order the model offers (derivation cost)
    max_order: int = 0
    #: how many steady states per point are stored individually (n_steady_states counts them all)
    state_slots: int = 8
    figures: tuple[FigureSpec, ...] = ()
    #: the figures of a dynamics study (``study_type: dynamics``; kinds ``trace`` and ``deviation``)
    dynamics_figures: tuple[FigureSpec, ...] = ()
    #: the value at which line figures slice an axis when the study does not say (None: best covered)
    figure_defaults: Mapping[str, float | None] = field(default_factory=dict)
    #: name -> function(ax, panel dataset, fixed axis values) drawing closed-form lines on a figure;
    #: "scaling_title" -> function(dataset, scaling) giving a panel's title
    decorations: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    #: operator data of the cumulant engine (``cumex.operators.many_to_one.ManyToOneModel``), or None
    operators: Any = None
    #: the axis whose value is the number of sites N (None: the model has no N axis)
    size_axis: str | None = "N"
    #: the scaling a point takes when none is named (default: the first)
    default_scaling: str | None = None
    #: a check of the concrete parameters beyond each quantity's range (raises CumexInputError)
    validate: Callable[[Mapping[str, float]], None] | None = None
    #: observables whose time averages carry a block standard error ``<name>_error`` in the data
    error_observables: tuple[str, ...] = ()
    #: the unit of every energy and rate (the parameter that is 1 by default, e.g. "omega"), and of time
    #: (periods of cycles): its inverse ("1/omega"); "1" where the model names none
    energy_units: str = "1"
    time_units: str = "1"
    #: resource estimate per point: (method label, axis values) -> (seconds, MB); None: a generic guess
    cost: Callable[[str, Mapping[str, float]], tuple[float, float]] | None = None
    #: the same for evolving a point over a dynamics study's window; None: the steady estimate (``cost``)
    dynamics_cost: Callable[[str, Mapping[str, float]], tuple[float, float]] | None = None
    #: axis values a method fixes, whatever a grid lists: method label ("exact", "1", "2_broken", ...) ->
    #: {axis: value}. The LMG dimer's mean-field equations do not depend on S (they are its S -> inf
    #: limit), so it declares {"1": {"S": inf}}: a study grid may omit S for that order (a grid that
    #: lists S for it has its values replaced), and a point of that order solved without S carries S = inf.
    method_axes: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    # -- lookups -----------------------------------------------------------------------------------
    @property
    def axis_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.axes)

    @property
    def scaling_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.scalings)

    @property
    def observable_names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.observables)

    def axis(self, name: str) -> Axis:
        for a in self.axes:
            if a.name == name:
                return a
        raise CumexInputError("axis", name, f"an axis of model {self.name!r}: {', '.join(self.axis_names)}")

    def observable(self, name: str) -> ObservableInfo:
        for o in self.observables:
            if o.name == name:
                return o
        raise CumexInputError("observable", name, f"an observable of model {self.name!r}: {', '.join(self.observable_names)}")

    def scaling(self, name: str) -> Scaling:
        for s in self.scalings:
            if s.name == name:
                return s
        raise CumexInputError("scaling", name, f"a scaling of model {self.name!r}: {', '.join(self.scaling_names)}")

    def parameters_of(self, scaling: str) -> dict[str, Quantity]:
        """Base parameters a user may set under ``scaling``: the model's and the scaling's own."""
        return {q.name: q for q in (*self.parameters, *self.scaling(scaling).parameters)}

    def all_parameter_names(self) -> set[str]:
        return {q.name for q in self.parameters} | {q.name for s in self.scalings for q in s.parameters}

    @property
    def u1_symmetric(self) -> bool:
        """Whether the model's operator data keep the U(1) symmetry (no operator data: assumed)."""
        violations = getattr(self.operators, "u1_violations", None)
        return not violations() if violations else True

    @property
    def scaling_default(self) -> str:
        return self.default_scaling or self.scalings[0].name

    def fixed_axes(self, method: str) -> dict[str, float]:
        """The axis values the method with canonical label ``method`` fixes (:attr:`method_axes`)."""
        return dict(self.method_axes.get(str(method), {}))

    def point_for(self, method: str, point: Mapping[str, object]) -> dict[str, object]:
        """``point`` with the axis values ``method`` fixes filled in; a different value given for one of
        them raises :class:`CumexInputError` naming the axis."""
        out = dict(point)
        for name, value in self.fixed_axes(method).items():
            if name in out and not _same_number(out[name], value):
                raise CumexInputError(name, out[name], f"{value:g}, or nothing: order {method} of {self.name} fixes {name} = {value:g}")
            out[name] = value
        return out

    # -- resolving a point -------------------------------------------------------------------------
    def axis_values(self, point: Mapping[str, object]) -> dict[str, float]:
        """Every axis value of ``point`` checked (defaults for axes not given); CumexInputError if bad."""
        unknown = set(point) - set(self.axis_names)
        if unknown:
            key = sorted(unknown)[0]
            raise CumexInputError(key, point[key], f"an axis of model {self.name!r}: {', '.join(self.axis_names)}")
        values: dict[str, float] = {}
        for axis in self.axes:
            raw = point.get(axis.name, axis.default)
            if axis.allow_infinite and _same_number(raw, math.inf):
                values[axis.name] = math.inf
            else:
                values[axis.name] = axis.check(raw)
        return values

    def resolve(self, scaling: str, point: Mapping[str, object], overrides: Mapping[str, object] | None = None) -> dict[str, float]:
        """Concrete parameters of one point: axis values checked, overrides checked, scaling applied.

        Raises :class:`CumexInputError` naming the key for an unknown scaling, a missing or bad axis
        value, or an override the scaling does not use.
        """
        self.scaling(scaling)
        values = self.axis_values(point)
        allowed = self.parameters_of(scaling)
        base = {name: q.default for name, q in allowed.items()}
        for key, value in (overrides or {}).items():
            if key not in allowed:
                names = ", ".join(sorted(allowed))
                raise CumexInputError(f"set.{key}", value, f"a parameter of scaling {scaling!r} of {self.name}: {names}")
            base[key] = allowed[key].check(value)
        resolved = {**base, **values}
        resolved.update(self.scaling(scaling).rule(resolved))
        concrete = dict(self.concrete(resolved))
        if self.validate is not None:
            self.validate(concrete)
        return concrete
