"""The fixed cost of a run: `--help`, and a one-day incremental `ingest` beyond its requests.

Run by hand (not part of the test suite); also scenario 9 of run.py:

    .venv/bin/python benchmarks/fixed_cost.py [--runs 5] [--users 25] [--days 7] [--no-ingestr]

First the quick commands (`--help`, `--version`, `ingest --help`, a mistyped command) are
timed as child processes, best of --runs. Then an emulator in a child process serves
--users users; for each tool one `ingest` loads claude_code_usage for --days days into a
fresh DuckDB file, and --runs one-day `ingest` runs follow, each for the next day, as a
daily job does (ingestr 0.14.155 too, unless --no-ingestr; its interval end is exclusive, so
its one-day run names the next day as its end). Each one-day run's requests, read from the
emulator's request log, are sent again one after the other on a fresh connection and timed:
the run's wall time minus that is its fixed cost (starting Python, imports, the dlt pipeline
and the destination's state, the load, the report views, exiting). Goals (issue 15):
`--help` under 0.3 s, fixed cost under 1.0 s.

To compare with another copy of the package, put it first on the path and run from outside
the checkout (`python -m` looks in the current directory first); the child processes inherit
the path: `cd /tmp && PYTHONPATH=/tmp/before /work/main/.venv/bin/python
/work/main/benchmarks/fixed_cost.py --no-ingestr`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import measure
from bench_common import Section, emulator_config, shown
from ingestr_env import VERSION, ingestr_command, ingestr_env

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


# dlt's own share: a new interpreter imports dlt and pyarrow, and merges one row into a DuckDB
# file that holds the table already, through a pipeline in a fresh working folder (so its
# state comes from the destination, as in a run of ours), with the DuckDB destination of
# anthropic-ingest (dlt's own would also import SQLAlchemy). No requests, views nor CLI.
DLT_FLOOR = """
import gc, sys, tempfile
gc.disable()
import dlt, pyarrow as pa
from anthropic_ingest.load.duckdb_names import duckdb_file, file_credentials
gc.freeze(); gc.enable()
@dlt.resource(name="t", write_disposition="merge", primary_key="id")
def rows():
    yield pa.table({"id": [int(sys.argv[2])], "v": ["x"]})
with tempfile.TemporaryDirectory() as folder:
    pipeline = dlt.pipeline("floor", destination=duckdb_file(file_credentials(sys.argv[1])),
                            dataset_name="anthropic", pipelines_dir=folder)
    pipeline.run(rows())
"""


@dataclass(frozen=True)
class DailyRun:
    """One one-day `ingest`: its wall time, and the time its requests take on their own."""

    tool: str
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


def quick_commands(runs: int) -> list[tuple[str, float]]:
    print(f"quick commands, best of {runs} (goal for --help: under 0.3 s)")
    commands = [[*measure.OURS, *args] for args in QUICK]
    if CONSOLE_SCRIPT.is_file():
        commands.insert(0, [str(CONSOLE_SCRIPT), "--help"])
    commands.append([sys.executable, "-c", "pass"])  # the floor: Python itself
    commands.append([sys.executable, "-c", "import anthropic_ingest.service"])  # the load path
    results = []
    for command in commands:
        best, times = best_of(command, runs)
        shown_command = " ".join(command).replace(sys.executable, "python")
        shown_command = shown_command.replace(str(CONSOLE_SCRIPT), "anthropic-ingest")
        print(f"  {shown_command:<52} {best:6.3f} s   ({', '.join(f'{t:.2f}' for t in times)})")
        results.append((shown_command, best))
    return results


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


def _ours(emu: RemoteEmulator, database: Path, first: date, last: date) -> list[str]:
    interval = (first.isoformat(), last.isoformat())
    return measure.ours_ingest(emu.base_url, emu.admin_key, TABLE, database, interval)


def _ingestr(emu: RemoteEmulator, database: Path, first: date, last: date) -> list[str]:
    # ingestr leaves out the last day of its interval: a day's run ends on the next day
    interval = (first.isoformat(), (last + timedelta(days=1)).isoformat())
    return ingestr_command(emu.admin_key, TABLE, database, interval)


def _tool(
    emu: RemoteEmulator, tool: str
) -> tuple[Callable[[RemoteEmulator, Path, date, date], list[str]], Mapping[str, str] | None]:
    """How to run `tool`: its command line builder, and its environment (None: ours)."""
    if tool == "anthropic-ingest":
        return _ours, None
    return _ingestr, ingestr_env(emu.base_url)


def daily_run(emu: RemoteEmulator, tool: str, database: Path, day: date) -> DailyRun:
    emu.clear_requests()
    build, env = _tool(emu, tool)
    command = build(emu, database, day, day)
    wall = measure.run(command, env=env).check(f"{tool}'s one-day ingest of {day}").seconds
    log = emu.requests()
    return DailyRun(tool, day, wall, len(log), replay(emu, log))


def daily_runs(
    users: int, days: int, runs: int, tools: Sequence[str]
) -> tuple[list[DailyRun], list[str]]:
    """Each tool's one-day runs, alternating between the tools day by day, and the last
    command line of each."""
    results: list[DailyRun] = []
    commands: list[str] = []
    with spawned_emulator(emulator_config(users)) as emu, tempfile.TemporaryDirectory() as tmp:
        last = FIRST_DAY + timedelta(days=days - 1)
        databases = {tool: Path(tmp) / f"fixed_cost_{n}.duckdb" for n, tool in enumerate(tools)}
        for tool in tools:
            build, env = _tool(emu, tool)
            first = measure.run(build(emu, databases[tool], FIRST_DAY, last), env=env)
            first.check(f"{tool}'s first ingest")
            print(f"\n{tool}: first ingest of {TABLE}, {FIRST_DAY}..{last}: {first.seconds:.2f} s")
        for n in range(1, runs + 1):
            for tool in tools:
                results.append(daily_run(emu, tool, databases[tool], last + timedelta(days=n)))
        day = last + timedelta(days=runs)
        for tool in tools:
            build, _ = _tool(emu, tool)
            commands.append(shown(build(emu, databases[tool], day, day), emu, Path(tmp)))
    return results, commands


def report(results: list[DailyRun], users: int) -> None:
    print(f"one-day incremental ingest of {TABLE} ({users} users), into the same DuckDB file")
    print(f"  {'tool':<18} {'day':<11} {'wall':>8} {'requests':>9} {'their time':>11} {'fixed':>8}")
    for run in results:
        print(
            f"  {run.tool:<18} {run.day.isoformat():<11} {run.wall:7.3f}s {run.requests:>9} "
            f"{run.request_seconds:10.3f}s {run.fixed:7.3f}s"
        )
    for tool, fixed in _by_tool(results).items():
        print(
            f"  {tool}: fixed cost best {min(fixed):.3f} s, median {statistics.median(fixed):.3f} s"
        )


def dlt_floor(runs: int) -> list[float]:
    """Wall seconds of DLT_FLOOR, `runs` times into one DuckDB file (the first run, which
    creates the table, is not counted)."""
    with tempfile.TemporaryDirectory() as tmp:
        database = str(Path(tmp) / "floor.duckdb")
        command = [sys.executable, "-c", DLT_FLOOR, database]
        env = {**os.environ, "RUNTIME__LOG_LEVEL": "CRITICAL"}
        measure.run([*command, "0"], env=env).check("the dlt floor's first run")
        times = [
            measure.run([*command, str(n)], env=env).check("the dlt floor").seconds
            for n in range(1, runs + 1)
        ]
    best, median = min(times), statistics.median(times)
    print(f"  dlt alone (merge one row): best {best:.3f} s, median {median:.3f} s")
    return times


def _by_tool(results: list[DailyRun]) -> dict[str, list[float]]:
    by_tool: dict[str, list[float]] = {}
    for run in results:
        by_tool.setdefault(run.tool, []).append(run.fixed)
    return by_tool


def fixed_cost(runs: int = 7, users: int = 25, days: int = 7, ingestr: bool = True) -> Section:
    """Scenario 9 of run.py: the quick commands, and the one-day runs of both tools."""
    quick = quick_commands(runs)
    tools = ["anthropic-ingest", f"ingestr {VERSION}"] if ingestr else ["anthropic-ingest"]
    results, commands = daily_runs(users, days, runs, tools)
    report(results, users)
    floor = dlt_floor(runs)
    section = Section("9. The fixed cost of a one-day run, and of the quick commands")
    section.add(f"Quick commands, best of {runs} runs each (goal for `--help`: under 0.3 s):", "")
    section.table(["command", "wall time"], [[f"`{c}`", f"{t:.3f} s"] for c, t in quick])
    section.add(
        f"One-day incremental `ingest` of {TABLE} ({users} users), each tool into its own "
        f"DuckDB file after a {days}-day first load, alternating day by day, {runs} days "
        "each. Fixed cost: the run's wall time minus the time its requests take when sent "
        "again one after the other (goal: under 1.0 s).",
        "",
    )
    rows = []
    for tool, fixed in _by_tool(results).items():
        mine = [run for run in results if run.tool == tool]
        rows.append(
            [
                tool,
                f"{statistics.median(run.requests for run in mine):.0f}",
                f"{statistics.median(run.wall for run in mine):.3f} s",
                f"{min(fixed):.3f} s",
                f"**{statistics.median(fixed):.3f} s**",
            ]
        )
    rows.append(
        [
            "dlt alone: import, a pipeline, merge one row into the DuckDB file",
            "0",
            f"{statistics.median(floor):.3f} s",
            f"{min(floor):.3f} s",
            f"{statistics.median(floor):.3f} s",
        ]
    )
    section.table(["run", "requests", "wall (median)", "fixed cost (best)", "fixed (median)"], rows)
    section.add("Commands (the last day):", "", *[f"- `{c}`" for c in commands], "")
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each timed command")
    parser.add_argument("--users", type=int, default=25, help="users of the emulated org")
    parser.add_argument("--days", type=int, default=7, help="days loaded by the first ingest")
    parser.add_argument("--no-ingestr", action="store_true", help="only anthropic-ingest")
    args = parser.parse_args()
    section = fixed_cost(args.runs, args.users, args.days, not args.no_ingestr)
    print(f"\n## {section.title}\n")
    print("\n".join(section.lines))


if __name__ == "__main__":
    main()
