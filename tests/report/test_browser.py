"""The report opens in headless Chromium without a single network request beyond the file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from anthropic_ingest.report import wording, write_report
from tests.report.browser import Browser
from tests.report.conftest import Loaded
from tests.report.synth import FIRST, LAST, NOW

pytestmark = pytest.mark.browser


def test_report_renders_offline_and_is_screenshotted(
    browser: Browser, duck_full: Loaded, tmp_path: Path
) -> None:
    path = write_report(duck_full.uri, duck_full.dataset, FIRST, LAST, tmp_path / "r.html", now=NOW)
    url = path.as_uri()
    visit = browser.open(url)
    assert visit.requests == [url]
    assert visit.failures == []
    assert [line for line in visit.console if line.startswith("SEVERE")] == []
    assert browser.script("return document.title") == "Claude usage report — Acme Robotics"
    drawn = browser.script(
        "return [...document.querySelectorAll('svg.chart')]"
        ".filter(s => s.getBoundingClientRect().width > 300).length"
    )
    assert drawn >= 10
    shot = browser.screenshot(tmp_path / "report.png")
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and shot.stat().st_size > 50_000


def test_the_check_catches_a_page_that_fetches(browser: Browser, tmp_path: Path) -> None:
    """A control: a page loading an image over the network is reported, failure included."""
    page = tmp_path / "fetching.html"
    page.write_text('<html><body><img src="http://127.0.0.1:9/pixel.png"></body></html>')
    visit = browser.open(page.as_uri())
    assert "http://127.0.0.1:9/pixel.png" in visit.requests
    assert len(visit.failures) == 1 and "pixel.png" in visit.failures[0]


def test_money_figures_sit_next_to_what_they_are(
    browser: Browser, duck_full: Loaded, tmp_path: Path
) -> None:
    """Billed spend and the Claude Code estimate share a row, each above its explanation,
    and the page does not overflow the window sideways."""
    path = write_report(duck_full.uri, duck_full.dataset, FIRST, LAST, tmp_path / "r.html", now=NOW)
    browser.open(path.as_uri())
    boxes = browser.script(
        "return [...document.querySelectorAll('.cards.money .card')].map(c => {"
        "const r = e => c.querySelector(e).getBoundingClientRect();"
        "return {top: r('.card-value').top, valueBottom: r('.card-value').bottom,"
        "noteTop: r('.card-note').top, noteHeight: r('.card-note').height,"
        "left: c.getBoundingClientRect().left, text: c.innerText}; })"
    )
    assert len(boxes) == 2
    billed, estimate = boxes
    assert wording.BILLED in billed["text"] and wording.BILLED_WHY in billed["text"]
    assert wording.ESTIMATE in estimate["text"] and wording.ESTIMATE_WHY in estimate["text"]
    assert billed["top"] == estimate["top"] and estimate["left"] > billed["left"]
    for box in boxes:
        assert 0 < box["noteTop"] - box["valueBottom"] < 40 and box["noteHeight"] > 0
    overflow = browser.script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0


def test_partial_weeks_and_years_are_drawn(
    browser: Browser, duck_full: Loaded, tmp_path: Path
) -> None:
    first, last = date(2025, 7, 30), date(2025, 8, 14)
    path = write_report(duck_full.uri, duck_full.dataset, first, last, tmp_path / "r.html", now=NOW)
    browser.open(path.as_uri())
    hatched = browser.script(
        "return [...document.querySelectorAll('svg.chart rect')]"
        ".filter(r => (r.getAttribute('fill') || '').startsWith('url(#hatch'))"
        ".filter(r => r.getBoundingClientRect().height > 1).length"
    )
    assert hatched >= 4  # two partial weeks, people and API keys each
    years = browser.script(
        "return [...document.querySelectorAll('svg.chart text.year')]"
        ".filter(t => t.getBoundingClientRect().width > 20).map(t => t.textContent)"
    )
    assert years and set(years) == {"2025"}


def test_who_spends_what_is_drawn(browser: Browser, duck_full: Loaded, tmp_path: Path) -> None:
    """The section's tables are on the page, inside the window, and the nav links to it."""
    path = write_report(duck_full.uri, duck_full.dataset, FIRST, LAST, tmp_path / "r.html", now=NOW)
    visit = browser.open(path.as_uri())
    assert visit.requests == [path.as_uri()] and visit.failures == []
    found = browser.script(
        "const s = document.getElementById('who-spends-what');"
        "const w = document.documentElement.clientWidth;"
        "return {tables: [...s.querySelectorAll('table')].filter(t => {"
        "const r = t.getBoundingClientRect(); return r.height > 20 && r.right <= w; }).length,"
        "link: !!document.querySelector('nav a[href=\"#who-spends-what\"]'),"
        "text: s.innerText}"
    )
    assert found["tables"] == 5 and found["link"]
    assert "Reconciliation" in found["text"] and "Projection = month to date" in found["text"]
