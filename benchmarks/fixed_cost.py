"""The fixed cost of a run: `--help`, and a one-day incremental `ingest` beyond its requests.

Run by hand (not part of the test suite, nor of run.py):

    .venv/bin/python benchmarks/fixed_cost.py [--runs 5] [--users 25] [--days 7]

First the quick commands (`--help`, `--version`, `ingest --help`, a mistyped command) are
timed as child processes, best of --runs. Then an emulator in a child process serves
--users users; one `ingest` loads claude_code_usage for --days days into a fresh DuckDB file,
and --runs one-day `ingest` runs follow, each for the next day, as a daily job does. Each
one-day run's requests, read from the emulator's request log, are sent again one after the
other on a fresh connection and timed: the run's wall time minus that is its fixed cost
(starting Python, imports, the dlt pipeline and the destination's state, the load, the
report views, exiting). Goals (issue 15): `--help` under 0.3 s, fixed cost under 1.0 s.

To compare with another copy of the package, put it first on the path and run from outside
the checkout (`python -m` looks in the current directory first); the child processes inherit
the path: `cd /tmp && PYTHONPATH=/tmp/before /work/main/.venv/bin/python
/work/main/benchmarks/fixed_cost.py`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import measure
from bench_common import emulator_config

from anthropic_ingest.emulator import RemoteEmulator, spawned_emulator

TABLE = "claude_code_usage"
FIRST_DAY = date(2025, 3, 1)
ANTHROPIC_VERSION = "2023-06-01"
CONSOLE_SCRIPT = Path(sys.executable).parent / "anthropic-ingest"
QUICK = (
    ("--help",),
    ("--version",),
    ("ingest", "--help"),
    ("injest",),  # a usage error: exit 2 with click's did-you-mean
)


@dataclass(frozen=True)
class DailyRun:
    """One one-day `ingest`: its wall time, and the time its requests take on their own."""

    day: date
    wall: float
    requests: int
    request_seconds: float

    @property
    def fixed(self) -> float:
        return self.wall - self.request_seconds


def best_of(command: Sequence[str], runs: int) -> tuple[float, list[float]]:
    """(best, all) wall seconds of `command` run `runs` times as a child process."""
    times = [measure.run(command).seconds for _ in range(runs)]
    return min(times), times


def quick_commands(runs: int) -> None:
    print(f"quick commands, best of {runs} (goal for --help: under 0.3 s)")
    commands = [[*measure.OURS, *args] for args in QUICK]
    if CONSOLE_SCRIPT.is_file():
        commands.insert(0, [str(CONSOLE_SCRIPT), "--help"])
    commands.append([sys.executable, "-c", "pass"])  # the floor: Python itself
    commands.append([sys.executable, "-c", "import anthropic_ingest.service"])  # the load path
    for command in commands:
        best, times = best_of(command, runs)
        shown = " ".join(command).replace(sys.executable, "python")
        print(f"  {shown:<52} {best:6.3f} s   ({', '.join(f'{t:.2f}' for t in times)})")


def replay(emu: RemoteEmulator, log: list[dict[str, Any]]) -> float:
    """Seconds to send the logged requests again, one after the other, on one new client."""
    headers = {"x-api-key": emu.admin_key, "anthropic-version": ANTHROPIC_VERSION}
    with httpx.Client(base_url=emu.base_url, headers=headers, timeout=60.0) as client:
        started = time.perf_counter()
        for entry in log:
            response = client.request(
                entry["method"], entry["path"], params=[tuple(pair) for pair in entry["query"]]
            )
            if response.status_code != entry["status"]:
                raise SystemExit(
                    f"replaying {entry['path']} got {response.status_code}, the run got "
                    f"{entry['status']}"
                )
        return time.perf_counter() - started


def daily_run(emu: RemoteEmulator, database: Path, day: date) -> DailyRun:
    emu.clear_requests()
    interval = (day.isoformat(), day.isoformat())
    command = measure.ours_ingest(emu.base_url, emu.admin_key, TABLE, database, interval)
    wall = measure.run(command).check(f"the one-day ingest of {day}").seconds
    log = emu.requests()
    return DailyRun(day, wall, len(log), replay(emu, log))


def daily_runs(users: int, days: int, runs: int) -> list[DailyRun]:
    with spawned_emulator(emulator_config(users)) as emu, tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "fixed_cost.duckdb"
        last = FIRST_DAY + timedelta(days=days - 1)
        backfill = (FIRST_DAY.isoformat(), last.isoformat())
        command = measure.ours_ingest(emu.base_url, emu.admin_key, TABLE, database, backfill)
        first = measure.run(command).check("the first ingest")
        print(f"\nfirst ingest of {TABLE}, {backfill[0]}..{backfill[1]}: {first.seconds:.2f} s")
        return [daily_run(emu, database, last + timedelta(days=n)) for n in range(1, runs + 1)]


def report(results: list[DailyRun], users: int) -> None:
    print(f"one-day incremental ingest of {TABLE} ({users} users), into the same DuckDB file")
    print(f"  {'day':<11} {'wall':>8} {'requests':>9} {'their time':>11} {'fixed cost':>11}")
    for run in results:
        print(
            f"  {run.day.isoformat():<11} {run.wall:7.3f}s {run.requests:>9} "
            f"{run.request_seconds:10.3f}s {run.fixed:10.3f}s"
        )
    fixed = [run.fixed for run in results]
    print(
        f"  fixed cost: best {min(fixed):.3f} s, median {statistics.median(fixed):.3f} s "
        "(goal: under 1.0 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each timed command")
    parser.add_argument("--users", type=int, default=25, help="users of the emulated org")
    parser.add_argument("--days", type=int, default=7, help="days loaded by the first ingest")
    args = parser.parse_args()
    quick_commands(args.runs)
    report(daily_runs(args.users, args.days, args.runs), args.users)


if __name__ == "__main__":
    main()
