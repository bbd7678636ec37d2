"""Every table through `anthropic-ingest sync` into DuckDB, PostgreSQL and MariaDB.

Row counts, sums and exact amounts are compared with what the emulator served; a second load
of the same interval must leave every table exactly as it was.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tests.conftest import CONSOLE_2025_TABLES, Destination, assert_no_secret, run_cli, source_uri
from tests.integration import expected

# This test syncs a 2025 interval: the analytics tables (no data before 2026) are skipped.
TABLES = CONSOLE_2025_TABLES

FIRST, LAST = date(2025, 1, 1), date(2025, 1, 31)
TYPE_NAMES = {
    "duckdb": {
        "text": "varchar",
        "json": "json",
        "bigint": "bigint",
        "bool": "boolean",
        "timestamp": "timestamp with time zone",
        "date": "date",
        "cents": "decimal(38,12)",
        "usd": "decimal(38,14)",
    },
    "postgresql": {
        "text": "character varying",
        "json": "jsonb",
        "bigint": "bigint",
        "bool": "boolean",
        "timestamp": "timestamp with time zone",
        "date": "date",
        "cents": "numeric",
        "usd": "numeric",
    },
    "mysql": {
        "text": "text",
        "json": "longtext",  # MariaDB keeps JSON as LONGTEXT with a JSON_VALID check
        "bigint": "bigint",
        "bool": "tinyint",
        "timestamp": "datetime",
        "date": "date",
        "cents": "decimal",
        "usd": "decimal",
    },
}


def sync(emu: Any, dest: Destination) -> None:
    result = run_cli(
        "sync",
        "--source-uri",
        source_uri(emu),
        "--dest-uri",
        dest.uri,
        "--dataset",
        dest.dataset,
        "--interval-start",
        FIRST.isoformat(),
        "--interval-end",
        LAST.isoformat(),
        "--progress",
        "log",
    )
    assert result.code == 0, result.output
    assert_no_secret(emu.admin_key, result.stdout, result.stderr)


def snapshot(dest: Destination) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (data columns only), sorted, for before/after comparisons."""
    out = {}
    for name, spec in TABLES.items():
        cols = ", ".join(spec.column_names)
        rows = dest.query(f"select {cols} from {{ds}}.{name}")
        out[name] = sorted(rows, key=repr)
    return out


def check_types(dest: Destination) -> None:
    names = TYPE_NAMES[dest.kind]
    for table, spec in TABLES.items():
        types = dest.column_types(table)
        for column in spec.columns:
            assert types.get(column.name) == names[column.type], (table, column.name, types)
    if dest.kind != "duckdb":
        scale = dest.query(
            "select numeric_precision, numeric_scale from information_schema.columns where "
            f"{dest.where_table('cost_report')} and column_name = 'amount_cents'"
        )
        assert [tuple(int(v) for v in row) for row in scale] == [(38, 12)]


def check_json(dest: Destination) -> None:
    """Every JSON column holds valid JSON (the destination's JSON type where it has one)."""
    import json

    checked = 0
    for table, spec in TABLES.items():
        for column in (c.name for c in spec.columns if c.type == "json"):
            for (value,) in dest.query(f"select {column} from {{ds}}.{table}"):
                # PostgreSQL's jsonb arrives decoded; elsewhere the text must parse.
                if value is not None and dest.kind != "postgresql":
                    json.loads(value)
                checked += value is not None
    assert checked > 0


def check_counts_and_sums(emu: Any, dest: Destination) -> None:
    org = emu.org
    records = expected.claude_code(org, FIRST, LAST)
    sessions = sum(r["core_metrics"]["num_sessions"] for r in records)
    cents = sum(
        (Decimal(m["estimated_cost"]["amount"]) for r in records for m in r["model_breakdown"]),
        Decimal(0),
    )
    [(count, got_sessions, got_cents)] = dest.query(
        "select count(*), sum(num_sessions), sum(total_estimated_cost_cents) "
        "from {ds}.claude_code_usage"
    )
    assert (count, int(got_sessions), Decimal(got_cents)) == (len(records), sessions, cents)
    models = sum(len(r["model_breakdown"]) for r in records)
    assert dest.query("select count(*) from {ds}.claude_code_usage_by_model") == [(models,)]

    results = expected.usage(org, FIRST, LAST)
    [(count, tokens)] = dest.query("select count(*), sum(output_tokens) from {ds}.usage_report")
    assert (count, int(tokens)) == (len(results), sum(r["output_tokens"] for r in results))

    assert dest.query("select count(*) from {ds}.users") == [(len(org.users),)]
    assert dest.query("select count(*) from {ds}.invites") == [(len(org.list_invites()),)]
    assert dest.query("select count(*) from {ds}.api_keys") == [(len(org.api_keys),)]
    assert dest.query("select count(*) from {ds}.workspace_members") == [
        (len(expected.members(org)),)
    ]


def check_exact_cost(emu: Any, dest: Destination) -> None:
    served = sorted(
        (
            (day.isoformat(), ws, desc, amount)
            for day, ws, desc, amount in expected.cost(emu.org, FIRST, LAST)
        ),
        key=repr,
    )
    rows = dest.query(
        "select bucket, workspace_id, description, amount_cents, amount_usd from {ds}.cost_report"
    )
    loaded = sorted(((str(b)[:10], ws, desc, Decimal(a)) for b, ws, desc, a, _ in rows), key=repr)
    assert loaded == served
    assert all(Decimal(usd) * 100 == Decimal(a) for *_, a, usd in rows)
    assert any(ws is None for _, ws, *_ in served), "emulator should serve Default-workspace cost"


def check_workspaces(emu: Any, dest: Destination) -> None:
    archived = [w["id"] for w in emu.org.workspaces if w["archived_at"] is not None]
    assert archived
    got = dest.query("select id from {ds}.workspaces where archived_at is not null")
    assert sorted(r[0] for r in got) == sorted(archived)
    default_id = emu.org.default_workspace["id"]
    assert dest.query(f"select count(*) from {{ds}}.workspaces where id = '{default_id}'") == [(0,)]
    [(null_usage,)] = dest.query(
        "select count(*) from {ds}.usage_report where workspace_id is null"
    )
    assert null_usage > 0
    [(null_keys,)] = dest.query("select count(*) from {ds}.api_keys where workspace_id is null")
    assert null_keys > 0


def test_sync_every_table(emu: Any, destination: Destination) -> None:
    sync(emu, destination)
    assert set(TABLES) <= destination.tables()
    check_types(destination)
    check_json(destination)
    check_counts_and_sums(emu, destination)
    check_exact_cost(emu, destination)
    check_workspaces(emu, destination)
    before = snapshot(destination)
    sync(emu, destination)
    assert snapshot(destination) == before


def test_every_paginated_endpoint_across_many_pages(emu: Any, tmp_path: Any) -> None:
    """Tiny pages force every endpoint through many pages; the data must not change."""
    from tests.conftest import Destination

    default = Destination(
        "duckdb", f"duckdb:///{tmp_path / 'a.duckdb'}", "paged", tmp_path / "a.duckdb"
    )
    small = Destination(
        "duckdb", f"duckdb:///{tmp_path / 'b.duckdb'}", "paged", tmp_path / "b.duckdb"
    )
    sync(emu, default)
    emu.clear_requests()
    result = run_cli(
        "sync",
        "--source-uri",
        source_uri(emu, page_size="2"),
        "--dest-uri",
        small.uri,
        "--dataset",
        small.dataset,
        "--interval-start",
        FIRST.isoformat(),
        "--interval-end",
        LAST.isoformat(),
    )
    assert result.code == 0, result.output
    cursors = {"after_id", "page"}
    followed = {
        entry["path"].rsplit("/", 1)[-1] if "/members" not in entry["path"] else "members"
        for entry in emu.requests()
        if cursors & {k for k, _ in entry["query"]}
    }
    # The workspaces are listed once, for their table and their members' fan-out alike.
    first_pages = [
        entry
        for entry in emu.requests()
        if entry["path"] == "/v1/organizations/workspaces"
        and not cursors & {k for k, _ in entry["query"]}
    ]
    assert len(first_pages) == 1
    assert followed == {
        "users",
        "invites",
        "workspaces",
        "api_keys",
        "members",
        "claude_code",
        "messages",
        "cost_report",
        "service_accounts",
        "rate_limits",
    }
    assert snapshot(small) == snapshot(default)
