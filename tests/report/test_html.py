"""The page: self-contained, escaped, with the figures in units, and its formatting rules."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from anthropic_ingest.report import build_report, fmt, render_html
from anthropic_ingest.report.charts import OTHER, Series, bar_chart, top_series
from anthropic_ingest.report.model import ReportData
from anthropic_ingest.report.svg import nice_ticks
from tests.report.conftest import Loaded
from tests.report.synth import FIRST, LAST, NOW


@pytest.fixture(scope="module")
def page(duck_full: Loaded) -> tuple[str, ReportData]:
    data = build_report(duck_full.uri, duck_full.dataset, FIRST, LAST, now=NOW)
    return render_html(data), data


def test_page_fetches_nothing(page: tuple[str, ReportData]) -> None:
    html, _ = page
    assert not re.search(r"https?://", html)
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", html, re.IGNORECASE)
    assert "@import" not in html and "url(" not in html


def test_page_shows_range_sections_and_units(page: tuple[str, ReportData]) -> None:
    html, data = page
    assert "<title>Claude usage report — Acme Robotics</title>" in html
    assert "2025-07-28 to 2025-08-17" in html and "21 days" in html
    for heading in ("Claude Code", "API usage (tokens)", "Cost (USD)", "Organization"):
        assert f"<h2>{heading}</h2>" in html
    assert html.count('<svg class="chart"') >= 10
    assert data.cost is not None and fmt.usd(data.cost.total_usd) in html
    assert "projected for August 2025 (USD)" in html
    assert "What is missing" not in html


def test_names_are_escaped(page: tuple[str, ReportData]) -> None:
    html, _ = page
    assert "Data &lt;Science&gt; &amp; &#x27;ML&#x27;" in html
    assert "<Science>" not in html


def test_money_is_rounded_only_for_display() -> None:
    assert fmt.usd(Decimal("1234.5650000001")) == "$1,234.57"
    assert fmt.usd(Decimal("0.004199")) == "$0.0042"
    assert fmt.usd(Decimal(0)) == "$0.00"
    assert fmt.percent(None) == "—" and fmt.percent(Decimal("0.8312")) == "83.1%"
    assert fmt.compact(171_500_000) == "171.5M" and fmt.compact(980) == "980"


def test_axis_ticks_are_round_and_cover_the_maximum() -> None:
    assert nice_ticks(73) == [0, 20, 40, 60, 80]
    assert nice_ticks(0) == [0.0, 1.0]
    ticks = nice_ticks(1_234_567)
    assert ticks[-1] >= 1_234_567 and ticks[1] == 250_000


def test_small_series_are_summed_exactly_into_other() -> None:
    day = date(2025, 8, 1)
    series = [Series(f"m{i}", {day: Decimal(i) / 3}) for i in range(1, 10)]
    kept = top_series(series, keep=6)
    assert [s.name for s in kept] == ["m9", "m8", "m7", "m6", "m5", "m4", OTHER]
    assert kept[-1].at(day) == Decimal(1) / 3 + Decimal(2) / 3 + Decimal(3) / 3


def test_chart_tooltips_carry_exact_figures() -> None:
    day = date(2025, 8, 1)
    svg = bar_chart("Spend", [day], [Series("Engineering", {day: Decimal("12.345")})], "usd", "USD")
    assert "<title>Engineering, 2025-08-01: $12.35</title>" in svg
