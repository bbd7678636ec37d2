"""MySQL/MariaDB: every table in the URI's database as `<dataset>__<table>`, nothing created
outside it, resume points kept there and shared by `ingest` and `sync`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from anthropic_ingest import service
from anthropic_ingest.errors import UsageError
from tests.conftest import CONSOLE_2025_TABLES, Destination, _destination, run_cli, source_uri

# This test syncs a 2025 interval: the analytics tables (no data before 2026) are skipped.
TABLES = CONSOLE_2025_TABLES

URI = "mysql://root@127.0.0.1:3306/test"
DLT_TABLES = {"_dlt_loads", "_dlt_version", "_dlt_pipeline_state"}


@pytest.fixture
def my(tmp_path: Path) -> Iterator[Destination]:
    """A private dataset in MariaDB's `test` database (fails instead of skipping in CI)."""
    yield from _destination("mysql", tmp_path)


def databases(dest: Destination) -> set[str]:
    return {row[0] for row in dest.query("show databases")}


def duplicates(dest: Destination, table: str) -> int:
    """Rows sharing their table's key with another row (NULL keys compare equal here)."""
    key = ", ".join(TABLES[table].key)
    query = (
        f"select count(*) from (select 1 from {{ds}}.{table} group by {key} having count(*) > 1) d"
    )
    return int(dest.query(query)[0][0])


def test_sync_keeps_every_table_and_the_resume_state_in_the_uri_database(
    emu: Any, my: Destination
) -> None:
    before = databases(my)
    result = run_cli(
        "sync",
        "--source-uri",
        source_uri(emu),
        "--dest-uri",
        URI,
        "--dataset",
        my.dataset,
        "--interval-start",
        "2025-01-01",
        "--interval-end",
        "2025-01-05",
    )
    assert result.code == 0, result.output
    assert databases(my) == before, "no database may be created"
    views = {"claude_code_daily_user_summary", "cost_daily_usd_by_workspace", "usage_report_named"}
    assert my.tables() == set(TABLES) | DLT_TABLES | views
    staging = my.query(
        "select table_name from information_schema.tables where table_schema = 'test' "
        f"and table_name = '{my.dataset}_staging__cost_report'"
    )
    assert staging, "dlt's merge staging tables live in the URI's database too"
    [(pipeline,)] = my.query("select distinct pipeline_name from {ds}._dlt_pipeline_state")
    assert pipeline == f"anthropic_ingest_{my.dataset}"
    assert my.query("select count(*) from {ds}.cost_daily_usd_by_workspace")[0][0] > 0


def test_windows_are_replaced_through_an_index_on_their_key(emu: Any, my: Destination) -> None:
    uri = source_uri(emu)
    counts = []
    for _ in range(2):
        service.sync(
            uri, URI, dataset=my.dataset, tables=["cost_report", "claude_code_usage"],
            interval_start="2025-01-01", interval_end="2025-01-06",
        )  # fmt: skip
        counts.append(my.query("select count(*) from {ds}.cost_report")[0][0])
    assert counts[0] == counts[1] > 0
    assert duplicates(my, "cost_report") == 0
    assert duplicates(my, "claude_code_usage") == 0
    indexed = my.query(
        "select index_name, column_name from information_schema.statistics "
        f"where {my.where_table('cost_report')}"
    )
    assert indexed == [("anthropic_ingest_key", "bucket")]


def test_ingest_and_sync_share_resume_points(emu: Any, my: Destination) -> None:
    uri, table = source_uri(emu), f"{my.dataset}.cost_report"
    first = service.sync(
        uri, URI, dataset=my.dataset, tables=["cost_report"], interval_start="2025-01-01",
        now=datetime(2025, 1, 21, 6, tzinfo=UTC),
    )  # fmt: skip
    assert first.tables[0].window_start == datetime(2025, 1, 1, tzinfo=UTC)
    # no interval: resumes from the sync's resume point (minus the lookback), not 2023
    second = service.ingest(
        uri, "cost_report", URI, table, now=datetime(2025, 1, 22, 6, tzinfo=UTC)
    )
    resumed = second.tables[0].window_start
    assert resumed is not None and datetime(2025, 1, 10, tzinfo=UTC) < resumed
    third = service.sync(
        uri, URI, dataset=my.dataset, tables=["cost_report"],
        now=datetime(2025, 1, 23, 6, tzinfo=UTC),
    )  # fmt: skip
    start = third.tables[0].window_start
    assert start is not None and resumed < start
    assert duplicates(my, "cost_report") == 0
    [(last,)] = my.query("select max(bucket) from {ds}.cost_report")
    assert last.date().isoformat() == "2025-01-22"


def test_full_refresh_drops_and_reloads_the_prefixed_table(emu: Any, my: Destination) -> None:
    uri, table = source_uri(emu), f"{my.dataset}.users"
    service.ingest(uri, "users", URI, table)
    service.ingest(uri, "users", URI, table, full_refresh=True)
    assert my.query("select count(*) from {ds}.users") == [(len(emu.org.users),)]


def test_a_dataset_too_long_for_mysql_names_is_a_usage_error(emu: Any, my: Destination) -> None:
    dataset = my.dataset + "_" + "x" * 40
    with pytest.raises(UsageError, match="longer than MySQL's 64 characters: choose a shorter"):
        service.sync(source_uri(emu), URI, dataset=dataset, tables=["users"])
