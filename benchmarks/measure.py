"""Run a command as a child process and measure its wall time and peak resident memory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

OURS = [sys.executable, "-m", "anthropic_ingest"]


@dataclass(frozen=True)
class Measured:
    """What one child process did: exit status, wall seconds, peak RSS, its output."""

    command: tuple[str, ...]
    returncode: int
    seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str

    def check(self, what: str) -> Measured:
        """Fail the benchmark, showing the output, when the command failed."""
        if self.returncode != 0:
            tail = (self.stdout + self.stderr)[-3000:]
            raise SystemExit(f"{what} failed with exit status {self.returncode}:\n{tail}")
        return self


def run(command: Sequence[str], env: Mapping[str, str] | None = None) -> Measured:
    """Run `command`; peak RSS is the child's own high-water mark (VmHWM), read every 20 ms.

    Not `ru_maxrss`: Linux folds the memory of the forked copy of this process into it at
    exec, so every child would seem at least as large as the benchmark holding its
    recordings."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), stdout=out, stderr=err, env=dict(env) if env is not None else None
        )
        peak_kb = 0
        while True:
            pid, status = os.waitpid(process.pid, os.WNOHANG)
            if pid:
                break
            peak_kb = max(peak_kb, _high_water_kb(process.pid))
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(
            command=tuple(command),
            returncode=process.returncode,
            seconds=seconds,
            peak_rss_mb=peak_kb / 1024.0,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
        )


def _high_water_kb(pid: int) -> int:
    """The process's peak resident memory so far, in KiB (0 once it has exited)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return 0
    return 0


def ours_ingest(
    base_url: str,
    admin_key: str,
    table: str,
    database: Path,
    interval: tuple[str, str],
    options: str = "",
) -> list[str]:
    """The `anthropic-ingest ingest` command line for one table into a DuckDB file."""
    source = f"anthropic://?api_key={admin_key}&base_url={base_url}{options}"
    return [
        *OURS,
        "ingest",
        "--source-uri",
        source,
        "--source-table",
        table,
        "--dest-uri",
        f"duckdb:///{database}",
        "--dest-table",
        table,
        "--interval-start",
        interval[0],
        "--interval-end",
        interval[1],
    ]


def count_rows(database: Path, table: str) -> int:
    """Rows in `table` of the DuckDB file (0 when the table does not exist)."""
    with duckdb.connect(str(database), read_only=True) as connection:
        found = connection.execute(
            "select count(*) from information_schema.tables where table_name = ?", [table]
        ).fetchone()
        if not found or not found[0]:
            return 0
        schema = connection.execute(
            "select table_schema from information_schema.tables where table_name = ?", [table]
        ).fetchone()
        assert schema is not None
        result = connection.execute(f'select count(*) from "{schema[0]}"."{table}"').fetchone()
        return int(result[0]) if result else 0


def shown(command: Sequence[str], secret: str) -> str:
    """A command line for RESULTS.md, with the key replaced by a placeholder."""
    text = " ".join(_quote(part) for part in command)
    return text.replace(secret, "$KEY").replace(sys.executable, "python")


def _quote(part: str) -> str:
    return f'"{part}"' if any(c in part for c in " &?$") else part
