"""The tables beyond the original product page, over real HTTP into DuckDB: the analytics
reports (both actor forms, stale cursors), service accounts, rate limits, and what a run
does when the organization's plan or key does not offer them.

The shared emulator serves 2025, before the analytics API has data; these tests start their
own, serving the first quarter of 2026, and pin the run's clock to just after it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from anthropic_ingest import errors, service
from anthropic_ingest.emulator import EmulatorConfig, running_emulator
from anthropic_ingest.endpoints import ANALYTICS_COST, ANALYTICS_USAGE
from anthropic_ingest.tables import TABLES
from tests.conftest import assert_no_secret, run_cli, source_uri
from tests.integration import expected

FIRST, LAST = date(2026, 1, 1), date(2026, 3, 31)
NOW = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
OPTIONAL = ("analytics_cost", "analytics_usage", "service_accounts", "rate_limits")
ANALYTICS = ("analytics_cost", "analytics_usage")
ORG = "/v1/organizations"


def config(**switches: Any) -> EmulatorConfig:
    return EmulatorConfig(seed=11, users=14, start_date=FIRST, end_date=LAST, **switches)


@pytest.fixture(scope="module")
def emu26() -> Iterator[Any]:
    with running_emulator(config()) as emu:
        yield emu


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "analytics.duckdb"


def sync(emu: Any, db: Path, tables: tuple[str, ...], first: date, last: date, **opts: Any) -> Any:
    return service.sync(
        source_uri(emu, **opts),
        f"duckdb:///{db}",
        dataset="a",
        tables=list(tables),
        interval_start=first.isoformat(),
        interval_end=last.isoformat(),
        now=NOW,
    )


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [tuple(r) for r in con.execute(sql).fetchall()]


def rows(db: Path, table: str) -> list[tuple[Any, ...]]:
    columns = ", ".join(TABLES[table].column_names)
    return sorted(query(db, f"select {columns} from a.{table}"), key=repr)


def served(emu: Any, kind: str, first: date, last: date) -> list[dict[str, Any]]:
    """Every analytics row the emulator serves for the days, from its own model."""
    endpoint = ANALYTICS_USAGE if kind == "usage" else ANALYTICS_COST
    group_by = tuple(sorted(endpoint.group_by or ()))
    out = []
    for day in expected.days(first, last):
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        out += emu.org.analytics.rows(kind, start, "1d", group_by, emu.config.analytics_actor_shape)
    return out


def per_day(pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
    sums: dict[str, Any] = defaultdict(int)
    for day, value in pairs:
        sums[str(day)[:10]] += value
    return dict(sums)


def test_each_table_loads_exactly_what_is_served(emu26: Any, db: Path) -> None:
    emu26.reset()
    report = sync(emu26, db, (*OPTIONAL, "cost_report", "usage_report"), FIRST, LAST)
    assert {t.table: t.skipped for t in report.tables} == dict.fromkeys(
        (*OPTIONAL, "cost_report", "usage_report")
    )
    cost = served(emu26, "cost", FIRST, LAST)
    assert len(cost) > 1000
    got = query(db, "select bucket, count(*), sum(amount_cents) from a.analytics_cost group by 1")
    want_sum = per_day([(r["starting_at"], Decimal(r["cost"]["amount"])) for r in cost])
    want_count = per_day([(r["starting_at"], 1) for r in cost])
    assert {str(b)[:10]: (n, Decimal(s)) for b, n, s in got} == {
        d: (want_count[d], want_sum[d]) for d in want_sum
    }
    [(list_total,)] = query(db, "select sum(list_amount_cents) from a.analytics_cost")
    assert Decimal(list_total) == sum(Decimal(r["cost"]["list_amount"]) for r in cost)
    assert query(db, "select count(*) from a.analytics_cost where requests is not null") == [(0,)]

    usage = served(emu26, "usage", FIRST, LAST)
    got = query(db, "select bucket, count(*), sum(total_tokens) from a.analytics_usage group by 1")
    assert {str(b)[:10]: (n, int(t)) for b, n, t in got} == {
        d: (n, t)
        for (d, n), t in zip(
            per_day([(r["starting_at"], 1) for r in usage]).items(),
            per_day([(r["starting_at"], r["usage"]["total_tokens"]) for r in usage]).values(),
            strict=True,
        )
    }
    org = emu26.org
    assert query(db, "select count(*) from a.service_accounts") == [
        (len(org.list_service_accounts(True)),)
    ]
    assert query(db, "select count(*) from a.rate_limits") == [
        (sum(len(limit["limits"]) for limit in org.rate_limits),)
    ]


def test_analytics_days_equal_the_legacy_reports(emu26: Any, db: Path) -> None:
    emu26.reset()
    sync(emu26, db, (*ANALYTICS, "cost_report", "usage_report"), FIRST, LAST)
    by_day = "select bucket::date, sum({col}) from a.{table} group by 1 order by 1"
    analytics = query(db, by_day.format(col="amount_cents", table="analytics_cost"))
    legacy = query(db, by_day.format(col="amount_cents", table="cost_report"))
    assert len(analytics) == (LAST - FIRST).days + 1
    assert analytics == legacy
    tokens = "output_tokens + cache_read_input_tokens"
    usage = query(db, by_day.format(col=tokens, table="analytics_usage"))
    legacy_usage = query(
        db, by_day.format(col="output_tokens + input_cached_tokens", table="usage_report")
    )
    assert usage == legacy_usage


def test_tagged_actors_load_the_same_rows(emu26: Any, tmp_path: Path) -> None:
    emu26.reset()
    by_object = tmp_path / "object.duckdb"
    sync(emu26, by_object, ANALYTICS, FIRST, date(2026, 1, 20))
    with running_emulator(config(analytics_actor_shape="tagged")) as tagged:
        by_id = tmp_path / "tagged.duckdb"
        sync(tagged, by_id, ANALYTICS, FIRST, date(2026, 1, 20))
    for table in ANALYTICS:
        emails = query(by_object, f"select count(actor_email) from a.{table}")
        assert emails[0][0] > 0
        assert query(by_id, f"select count(actor_email) from a.{table}") == [(0,)]
        columns = [c for c in TABLES[table].column_names if c != "actor_email"]
        select = f"select {', '.join(columns)} from a.{table}"
        assert sorted(query(by_object, select), key=repr) == sorted(query(by_id, select), key=repr)
        types = query(by_id, f"select distinct actor_type from a.{table} order by 1")
        assert types == [("api_key",), ("service_account",), ("user",), (None,)]


def test_a_stale_cursor_restarts_the_window_with_identical_data(emu26: Any, tmp_path: Path) -> None:
    # Two windows of 31 days, each three pages of analytics_cost: every third request with a
    # cursor answers 410, so at least one window is read again from its first page.
    last = date(2026, 3, 3)
    emu26.reset()
    clean = tmp_path / "clean.duckdb"
    sync(emu26, clean, ANALYTICS, FIRST, last)
    with running_emulator(config(stale_cursor_every=3)) as stale:
        restarted = tmp_path / "restarted.duckdb"
        sync(stale, restarted, ANALYTICS, FIRST, last)
        log = stale.requests()
    gone = [e for e in log if e["status"] == 410]
    assert gone and all(any(k == "page" for k, _ in e["query"]) for e in gone)
    first_pages = [
        e for e in log if "/analytics/cost" in e["path"] and "page" not in dict(e["query"])
    ]
    assert len(first_pages) == 2 + len(gone)  # one more first page per restart
    assert all(
        e["beta"] == "analytics-usage-cost-2026-08-24" for e in log if "/analytics/" in e["path"]
    )
    for table in ANALYTICS:
        assert rows(restarted, table) == rows(clean, table)
        assert rows(clean, table)


@pytest.mark.parametrize(
    ("level", "why"),
    [
        ("forbidden", "permission denied (403 on "),
        ("not_found", "not offered to this organization (404 on "),
    ],
)
def test_unavailable_tables_are_skipped_and_sync_succeeds(
    level: str, why: str, tmp_path: Path
) -> None:
    switches = {f"{k}_access": level for k in ("analytics", "service_accounts", "rate_limits")}
    with running_emulator(config(**switches)) as emu:
        dest = f"duckdb:///{tmp_path / 'x.duckdb'}"
        uri = source_uri(emu)
        result = run_cli(
            "sync",
            "--source-uri",
            uri,
            "--dest-uri",
            dest,
            "--interval-start",
            "2026-03-01",
            "--interval-end",
            "2026-03-03",
        )
        assert result.code == 0, result.output
        assert_no_secret(emu.admin_key, result.stdout, result.stderr)
        for table in OPTIONAL:
            line = next(x for x in result.stdout.splitlines() if x.startswith(f"{table}:"))
            assert f"not available: {why}" in line, line
        loaded = query(tmp_path / "x.duckdb", "select count(*) from anthropic.cost_report")
        assert loaded[0][0] > 0
        names = {
            r[0]
            for r in query(
                tmp_path / "x.duckdb",
                "select table_name from information_schema.tables where table_schema = 'anthropic'",
            )
        }
        assert not names & set(OPTIONAL)


def test_ingest_of_an_unavailable_table_fails_with_the_reason(tmp_path: Path) -> None:
    with running_emulator(config(analytics_access="forbidden")) as emu:
        result = run_cli(
            "ingest",
            "--source-uri",
            source_uri(emu),
            "--source-table",
            "analytics_cost",
            "--dest-uri",
            f"duckdb:///{tmp_path / 'x.duckdb'}",
            "--interval-start",
            "2026-03-01",
            "--interval-end",
            "2026-03-03",
        )
    assert result.code == 3, result.output
    assert "analytics_cost is not available: permission denied (403" in result.stderr
    assert_no_secret(emu.admin_key, result.stdout, result.stderr)


def test_ingest_before_2026_is_a_usage_error(emu26: Any, db: Path) -> None:
    emu26.reset()
    with pytest.raises(errors.UsageError) as caught:
        service.ingest(
            source_uri(emu26),
            "analytics_usage",
            f"duckdb:///{db}",
            interval_start="2025-12-01",
            interval_end="2026-01-10",
            now=NOW,
        )
    message = str(caught.value)
    assert "\n" not in message and "no data before 2026-01-01" in message
    assert "2026-01-01" in message.split("use an interval from ", 1)[1]
    assert emu26.requests() == [] and not db.exists()
    result = run_cli(
        "ingest",
        "--source-uri",
        source_uri(emu26),
        "--source-table",
        "analytics_cost",
        "--dest-uri",
        f"duckdb:///{db}",
        "--interval-start",
        "2025-06-01",
    )
    assert result.code == 2 and "no data before 2026-01-01" in result.stderr, result.output


def test_sync_clips_or_skips_intervals_before_2026(emu26: Any, db: Path) -> None:
    emu26.reset()
    report = sync(emu26, db, (*ANALYTICS, "cost_report"), date(2025, 12, 29), date(2026, 1, 3))
    windows = {t.table: (t.window_start, t.window_end, t.skipped) for t in report.tables}
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 4, tzinfo=UTC)
    assert windows["analytics_cost"] == windows["analytics_usage"] == (start, end, None)
    assert windows["cost_report"][0] == datetime(2025, 12, 29, tzinfo=UTC)
    assert all(
        e["path"] != f"{ORG}/analytics/cost"
        or ("starting_at", "2026-01-01T00:00:00Z") in [tuple(p) for p in e["query"]]
        for e in emu26.requests()
    )
    before = sync(emu26, db, (*ANALYTICS, "cost_report"), date(2025, 12, 1), date(2025, 12, 31))
    skipped = {t.table: t.skipped for t in before.tables}
    assert skipped["analytics_cost"] == skipped["analytics_usage"] == "no data before 2026-01-01"
    assert skipped["cost_report"] is None


def test_first_run_starts_within_the_last_365_days(emu26: Any, db: Path) -> None:
    emu26.reset()
    later = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
    report = service.sync(
        source_uri(emu26), f"duckdb:///{db}", tables=["analytics_usage"], now=later
    )
    [item] = report.tables
    # 365 days before 2027-01-10T12:00 is 2026-01-10T12:00: the first whole day is the 11th.
    assert item.window_start == datetime(2026, 1, 11, tzinfo=UTC)
    assert item.window_end == datetime(2027, 1, 10, tzinfo=UTC)
    first = query(db, "select min(bucket) from anthropic.analytics_usage")[0][0]
    assert first.date() == date(2026, 1, 11)
    again = service.sync(
        source_uri(emu26), f"duckdb:///{db}", tables=["analytics_usage"], now=later
    )
    # The next run re-reads the 30 days before the last day that had rows (2026-03-31).
    assert again.tables[0].window_start == datetime(2026, 3, 31, tzinfo=UTC) - timedelta(days=30)
