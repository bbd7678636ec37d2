"""Scenario 7: peak memory of a year of data, per table and for `sync`, at 3,500 and 10,000 users.

    .venv/bin/python benchmarks/footprint.py                      # both sizes, about an hour
    .venv/bin/python benchmarks/footprint.py --users 3500 --days 60 --no-tables  # to iterate
    .venv/bin/python benchmarks/footprint.py --compare-unbudgeted  # also memory_budget_mb=0

The year is the 365 days up to 2026-11-29, so it holds the Usage and Cost Analytics tables as
well (their data starts on 2026-01-01). For each organization size one emulator (a child
process) serves it, through the recording proxy of `replay.py`: first one `sync` of every
table into a new DuckDB file straight from the emulator (which the proxy records; the
emulator makes its 3 million Claude Code records slower than the tool loads them), then the
same `sync` again from the recording, at the tool's own pace, where it holds the most at
once. Then each of the heaviest tables on its own (`ingest`), each into a new file, answered
from the recording where it holds the answer. Peak resident memory is the command's own
high-water mark (VmHWM), wall time the whole command. With --compare-unbudgeted the replayed
sync runs again with the byte budget off, for what the budget costs in throughput.
Goal (issue 15): every peak under 500 MB.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import measure
from bench_common import Section, emulator_config, seconds, shown
from replay import ReplayProxy, replay_proxy

from anthropic_ingest.emulator import RemoteEmulator, spawned_emulator
from anthropic_ingest.tables import TABLES

LAST_DAY = date(2026, 11, 29)
GOAL_MB = 500
# The tables whose size grows with the organization, heaviest first; `usage_report` in hourly
# buckets (a sync loads daily ones).
HEAVY = [
    ("claude_code_usage", "claude_code_usage", ""),
    ("analytics_cost", "analytics_cost", ""),
    ("usage_report (1h buckets)", "usage_report", "&bucket_width=1h"),
    ("cost_report", "cost_report", ""),
    ("analytics_usage", "analytics_usage", ""),
    ("workspace_members", "workspace_members", ""),
]


def footprint(
    sizes: list[int],
    scratch: Path,
    days: int = 365,
    tables: bool = True,
    unbudgeted: bool = False,
) -> Section:
    interval = (str(LAST_DAY - timedelta(days=days - 1)), str(LAST_DAY))
    section = Section(f"7. Peak memory of {days} days of data, per table and for `sync`")
    section.add(
        f"The {days} days {interval[0]} .. {interval[1]} (the analytics tables from 2026-01-01,"
        " where their data starts), zero latency, no rate limit, each load into a new DuckDB "
        "file, default options (byte budget 128 MB) unless the row says otherwise. `live`: "
        "straight from the emulator, through the proxy that records it; `replayed`: the same "
        "requests answered from that recording, at the tool's own pace. Peak RSS is the "
        "command's own high-water mark; wall time is the whole command.",
        "",
    )
    rows: list[list[str]] = []
    commands: list[str] = []
    for users in sizes:
        config = replace(
            emulator_config(users),
            start_date=date.fromisoformat(interval[0]),
            end_date=date.fromisoformat(interval[1]),
        )
        with spawned_emulator(config) as emu, replay_proxy() as proxy:
            print(f"\n{users:,} users, {interval[0]} .. {interval[1]}", flush=True)
            proxy.record_from(emu.base_url)
            rows.append(_sync(emu, proxy, users, "sync, every table, live", "", interval, scratch))
            proxy.replay()
            rows.append(
                _sync(emu, proxy, users, "sync, every table, replayed", "", interval, scratch)
            )
            if unbudgeted:
                label, options = "sync, replayed, memory_budget_mb=0", "&memory_budget_mb=0"
                rows.append(_sync(emu, proxy, users, label, options, interval, scratch))
            commands.append(_shown_sync(emu, proxy, interval, scratch))
            if tables:
                proxy.fill_from(emu.base_url)
                for label, table, options in HEAVY:
                    db = scratch / f"footprint-{table}-{users}.duckdb"
                    command = measure.ours_ingest(
                        proxy.base_url, emu.admin_key, table, db, _clipped(table, interval), options
                    )
                    run = measure.run(command).check(f"{label} at {users} users")
                    rows.append(_row(users, label, measure.count_rows(db, table), run))
                commands.append(shown(command, emu, scratch).replace(proxy.base_url, "$PROXY"))
    section.table(["users", "load", "rows", "wall time", "peak RSS"], rows)
    # The goal is for the default options; a run with the budget off is there to compare.
    budgeted = [row for row in rows if "memory_budget_mb=0" not in row[1]]
    worst = max(budgeted, key=lambda row: _mb(row[-1]))
    met = all(_mb(row[-1]) < GOAL_MB for row in budgeted)
    section.add(
        f"Goal: every peak under {GOAL_MB} MB with the default options: "
        f"{'met' if met else 'missed'} (highest: {worst[-1]}, {worst[1]} at {worst[0]} users).",
        "",
        "Commands (`$PROXY`: the recording proxy in front of the emulator):",
        "",
        *[f"- `{command}`" for command in commands[-2:]],
        "",
    )
    return section


def _clipped(table: str, interval: tuple[str, str]) -> tuple[str, str]:
    """The part of `interval` that `table` has data for: `ingest` refuses days before its
    first (a sync clips them itself)."""
    first = TABLES[table].source.data_from
    if first is None or first.isoformat() <= interval[0]:
        return interval
    return first.isoformat(), interval[1]


def _mb(cell: str) -> float:
    return float(cell.split()[0].replace(",", ""))


def _sync_command(
    key: str, base_url: str, options: str, db: Path, interval: tuple[str, str]
) -> list[str]:
    source = f"anthropic://?api_key={key}&base_url={base_url}{options}"
    command = [*measure.OURS, "sync", "--source-uri", source, "--dest-uri", f"duckdb:///{db}"]
    return [*command, "--interval-start", interval[0], "--interval-end", interval[1]]


def _sync(
    emu: RemoteEmulator,
    proxy: ReplayProxy,
    users: int,
    label: str,
    options: str,
    interval: tuple[str, str],
    scratch: Path,
) -> list[str]:
    db = scratch / f"footprint-sync-{users}-{len(label)}.duckdb"
    command = _sync_command(emu.admin_key, proxy.base_url, options, db, interval)
    run = measure.run(command).check(f"the sync at {users} users ({label})")
    if proxy.tape.missed:
        raise SystemExit(f"{label}: {proxy.tape.missed} requests were not in the recording")
    rows = sum(measure.count_rows(db, table) for table in TABLES)
    return _row(users, label, rows, run)


def _shown_sync(
    emu: RemoteEmulator, proxy: ReplayProxy, interval: tuple[str, str], scratch: Path
) -> str:
    command = _sync_command(emu.admin_key, proxy.base_url, "", scratch / "sync.duckdb", interval)
    return shown(command, emu, scratch).replace(proxy.base_url, "$PROXY")


def _row(users: int, label: str, rows: int, run: measure.Measured) -> list[str]:
    row = [
        f"{users:,}",
        label,
        f"{rows:,}",
        seconds(run.seconds),
        f"{run.peak_rss_mb:,.0f} MB",
    ]
    print(" | ".join(row), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--users",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[3500, 10000],
        help="organization sizes, e.g. 3500,10000",
    )
    parser.add_argument("--days", type=int, default=365, help="days up to 2026-11-29")
    parser.add_argument("--no-tables", action="store_true", help="only the sync")
    parser.add_argument("--compare-unbudgeted", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="footprint-") as scratch:
        section = footprint(
            args.users, Path(scratch), args.days, not args.no_tables, args.compare_unbudgeted
        )
    print(f"\n## {section.title}\n")
    print("\n".join(section.lines))


if __name__ == "__main__":
    main()
