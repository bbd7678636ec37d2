"""Empty, partial and wrong destinations: a report that says what is missing, or one clear line."""

from __future__ import annotations

import uuid
from pathlib import Path

import duckdb
import psycopg2
import pytest

from anthropic_ingest.errors import DestinationError, UsageError
from anthropic_ingest.report import build_report, render_html, write_report
from anthropic_ingest.report.html_page import REQUIRED
from anthropic_ingest.report.html_who import NEEDS_ANALYTICS
from anthropic_ingest.tables import TABLES
from tests.conftest import require_server, run_cli
from tests.report import synth
from tests.report.conftest import PG_URI, load_duckdb


def test_empty_database_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    result = run_cli("report", "--dest-uri", f"duckdb:///{path}", "-o", str(tmp_path / "r.html"))
    assert result.code == 2
    assert result.stderr.strip() == (
        f"error: dataset 'anthropic' not found in duckdb:///{path}, which holds no datasets: "
        f"load data first (anthropic-ingest sync --dest-uri duckdb:///{path})"
    )
    assert not (tmp_path / "r.html").exists()


def test_unknown_dataset_names_the_datasets_there(rows: synth.Rows, tmp_path: Path) -> None:
    loaded = load_duckdb(rows, tmp_path, ["users"])
    out = tmp_path / "r.html"
    result = run_cli("report", "--dest-uri", loaded.uri, "--dataset", "nope", "-o", str(out))
    assert result.code == 2
    assert result.stderr.strip() == (
        f"error: dataset 'nope' not found in {loaded.uri}; datasets there: anthropic "
        "(choose one with --dataset)"
    )
    assert result.stdout == "" and not out.exists()


def test_empty_dataset_gives_a_report_saying_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA anthropic")
    out = tmp_path / "report.html"
    result = run_cli("report", "--dest-uri", f"duckdb:///{path}", "-o", str(out))
    assert result.code == 0, result.output
    assert result.stdout.strip() == f"Report written to {out.resolve()}"
    html = out.read_text(encoding="utf-8")
    assert "No data has been loaded into this dataset yet." in html
    for name in REQUIRED:
        assert f"<code>{name}</code> — not loaded" in html
    # tables a plan or key may not offer are not "missing"; the section needing them says so
    assert "<code>analytics_cost</code> — not loaded" not in html
    assert NEEDS_ANALYTICS in html
    assert f"anthropic-ingest sync --dest-uri duckdb:///{path}" in html


def test_empty_postgres_dataset_lists_every_table_as_missing() -> None:
    require_server("postgresql")
    schema = "report_empty_" + uuid.uuid4().hex[:8]
    with psycopg2.connect(PG_URI) as conn, conn.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {schema}")
    try:
        data = build_report(PG_URI, schema, now=synth.NOW)
    finally:
        with psycopg2.connect(PG_URI) as conn, conn.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA {schema}")
    assert [m.table for m in data.missing] == [t for t in TABLES if t in REQUIRED]
    assert (data.claude_code, data.api_usage, data.cost) == (None, None, None)
    assert data.org.users_by_role is None and not data.has_activity_data
    assert "What is missing" in render_html(data)


def test_partial_data_fills_what_it_can(rows: synth.Rows, tmp_path: Path) -> None:
    loaded = load_duckdb(rows, tmp_path, ["cost_report", "users"])
    data = build_report(loaded.uri, loaded.dataset, synth.FIRST, synth.LAST, now=synth.NOW)
    assert data.cost is not None and data.org.users_by_role is not None
    assert data.claude_code is None and data.api_usage is None and data.org.active_keys is None
    missing = {m.table: m for m in data.missing}
    assert set(missing) == REQUIRED - {"cost_report", "users"}
    assert missing["workspaces"].affects[0] == "workspace names (IDs are shown instead)"
    html = render_html(data)
    assert "Some tables are not loaded, so parts of this report are empty." in html
    assert "Claude Code analytics: not available." in html
    assert "<code>claude_code_usage</code> to see it" in html
    # Without the workspaces table, cost is still split by workspace, labelled by ID.
    assert {a.label for a in data.cost.by_workspace} == {
        "wrkspc_eng",
        "wrkspc_ds",
        "Default workspace",
    }


def test_a_table_without_its_declared_columns_counts_as_missing(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA anthropic")
        conn.execute("CREATE TABLE anthropic.claude_code_usage (date TIMESTAMPTZ, actor_id TEXT)")
    data = build_report(f"duckdb:///{path}", "anthropic", now=synth.NOW)
    (old,) = [m for m in data.missing if m.table == "claude_code_usage"]
    assert old.reason.startswith("lacks column(s) actor_type, terminal_type, is_remote")
    assert old.reason.endswith(": re-load it with this version")
    assert data.claude_code is None


def test_missing_duckdb_file_is_a_destination_error(tmp_path: Path) -> None:
    result = run_cli("report", "--dest-uri", f"duckdb:///{tmp_path}/nope.duckdb")
    assert result.code == 4
    assert result.stderr.strip() == (
        f"error: no DuckDB database at {tmp_path}/nope.duckdb: load data first "
        "(anthropic-ingest sync --dest-uri ...) or point --dest-uri at the right file"
    )


def test_bad_dates_are_usage_errors(tmp_path: Path) -> None:
    result = run_cli("report", "--from", "2025-02-30")
    assert result.code == 2
    assert result.stderr.strip() == "error: --from '2025-02-30' is not a date; use YYYY-MM-DD"
    with pytest.raises(UsageError, match="--from 2025-08-17 is after --to 2025-08-01; swap them"):
        build_report("duckdb:///x.duckdb", "anthropic", synth.LAST, synth.LAST.replace(day=1))


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("sqlite:///x.db", "the report reads DuckDB, PostgreSQL and MySQL/MariaDB destinations"),
        ("mysql://root:s3cret@127.0.0.1:1/test", "root:***@127.0.0.1:1/test"),
        ("duckdb://", "names no file"),
        ("postgresql://postgres:s3cret@127.0.0.1:1/test", "postgres:***@127.0.0.1:1/test"),
    ],
)
def test_unusable_destinations_fail_with_one_line(uri: str, message: str, tmp_path: Path) -> None:
    with pytest.raises((UsageError, DestinationError)) as info:
        write_report(uri, output=tmp_path / "r.html")
    assert message in str(info.value)
    assert "s3cret" not in str(info.value) and "\n" not in str(info.value)


def test_output_folder_must_exist(rows: synth.Rows, tmp_path: Path) -> None:
    loaded = load_duckdb(rows, tmp_path, ["users"])
    with pytest.raises(UsageError, match=r"the folder .*/absent does not exist; create it first"):
        write_report(loaded.uri, output=tmp_path / "absent" / "r.html")
