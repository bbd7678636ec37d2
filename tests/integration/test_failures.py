"""Transient faults are survived with identical data; permanent ones fail the run cleanly.

A failed run exits non-zero with one actionable line and leaves the destination exactly as it
was. The Admin key appears in no output and nowhere in the destination.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import CONSOLE_2025_TABLES, Destination, assert_no_secret, run_cli, source_uri

# This test syncs a 2025 interval: the analytics tables (no data before 2026) are skipped.
TABLES = CONSOLE_2025_TABLES

FAST = {"retry_backoff_seconds": "0.01", "max_retries": "8", "timeout": "10"}
TRANSIENT = [
    {"kind": "status", "status": 429, "retry_after": "0"},
    {"kind": "status", "status": 529},
    {"kind": "status", "status": 500},
    {"kind": "drop"},
    {"kind": "truncate"},
    {"kind": "html"},
    {"kind": "status", "status": 503, "should_retry": True},
]
CASES = {
    "users": ("/v1/organizations/users", False),
    "claude_code_usage": ("/v1/organizations/usage_report/claude_code", False),
    "cost_report": ("/v1/organizations/cost_report", False),
    "workspace_members": ("/v1/organizations/workspaces/", True),
}


def ingest(emu: Any, dest: Destination, table: str, dataset: str, **options: str) -> Any:
    result = run_cli(
        "ingest",
        "--source-uri",
        source_uri(emu, **{**FAST, **options}),
        "--source-table",
        table,
        "--dest-uri",
        dest.uri,
        "--dest-table",
        f"{dataset}.{table}",
        "--interval-start",
        "2025-01-01",
        "--interval-end",
        "2025-01-10",
    )
    assert_no_secret(emu.admin_key, result.stdout, result.stderr)
    return result


def rows(dest: Destination, dataset: str, table: str) -> list[tuple[Any, ...]]:
    cols = ", ".join(TABLES[table].column_names)
    return sorted(dest.query(f"select {cols} from {dataset}.{table}"), key=repr)


@pytest.mark.parametrize("table", sorted(CASES))
def test_transient_faults_give_identical_data(emu: Any, duck: Destination, table: str) -> None:
    clean = ingest(emu, duck, table, "clean")
    assert clean.code == 0, clean.output
    path, prefix = CASES[table]
    emu.script(path, TRANSIENT, prefix=prefix)
    faulted = ingest(emu, duck, table, "faulted")
    assert faulted.code == 0, faulted.output
    assert emu.pending_scripts() == []
    assert rows(duck, "faulted", table) == rows(duck, "clean", table)
    assert rows(duck, "clean", table)


def test_rejected_key_fails_and_leaves_destination_unchanged(emu: Any, duck: Destination) -> None:
    assert ingest(emu, duck, "users", duck.dataset).code == 0
    before = rows(duck, duck.dataset, "users")
    result = run_cli(
        "ingest",
        "--source-uri",
        f"anthropic://?api_key=sk-ant-admin01-not-the-key&base_url={emu.base_url}",
        "--source-table",
        "users",
        "--dest-uri",
        duck.uri,
        "--dest-table",
        f"{duck.dataset}.users",
    )
    assert result.code == 3
    assert result.stderr.strip().splitlines() == [
        "error: Admin API key rejected (401): check the key; Admin keys start with sk-ant-admin "
        "and are created in Console > Settings > Admin keys. Pass it as api_key= in the source "
        "URI or set ANTHROPIC_ADMIN_API_KEY."
    ]
    assert "not-the-key" not in result.output
    assert rows(duck, duck.dataset, "users") == before


@pytest.mark.parametrize("table", ["users", "claude_code_usage", "usage_report"])
def test_rejected_key_creates_no_file(emu: Any, tmp_path: Path, table: str) -> None:
    result = run_cli(
        "ingest",
        "--source-uri",
        f"anthropic://?api_key=sk-ant-admin01-not-the-key&base_url={emu.base_url}",
        "--source-table",
        table,
        "--dest-uri",
        f"duckdb:///{tmp_path / 'new.duckdb'}",
    )
    assert result.code == 3, result.output
    assert "Admin API key rejected (401)" in result.stderr
    assert list(tmp_path.iterdir()) == [], "nothing is written when the key is rejected"


def test_a_first_run_that_fails_while_fetching_leaves_no_file(emu: Any, tmp_path: Path) -> None:
    """dlt looks for the resume point in the DuckDB file before the first page is asked for,
    which creates the file; when the table then fails, the new file goes again."""
    emu.script(
        "/v1/organizations/usage_report/claude_code",
        [{"kind": "status", "status": 500, "count": 10}],
    )
    args = ["--source-table", "claude_code_usage", "--dest-uri", f"duckdb:///{tmp_path}/new.duckdb"]
    args += ["--interval-start", "2025-01-01", "--interval-end", "2025-01-03"]
    result = run_cli(
        "ingest", "--source-uri", source_uri(emu, **{**FAST, "max_retries": "1"}), *args
    )
    assert result.code == 3, result.output
    assert "failed on /v1/organizations/usage_report/claude_code (HTTP 500" in result.stderr
    assert list(tmp_path.iterdir()) == [], "a failed first run leaves the folder as it was"


def test_a_daily_run_into_an_existing_file_asks_only_for_its_data(emu: Any, tmp_path: Path) -> None:
    """The key check before a new DuckDB file is created costs a request that a daily run,
    whose file exists, does not pay; a rejected key still changes nothing."""
    db = tmp_path / "daily.duckdb"
    args = ["--source-table", "cost_report", "--dest-uri", f"duckdb:///{db}"]
    args += ["--interval-start", "2025-01-01", "--interval-end", "2025-01-02"]
    first = run_cli("ingest", "--source-uri", source_uri(emu), *args)
    assert first.code == 0, first.output
    emu.clear_requests()
    daily = run_cli("ingest", "--source-uri", source_uri(emu), *args)
    assert daily.code == 0, daily.output
    assert [e["path"] for e in emu.requests()] == ["/v1/organizations/cost_report"]
    wrong = f"anthropic://?api_key=sk-ant-admin01-not-the-key&base_url={emu.base_url}"
    rejected = run_cli("ingest", "--source-uri", wrong, *args)
    assert rejected.code == 3, rejected.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from anthropic.cost_report").fetchone()[0] > 0  # type: ignore[index]
    assert "not-the-key" not in rejected.output


def test_a_failing_table_fails_the_sync_and_keeps_the_others(emu: Any, duck: Destination) -> None:
    first = run_cli(
        "sync",
        "--source-uri",
        source_uri(emu, **FAST),
        "--dest-uri",
        duck.uri,
        "--dataset",
        duck.dataset,
        "--interval-start",
        "2025-01-01",
        "--interval-end",
        "2025-01-05",
    )
    assert first.code == 0, first.output
    before = {t: rows(duck, duck.dataset, t) for t in TABLES}
    emu.script(
        "/v1/organizations/usage_report/claude_code",
        [{"kind": "status", "status": 500, "count": 500}],
    )
    failed = run_cli(
        "sync",
        "--source-uri",
        source_uri(emu, **{**FAST, "max_retries": "2"}),
        "--dest-uri",
        duck.uri,
        "--dataset",
        duck.dataset,
        "--interval-start",
        "2025-01-01",
        "--interval-end",
        "2025-01-07",
    )
    assert failed.code == 3, failed.output
    last = failed.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "error: claude_code_usage was not loaded completely: the Admin API failed on "
        "/v1/organizations/usage_report/claude_code (HTTP 500"
    )
    assert "after 3 attempts; try again later (request-id req_" in last
    assert "loaded: usage_report, cost_report, organization" in last
    after = {t: rows(duck, duck.dataset, t) for t in TABLES}
    for table in ("claude_code_usage", "claude_code_usage_by_model"):
        assert after[table] == before[table], f"{table} must be left as it was"
    [(last_cost_day,)] = duck.query("select max(bucket) from {ds}.cost_report")
    assert str(last_cost_day)[:10] == "2025-01-07", "the tables that succeeded are loaded"
    assert_no_secret(emu.admin_key, failed.output)


def test_unknown_path_is_an_error_not_an_empty_table(emu: Any, duck: Destination) -> None:
    result = run_cli(
        "ingest",
        "--source-uri",
        f"anthropic://?api_key={emu.admin_key}&base_url={emu.base_url}/proxy",
        "--source-table",
        "users",
        "--dest-uri",
        duck.uri,
    )
    assert result.code == 3
    assert "/proxy/v1/organizations/users was not found (404): check base_url" in result.stderr
    assert not duck.path or not duck.path.exists() or "users" not in str(duck.tables())


def test_key_is_nowhere_in_the_destination(emu: Any, tmp_path: Path) -> None:
    db = tmp_path / "all.duckdb"
    result = run_cli(
        "--debug",
        "sync",
        "--source-uri",
        source_uri(emu),
        "--dest-uri",
        f"duckdb:///{db}",
        "--interval-start",
        "2025-01-01",
        "--interval-end",
        "2025-01-03",
        "--progress",
        "log",
    )
    assert result.code == 0, result.output
    assert_no_secret(emu.admin_key, result.output)
    assert emu.admin_key.encode() not in db.read_bytes()
    for wal in tmp_path.glob("*.wal"):
        assert emu.admin_key.encode() not in wal.read_bytes()


def test_a_refused_api_version_is_one_clear_line(emu: Any, duck: Destination) -> None:
    message = "anthropic-version: '2023-06-01' is no longer supported"
    emu.script(
        "/v1/organizations/users",
        [
            {
                "kind": "status",
                "status": 400,
                "error_type": "invalid_request_error",
                "message": message,
            }
        ],
    )
    result = ingest(emu, duck, "users", duck.dataset)
    assert result.code == 3, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(
        "error: the Admin API refused the API version this tool sends "
        "(anthropic-version: 2023-06-01) on /v1/organizations/users: " + message
    )
    assert "check for a newer anthropic-ingest" in line


def test_every_request_pins_the_api_version(emu: Any, duck: Destination) -> None:
    result = ingest(emu, duck, "claude_code_usage", duck.dataset)
    assert result.code == 0, result.output
    sent = {(entry["version"], entry["beta"]) for entry in emu.requests()}
    assert sent == {("2023-06-01", None)}
