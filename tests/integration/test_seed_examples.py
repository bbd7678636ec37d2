"""Every example command of the original product page, with only the program name changed and
`base_url` pointing at the emulator, into DuckDB and PostgreSQL, with correct data."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from anthropic_ingest.emulator import EmulatorConfig, running_emulator
from tests.conftest import _connect, assert_no_secret, require_server, run_cli
from tests.integration import expected

FIRST, LAST = date(2024, 11, 1), date(2024, 12, 31)
SEED_URI = "anthropic://?api_key={key}&base_url={base}"

# (source table, seed destination URI, destination table, interval) as on the product page.
EXAMPLES = [
    ("claude_code_usage", "duckdb:///anthropic_data.db", "claude_code_usage", None),
    (
        "claude_code_usage",
        "postgresql://user:password@localhost:5432/analytics",
        "claude_code_usage",
        ("2024-01-01", "2024-12-31"),
    ),
    ("organization", "duckdb:///anthropic_data.db", "organization", None),
    (
        "usage_report",
        "postgresql://user:password@localhost:5432/analytics",
        "api_usage",
        ("2024-01-01", "2024-12-31"),
    ),
    ("cost_report", "duckdb:///costs.db", "anthropic_costs", None),
    ("users", "duckdb:///org_data.db", "users", None),
    ("workspaces", "duckdb:///org_data.db", "workspaces", None),
    ("workspace_members", "duckdb:///org_data.db", "workspace_members", None),
]


@pytest.fixture(scope="module")
def seed_emu() -> Iterator[Any]:
    with running_emulator(EmulatorConfig(seed=5, users=8, start_date=FIRST, end_date=LAST)) as emu:
        yield emu


@pytest.fixture(scope="module")
def pg_database() -> Iterator[str]:
    require_server("postgresql")
    name = "seed_" + uuid.uuid4().hex[:8]
    conn = _connect("postgresql")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"create database {name}")
    try:
        yield name
    finally:
        with conn.cursor() as cur:
            cur.execute(f"drop database if exists {name} with (force)")
        conn.close()


def expected_rows(emu: Any, table: str) -> int:
    org = emu.org
    if table == "claude_code_usage":
        return len(expected.claude_code(org, FIRST, LAST))
    if table == "usage_report":
        return len(expected.usage(org, FIRST, LAST))
    if table == "cost_report":
        return len(expected.cost(org, FIRST, LAST))
    if table == "workspace_members":
        return len(expected.members(org))
    listing = {"organization": [org.organization], "users": org.users}
    return len(listing.get(table) or org.list_workspaces(include_archived=True))


def count(kind: str, where: Path | str, table: str) -> int:
    sql = f"select count(*) from anthropic.{table}"
    if kind == "duckdb":
        import duckdb

        with duckdb.connect(str(where), read_only=True) as con:
            return int(con.execute(sql).fetchone()[0])  # type: ignore[index]
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname=str(where))
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return int(cur.fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("kind", ["duckdb", "postgresql"])
@pytest.mark.parametrize(("table", "seed_dest", "dest_table", "interval"), EXAMPLES)
def test_product_page_example(
    seed_emu: Any,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    kind: str,
    table: str,
    seed_dest: str,
    dest_table: str,
    interval: tuple[str, str] | None,
) -> None:
    if kind == "postgresql":
        database = request.getfixturevalue("pg_database")
        dest_uri, where = f"postgresql://postgres@127.0.0.1:5432/{database}", database
    else:
        file = (
            seed_dest.removeprefix("duckdb:///")
            if seed_dest.startswith("duckdb")
            else "anthropic_data.db"
        )
        dest_uri, where = f"duckdb:///{file}", tmp_path / file
    args = [
        "ingest",
        "--source-uri",
        SEED_URI.format(key=seed_emu.admin_key, base=seed_emu.base_url),
        "--source-table",
        table,
        "--dest-uri",
        dest_uri,
        "--dest-table",
        dest_table,
    ]
    if interval:
        args += ["--interval-start", interval[0], "--interval-end", interval[1]]
    result = run_cli(*args, cwd=tmp_path)
    assert result.code == 0, result.output
    assert_no_secret(seed_emu.admin_key, result.output)
    assert count(kind, where, dest_table) == expected_rows(seed_emu, table)
