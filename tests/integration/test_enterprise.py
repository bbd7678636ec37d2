"""Claude Enterprise organizations over real HTTP into DuckDB: an Analytics API key loads the
Enterprise tables and the analytics cost and usage, lists the Admin tables as not available
and succeeds; a day the API says is not ready ends the window cleanly; the key never leaks;
an Admin key of a Console organization lists the Enterprise tables as not available.

The emulator in enterprise mode serves engagement data up to two days before today (UTC).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest

from anthropic_ingest.check import ORIGINAL_TABLES
from anthropic_ingest.emulator import EmulatorConfig, running_emulator
from anthropic_ingest.tables_enterprise import ENTERPRISE_TABLES
from tests.conftest import assert_no_secret, run_cli

ENTERPRISE = tuple(spec.name for spec in ENTERPRISE_TABLES)
PER_DAY = {s.name: s.source.path for s in ENTERPRISE_TABLES if s.source.paging == "per_day"}
TODAY = datetime.now(UTC).date()
FIRST = TODAY - timedelta(days=6)
FAST = "requests_per_minute=100000"  # the emulator's Enterprise limit is off in these tests


@pytest.fixture(scope="module")
def enterprise() -> Iterator[Any]:
    config = EmulatorConfig(
        seed=11, users=14, org_type="enterprise", enterprise_rate_limit_rpm=None
    )
    with running_emulator(config) as emu:
        yield emu


def analytics_uri(emu: Any) -> str:
    return f"anthropic://?api_key={emu.config.analytics_key}&base_url={emu.base_url}&{FAST}"


def count(db: Path, table: str, where: str = "") -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(f"select count(*) from e.{table} {where}").fetchone()
    return int(row[0]) if row else 0


def served_rows(emu: Any, path: str, day: date) -> int | None:
    """Rows the emulator serves for one day, read page by page with the Analytics key; None
    when it says the day is not ready yet."""
    headers = {"x-api-key": emu.config.analytics_key, "anthropic-version": "2023-06-01"}
    total, params = 0, {"date": day.isoformat(), "limit": "1000"}
    with httpx.Client(base_url=emu.base_url, headers=headers) as http:
        while True:
            answer = http.get(path, params=params)
            if answer.status_code == 400 and "not available yet" in answer.text:
                return None
            answer.raise_for_status()
            body = answer.json()
            total += len(body["data"])
            if not body.get("next_page") or body.get("has_more") is False:
                return total
            params["page"] = body["next_page"]


def sync_cli(uri: str, db: Path, *args: str) -> Any:
    return run_cli(
        "sync", "--source-uri", uri, "--dest-uri", f"duckdb:///{db}", "--dataset", "e", *args
    )


def test_analytics_key_loads_the_enterprise_tables_and_lists_admin_ones(
    enterprise: Any, tmp_path: Path
) -> None:
    db = tmp_path / "ent.duckdb"
    enterprise.clear_requests()
    result = sync_cli(analytics_uri(enterprise), db, "--interval-start", FIRST.isoformat())
    assert result.code == 0, result.output
    # The groups are listed once, for their table and their members' fan-out alike.
    groups = [r for r in enterprise.requests() if r["path"] == "/v1/organizations/rbac_groups"]
    assert [dict(r["query"]).get("page") for r in groups] == [None]
    key = enterprise.config.analytics_key
    assert_no_secret(key, result.stdout, result.stderr)
    assert key.encode() not in db.read_bytes()
    for table in ORIGINAL_TABLES:
        assert f"{table} is not available: needs an Admin API key" in result.output
    days = [FIRST + timedelta(days=i) for i in range((TODAY - FIRST).days)]
    for table, path in PER_DAY.items():
        expected = [served_rows(enterprise, path, day) for day in days]
        ready = [n for n in expected if n is not None]
        assert len(ready) == len(days) - 1  # today-1 is not ready yet (two days of lag)
        assert count(db, table) == sum(ready), table
    for table in ("enterprise_summaries", "rbac_groups", "rbac_group_members"):
        assert count(db, table) > 0, table
    assert count(db, "spend_limits_effective") > 0
    assert count(db, "analytics_cost") > 0 and count(db, "analytics_usage") > 0


def test_a_too_recent_day_ends_the_window_and_is_asked_again(
    enterprise: Any, tmp_path: Path
) -> None:
    db = tmp_path / "ent.duckdb"
    table = "enterprise_user_activity"
    args = ("--source-table", table, "--dest-uri", f"duckdb:///{db}", "--dest-table", f"e.{table}")
    uri = analytics_uri(enterprise)
    enterprise.clear_requests()
    result = run_cli("ingest", "--source-uri", uri, *args, "--interval-start", str(FIRST))
    assert result.code == 0, result.output
    refused = [r for r in enterprise.requests() if r["status"] == 400]
    assert refused, "the run should have met a day that is not ready"
    with duckdb.connect(str(db), read_only=True) as con:
        last = con.execute(f"select max(date) from e.{table}").fetchone()
    latest = TODAY - timedelta(days=2)
    assert last is not None and last[0] == latest
    # The next run resumes before the not-ready day (the lookback re-reads revised days).
    enterprise.clear_requests()
    again = run_cli("ingest", "--source-uri", uri, *args)
    assert again.code == 0, again.output
    asked = sorted(
        dict(r["query"])["date"]
        for r in enterprise.requests()
        if r["path"].endswith("/analytics/users")
    )
    assert asked[0] == str(latest - timedelta(days=3))
    assert str(latest) in asked


def test_console_admin_key_lists_enterprise_tables_as_not_available(
    emu: Any, tmp_path: Path
) -> None:
    db = tmp_path / "con.duckdb"
    uri = f"anthropic://?api_key={emu.admin_key}&base_url={emu.base_url}"
    tables = ",".join(("organization", "users", *ENTERPRISE))
    result = sync_cli(uri, db, "--tables", tables)
    assert result.code == 0, result.output
    assert_no_secret(emu.admin_key, result.stdout, result.stderr)
    needs = "needs an Analytics API key with read:analytics (Claude Enterprise)"
    for table in PER_DAY:
        assert f"{table} is not available: {needs}" in result.output
    assert count(db, "users") > 0


def test_check_names_the_families_an_analytics_key_reads(enterprise: Any) -> None:
    result = run_cli("check", "--source-uri", analytics_uri(enterprise))
    assert result.code == 0, result.output
    assert_no_secret(enterprise.config.analytics_key, result.stdout, result.stderr)
    assert "reads: Usage and Cost Analytics, Claude Enterprise analytics" in " ".join(
        result.stdout.split()
    )
