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
     with and without retry-after and with 500/529 answers, against the lower bound.

Run by hand, never in the test suite. The figures, the machine, the date and the command go
to benchmarks/RESULTS.md (or --output). The only network access is pip installing ingestr
into benchmarks/.ingestr-venv the first time scenario 1 or 2 needs it.
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
from large_org import large_org
from pace_after_errors import pace_after_errors
from requests_needed import requests_needed
from vs_ingestr import rate_limited, versus_ingestr, workdir

HERE = Path(__file__).resolve().parent


def main() -> None:
    args = _parser().parse_args()
    chosen = {int(s) for s in args.only.split(",") if s.strip()}
    started = time.monotonic()
    scratch = workdir()
    sections: list[Section] = []
    try:
        if 1 in chosen:
            sections.append(versus_ingestr(args.compare_users, scratch))
        if 2 in chosen:
            sections.append(
                rate_limited(args.small_users, scratch, not args.skip_ingestr_under_limit)
            )
        if 3 in chosen:
            sections.append(large_org(args.large_users, args.usage_users, scratch))
        if 4 in chosen:
            sections.append(requests_needed(args.large_users, scratch))
        if 5 in chosen:
            sections.append(pace_after_errors(scratch))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    text = _render(sections, time.monotonic() - started)
    args.output.write_text(text)
    print(f"\nwrote {args.output}\n")
    print(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="1,2,3,4,5", help="scenarios to run, e.g. 1,3")
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


def _render(sections: list[Section], elapsed: float) -> str:
    command = shlex.join(["python", "benchmarks/run.py", *sys.argv[1:]])
    head = [
        "# Benchmark results",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC (took {elapsed / 60:.1f} min)",
        f"- Machine: {_machine()}",
        f"- Command: `{command}` (from the repository root, with `.venv/bin/python`)",
        "- Server: the project's Admin API emulator on 127.0.0.1, seed 42, data for 2025;"
        " commands below show its address as `$EMULATOR` and the admin key as `$KEY`.",
        "",
    ]
    body = []
    for section in sections:
        body += [f"## {section.title}", "", *section.lines]
    return "\n".join(head + body).rstrip() + "\n"


if __name__ == "__main__":
    main()
