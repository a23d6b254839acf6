"""The interactive page (cumex.explore) as text: one valid, self-contained HTML document whose embedded
data decode back to the dataset it was built from. Rendering in a browser: tests/browser (tier `browser`)."""

from __future__ import annotations

import base64
import json
from html.parser import HTMLParser

import numpy as np
import pytest
from explore_toy import CONFIG, NS, toy_study

from cumex.explore import build_page, page_data

VOID = {"meta", "br", "input", "img", "link", "hr", "col", "area", "base", "embed", "source", "track", "wbr"}


class Structure(HTMLParser):
    """Checks that every element is closed in order; collects script bodies and external references."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.scripts: dict[str, str] = {}
        self.external: list[str] = []
        self._script: str | None = None
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("src", "href"):
            if attrs.get(key):
                self.external.append(attrs[key])
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "script":
            self._script = attrs.get("id") or f"script{len(self.scripts)}"
            self.scripts[self._script] = ""

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()
        self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self.scripts[self._script] += data


def parse(page: str) -> Structure:
    parser = Structure()
    parser.feed(page)
    parser.close()
    return parser


def decode(entry: dict) -> np.ndarray:
    raw = np.frombuffer(base64.b64decode(entry["data"]), dtype="<" + entry["dtype"])
    return raw.reshape([len(d) for d in entry["_shape"]]) if entry["_shape"] else raw.reshape(())


@pytest.fixture(scope="module")
def toy():
    ds = toy_study()
    page = build_page(ds)
    return ds, page, parse(page)


def test_page_is_one_valid_self_contained_document(toy) -> None:
    _, page, parsed = toy
    assert page.startswith("<!DOCTYPE html>")
    assert parsed.errors == [] and parsed.stack == [], parsed.errors
    assert parsed.external == []  # nothing is loaded from elsewhere: plotly.js is inline
    assert any("Plotly" in body and len(body) > 1_000_000 for body in parsed.scripts.values())
    assert {"plot", "controls", "study-config", "provenance", "cumex-data"} <= parsed.ids


def test_embedded_data_decode_to_the_dataset(toy) -> None:
    ds, _, parsed = toy
    data = json.loads(parsed.scripts["cumex-data"])
    assert set(data["variables"]) == set(ds.data_vars) and data["left_out"] == []
    dims = {d["name"]: d for d in data["dims"]}
    assert set(dims) == set(ds.dims)
    assert dims["N"]["values"] == [*NS[:-1], "inf"] and dims["N"]["labels"][-1] == "inf"
    assert dims["order"]["labels"] == list(ds["order"].values)
    for name, entry in data["variables"].items():
        var = ds[name]
        assert entry["all_dims"] == list(var.dims)
        stored = var.isel({d: 0 for d in var.dims if d not in entry["dims"]})
        entry["_shape"] = [dims[d]["labels"] for d in entry["dims"]]
        values = decode(entry)
        if entry["kind"] == "category":
            np.testing.assert_array_equal(np.array(entry["categories"])[values], stored.values.astype(str))
        else:
            rtol = 1e-7 if entry["dtype"] == "f4" else 0
            np.testing.assert_allclose(values, stored.values, rtol=rtol, equal_nan=True)
        # a dimension is dropped only where the variable is constant along it
        assert stored.broadcast_like(var).equals(var), name
    assert data["variables"]["omega"]["dims"] == []
    assert data["variables"]["g_eff"]["dims"] == ["N", "g"]


def test_initial_view_and_provenance(toy) -> None:
    ds, page, _ = toy
    initial = page_data(ds)["initial"]
    # no registered model: the longest dimension along x, a line per order, g at the study's figures.g
    assert (initial["x"], initial["series"]) == ("N", "order")
    assert ds["g"].values[initial["sel"]["g"]] == CONFIG["figures"]["g"]
    assert initial["logx"]  # N spans two decades
    assert "0123456789abcdef" in page and "0.0-test" in page  # provenance attributes
    assert "checksum-7f3a9e" not in page  # the checksum is not provenance
    assert "&quot;figures&quot;" in page  # the study configuration, escaped


def test_variables_over_the_budget_are_left_out_and_named(toy) -> None:
    ds, _, _ = toy
    small = sum(len(e["data"]) for n, e in page_data(ds)["variables"].items() if not n.startswith(("state_", "g_eff")))
    data = page_data(ds, max_bytes=small)
    assert "state_signal" in data["left_out"] and "signal" in data["variables"]
    page = build_page(ds, max_bytes=small)
    assert "Left out" in page and "state_signal" in page.split("Left out", 1)[1][:500]


def test_a_registered_model_orders_the_menu_and_picks_the_headline() -> None:
    import xarray as xr
    from synthetic import OBSERVABLES, central_spin_point

    from cumex.results import MethodResult, SteadyState

    def point(order, N):
        obs = {name: 0.1 * N for name in OBSERVABLES}
        state = SteadyState(obs, True, 1e-12)
        return central_spin_point(MethodResult([state], state, True, "ok"), order=order, scaling="fixed_kappa_over_N", N=N, pump_ratio=0.75)

    ds = xr.combine_by_coords([point(o, N) for o in ("1", "exact") for N in (1, 3)], combine_attrs="drop_conflicts")
    data = page_data(ds, {"study": "cs", "model": "central_spin", "figures": {}})
    assert data["initial"]["var"] == "central_population" and data["initial"]["x"] == "N"
    assert data["groups"][0]["label"] == "observables" and data["groups"][0]["names"][0] == "central_population"
    labels = [g["label"] for g in data["groups"]]
    assert labels.index("concrete parameters") < labels.index("per steady state")
    assert "g" in next(g for g in data["groups"] if g["label"] == "concrete parameters")["names"]


def test_text_from_the_dataset_cannot_break_the_page() -> None:
    ds = toy_study()
    ds["signal"].attrs["long_name"] = "a </script> <!-- <script> tricky name"
    ds.attrs["note"] = "<b>bold</b> & </details>"
    page = build_page(ds)
    parsed = parse(page)
    assert parsed.errors == [] and parsed.stack == [], parsed.errors
    data = json.loads(parsed.scripts["cumex-data"])
    assert data["variables"]["signal"]["long_name"] == ds["signal"].attrs["long_name"]
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;/details&gt;" in page
