"""`--help`, `--version`, `tables` and usage mistakes load no part of the loading machinery.

dlt, pyarrow, DuckDB, httpx and the emulator's HTTP layer cost about 0.9 s to import; a
command imports them in its own body, when it runs (benchmarks/fixed_cost.py times it). Each
case runs the command in a fresh interpreter and lists what it imported; nothing is timed.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = (
    "dlt",
    "pyarrow",
    "duckdb",
    "httpx",
    "sqlalchemy",
    "anthropic_ingest.service",
    "anthropic_ingest.load.runner",
    "anthropic_ingest.report",
    "anthropic_ingest.client",
    "anthropic_ingest.emulator.runner",
    "anthropic_ingest.emulator.org",
)

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
    found = sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy))
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


def imported(*args: str) -> tuple[int, list[str]]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        input=json.dumps(HEAVY),
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
