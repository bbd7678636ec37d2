"""ingestr's --incremental-strategy and --primary-key, and file destinations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from anthropic_ingest import service
from tests.conftest import Destination, source_uri
from tests.integration import expected


def count(dest: Destination, table: str) -> int:
    return int(dest.query(f"select count(*) from {{ds}}.{table}")[0][0])


def test_append_adds_again_and_replace_keeps_only_the_window(emu: Any, duck: Destination) -> None:
    uri, table = source_uri(emu), f"{duck.dataset}.cost_report"
    first, last = "2025-01-01", "2025-01-03"
    service.ingest(uri, "cost_report", duck.uri, table, interval_start=first, interval_end=last)
    once = count(duck, "cost_report")
    service.ingest(
        uri,
        "cost_report",
        duck.uri,
        table,
        interval_start=first,
        interval_end=last,
        incremental_strategy="append",
    )
    assert count(duck, "cost_report") == 2 * once
    service.ingest(
        uri,
        "cost_report",
        duck.uri,
        table,
        incremental_strategy="replace",
        interval_start="2025-01-02",
        interval_end="2025-01-02",
    )
    [(first, last)] = duck.query("select min(bucket), max(bucket) from {ds}.cost_report")
    assert first == last and first.date().isoformat() == "2025-01-02"


def test_merge_on_a_primary_key_upserts(emu: Any, duck: Destination) -> None:
    uri, table = source_uri(emu), f"{duck.dataset}.users"
    service.ingest(uri, "users", duck.uri, table, incremental_strategy="merge", primary_key=["id"])
    service.ingest(uri, "users", duck.uri, table, incremental_strategy="merge", primary_key=["id"])
    assert count(duck, "users") == len(emu.org.users)


def test_delete_insert_on_a_table_without_time_is_refused(emu: Any, duck: Destination) -> None:
    import pytest

    from anthropic_ingest.errors import UsageError

    with pytest.raises(UsageError, match="delete\\+insert needs a time column; users has none"):
        service.ingest(source_uri(emu), "users", duck.uri, incremental_strategy="delete+insert")


def test_parquet_and_csv_destinations(emu: Any, tmp_path: Path) -> None:
    for kind in ("parquet", "csv"):
        folder = tmp_path / kind
        report = service.sync(
            source_uri(emu),
            f"{kind}:///{folder}",
            tables=["users", "claude_code_usage"],
            interval_start="2025-01-01",
            interval_end="2025-01-02",
        )
        assert {t.mode for t in report.tables} == {"replace"}
        files = list((folder / "anthropic" / "claude_code_usage").glob(f"*.{kind}*"))
        assert files, kind
        reader = "read_parquet" if kind == "parquet" else "read_csv_auto"
        with duckdb.connect() as con:
            [(rows,)] = con.execute(
                f"select count(*) from {reader}('{folder}/anthropic/claude_code_usage/*.{kind}*')"
            ).fetchall()
        from datetime import date

        assert rows == len(expected.claude_code(emu.org, date(2025, 1, 1), date(2025, 1, 2)))
