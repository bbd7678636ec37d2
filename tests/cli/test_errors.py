"""Errors a newcomer understands: one line, no traceback, exit code by kind, no secret."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from anthropic_ingest.tables import TABLES as ALL_TABLES
from tests.conftest import assert_no_secret, run_cli, source_uri

KEY = "sk-ant-admin01-cli-error-test-0123456789abcdef"
TABLES = ", ".join(ALL_TABLES)
EXPECTED_FORMS = (
    "expected one of: duckdb:///path/to/file.duckdb; postgresql://user:password@host:5432/database; "
    "mysql://user:password@host:3306/database; bigquery://project-id?credentials_path=/path/key.json&location=US; "
    "snowflake://user:password@account/database?warehouse=WH&role=ROLE; parquet:///path/to/folder (or csv:///path/to/folder)"
)

CASES = [
    (
        ["ingest", "--source-uri", "anthropic://", "--source-table", "users"],
        2,
        "error: no Admin API key: add api_key=... to the source URI, set ANTHROPIC_ADMIN_API_KEY, or point api_key_file= at a file holding it",
    ),
    (
        ["ingest", "--source-uri", f"anthropic://?api_key={KEY}", "--source-table", "user"],
        2,
        f"error: unknown table 'user'. Did you mean 'users'? Tables: {TABLES}",
    ),
    (
        [
            "ingest",
            "--source-uri",
            f"anthropic://?api_key={KEY}",
            "--source-table",
            "users",
            "--interval-start",
            "2024-02-30",
        ],
        2,
        "error: --interval-start '2024-02-30' is not a date: use YYYY-MM-DD or an ISO 8601 timestamp such as 2024-01-31T00:00:00Z",
    ),
    (
        [
            "ingest",
            "--source-uri",
            f"anthropic://?api_key={KEY}",
            "--source-table",
            "users",
            "--interval-start",
            "2024-03-01",
            "--interval-end",
            "2024-02-01",
        ],
        2,
        "error: --interval-end 2024-02-01 is before --interval-start 2024-03-01",
    ),
    (
        ["sync", "--source-uri", f"anthropic://?api_key={KEY}", "--tables", "users,bogus"],
        2,
        f"error: unknown table 'bogus'. Tables: {TABLES}",
    ),
    (
        [
            "ingest",
            "--source-uri",
            f"anthropic://?api_key={KEY}",
            "--source-table",
            "users",
            "--dest-uri",
            "postgres://u:hunter2@h:x/db",
        ],
        2,
        f"error: malformed destination URI (Port could not be cast to integer value as 'x'); {EXPECTED_FORMS}",
    ),
    (
        [
            "ingest",
            "--source-uri",
            f"anthropic://?api_key={KEY}&base_url=http://127.0.0.1:1&max_retries=1&retry_backoff_seconds=0.01",
            "--source-table",
            "users",
        ],
        3,
        "error: could not get an answer from the Admin API at http://127.0.0.1:1 for /v1/organizations/users after 2 attempts (ConnectError: [Errno 111] Connection refused); check base_url, the network, or raise timeout= in the source URI",
    ),
]


@pytest.mark.parametrize(("args", "code", "line"), CASES)
def test_one_line_errors(args: list[str], code: int, line: str, tmp_path: Path) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert (result.code, result.stderr.strip().splitlines()) == (code, [line])
    assert_no_secret(KEY, result.output)
    assert "hunter2" not in result.output


def test_interval_in_the_future(tmp_path: Path) -> None:
    result = run_cli(
        "ingest",
        "--source-uri",
        f"anthropic://?api_key={KEY}",
        "--source-table",
        "users",
        "--interval-start",
        "2999-01-01",
        cwd=tmp_path,
    )
    assert result.code == 2
    assert result.stderr.startswith("error: --interval-start 2999-01-01 is in the future")


def test_key_without_admin_permission(emu: Any, tmp_path: Path) -> None:
    emu.script(
        "/v1/organizations/users",
        [{"kind": "status", "status": 403, "message": "key is not an admin key"}],
    )
    result = run_cli(
        "ingest",
        "--source-uri",
        source_uri(emu),
        "--source-table",
        "users",
        "--dest-uri",
        f"duckdb:///{tmp_path / 'x.duckdb'}",
    )
    assert result.code == 3
    assert result.stderr.strip().splitlines() == [
        "error: the key lacks permission for /v1/organizations/users (403): an Admin API key from an organization admin is required (key is not an admin key)."
    ]


def test_destination_unreachable(emu: Any) -> None:
    result = run_cli(
        "ingest",
        "--source-uri",
        source_uri(emu),
        "--source-table",
        "users",
        "--dest-uri",
        "postgresql://postgres@127.0.0.1:1/test",
    )
    assert result.code == 4
    assert result.stderr.strip().splitlines() == [
        'error: cannot connect to postgresql://postgres@127.0.0.1:1/test (OperationalError: connection to server at "127.0.0.1", port 1 failed: Connection refused); check the destination URI and that the server is running'
    ]


def test_conflicting_existing_table_keeps_its_rows(emu: Any, tmp_path: Path) -> None:
    db = tmp_path / "mine.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(
            "create schema anthropic; create table anthropic.users (id integer, email integer); insert into anthropic.users values (1, 2)"
        )
    result = run_cli(
        "ingest",
        "--source-uri",
        source_uri(emu),
        "--source-table",
        "users",
        "--dest-uri",
        f"duckdb:///{db}",
    )
    assert result.code == 4
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: duckdb:///{db} refused the data: ConversionException:")
    assert "choose another --dest-table (or --dataset) or drop it" in line
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select id, email from anthropic.users").fetchall() == [(1, 2)]


def test_debug_shows_a_redacted_traceback(tmp_path: Path) -> None:
    result = run_cli(
        "--debug",
        "ingest",
        "--source-uri",
        f"anthropic://?api_key={KEY}&base_url=http://127.0.0.1:1&max_retries=0",
        "--source-table",
        "users",
        cwd=tmp_path,
    )
    assert result.code == 3
    assert "Traceback (most recent call last)" in result.stderr
    assert_no_secret(KEY, result.output)
