"""A study's interactive page: the whole dataset in one self-contained HTML file (plotly, inline).

``build_page(dataset, config)`` returns the page as text. It holds every data variable of the dataset
(numbers as little-endian base64 arrays, text variables such as ``status`` as codes into a list of
categories), its coordinates, the study configuration and the provenance attributes, plus plotly.js
and a small script (``cumex/data/explore.js``) that draws them. Nothing is fetched when the page is
opened, so it works offline and inside ``snakemake --report``.

The page knows nothing about particular models: its controls are built from the dataset's dimensions.
One picks a variable (the model's observables first, then the per-state values, diagnostics and
concrete parameters), a view (lines against one dimension with a line per value of another, or a map
over two dimensions) and the value of every other dimension. The chosen view is kept in the URL
fragment (``#var=central_population&x=N&series=order&pump_ratio=0.75``), so a view can be linked to.

Sizes: a variable is stored once per combination of the dimensions it varies along (a concrete
parameter that depends on scaling and N only is stored over those two), as 32-bit floats where every
value fits (7 significant digits; else 64-bit). Variables are added in the order above until
``max_bytes`` of encoded data; any left out are named on the page.
"""

from __future__ import annotations

import base64
import html
import json
import math
from collections.abc import Mapping
from importlib import resources
from typing import Any

import numpy as np
import xarray as xr

from cumex.io import format_float

__all__ = ["build_page", "page_data", "DEFAULT_MAX_BYTES"]

#: encoded data beyond which lower-priority variables (per-state values first) are left out
DEFAULT_MAX_BYTES = 60_000_000

# attributes shown on their own, not in the provenance table
_OWN_ATTRS = ("study_config", "cumex_checksum")
_F32 = np.finfo(np.float32)


def _model_of(dataset: xr.Dataset, config: Mapping[str, Any] | None):
    """The dataset's model (for grouping and defaults), or None when it cannot be loaded here."""
    from cumex.models import get_model

    name = dataset.attrs.get("model") or (config or {}).get("model")
    if name is None and "model" in dataset.coords:
        name = str(dataset["model"].values)
    try:
        return None if name is None else get_model(str(name))
    except Exception:  # a user model file that is not reachable from here: the page works without it
        return None


def _study_config(dataset: xr.Dataset, config: Mapping[str, Any] | None) -> dict:
    if config is not None:
        return json.loads(json.dumps(dict(config), default=str))
    text = dataset.attrs.get("study_config")
    return json.loads(text) if text else {}


def _b64(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values).tobytes()).decode("ascii")


def _float_dtype(values: np.ndarray) -> str:
    """'f4' when every finite value survives a cast to float32 without overflow or underflow."""
    finite = np.abs(values[np.isfinite(values)])
    nonzero = finite[finite > 0]
    if nonzero.size and (nonzero.max() > _F32.max or nonzero.min() < _F32.tiny):
        return "f8"
    return "f4"


def _constant_along(values: np.ndarray, axis: int) -> bool:
    first = np.take(values, [0], axis=axis)
    if values.dtype.kind == "f":
        return bool(np.array_equal(values, np.broadcast_to(first, values.shape), equal_nan=True))
    return bool((values == first).all())


def _squeeze_constant(var: xr.DataArray) -> xr.DataArray:
    """``var`` without the dimensions it does not vary along (the page broadcasts them back)."""
    for dim in list(var.dims):
        if var.sizes[dim] > 1 and _constant_along(var.values, var.dims.index(dim)):
            var = var.isel({dim: 0}, drop=True)
    return var


def _encode_variable(var: xr.DataArray) -> dict:
    all_dims = [str(d) for d in var.dims]
    var = _squeeze_constant(var)
    entry: dict[str, Any] = {
        "all_dims": all_dims,  # what the variable depends on, as the dataset says
        "dims": [str(d) for d in var.dims],  # what it is stored along (constant along the others)
        "long_name": str(var.attrs.get("long_name", "")),
        "units": str(var.attrs.get("units", "")),
    }
    values = var.values
    if values.dtype.kind in "OUS":
        text = np.array([str(v) for v in values.ravel()], dtype=object)
        categories, codes = np.unique(text, return_inverse=True)
        entry.update(kind="category", categories=[str(c) for c in categories], dtype="i4", data=_b64(codes.astype("<i4")))
        return entry
    if values.dtype.kind == "b":
        values = values.astype(float)
    floats = values.astype(float)
    dtype = _float_dtype(floats)
    entry.update(kind="number", dtype=dtype, data=_b64(floats.astype("<" + dtype)))
    return entry


def _coordinate(ds: xr.Dataset, dim: str) -> dict:
    """A dimension's values (numbers, with ±inf as text) and their labels."""
    coord = ds[dim] if dim in ds.coords else xr.DataArray(np.arange(ds.sizes[dim]), dims=dim)
    raw = coord.values
    numeric = raw.dtype.kind in "iuf"
    if numeric:
        values: list[Any] = [float(v) if math.isfinite(v) else ("inf" if v > 0 else "-inf") for v in raw.astype(float)]
        labels = [str(int(v)) if raw.dtype.kind in "iu" else format_float(v) for v in raw]
    else:
        values = labels = [str(v) for v in raw]
    return {
        "name": dim,
        "numeric": bool(numeric),
        "values": values,
        "labels": labels,
        "long_name": str(coord.attrs.get("long_name", "")),
        "units": str(coord.attrs.get("units", "")),
    }


def _variable_groups(ds: xr.Dataset, model) -> list[tuple[str, list[str]]]:
    """Data variables in the order of the page's variable menu, grouped."""
    names = [str(n) for n in ds.data_vars]
    observables = [n for n in (model.observable_names if model else ()) if n in names]
    errors = [n for n in names if n.endswith("_error") and n.removesuffix("_error") in observables]
    params = [q.name for q in (model.concrete_parameters if model else ()) if q.name in names]
    per_state = [n for n in names if n.startswith("state_")]
    taken = set(observables) | set(errors) | set(params) | set(per_state)
    diagnostics = [n for n in names if n not in taken]
    groups = [("observables", observables + errors), ("diagnostics", diagnostics),
              ("concrete parameters", params), ("per steady state", per_state)]
    return [(label, members) for label, members in groups if members]


def _best_index(ds: xr.Dataset, dim: str, target: Any, headline: str | None) -> int:
    """The index of ``dim`` nearest ``target``; with none, the value with the most solved points."""
    coord = ds[dim].values if dim in ds.coords else np.arange(ds.sizes[dim])
    if target is not None and coord.dtype.kind in "iuf":
        distance = np.abs(coord.astype(float) - float(target))
        if np.isfinite(distance).any():
            return int(np.nanargmin(distance))
    if target is not None:
        matches = [k for k, v in enumerate(coord) if str(v) == str(target)]
        if matches:
            return matches[0]
    present = ds["converged"] if "converged" in ds else (ds[headline] if headline in ds else None)
    if present is None or dim not in present.dims:
        return 0
    finite = np.isfinite(present.values.astype(float))
    counts = finite.sum(axis=tuple(k for k, d in enumerate(present.dims) if d != dim))
    return int(np.argmax(counts))


def _initial_view(ds: xr.Dataset, model, config: Mapping[str, Any], variable: str) -> dict:
    """What the page shows first: the headline observable against the model's size axis (else the longest
    dimension), a line per order (else per scaling), every other dimension at the study's figure value."""
    var_dims = [str(d) for d in ds[variable].dims]
    sized = [d for d in var_dims if ds.sizes[d] > 1]
    preferred = [getattr(model, "size_axis", None), *(model.axis_names if model else ())]
    x = next((d for d in preferred if d in sized), None) or (max(sized, key=lambda d: ds.sizes[d]) if sized else var_dims[0])
    series = next((d for d in ("order", "scaling", *sized) if d in sized and d != x), "")
    figures = dict(config.get("figures", {}) or {})
    defaults = dict(model.figure_defaults) if model else {}
    selection = {}
    for dim in (str(d) for d in ds.dims):
        target = figures.get(dim, defaults.get(dim))
        if dim == "scaling" and target is None and model is not None:
            target = model.default_scaling
        selection[dim] = _best_index(ds, dim, target, variable)
    # a log axis where the values span more than a decade (large N would be squeezed into a corner)
    coord = ds[x].values if x in ds.coords else np.arange(ds.sizes[x])
    finite = coord.astype(float)[np.isfinite(coord.astype(float))] if coord.dtype.kind in "iuf" else np.array([])
    logx = bool(finite.size > 1 and finite.min() > 0 and finite.max() / finite.min() > 10)
    return {"view": "lines", "var": variable, "x": x, "series": series, "y": "", "sel": selection, "logx": logx, "logy": False}


def page_data(dataset: xr.Dataset, config: Mapping[str, Any] | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> dict:
    """Everything the page's script reads, as one JSON-ready mapping (see the module docstring)."""
    model = _model_of(dataset, config)
    study_config = _study_config(dataset, config)
    groups, variables, left_out, used = [], {}, [], 0
    for label, members in _variable_groups(dataset, model):
        kept = []
        for name in members:
            entry = _encode_variable(dataset[name])
            if used + len(entry["data"]) > max_bytes:
                left_out.append(name)
                continue
            used += len(entry["data"])
            variables[name] = entry
            kept.append(name)
        if kept:
            groups.append({"label": label, "names": kept})
    if not variables:
        raise ValueError("build_page: the dataset has no data variable that fits in max_bytes")
    headline = getattr(model, "headline", None)
    first = headline if headline in variables else next(iter(variables))
    return {
        "study": str(dataset.attrs.get("study", study_config.get("study", ""))),
        "model": str(dataset.attrs.get("model", study_config.get("model", ""))),
        "model_title": getattr(model, "title", ""),
        "dims": [_coordinate(dataset, str(d)) for d in dataset.dims],
        "variables": variables,
        "groups": groups,
        "left_out": left_out,
        "initial": _initial_view(dataset, model, study_config, first),
    }


def _attr_text(value: Any) -> str:
    """An attribute for the provenance table: JSON pretty-printed, anything else as text."""
    text = str(value)
    if text[:1] in "{[":
        try:
            return json.dumps(json.loads(text), indent=2, sort_keys=True)
        except ValueError:
            pass
    return text


def _provenance_rows(dataset: xr.Dataset) -> str:
    rows = []
    for key, value in dataset.attrs.items():
        if key in _OWN_ATTRS:
            continue
        rows.append(f"<tr><th>{html.escape(str(key))}</th><td><pre>{html.escape(_attr_text(value))}</pre></td></tr>")
    return "\n".join(rows)


def _dimension_rows(data: Mapping[str, Any]) -> str:
    rows = []
    for dim in data["dims"]:
        about = " ".join(p for p in (dim["long_name"], f"[{dim['units']}]" if dim["units"] else "") if p)
        values = ", ".join(dim["labels"])
        rows.append(f"<tr><th>{html.escape(dim['name'])}</th><td>{len(dim['labels'])}</td>"
                    f"<td>{html.escape(about)}</td><td>{html.escape(values)}</td></tr>")
    return "\n".join(rows)


def _script_json(obj: Any) -> str:
    """JSON that is safe inside a <script> element: no '<' at all, so neither '</script' nor '<!--' occurs."""
    return json.dumps(obj, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")


def build_page(dataset: xr.Dataset, config: Mapping[str, Any] | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The interactive page of a study dataset (``results/<study>/dataset.nc``) as one HTML document.

    ``config`` is the study configuration shown on the page (default: the dataset's ``study_config``
    attribute, which the workflow's aggregate step writes).
    """
    from plotly.offline import get_plotlyjs

    data = page_data(dataset, config, max_bytes=max_bytes)
    study_config = _study_config(dataset, config)
    script = resources.files("cumex").joinpath("data/explore.js").read_text(encoding="utf-8")
    title = f"cumex study {data['study']}: {data['model']}"
    left_out = ""
    if data["left_out"]:
        left_out = ("<p class=note>Left out to keep the page under "
                    f"{max_bytes / 1e6:.0f} MB: {html.escape(', '.join(data['left_out']))} (read them from dataset.nc).</p>")
    return _TEMPLATE.format(
        title=html.escape(title),
        heading=html.escape(title),
        subtitle=html.escape(data["model_title"]),
        left_out=left_out,
        dimensions=_dimension_rows(data),
        provenance=_provenance_rows(dataset),
        config=html.escape(json.dumps(study_config, indent=2, sort_keys=True)),
        plotly=get_plotlyjs().replace("</script", "<\\/script"),
        data=_script_json(data),
        script=script,
    )


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 1em 2em; color: #222; }}
h1 {{ font-size: 1.4em; margin-bottom: 0.1em; }}
.subtitle {{ color: #555; margin-top: 0; }}
.row {{ display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; align-items: end; margin: 0.5em 0; }}
.row-label {{ font-weight: bold; font-size: 0.9em; color: #444; min-width: 2.5em; align-self: center; }}
#ctl-var {{ max-width: 40em; }}
#controls label {{ display: flex; flex-direction: column; font-size: 0.85em; color: #444; }}
#controls select {{ font-size: 1em; min-width: 6em; }}
#controls label.inactive {{ opacity: 0.45; }}
#plot {{ width: 100%; height: 560px; }}
#summary {{ color: #444; font-size: 0.9em; }}
table {{ border-collapse: collapse; font-size: 0.85em; }}
th, td {{ border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }}
pre {{ margin: 0; white-space: pre-wrap; }}
details {{ margin: 0.8em 0; }}
summary {{ cursor: pointer; font-weight: bold; }}
.note {{ color: #8a4b00; }}
</style>
<script>{plotly}</script>
</head>
<body>
<h1>{heading}</h1>
<p class="subtitle">{subtitle}</p>
{left_out}
<div id="controls">
<div id="controls-plot" class="row"><span class="row-label">show</span></div>
<div id="controls-slice" class="row"><span class="row-label">at</span></div>
</div>
<div id="plot"></div>
<p id="summary"></p>
<details id="values"><summary>Values of this view</summary><div id="value-table"></div></details>
<details id="dimensions"><summary>Dimensions of the dataset</summary>
<table><tr><th>dimension</th><th>size</th><th>meaning</th><th>values</th></tr>
{dimensions}
</table></details>
<details id="study-config"><summary>Study configuration</summary><pre>{config}</pre></details>
<details id="provenance"><summary>Provenance</summary><table>
{provenance}
</table></details>
<script type="application/json" id="cumex-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""
