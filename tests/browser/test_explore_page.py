"""The interactive page in headless Chromium: what is drawn equals the dataset (read here with xarray,
not through the page's script), controls and the URL fragment change the plot, the screenshot shows it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from browser_checks import assert_not_blank, colour_pixels, image
from explore_toy import FAILED, NS, signal, toy_study

from cumex.explore import build_page
from cumex.io import read_dataset

pytestmark = pytest.mark.browser

TRACES = "JSON.stringify(document.getElementById('plot').data.map(t => ({name: t.name, type: t.type, x: t.x, y: t.y, z: t.z})))"
ORANGE, SKY_BLUE = "#E69F00", "#56B4E9"  # the page's second and third line colours (Okabe-Ito)


def traces(browser) -> list[dict]:
    return json.loads(browser.evaluate(TRACES))


def renders(browser) -> int:
    return int(browser.evaluate("Number(document.body.dataset.renders || 0)"))


def change(browser, control_id: str, value: str) -> None:
    """Set a select as a user would pick an option (its change event), and wait for the new plot."""
    before = renders(browser)
    browser.evaluate(f"(() => {{ const el = document.getElementById({control_id!r}); el.value = {value!r};"
                     " el.dispatchEvent(new Event('change', {bubbles: true})); })()")
    browser.wait_for(f"Number(document.body.dataset.renders) > {before}")


def option_value(browser, control_id: str, text: str) -> str:
    return browser.evaluate(f"[...document.getElementById({control_id!r}).options].find(o => o.text === {text!r}).value")


def open_page(browser, path: Path, fragment: str = "") -> None:
    browser.open(path.as_uri() + fragment)
    browser.wait_for("Number(document.body.dataset.renders) >= 1")


@pytest.fixture(scope="module")
def dataset(study_run: Path):
    return read_dataset(study_run / "dataset.nc")


def test_page_draws_the_dataset(browser, study_run: Path, dataset) -> None:
    open_page(browser, study_run / "explore.html")
    state = browser.evaluate("JSON.stringify(window.cumexExplore.state)")
    state = json.loads(state)
    assert (state["var"], state["x"], state["series"], state["view"]) == ("central_population", "N", "order", "lines")
    scaling = dataset["scaling"].values[state["sel"]["scaling"]]
    ratio = dataset["pump_ratio"].values[state["sel"]["pump_ratio"]]
    assert ratio == 0.75  # the study's figures.pump_ratio
    drawn = {t["name"]: t for t in traces(browser)}
    assert set(drawn) == {f"order = {o}" for o in dataset["order"].values}
    for order in dataset["order"].values:
        expected = dataset["central_population"].sel(scaling=scaling, order=order, pump_ratio=ratio)
        np.testing.assert_allclose(drawn[f"order = {order}"]["x"], dataset["N"].values)
        np.testing.assert_allclose(drawn[f"order = {order}"]["y"], expected.values, rtol=1e-6)
    # plotly drew it: one SVG trace group per line, with a path
    assert browser.evaluate("document.querySelectorAll('#plot .scatterlayer .trace').length") == dataset.sizes["order"]
    assert browser.evaluate("[...document.querySelectorAll('#plot .scatterlayer .js-line')].every(p => p.getAttribute('d').length > 10)")
    for section in ("Study configuration", "Provenance", "Dimensions of the dataset"):
        assert section in browser.evaluate("document.body.innerText")
    assert dataset.attrs["git_commit"] in browser.evaluate("document.getElementById('provenance').textContent")
    assert '"g_sqrtN": 2.5' in browser.evaluate("document.getElementById('study-config').textContent")


def test_controls_change_the_plot(browser, study_run: Path, dataset) -> None:
    open_page(browser, study_run / "explore.html")
    before = traces(browser)
    state = json.loads(browser.evaluate("JSON.stringify(window.cumexExplore.state)"))
    scaling = dataset["scaling"].values[state["sel"]["scaling"]]

    change(browser, "dim-pump_ratio", option_value(browser, "dim-pump_ratio", "0.4"))
    after = {t["name"]: t for t in traces(browser)}
    expected = dataset["central_population"].sel(scaling=scaling, order="exact", pump_ratio=0.4).values
    np.testing.assert_allclose(after["order = exact"]["y"], expected, rtol=1e-6)
    assert not np.allclose(after["order = exact"]["y"], {t["name"]: t for t in before}["order = exact"]["y"])
    assert "at.pump_ratio=0.4" in browser.evaluate("window.location.hash")
    assert "pump_ratio = 0.4" in browser.evaluate("document.querySelector('#plot .gtitle').textContent")

    change(browser, "ctl-var", "sz_satellite")
    change(browser, "ctl-series", "scaling")
    drawn = {t["name"]: t for t in traces(browser)}
    order = dataset["order"].values[state["sel"]["order"]]
    for s in dataset["scaling"].values:
        expected = dataset["sz_satellite"].sel(scaling=s, order=order, pump_ratio=0.4).values
        np.testing.assert_allclose(drawn[f"scaling = {s}"]["y"], expected, rtol=1e-6)

    change(browser, "ctl-view", "map")
    (heatmap,) = [t for t in traces(browser) if t["type"] == "heatmap"]
    state = json.loads(browser.evaluate("JSON.stringify(window.cumexExplore.state)"))
    x, y = state["x"], state["y"]
    var = dataset["sz_satellite"]
    expected = var.isel({d: state["sel"][d] for d in var.dims if d not in (x, y)}).transpose(y, x)
    np.testing.assert_allclose(np.array(heatmap["z"], dtype=float), expected.values, rtol=1e-6)
    assert browser.evaluate("document.querySelectorAll('#plot .heatmaplayer image, #plot .hm image').length") >= 1


def test_a_real_click_toggles_the_log_axis(browser, study_run: Path) -> None:
    open_page(browser, study_run / "explore.html")
    assert browser.evaluate("document.getElementById('plot').layout.xaxis.type") == "linear"  # N = 1..4: no decade
    box = browser.evaluate("JSON.stringify(document.getElementById('ctl-logx').getBoundingClientRect())")
    box = json.loads(box)
    before = renders(browser)
    browser.click_at(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    browser.wait_for(f"Number(document.body.dataset.renders) > {before}")
    assert browser.evaluate("document.getElementById('plot').layout.xaxis.type") == "log"
    assert "logx=1" in browser.evaluate("window.location.hash")


def test_a_fragment_opens_a_view(browser, study_run: Path, dataset) -> None:
    open_page(browser, study_run / "explore.html", "#var=n_steady_states&x=pump_ratio&series=scaling&at.N=2&at.order=1")
    drawn = {t["name"]: t for t in traces(browser)}
    for s in dataset["scaling"].values:
        np.testing.assert_allclose(drawn[f"scaling = {s}"]["x"], dataset["pump_ratio"].values)
        np.testing.assert_allclose(drawn[f"scaling = {s}"]["y"], dataset["n_steady_states"].sel(scaling=s, order="1", N=2).values)


def test_screenshot_shows_the_plot(browser, study_run: Path, tmp_path: Path) -> None:
    open_page(browser, study_run / "explore.html")
    browser.wait_for("document.querySelectorAll('#plot .scatterlayer .trace').length > 0")
    pixels = image(browser.screenshot(tmp_path / "explore.png"))
    assert pixels.shape[:2] == (1000, 1300)
    assert_not_blank(pixels, "explore.html")
    # the lines of order 2 and exact in their colours (a blank or failed chart has none)
    assert colour_pixels(pixels, ORANGE) > 200 and colour_pixels(pixels, SKY_BLUE) > 200


def test_toy_page_infinite_size_failures_and_text_axes(browser, tmp_path: Path) -> None:
    """A model the registry does not know: N = inf drawn as a dotted line, failed points as crosses."""
    ds = toy_study()
    page = tmp_path / "toy.html"
    page.write_text(build_page(ds), encoding="utf-8")
    (scaling, order, N, g), = [p for p in FAILED if p[0] == "s_two"]
    open_page(browser, page, f"#var=signal&x=N&series=order&at.scaling={scaling}&at.g={g:g}")
    drawn = {t["name"]: t for t in traces(browser)}
    finite = [n for n in NS if np.isfinite(n)]
    for o in ds["order"].values:
        line = drawn[f"order = {o}"]
        assert line["x"] == finite  # the infinite N is not a point on the axis ...
        limit = drawn[f"order = {o} (N = inf)"]  # ... but a line across it at the N = inf value
        assert limit["x"] == [min(finite), max(finite)]
        assert limit["y"] == pytest.approx([signal(scaling, o, np.inf, g)] * 2, rel=1e-6)
        expected = [np.nan if (scaling, o, n, g) in FAILED else signal(scaling, o, n, g) for n in finite]
        np.testing.assert_allclose(np.array(line["y"], dtype=float), expected, rtol=1e-6)
    crosses = drawn["failed (converged = 0)"]
    assert crosses["x"] == [N]
    assert "1 failed" in browser.evaluate("document.getElementById('summary').textContent")
    # a dimension of text values on the x axis; the lines are then per scaling (the next dimension)
    change(browser, "ctl-x", "order")
    assert browser.evaluate("document.getElementById('plot').layout.xaxis.type") == "category"
    n_value = NS[browser.evaluate("window.cumexExplore.state.sel.N")]
    drawn = {t["name"]: t for t in traces(browser)}
    for s in ds["scaling"].values:
        assert drawn[f"scaling = {s}"]["x"] == list(ds["order"].values)
        expected = [np.nan if (s, o, n_value, g) in FAILED else signal(s, o, n_value, g) for o in ds["order"].values]
        np.testing.assert_allclose(np.array(drawn[f"scaling = {s}"]["y"], dtype=float), expected, rtol=1e-6)
    # a variable that depends on fewer dimensions: its slicers are disabled, the plot still draws
    change(browser, "ctl-var", "g_eff")
    assert browser.evaluate("document.getElementById('dim-order').disabled") is True
    assert_not_blank(image(browser.screenshot(tmp_path / "toy.png")), "toy page")


def test_the_screenshot_checks_tell_a_blank_page(browser, tmp_path: Path) -> None:
    """The judges of the tests above: a white page is blank and has none of the line colours."""
    page = tmp_path / "blank.html"
    page.write_text("<!DOCTYPE html><html><body style='background: white'></body></html>")
    browser.open(page.as_uri())
    pixels = image(browser.screenshot())
    with pytest.raises(AssertionError, match="looks blank"):
        assert_not_blank(pixels, "a white page")
    assert colour_pixels(pixels, ORANGE) == 0 and colour_pixels(pixels, SKY_BLUE) == 0
