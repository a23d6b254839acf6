"""What a study's ``figures`` section means: the value each figure holds an axis at, and the panels (cuts)
of a line figure. Read by :mod:`cumex.config` (checked before any job) and :mod:`cumex.plots` (drawn).

    figures:
      formats: [png, pdf]          # file formats of every figure
      N: 50                        # an axis: the value figures slice it at (nearest in the data; null: best covered)
      panels:                      # a series figure's panels (cuts), each fixing axes (FigureSpec.panels)
        cuts: [{lambda: 0.2}, {J: 0}]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from cumex.errors import CumexInputError
from cumex.models.spec import FigureSpec, Model

__all__ = ["check_figures", "figure_panels", "panel_axis"]


def _check_value(model: Model, axis: str, value: Any, key: str) -> None:
    spec = model.axis(axis)
    if not (spec.allow_infinite and isinstance(value, float) and value == math.inf):
        spec.check(value, key)


def check_figures(model: Model, figures: Mapping[str, Any]) -> None:
    """Raise :class:`CumexInputError` naming the first bad key of ``figures`` (module docstring)."""
    for key, value in figures.items():
        if key == "formats":
            continue
        if key == "panels":
            _check_panel_sets(model, value)
        elif key not in model.axis_names:
            raise CumexInputError(f"figures.{key}", value, f"formats, panels, or an axis of {model.name}: {', '.join(model.axis_names)}")
        elif value is not None:
            _check_value(model, key, value, f"figures.{key}")


def _check_panel_sets(model: Model, sets: Any) -> None:
    series = sorted(f.name for f in model.figures if f.kind == "series")
    if not isinstance(sets, Mapping):
        raise CumexInputError("figures.panels", sets, f"a mapping of line figures of {model.name} ({', '.join(series)}) to lists of cuts")
    for name, panels in sets.items():
        if name not in series:
            raise CumexInputError(f"figures.panels.{name}", panels, f"a line figure of {model.name}: {', '.join(series)}")
        _check_panels(model, panels, f"figures.panels.{name}")


def _check_panels(model: Model, panels: Any, key: str) -> None:
    allowed = f"a list of cuts, each a mapping of axes of {model.name} ({', '.join(model.axis_names)}) to values"
    if not isinstance(panels, list) or not panels:
        raise CumexInputError(key, panels, allowed)
    for k, panel in enumerate(panels):
        if not isinstance(panel, Mapping) or not panel:
            raise CumexInputError(f"{key}[{k}]", panel, allowed)
        for name, value in panel.items():
            if name not in model.axis_names:
                raise CumexInputError(f"{key}[{k}].{name}", value, allowed)
            _check_value(model, name, value, f"{key}[{k}].{name}")


def figure_panels(spec: FigureSpec, choices: Mapping[str, Any]) -> list[dict[str, float]]:
    """The panels of a series figure: the study's ``figures.panels.<name>``, else the spec's; [{}] for none."""
    panels = (choices.get("panels") or {}).get(spec.name) or spec.panels
    return [dict(p) for p in panels] or [{}]


def panel_axis(spec: FigureSpec, panel: Mapping[str, float]) -> str:
    """The x axis of a panel: the figure's ``x``, or its ``y`` where the panel fixes ``x``."""
    if spec.x in panel and spec.y is not None:
        return spec.y
    return spec.x
