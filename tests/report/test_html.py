"""The page: self-contained, escaped, with the figures in units, and its formatting rules."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from anthropic_ingest.report import build_report, fmt, render_html, wording
from anthropic_ingest.report.blocks import esc
from anthropic_ingest.report.charts import OTHER, Series, bar_chart, top_series
from anthropic_ingest.report.model import ReportData
from anthropic_ingest.report.svg import day_labels, nice_ticks
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
    headings = ("Claude Code", "API usage (tokens)", "Billed API cost (USD)", "Who spends what",
                "Organization")  # fmt: skip
    for heading in headings:
        assert f"<h2>{heading}</h2>" in html
    assert html.count('<svg class="chart"') >= 10
    assert data.cost is not None and fmt.usd(data.cost.total_usd) in html
    assert "billed spend projected for August 2025" in html
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


def _card(html: str, value: str) -> str:
    """The headline card whose figure is `value`."""
    start = html.index(f'<div class="card-value">{value}</div>')
    return html[
        start : html.index('<div class="card">', start)
        if '<div class="card">' in html[start:]
        else None
    ]


def test_billed_spend_and_estimate_each_say_what_they_are(page: tuple[str, ReportData]) -> None:
    html, data = page
    assert data.cost is not None and data.claude_code is not None
    billed = _card(html, fmt.usd(data.cost.total_usd))
    assert f"{wording.BILLED} in this period" in billed and esc(wording.BILLED_WHY) in billed
    estimate = fmt.usd(data.claude_code.totals.estimated_cost_usd)
    card = _card(html, estimate)
    assert f"{wording.ESTIMATE} in this period" in card and esc(wording.ESTIMATE_WHY) in card
    # And in each section's opening sentence, next to the figure.
    assert f"{wording.ESTIMATE}: <strong>{estimate}</strong>. {esc(wording.ESTIMATE_WHY)}" in html
    assert (
        f"<strong>{fmt.usd(data.cost.total_usd)}</strong> spent in this period. "
        f"{esc(wording.BILLED_WHY)}" in html
    )


def test_people_and_api_keys_are_counted_apart(page: tuple[str, ReportData]) -> None:
    html, _ = page
    assert "<strong>5</strong> people (<strong>83%</strong> of the organization" in html
    assert "<strong>1</strong> API keys ran" in html
    assert "Members without Claude Code activity in this period (1)" in html
    assert "<td>Fay Wray</td><td>fay@example.com</td><td>billing</td>" in html
    assert "5 of 6 members (83%) used Claude Code" in html


def test_pending_invites_match_the_table(page: tuple[str, ReportData]) -> None:
    html, _ = page
    assert "<strong>3</strong> pending invites (1 past their expiry date)" in html
    assert "<h3>Pending invites (3)</h3>" in html
    assert "<td>lapsed@example.com</td><td>user</td><td>2025-08-18 07:30 UTC</td>" in html


def test_partial_weeks_are_hatched_and_explained(duck_full: Loaded) -> None:
    first, last = date(2025, 7, 30), date(2025, 8, 14)  # Wednesday to Thursday
    html = render_html(build_report(duck_full.uri, duck_full.dataset, first, last, now=NOW))
    start = html.index('aria-label="Active people and API keys per week"')
    chart = html[start : html.index("</svg>", start)]
    hatched = re.findall(r'fill="url\(#hatch-[0-9a-f]+-\d\)"[^>]*><title>([^<]*)</title>', chart)
    assert hatched and all("(partial week)" in t for t in hatched)
    assert {t.split(",")[1].split()[0] for t in hatched} == {"2025-07-28", "2025-08-11"}
    assert "2025-08-04 (partial week)" not in chart
    assert "week of Jul 28, 2025: 5 of 7 days; week of Aug 11, 2025: 4 of 7 days" in html


def test_axis_labels_carry_the_year_where_it_changes() -> None:
    days = [date(2024, 12, 1) + timedelta(days=i) for i in range(62)]
    labels = day_labels(days, 7)
    assert labels[0] == ("Dec 1", "2024")
    years = [(days[i], year) for i, (_, year) in labels.items() if year]
    assert years == [(date(2024, 12, 1), "2024"), (date(2025, 1, 5), "2025")]
    svg = bar_chart("x", days, [Series("s", {days[0]: 1})], "count", "n")
    assert ">2024</text>" in svg and ">2025</text>" in svg
