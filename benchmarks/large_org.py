"""Scenario 3: a large organization at zero latency, end to end into DuckDB.

Two loads, each in a fresh process whose peak resident memory is read from `wait4`:
90 days of `claude_code_usage` for an organization with about 2,000 active actors a day, and
90 days of `usage_report` in 1-hour buckets. Each is run three times: straight against the
emulator (the figure a user of the emulator sees), once through the recording proxy, and
once from the recording (the tool's own throughput, with a server that costs nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import measure
from bench_common import Section, emulator_config, seconds, shown, statuses
from replay import replay_proxy

from anthropic_ingest.emulator import RemoteEmulator, spawned_emulator

INTERVAL = ("2025-10-03", "2025-12-31")  # 90 days
ROWS_TARGET = 100_000
MEMORY_TARGET_MB = 500


@dataclass(frozen=True)
class Load:
    """One measured load of one table."""

    label: str
    run: measure.Measured
    rows: int
    requests: int
    rate_limited: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.run.seconds


@dataclass(frozen=True)
class Case:
    """What to load: a table, an organization size, source options."""

    table: str
    users: int
    options: str
    what: str


def _load(label: str, command: list[str], db: Path, table: str, emu: RemoteEmulator) -> Load:
    emu.clear_requests()
    run = measure.run(command).check(f"{label} load of {table}")
    rows = measure.count_rows(db, table)
    counts = statuses(emu.requests())
    load = Load(label, run, rows, sum(counts.values()), counts[429])
    print(
        f"    {label}: {rows:,} rows in {seconds(run.seconds)} ="
        f" {load.rows_per_second:,.0f} rows/s, peak {run.peak_rss_mb:,.0f} MB"
    )
    return load


def measure_case(case: Case, workdir: Path) -> tuple[list[Load], str, str, float]:
    """Live, then recorded, then replayed loads of one case; the command, a note, and the
    wall time of the same load for one day (what every run costs whatever its size)."""
    print(f"scenario 3: {case.table}, {case.users} users", flush=True)
    with spawned_emulator(emulator_config(case.users)) as emu, replay_proxy() as proxy:
        day_db = workdir / f"s3-{case.table}-day.duckdb"
        one_day = measure.ours_ingest(
            emu.base_url,
            emu.admin_key,
            case.table,
            day_db,
            (INTERVAL[1], INTERVAL[1]),
            case.options,
        )
        fixed = measure.run(one_day).check(f"one-day load of {case.table}").seconds
        print(f"    one day: {seconds(fixed)}")
        live_db = workdir / f"s3-{case.table}-live.duckdb"
        command = _command(emu, emu.base_url, case, live_db)
        live = _load("straight from the emulator", command, live_db, case.table, emu)
        proxy.record_from(emu.base_url)
        record_db = workdir / f"s3-{case.table}-record.duckdb"
        measure.run(_command(emu, proxy.base_url, case, record_db)).check("recording run")
        proxy.replay()
        replay_db = workdir / f"s3-{case.table}-replay.duckdb"
        replay_command = _command(emu, proxy.base_url, case, replay_db)
        replayed = _load("from the recording", replay_command, replay_db, case.table, emu)
        if proxy.tape.missed:
            raise SystemExit(f"the replayed run asked for {proxy.tape.missed} unrecorded pages")
        replayed = Load(replayed.label, replayed.run, replayed.rows, proxy.tape.served, 0)
        command_text = shown(command, emu, workdir)
        note = _describe(case, live_db, proxy.recorded_bytes)
    return [live, replayed], command_text, note, fixed


def _command(emu: RemoteEmulator, base_url: str, case: Case, db: Path) -> list[str]:
    return measure.ours_ingest(base_url, emu.admin_key, case.table, db, INTERVAL, case.options)


def _describe(case: Case, db: Path, recorded: int) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        if case.table == "claude_code_usage":
            found = con.execute(
                "select avg(n), max(n) from (select date, count(distinct (actor_type, actor_id))"
                " as n from anthropic.claude_code_usage group by date)"
            ).fetchone()
        else:
            found = con.execute(
                "select count(distinct api_key_id), count(distinct (api_key_id, model))"
                " from anthropic.usage_report where api_key_id is not null"
            ).fetchone()
    first, second = found if found else (0, 0)
    if case.table == "claude_code_usage":
        return (
            f"{case.users:,} users: {first:,.0f} distinct actors a day on average (most"
            f" {second:,}, weekdays busier than weekends); {recorded / 1e6:,.0f} MB of JSON"
        )
    return (
        f"{case.users:,} users: {first} API keys with usage, {second} key x model pairs"
        f" ({case.what}); every dimension grouped; {recorded / 1e6:,.0f} MB of JSON"
    )


def large_org(cc_users: int, usage_users: int, workdir: Path) -> Section:
    """Scenario 3: rows per second and peak memory for both loads."""
    cases = [
        Case("claude_code_usage", cc_users, "", "one request chain per day"),
        Case(
            "usage_report",
            usage_users,
            "&bucket_width=1h",
            "the emulator cannot be told 50 keys x 5 models; this organization has the same"
            " number of key x model pairs",
        ),
    ]
    section = Section("3. A large organization at zero latency, into DuckDB")
    rows, notes, loads_of_all = [], [], []
    for case in cases:
        loads, command, note, fixed = measure_case(case, workdir)
        loads_of_all += loads
        for load in loads:
            rows.append(
                [
                    f"`{case.table}`",
                    load.label,
                    f"{load.rows:,}",
                    load.requests,
                    seconds(load.run.seconds),
                    f"**{load.rows_per_second:,.0f}**",
                    f"{load.rows / max(load.run.seconds - fixed, 1e-9):,.0f}",
                    f"**{load.run.peak_rss_mb:,.0f} MB**",
                ]
            )
        notes.append(
            f"- `{case.table}`, {INTERVAL[0]} .. {INTERVAL[1]}: {note}. The same load for one"
            f" day took {seconds(fixed)}. `{command}`"
        )
    section.add(
        f"Targets: at least {ROWS_TARGET:,} rows/s end to end and under {MEMORY_TARGET_MB} MB"
        " peak resident memory. Wall time is the whole command, interpreter start included."
        " The column after rows/s leaves out what a one-day load of the same table takes"
        " (start-up, pipeline state, the merge, views): the rate at which a longer interval"
        " adds rows.",
        "",
    )
    section.table(
        [
            "table",
            "server",
            "rows",
            "requests",
            "wall time",
            "rows/s",
            "rows/s past a one-day load",
            "peak RSS",
        ],
        rows,
    )
    section.add(*notes, "")
    replayed = [load for load in loads_of_all if load.label == "from the recording"]
    fastest = min(load.rows_per_second for load in replayed)
    heaviest = max(load.run.peak_rss_mb for load in loads_of_all)
    section.add(
        f"Targets: {ROWS_TARGET:,} rows/s {'met' if fastest >= ROWS_TARGET else 'missed'}"
        f" (slowest replayed load {fastest:,.0f} rows/s); {MEMORY_TARGET_MB} MB"
        f" {'met' if heaviest < MEMORY_TARGET_MB else 'missed'} (highest peak {heaviest:,.0f} MB).",
        "",
    )
    return section
