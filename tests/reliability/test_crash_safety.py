"""SIGKILL a multi-table sync at random points; the next run must repair everything.

The first kills land while fetching, the others after every table has been fetched (while
dlt normalizes and loads). Re-running the same command must leave every table identical to
a run that was never interrupted: no duplicate, no missing row, and the resume point never
ahead of the data (the re-run has no interval, so a resume point ahead of the data would
skip days). Nothing the killed run left behind may contain the Admin key.

The same holds for a sync of the Claude Enterprise tables with an Analytics key, given an
interval: without one it would read every day since 2026-01-01 (about 2,000 requests a run),
so its re-run repairs by loading the same window again. Where a re-run without an interval
resumes is checked by the Console sync (the Enterprise tables resume through the same code).
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from anthropic_ingest.table_spec import TableSpec
from tests.conftest import CONSOLE_2025_TABLES, ROOT, source_uri
from tests.reliability import figures
from tests.reliability.enterprise import ENTERPRISE, analytics_uri

# The log line that ends fetching: "<time> loading 12 tables into duckdb:///…".
LOADING = re.compile(r"^\S+Z loading \d+ tables? into ")


@dataclass(frozen=True)
class Org:
    """A sync to crash: its key and arguments, the tables it loads, where to kill it."""

    key: str
    args: tuple[str, ...]
    tables: dict[str, TableSpec]  # the tables compared
    kills: tuple[int, int]  # kills while fetching, kills after fetching


def console(emu: Any) -> Org:
    # Every table is read (the analytics and Enterprise ones are empty or not available).
    return Org(emu.admin_key, ("--source-uri", source_uri(emu)), CONSOLE_2025_TABLES, (2, 2))


def enterprise(emu: Any) -> Org:
    # One kill of each kind (each costs two runs). A month of days: long enough a fetch for
    # a kill to land in it.
    tables = ("--tables", ",".join(ENTERPRISE))
    interval = ("--interval-start", "2026-03-01", "--interval-end", "2026-04-01")
    args = ("--source-uri", analytics_uri(emu), *tables, *interval)
    return Org(emu.analytics_key, args, ENTERPRISE, (1, 1))


def command(org: Org, db: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "anthropic_ingest",
        "sync",
        *org.args,
        "--dest-uri",
        f"duckdb:///{db}",
        "--progress",
        "log",
    ]


def run(
    org: Org, db: Path, tmp: Path, kill_after: float | None = None
) -> tuple[int, float | None, str]:
    """Run a sync; with `kill_after`, SIGKILL it that many seconds after every table was
    fetched (non-negative) or after the start (negative, absolute value)."""
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen(
        command(org, db),
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    fetched_at: list[float] = []
    lines: list[str] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if LOADING.search(line) and not fetched_at:  # every table fetched: the load begins
                fetched_at.append(time.monotonic())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if kill_after is not None:
            while proc.poll() is None:
                now = time.monotonic()
                due = (
                    started - kill_after
                    if kill_after < 0
                    else (fetched_at[0] + kill_after if fetched_at else None)
                )
                if due is not None and now >= due:
                    # SIGKILL, not SIGINT: it cannot be ignored (a background shell job
                    # inherits SIGINT ignored) and it is the crash this test is about.
                    proc.send_signal(signal.SIGKILL)
                    break
                time.sleep(0.005)
        proc.wait(timeout=300)
    finally:
        if proc.poll() is None:  # a failed wait: never leave the sync running
            proc.kill()
            proc.wait()
    reader.join(timeout=10)
    fetch_time = fetched_at[0] - started if fetched_at else None
    return proc.returncode, fetch_time, "".join(lines)


def snapshot(db: Path, tables: dict[str, TableSpec]) -> dict[str, list[tuple[Any, ...]]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            name: sorted(
                (
                    tuple(r)
                    for r in con.execute(
                        f"select {', '.join(spec.column_names)} from anthropic.{name}"
                    ).fetchall()
                ),
                key=repr,
            )
            for name, spec in tables.items()
        }


def leftovers_with(secret: str, folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and secret.encode() in path.read_bytes():
            found.append(path)
    return found


@pytest.mark.parametrize("make", [console, enterprise], ids=["console", "enterprise"])
def test_kill_anywhere_then_rerun_repairs(
    emu: Any, ent: Any, tmp_path: Path, make: Callable[[Any], Org]
) -> None:
    server = ent if make is enterprise else emu
    org = make(server)
    server.configure(latency_ms=2)
    try:
        reference = tmp_path / "reference.duckdb"
        code, fetch_time, output = run(org, reference, tmp_path)
        assert code == 0, output
        assert fetch_time is not None
        expected = snapshot(reference, org.tables)
        rng = random.Random(20251125)
        points = [-rng.uniform(0.3, fetch_time) for _ in range(org.kills[0])]
        points += [rng.uniform(0.0, 0.6) for _ in range(org.kills[1])]
        for i, point in enumerate(points):
            db, tmp = tmp_path / f"killed{i}.duckdb", tmp_path / f"tmp{i}"
            tmp.mkdir()
            code, _, output = run(org, db, tmp, kill_after=point)
            phase = "while fetching" if point < 0 else "after fetching (normalize/load)"
            figures.outcome(
                "SIGKILL kill points",
                f"{phase}: killed" if code == -9 else f"{phase}: finished before the kill",
            )
            leaked = leftovers_with(org.key, tmp) + leftovers_with(
                org.key, tmp_path / "reference.duckdb"
            )
            figures.add("secret leaks", len(leaked))
            assert not leaked
            assert org.key not in output
            code, _, output = run(org, db, tmp)
            assert code == 0, output
            got = snapshot(db, org.tables)
            lost = sum(len(set(expected[t]) - set(got[t])) for t in org.tables)
            figures.add("rows lost", lost)
            figures.add("rows compared", sum(len(v) for v in got.values()))
            figures.add("kill points tried")
            assert got == expected, f"kill point {point:.3f} s ({phase})"
    finally:
        server.configure(latency_ms=0)
