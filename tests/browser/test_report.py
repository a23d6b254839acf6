"""`snakemake --report` of a study in headless Chromium: its results list the study's figures and the
interactive page; each figure shows as an image, and in the zip report the page draws its plot inside the
report. (In the single-file report Chromium shows the figures but not the page: it refuses iframe data
URLs over 2 MB, and the page holds plotly.js; README "Report and interactive page".)"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from browser_checks import STUDY, assert_not_blank, colour_pixels, image

pytestmark = pytest.mark.browser

FIGURES = ("convergence", "error", "pump_ratio", "stability")
PAGE = "interactive page (explore.html)"
CATEGORY = f"Study {STUDY['study']}"

CLICK_TEXT = """(() => {{ const el = [...document.querySelectorAll('a, td, span')].find(e => e.textContent.trim() === {text!r});
  if (!el) return false; (el.closest('a') || el).click(); return true; }})()"""
# a result's row holds its name and two buttons: show (eye) and information
SHOW = """(() => {{ const cell = [...document.querySelectorAll('td')].find(e => e.textContent.trim() === {text!r});
  if (!cell) return false; cell.closest('tr').querySelector('a[iconname=eye]').click(); return true; }})()"""
APP_TEXT = "document.getElementById('app') ? document.getElementById('app').innerText : ''"


def open_category(browser, report: Path) -> str:
    """Open the report, go to Results and the study's category; the text of the list."""
    browser.open(report.as_uri())
    browser.wait_for(f"({APP_TEXT}).includes('Results')")
    assert browser.evaluate(CLICK_TEXT.format(text="Results"))
    browser.wait_for(f"({APP_TEXT}).includes({CATEGORY!r})")
    assert browser.evaluate(CLICK_TEXT.format(text=CATEGORY))
    return browser.wait_for(f"({APP_TEXT}).includes({PAGE!r}) && {APP_TEXT}")


def shown_rect(browser, selector: str) -> dict:
    return json.loads(browser.evaluate(f"JSON.stringify(document.querySelector({selector!r}).getBoundingClientRect())"))


def crop(pixels, rect: dict):
    x0, y0 = int(max(rect["x"], 0)), int(max(rect["y"], 0))
    return pixels[y0:int(y0 + rect["height"]), x0:int(x0 + rect["width"])]


def test_report_lists_and_shows_every_figure(browser, study_run: Path, tmp_path: Path) -> None:
    text = open_category(browser, study_run / "report.html")
    for name in (*FIGURES, PAGE):
        assert name in text, f"{name!r} not among the report's results:\n{text[:2000]}"
    for name in FIGURES:
        assert browser.evaluate(SHOW.format(text=name)), name
        shown = browser.wait_for(
            "(() => { const img = [...document.images].find(i => i.src.startsWith('data:image/png') && i.src.includes("
            f"{name + '.png'!r})); return img && img.complete && img.naturalWidth > 300 && img.naturalWidth; }})()")
        assert shown > 300, name
        pixels = image(browser.screenshot(tmp_path / f"report_{name}.png"))
        assert_not_blank(pixels, f"report showing {name}")


def test_zip_report_shows_the_interactive_page(browser, study_run: Path, tmp_path: Path) -> None:
    open_category(browser, study_run / "report_zip" / "report" / "report.html")
    assert browser.evaluate(SHOW.format(text=PAGE))
    src = browser.wait_for("document.querySelector('iframe') && document.querySelector('iframe').src")
    assert src.startswith("file://") and src.endswith("/explore.html")
    frame = next(f for f in browser.frames() if f["url"] == src)
    deadline = time.monotonic() + 60
    while not browser.evaluate_in_frame(frame["id"], "Number(document.body && document.body.dataset.renders || 0) >= 1"):
        assert time.monotonic() < deadline, "the interactive page did not draw inside the report"
        time.sleep(0.2)
    n_orders = len(STUDY["grids"][0]["orders"])
    assert browser.evaluate_in_frame(frame["id"], "document.querySelectorAll('#plot .scatterlayer .trace').length") == n_orders
    assert "Provenance" in browser.evaluate_in_frame(frame["id"], "document.body.innerText")
    pixels = image(browser.screenshot(tmp_path / "report_explore.png"))
    inside = crop(pixels, shown_rect(browser, "iframe"))
    assert_not_blank(inside, "the interactive page inside the report")
    assert colour_pixels(inside, "#E69F00") > 200  # the page's order-2 line (Okabe-Ito orange)
