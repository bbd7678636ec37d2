"""Peak resident memory and wall time of the heaviest single-table loads (run by hand).

    .venv/bin/python benchmarks/memory.py                  # a year of each, several minutes
    .venv/bin/python benchmarks/memory.py --days 120       # 120 days of each, to iterate
    .venv/bin/python benchmarks/memory.py --only cost_report,analytics_cost
    .venv/bin/python benchmarks/memory.py --options "" --options "&memory_budget_mb=64"

Each load goes into a new DuckDB file from the emulated organization of scenario 4 of
benchmarks/run.py (3,500 users): the 2025 tables from an organization with data for the
interval loaded, `analytics_cost` for 2026 (its data starts on 2026-01-01). With several
`--options`, each table is loaded once per option string, in the order given, from the same
emulator (whose caches the first load warms: compare wall times across runs, not within one).
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import measure
from bench_common import YEAR, emulator_config, seconds

from anthropic_ingest.emulator import spawned_emulator

ANALYTICS_YEAR = ("2026-01-01", "2026-11-29")
# (label, table, source options, year or analytics)
LOADS = [
    ("analytics_cost", "analytics_cost", "", ANALYTICS_YEAR),
    ("cost_report", "cost_report", "", YEAR),
    ("usage_report 1h", "usage_report", "&bucket_width=1h", YEAR),
    ("claude_code_usage", "claude_code_usage", "", YEAR),
]


def main() -> None:
    args = _parser().parse_args()
    chosen = {s.strip() for s in args.only.split(",") if s.strip()}
    variants = args.options or [""]
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="memory-bench-") as scratch:
        for label, table, options, span in LOADS:
            if chosen and table not in chosen and label not in chosen:
                continue
            interval = _shortened(span, args.days)
            config = replace(
                emulator_config(args.users),
                start_date=date.fromisoformat(interval[0]),
                end_date=date.fromisoformat(interval[1]),
            )
            with spawned_emulator(config) as emu:
                for index, extra in enumerate(variants):
                    db = Path(scratch) / f"{table}-{index}.duckdb"
                    command = measure.ours_ingest(
                        emu.base_url, emu.admin_key, table, db, interval, options + extra
                    )
                    run = measure.run(command).check(f"loading {label}")
                    rows.append(
                        [
                            label,
                            extra or "(default)",
                            f"{interval[0]}..{interval[1]}",
                            f"{measure.count_rows(db, table):,}",
                            seconds(run.seconds),
                            f"{run.peak_rss_mb:,.0f} MB",
                        ]
                    )
                    print(" | ".join(rows[-1]), flush=True)
    header = ["load", "options", "interval", "rows", "wall", "peak RSS"]
    print("\n| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def _shortened(span: tuple[str, str], days: int | None) -> tuple[str, str]:
    """The first `days` days of `span` (all of it when None)."""
    if days is None:
        return span
    first, last = (date.fromisoformat(d) for d in span)
    return span[0], str(min(last, first + timedelta(days=days - 1)))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=3500)
    parser.add_argument("--days", type=int, default=None, help="load only the first N days")
    parser.add_argument("--only", default="", help="comma-separated tables or labels")
    parser.add_argument(
        "--options", action="append", help="source URI options to add, e.g. '&page_size=500'"
    )
    return parser


if __name__ == "__main__":
    main()
