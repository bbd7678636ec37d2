"""The report's Claude Enterprise section: its figures agree with the raw tables of a synced
Enterprise organization, a part whose table is missing says so, a Console organization's
report has no such section, and headless Chromium draws it without a network request."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from anthropic_ingest.report import build_report, fmt, render_html, write_report
from anthropic_ingest.report.html_enterprise import ANCHOR
from tests.conftest import Destination, assert_no_secret
from tests.report import enterprise_org as org
from tests.report.browser import Browser
from tests.report.conftest import Loaded
from tests.report.enterprise_org import enterprise_emu
from tests.report.synth import FIRST, LAST, NOW

__all__ = ["enterprise_emu"]  # a fixture
SECTION = f'<section id="{ANCHOR}"><h2>Claude Enterprise</h2>'


@pytest.fixture(scope="module")
def duck(enterprise_emu: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Destination]:
    yield from org.synced(enterprise_emu, "duckdb", tmp_path_factory.mktemp("ent-report"))


def _report(dest: Destination, **kwargs: Any) -> Any:
    return build_report(dest.uri, dest.dataset, now=datetime.now(UTC), **kwargs)


def test_the_section_agrees_with_the_raw_tables(duck: Destination, enterprise_emu: Any) -> None:
    data = _report(duck)
    ent = data.enterprise
    assert ent is not None and ent.adoption and ent.idle is not None
    summaries = org.table(
        duck, "enterprise_summaries", "date, monthly_active_user_count, assigned_seat_count"
    )
    day, mau, seats = max(summaries)
    latest = ent.latest
    assert latest is not None and (latest.day, latest.monthly_active, latest.seats) == (
        day, mau, seats
    )  # fmt: skip
    assert latest.utilisation == org.ratio(mau, seats)
    idle = org.idle_members(duck)
    assert {m.user_id: (m.last_activity, m.days_idle) for m in ent.idle} == idle
    # Claude Code per developer over the report's days: the monthly figures added up
    monthly = org.claude_code_by_month(duck)
    assert ent.developers is not None and len(ent.developers) == len({u for _, u in monthly})
    top = ent.developers[0]
    assert top.billed_usd == max(
        sum((v[-1] or Decimal(0) for (_, u), v in monthly.items() if u == uid), Decimal(0))
        for uid in {u for _, u in monthly}
    )
    assert sum(d.commits for d in ent.developers) == sum(v[0] for v in monthly.values())
    near = org.above_80_percent(duck)
    assert ent.near_limit is not None and len(ent.near_limit) == len(near) >= 1
    assert {(m.period, m.limit_usd, m.spent_usd, m.used_share) for m in ent.near_limit} == {
        (p, *v) for (_, p), v in near.items()
    }
    assert ent.skills and ent.connectors
    html = render_html(data)
    assert SECTION in html and f'<a href="#{ANCHOR}">Claude Enterprise</a>' in html
    assert f"Members idle for 30 days ({len(idle)})" in html
    assert f"{fmt.percent(latest.utilisation)}</strong> seat utilisation" in html
    assert fmt.usd(top.billed_usd or 0) in html
    assert_no_secret(enterprise_emu.analytics_key, html)


def test_a_missing_table_is_named_in_its_place(duck: Destination, tmp_path: Path) -> None:
    assert duck.path is not None
    copy = tmp_path / "partial.duckdb"
    shutil.copy(duck.path, copy)
    with duckdb.connect(str(copy)) as con:
        for table in ("enterprise_skills", "spend_limits_effective"):
            con.execute(f"DROP TABLE {duck.dataset}.{table} CASCADE")
    data = build_report(f"duckdb:///{copy}", duck.dataset, now=datetime.now(UTC))
    assert data.enterprise is not None
    assert data.enterprise.skills is None and data.enterprise.near_limit is None
    assert data.enterprise.connectors
    html = render_html(data)
    assert SECTION in html
    assert "Top skills: not available.</strong> Load the table <code>enterprise_skills</code>" in (
        html
    )
    assert "Spend limits: not available." in html and "spend_limits_effective" in html


def test_a_console_organization_has_no_enterprise_section(duck_full: Loaded) -> None:
    data = build_report(duck_full.uri, duck_full.dataset, FIRST, LAST, now=NOW)
    assert data.enterprise is None
    html = render_html(data)
    assert f'id="{ANCHOR}"' not in html and "Claude Enterprise" not in html
    assert '<section id="who-spends-what">' in html  # the rest is there


def test_the_range_limits_the_activity(duck: Destination) -> None:
    """Figures are those of the report's days: one day holds that day's summary only."""
    ((last,),) = org.table(duck, "enterprise_summaries", "MAX(date)")
    one = _report(duck, date_from=last, date_to=last).enterprise
    assert one is not None and one.adoption is not None
    assert [a.day for a in one.adoption] == [last]
    week = _report(duck, date_from=last - timedelta(days=6), date_to=last).enterprise
    assert week is not None and week.developers is not None and one.developers is not None
    assert sum(d.sessions for d in one.developers) <= sum(d.sessions for d in week.developers)


@pytest.mark.browser
def test_the_section_is_drawn(browser: Browser, duck: Destination, tmp_path: Path) -> None:
    path = write_report(duck.uri, duck.dataset, output=tmp_path / "r.html")
    url = path.as_uri()
    visit = browser.open(url)
    assert visit.requests == [url] and visit.failures == []
    found = browser.script(
        f"const s = document.getElementById('{ANCHOR}');"
        "const w = document.documentElement.clientWidth;"
        "const seen = e => { const r = e.getBoundingClientRect();"
        " return r.height > 20 && r.width > 200 && r.right <= w; };"
        "return {tables: [...s.querySelectorAll('table')].filter(seen).length,"
        "charts: [...s.querySelectorAll('svg.chart')].filter(seen).length,"
        f"link: !!document.querySelector('nav a[href=\"#{ANCHOR}\"]'),"
        "overflow: document.documentElement.scrollWidth - w, text: s.innerText}"
    )
    assert found["charts"] == 2 and found["tables"] == 5 and found["link"]
    assert found["overflow"] == 0
    assert "Members above 80% of their spend limit" in found["text"]
    assert "Claude Code per developer" in found["text"]
