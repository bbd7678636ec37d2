"""Destination URI mistakes: file paths as written, bare paths, and clashing table names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from anthropic_ingest import service
from anthropic_ingest.errors import UsageError
from anthropic_ingest.load.destinations import parse_destination_uri
from tests.conftest import run_cli, source_uri

FORMS = "expected one of: duckdb:///path/to/file.duckdb; postgresql://"


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_three_slashes_start_an_absolute_folder(
    kind: str, emu: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    folder = tmp_path / "out"
    uri = f"{kind}://{folder}"  # parquet:///tmp/.../out
    assert uri.startswith(f"{kind}:///") and not uri.startswith(f"{kind}:////")
    report = service.sync(source_uri(emu), uri, tables=["users"])
    assert report.destination == f"{kind}://{folder}"
    assert list((folder / "anthropic" / "users").iterdir())
    assert not list(elsewhere.iterdir()), "nothing may be written under the working folder"


def test_file_folders_four_slashes_and_relative() -> None:
    assert parse_destination_uri("parquet:////srv/out").details["path"] == Path("/srv/out")
    assert parse_destination_uri("csv:///srv/out").details["path"] == Path("/srv/out")
    relative = parse_destination_uri("parquet://out/daily")
    assert relative.details["path"] == Path.cwd() / "out" / "daily"
    with pytest.raises(UsageError, match="parquet URI has no folder"):
        parse_destination_uri("parquet:///")


@pytest.mark.parametrize(
    ("uri", "hint"),
    [
        ("./out.duckdb", " (for a DuckDB file: duckdb:///./out.duckdb)"),
        ("/tmp/x.duckdb", " (for a DuckDB file: duckdb:////tmp/x.duckdb)"),
        ("data/warehouse.db", " (for a DuckDB file: duckdb:///data/warehouse.db)"),
        ("/tmp/folder", ""),
    ],
)
def test_a_bare_path_says_which_forms_are_accepted(uri: str, hint: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_destination_uri(uri)
    message = str(info.value)
    assert message.startswith(f"the destination URI {uri!r} has no scheme{hint}; {FORMS}")
    assert "\n" not in message and "'://'" not in message


def test_the_suggested_duckdb_uri_names_the_same_file(tmp_path: Path) -> None:
    for bare in (str(tmp_path / "x.duckdb"), "./x.duckdb"):
        with pytest.raises(UsageError) as info:
            parse_destination_uri(bare)
        suggested = str(info.value).split("for a DuckDB file: ")[1].split(")")[0]
        assert parse_destination_uri(suggested).display == suggested
        assert suggested.removeprefix("duckdb:///") == bare


def test_a_bare_path_on_the_command_line_is_a_one_line_error() -> None:
    result = run_cli(
        "ingest",
        "--source-uri",
        "anthropic://?api_key=sk-ant-admin01-bare-path-0123456789",
        "--source-table",
        "users",
        "--dest-uri",
        "./out.duckdb",
    )
    assert result.code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "duckdb:///./out.duckdb" in lines[0], result.stderr
    assert "sk-ant-admin01-bare-path" not in result.output


@pytest.mark.parametrize("table", ["_dlt_loads", "_DLT_Version", "_dlt_pipeline_state"])
def test_dlt_bookkeeping_table_names_are_refused(emu: Any, tmp_path: Path, table: str) -> None:
    uri = f"duckdb:///{tmp_path / 'x.duckdb'}"
    with pytest.raises(UsageError, match=f"destination table '{table}' is named like dlt's own"):
        service.ingest(source_uri(emu), "users", uri, f"anthropic.{table}")
    assert not (tmp_path / "x.duckdb").exists()
    assert emu.requests() == []


def test_names_that_differ_only_by_case_are_one_table() -> None:
    from anthropic_ingest.load.destinations import check_table_names

    check_table_names(["users", "cost_report"])
    with pytest.raises(UsageError, match="'users' and 'Users' are the same table 'users'"):
        check_table_names(["users", "Users"])
    with pytest.raises(UsageError, match="'CostReport' and 'cost_report' are the same table"):
        check_table_names(["CostReport", "cost_report"])
