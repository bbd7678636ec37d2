"""The demo: emulator in-process, a full sync into DuckDB, and the report."""

from __future__ import annotations

from pathlib import Path

import duckdb

from anthropic_ingest.tables import TABLES
from anthropic_ingest.tables_enterprise import ENTERPRISE_TABLES
from tests.conftest import run_cli


def test_demo_builds_a_database_and_a_report(tmp_path: Path) -> None:
    result = run_cli("demo", "--users", "10", "--days", "14", cwd=tmp_path)
    assert result.code == 0, result.output
    assert "Demo database: duckdb:///demo.duckdb" in result.stdout
    assert (tmp_path / "demo-report.html").stat().st_size > 10_000
    with duckdb.connect(str(tmp_path / "demo.duckdb"), read_only=True) as con:
        for table in TABLES:
            if table in {
                spec.name for spec in ENTERPRISE_TABLES
            }:  # a Console organization's Admin key cannot read them
                assert f"{table} is not available" in result.output
                continue
            assert con.execute(f"select count(*) from anthropic.{table}").fetchone()[0] > 0, table  # type: ignore[index]
        views = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_type = 'VIEW'"
            ).fetchall()
        }
    assert {
        "claude_code_daily_user_summary",
        "cost_daily_usd_by_workspace",
        "usage_report_named",
    } <= views
    assert "Three queries worth running" in result.stdout


def test_enterprise_demo_lands_every_enterprise_table_and_its_section(tmp_path: Path) -> None:
    result = run_cli(
        "demo", "--org-type", "enterprise", "--users", "8", "--days", "10", cwd=tmp_path
    )
    assert result.code == 0, result.output
    page = (tmp_path / "demo-report.html").read_text()
    assert "Claude Enterprise" in page
    with duckdb.connect(str(tmp_path / "demo.duckdb"), read_only=True) as con:
        for spec in ENTERPRISE_TABLES:
            count = con.execute(f"select count(*) from anthropic.{spec.name}").fetchone()
            assert count is not None and count[0] > 0, spec.name
    # What an Analytics key cannot read is listed, not failed.
    assert "users is not available: needs an Admin API key" in result.output
