"""Generated docs stay in step with the code, and every command's --help teaches by example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from anthropic_ingest.reference import all_specs, as_markdown
from anthropic_ingest.tables import TABLES
from tests.conftest import ROOT, run_cli

COMMANDS = ["ingest", "sync", "check", "tables", "emulator", "demo", "report"]


def test_tables_reference_is_current() -> None:
    committed = (ROOT / "docs" / "tables.md").read_text()
    assert committed == as_markdown(all_specs()), (
        "docs/tables.md is stale: run anthropic-ingest tables --format markdown > docs/tables.md"
    )


def test_tables_command_prints_the_reference() -> None:
    result = run_cli("tables", "--format", "markdown")
    assert result.code == 0
    assert result.stdout == (ROOT / "docs" / "tables.md").read_text()


def test_tables_json_lists_every_table_with_missing_seed_columns() -> None:
    result = run_cli("tables", "--format", "json")
    info = {t["name"]: t for t in json.loads(result.stdout)}
    assert set(info) == set(TABLES)
    missing = {m["column"] for m in info["users"]["not_provided_by_the_api"]}
    assert missing == {"last_login_at"}
    assert info["cost_report"]["key"] == ["bucket", "workspace_id", "description"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_an_example(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.code == 0
    assert "Example" in result.stdout
    assert "anthropic-ingest" in result.stdout


def test_readme_commands_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    for command in COMMANDS:
        assert f"anthropic-ingest {command}" in readme, command
    assert "python3 tasks.py demo" in readme and "python3 tasks.py test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 tasks.py test" in ci


def test_module_runs_like_the_command() -> None:
    result = run_cli("--version")
    assert result.code == 0 and result.stdout.startswith("anthropic-ingest ")


def test_docs_mention_every_table(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "tables.md").read_text()
    for name in TABLES:
        assert f"## `{name}`" in text
