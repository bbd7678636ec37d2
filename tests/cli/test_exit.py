"""`ingest` and `sync` end their process at once (no interpreter teardown), exactly as
sys.exit would end it: same status, every line of output written, even into a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import ROOT, run_cli, source_uri

# Buffered output (a pipe) and a log line, then _exit_now with the code given on the line.
PROBE = """
import logging, sys
from anthropic_ingest.cli import _exit_now
for n in range(100):
    print(f"line {n}")
print("err", file=sys.stderr)
logging.basicConfig(stream=sys.stderr)
logging.getLogger("probe").warning("logged")
code = sys.argv[1]
_exit_now(None if code == "none" else int(code) if code.isdigit() else code)
"""


@pytest.mark.parametrize(
    ("code", "status", "message"), [("none", 0, ""), ("3", 3, ""), ("bad news", 1, "bad news")]
)
def test_exit_now_ends_as_sys_exit_does(code: str, status: int, message: str) -> None:
    # output into a pipe is buffered, unless PYTHONUNBUFFERED says otherwise
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert proc.returncode == status
    assert proc.stdout.splitlines() == [f"line {n}" for n in range(100)]
    assert proc.stderr.splitlines()[:2] == ["err", "WARNING:probe:logged"]
    assert proc.stderr.rstrip().endswith(message)


def test_a_load_prints_its_whole_summary_and_its_status(emu: Any, tmp_path: Any) -> None:
    database = tmp_path / "exit.duckdb"
    load = ["--source-uri", source_uri(emu), "--dest-uri", f"duckdb:///{database}"]
    done = run_cli("ingest", *load, "--source-table", "users", "--progress", "log")
    assert done.code == 0 and "users" in done.stdout and database.is_file()
    refused = run_cli("ingest", *load, "--source-table", "users", "--interval-start", "tomorrow")
    assert refused.code == 2 and refused.stderr.startswith("error: ")
