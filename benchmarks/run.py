"""The backfill benchmark: anthropic-ingest against ingestr and the API's own limits.

    .venv/bin/python benchmarks/run.py                    # every scenario, about 26 minutes
    .venv/bin/python benchmarks/run.py --only 1,3         # some of them
    .venv/bin/python benchmarks/run.py --only 2 --skip-ingestr-under-limit

Scenarios (all against the project's emulator on 127.0.0.1; see each module's docstring):
  1. a 365-day claude_code_usage backfill at 50 ms latency, against ingestr 0.14.155;
  2. the same backfill under a 100 requests/minute limit, against the lower bound;
  3. a large organization at zero latency: rows per second and peak memory into DuckDB;
  4. the requests each table needs for a year, against the fewest the page limits allow;
  5. a 72-day load at 300 requests/minute after another client used the quota, with 429s
     with and without retry-after and with 500/529 answers, against the lower bound;
  6. `sync` of every table at 100 requests a minute, against its bound;
  7. peak memory of a year of data, per table and for `sync`, at 3,500 and 10,000 users
     (about an hour: the emulator makes 3.5 million Claude Code records at 10,000 users);
  8. a first backfill of a year for a 10,000-developer organization, projected: requests
     and hours at 100 a minute, against ingestr's page sizes;
  9. the fixed cost of a one-day run against ingestr's, and of the quick commands.

Run by hand, never in the test suite. Each scenario run replaces its own section of
benchmarks/RESULTS.md (or --output), with the date, the machine and the command; the other
sections stay as they were. The only network access is pip installing ingestr into
benchmarks/.ingestr-venv the first time scenario 1, 2 or 9 needs it.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import shutil
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from bench_common import Section
from fixed_cost import fixed_cost
from footprint import footprint
from large_org import large_org
from pace_after_errors import pace_after_errors
from projection import projection
from requests_needed import requests_needed
from sync_at_limit import sync_at_limit
from vs_ingestr import rate_limited, versus_ingestr, workdir

HERE = Path(__file__).resolve().parent


def main() -> None:
    args = _parser().parse_args()
    chosen = [int(s) for s in args.only.split(",") if s.strip()]
    scratch = workdir()
    runners = {
        1: lambda: versus_ingestr(args.compare_users, scratch),
        2: lambda: rate_limited(args.small_users, scratch, not args.skip_ingestr_under_limit),
        3: lambda: large_org(args.large_users, args.usage_users, scratch),
        4: lambda: requests_needed(args.large_users, scratch),
        5: lambda: pace_after_errors(scratch),
        6: lambda: sync_at_limit(args.small_users, 92, scratch),
        7: lambda: footprint([args.large_users, args.huge_users], scratch, unbudgeted=True),
        8: lambda: projection(args.huge_users),
        9: lambda: fixed_cost(),
    }
    sections: dict[int, Section] = {}
    try:
        for number in sorted(set(chosen)):
            started = time.monotonic()
            section = runners[number]()
            section.lines[:0] = [_stamp(time.monotonic() - started), ""]
            sections[number] = section
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    previous = args.output.read_text() if args.output.exists() else ""
    text = _render(previous, sections)
    args.output.write_text(text)
    print(f"\nwrote {args.output}\n")
    print(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="1,2,3,4,5,6,7,8,9", help="scenarios to run, e.g. 1,3")
    parser.add_argument(
        "--compare-users",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[50, 200],
        help="organization sizes of scenario 1 (50: every day fits one page for both tools)",
    )
    parser.add_argument("--small-users", type=int, default=50, help="organization of scenario 2")
    parser.add_argument(
        "--large-users", type=int, default=3500, help="about 2,000 active actors a day"
    )
    parser.add_argument(
        "--usage-users", type=int, default=580, help="about 250 API key x model pairs"
    )
    parser.add_argument(
        "--huge-users", type=int, default=10_000, help="scenarios 7 and 8: the largest org"
    )
    parser.add_argument(
        "--skip-ingestr-under-limit",
        action="store_true",
        help="scenario 2 without ingestr (saves about 4 minutes)",
    )
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    return parser


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        memory = f"{int(mem) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        memory = "RAM unknown"
    libs = ", ".join(f"{n} {version(n)}" for n in ("dlt", "duckdb", "pyarrow", "httpx"))
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {libs}"
    )


def _stamp(elapsed: float) -> str:
    command = shlex.join(["python", "benchmarks/run.py", *sys.argv[1:]])
    return (
        f"- Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, took {elapsed / 60:.1f} min; "
        f"`{command}` from the repository root, with `.venv/bin/python`; {_machine()}"
    )


HEADER = [
    "# Benchmark results",
    "",
    "Written by `benchmarks/run.py`: each section by the run of its scenario, with that "
    "run's date, command and machine. Server: the project's Admin API emulator on "
    "127.0.0.1, seed 42; commands show its address as `$EMULATOR` and the admin key as `$KEY`.",
    "",
]


def _render(previous: str, sections: dict[int, Section]) -> str:
    """RESULTS.md: the sections just run, and the others as they were, in scenario order."""
    kept: dict[int, list[str]] = {}
    number = None
    for line in previous.splitlines():
        if line.startswith("## ") and line[3:].split(".", 1)[0].isdigit():
            number = int(line[3:].split(".", 1)[0])
            kept[number] = [line]
        elif number is not None:
            kept[number].append(line)
    for number, section in sections.items():
        kept[number] = [f"## {section.title}", "", *section.lines]
    body: list[str] = []
    for number in sorted(kept):
        lines = kept[number]
        while lines and not lines[-1].strip():
            lines.pop()
        body += [*lines, ""]
    return "\n".join(HEADER + body).rstrip() + "\n"


if __name__ == "__main__":
    main()
