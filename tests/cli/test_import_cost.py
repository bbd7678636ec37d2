"""`--help`, `--version`, `tables` and usage mistakes load no part of the loading machinery.

dlt, pyarrow, DuckDB, httpx and the emulator's HTTP layer cost about 0.9 s to import; a
command imports them in its own body, when it runs (benchmarks/fixed_cost.py times it). Each
case runs the command in a fresh interpreter and lists what it imported; nothing is timed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, source_uri

HEAVY = (
    "dlt",
    "pyarrow",
    "duckdb",
    "httpx",
    "sqlalchemy",
    "psycopg2",
    "pymysql",
    "pygments",
    "pydantic",
    "anthropic_ingest.service",
    "anthropic_ingest.load.runner",
    "anthropic_ingest.report",
    "anthropic_ingest.client",
    "anthropic_ingest.emulator.runner",
    "anthropic_ingest.emulator.org",
)
# Not heavy, but the other commands' own: a load imports none of them.
OTHER_COMMANDS = ("anthropic_ingest.check", "anthropic_ingest.demo", "anthropic_ingest.emulator")

# Runs the command as main() does, then prints the heavy modules it imported.
PROBE = """
import json, sys
from anthropic_ingest.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
finally:
    heavy = json.loads(sys.stdin.read())
    found = sorted(
        m for m, module in sys.modules.items()
        if module is not None  # a module marked absent (httpx._main) was not imported
        and any(m == h or m.startswith(h + ".") for h in heavy)
    )
    print("\\nIMPORTED " + json.dumps(found), file=sys.stderr)
"""

CASES = [
    ("--help",),
    ("--version",),
    ("ingest", "--help"),
    ("sync", "--help"),
    ("check", "--help"),
    ("emulator", "--help"),
    ("report", "--help"),
    ("demo", "--help"),
    ("tables", "--format", "json"),
    ("tables", "users"),
    ("injest",),
    ("ingest", "--progress", "bars"),
    ("emulator", "--users", "0"),
]


def imported(*args: str, watch: tuple[str, ...] = HEAVY) -> tuple[int, list[str]]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        input=json.dumps(watch),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    line = next(line for line in proc.stderr.splitlines() if line.startswith("IMPORTED "))
    return proc.returncode, json.loads(line.removeprefix("IMPORTED "))


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_quick_commands_import_no_loading_machinery(args: tuple[str, ...]) -> None:
    _, found = imported(*args)
    assert found == []


def test_the_probe_sees_a_command_that_loads() -> None:
    """The same probe, on a command that reaches the loader, lists dlt: it can fail."""
    _, found = imported("ingest", "--source-table", "users", "--dest-uri", "nope://x")
    assert "dlt" in found and "anthropic_ingest.service" in found


def test_a_daily_duckdb_load_imports_neither_sqlalchemy_nor_the_html_report(
    emu: Any, tmp_path: Path
) -> None:
    """A one-day load into DuckDB needs dlt, pyarrow and DuckDB, not SQLAlchemy (dlt reaches
    for it to read and to print a connection string; a file path needs neither) nor the HTML
    report (a load re-creates the SQL views only): about 0.25 s of every daily run. The views
    need SQL text only, not the report's readers (which bring the PostgreSQL and MySQL
    drivers), and httpx's own command line (rich's syntax highlighting, pygments) is never
    run: some 50 ms more. Nor pydantic, which Typer 0.29 imports to check every option
    (pyproject.toml keeps Typer below 0.29)."""
    database = tmp_path / "daily.duckdb"
    args = [
        "ingest",
        "--source-uri",
        source_uri(emu),
        "--source-table",
        "claude_code_usage",
        "--dest-uri",
        f"duckdb:///{database}",
        "--interval-start",
        "2025-03-01",
        "--interval-end",
        "2025-03-01",
        "--yes",
    ]
    code, found = imported(*args, watch=HEAVY + OTHER_COMMANDS)
    assert code == 0 and database.is_file()
    assert "dlt" in found and "anthropic_ingest.report.views" in found  # it did load
    assert not [m for m in found if m == "sqlalchemy" or m.startswith("sqlalchemy.")]
    assert not [
        m
        for m in found
        if m.startswith(("anthropic_ingest.report.html", "anthropic_ingest.report.build"))
    ]
    assert [
        m for m in found if m.split(".")[0] in ("psycopg2", "pymysql", "pygments", "pydantic")
    ] == []
    assert "httpx" in found and "httpx._main" not in found
    assert "anthropic_ingest.report.reader" not in found
    assert "anthropic_ingest.report.model" not in found
    # only the command named is registered: not the modules of `check`, `demo`, `emulator`
    assert [m for m in found if m.startswith(OTHER_COMMANDS)] == []


def test_collection_is_deferred_only_while_a_load_imports(
    emu: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """main() turns the garbage collector off while a command imports, and every command runs
    its work with it on again: `ingest` and `sync` once the loader is imported, the others
    (the emulator, the report, the demo) from the start. It is on again after main()."""
    import gc

    import anthropic_ingest.cli as cli
    from anthropic_ingest import service

    seen: list[bool] = []
    real_ingest = service.ingest

    def ingest(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real_ingest(*args, **kwargs)

    monkeypatch.setattr(service, "ingest", ingest)
    assert gc.isenabled()
    database = tmp_path / "gc.duckdb"
    load = ["ingest", "--source-uri", source_uri(emu), "--source-table", "users"]
    cli.main([*load, "--dest-uri", f"duckdb:///{database}", "--yes"])
    assert seen == [True] and gc.isenabled() and database.is_file()

    calls: list[bool] = []  # what imports_done() found, for a command that is not a load
    real_done = cli.imports_done

    def done() -> None:
        calls.append(gc.isenabled())
        real_done()

    monkeypatch.setattr(cli, "imports_done", done)
    cli.main(["tables", "--format", "json"])
    assert calls == [False] and gc.isenabled()
