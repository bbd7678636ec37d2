"""Emulator serving 2026 (the analytics API has no earlier data), `sync` into DuckDB, then the
views and the report: the emulator bills analytics_cost exactly as cost_report per day, so the
reconciliation shows no difference on any day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from anthropic_ingest import service
from anthropic_ingest.emulator import EmulatorConfig, running_emulator
from anthropic_ingest.report import build_report, fmt, render_html
from tests.conftest import assert_no_secret, source_uri

FIRST, LAST = date(2026, 1, 26), date(2026, 2, 10)
NOW = datetime(2026, 2, 11, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Any]]:
    config = EmulatorConfig(seed=5, users=12, start_date=FIRST, end_date=LAST)
    path = tmp_path_factory.mktemp("spend") / "spend.duckdb"
    with running_emulator(config) as emu:
        report = service.sync(
            source_uri(emu),
            f"duckdb:///{path}",
            dataset="anthropic",
            interval_start=FIRST.isoformat(),
            interval_end=LAST.isoformat(),
            now=NOW,
        )
        assert "cost_reconciliation_daily" in report.views
        yield path, emu


def _query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return [tuple(r) for r in con.execute(sql).fetchall()]


def test_reconciliation_shows_no_difference_on_any_day(synced: tuple[Path, Any]) -> None:
    path, _ = synced
    days = _query(
        path,
        "SELECT date, cost_report_usd, analytics_cost_usd, difference_usd "
        "FROM anthropic.cost_reconciliation_daily ORDER BY date",
    )
    assert [d for d, *_ in days] == [
        date.fromordinal(n) for n in range(FIRST.toordinal(), LAST.toordinal() + 1)
    ]
    assert all(
        legacy > 0 and legacy == analytics and diff == 0 for _, legacy, analytics, diff in days
    )
    ((people,),) = _query(
        path, "SELECT COUNT(*) FROM anthropic.cost_monthly_by_user WHERE user_name IS NOT NULL"
    )
    assert people > 0


def test_the_report_shows_who_spends_what(synced: tuple[Path, Any]) -> None:
    path, emu = synced
    data = build_report(f"duckdb:///{path}", "anthropic", date(2026, 2, 1), LAST, now=NOW)
    spend = data.spend
    assert spend is not None and spend.reconciliation is not None
    r = spend.reconciliation
    assert (r.first, r.last, r.days, r.days_differing) == (date(2026, 2, 1), LAST, 10, 0)
    assert r.difference_usd == 0 and r.analytics_usd == spend.month.spend_usd > 0
    assert data.cost is not None and data.cost.total_usd == r.cost_report_usd
    assert (
        sum((u.billed_usd for u in spend.by_user), Decimal(0)) + spend.not_people_usd
        == r.analytics_usd
    )
    assert any(p.billed_usd for p in spend.claude_code)
    html = render_html(data)
    assert '<section id="who-spends-what"><h2>Who spends what</h2>' in html
    assert f"difference <strong>{fmt.usd(0)}</strong>" in html
    assert "they agree on each of the 10 days" in html
    assert_no_secret(emu.admin_key, html)
