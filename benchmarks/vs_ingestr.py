"""Scenarios 1 and 2: a 365-day Claude Code backfill against ingestr, then under 100 rpm.

1. At 50 ms of latency and no rate limit: wall time of anthropic-ingest and of ingestr 0.14.155,
   the ratio, the requests each made and whether each loaded the right rows.
2. With the emulator limiting to 100 requests a minute: wall time against the lower bound
   (fewest requests / rate) and the 429 answers, adaptively and with `requests_per_minute=100`
   stated as a source option (and, unless skipped, ingestr).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import measure
from bench_common import (
    YEAR,
    Section,
    claude_code_minimum,
    days,
    emulator_config,
    seconds,
    shown,
    statuses,
)
from ingestr_env import VERSION, ingestr_command, ingestr_env

from anthropic_ingest.emulator import RemoteEmulator, SyntheticOrg, spawned_emulator

TABLE = "claude_code_usage"
LATENCY_MS = 50
RATE = 100
SPEEDUP_TARGET = 10.0
BOUND_TARGET = 1.15
MAX_429 = 10


@dataclass(frozen=True)
class Outcome:
    """One tool's run: what it cost and what it loaded."""

    tool: str
    run: measure.Measured
    requests: int
    rate_limited: int
    paths: Counter[str]
    rows: int

    def error(self) -> str:
        if self.run.returncode == 0:
            return ""
        last = (self.run.stderr or self.run.stdout).strip().splitlines()
        return f"exit {self.run.returncode}: {last[-1][:160] if last else ''}"


def _run(emu: RemoteEmulator, tool: str, command: list[str], db: Path, env: bool) -> Outcome:
    emu.reset()
    print(f"  {tool} ...", flush=True)
    run = measure.run(command, ingestr_env(emu.base_url) if env else None)
    log = emu.requests()
    counts = statuses(log)
    rows = measure.count_rows(db, TABLE) if db.exists() else 0
    outcome = Outcome(tool, run, len(log), counts[429], Counter(e["path"] for e in log), rows)
    print(f"    {seconds(run.seconds)}, {len(log)} requests, {counts[429]} x 429, {rows} rows")
    return outcome


def _ours(emu: RemoteEmulator, db: Path, options: str = "") -> list[str]:
    return measure.ours_ingest(emu.base_url, emu.admin_key, TABLE, db, YEAR, options)


def _ingestr(emu: RemoteEmulator, db: Path) -> list[str]:
    return ingestr_command(emu.admin_key, TABLE, db, YEAR)


def ingestr_rows(org: SyntheticOrg) -> tuple[int, int]:
    """(rows ingestr would keep, rows of the interval's last day): it drops the last day
    (its end bound is exclusive) and keys rows without `is_remote`, merging local and remote."""
    kept = set()
    for day in days(YEAR)[:-1]:
        for rec in org.claude_code_records(day):
            actor = rec["actor"]
            label = actor.get("email_address") or actor.get("api_key_name")
            kept.add((day, actor["type"], label, rec["terminal_type"]))
    return len(kept), len(org.claude_code_records(days(YEAR)[-1]))


def versus_ingestr(users_list: list[int], workdir: Path) -> Section:
    """Scenario 1, once per organization size."""
    section = Section(f"1. 365-day `{TABLE}` backfill at {LATENCY_MS} ms latency, no rate limit")
    rows_out, notes, ratios = [], [], []
    for users in users_list:
        print(f"scenario 1: {users} users", flush=True)
        with spawned_emulator(emulator_config(users, latency_ms=LATENCY_MS)) as emu:
            expected, minimum = claude_code_minimum(emu.org, YEAR)
            ours_db, theirs_db = (
                workdir / f"s1-ours-{users}.duckdb",
                workdir / f"s1-in-{users}.duckdb",
            )
            ours = _run(emu, "anthropic-ingest", _ours(emu, ours_db), ours_db, env=False)
            theirs = _run(emu, f"ingestr {VERSION}", _ingestr(emu, theirs_db), theirs_db, env=True)
            kept, last_day = ingestr_rows(emu.org)
            commands = [shown(o.run.command, emu, workdir) for o in (ours, theirs)]
        ratio = theirs.run.seconds / ours.run.seconds
        ratios.append((users, ratio))
        rows_out.append(
            [
                users,
                f"{expected:,} / {minimum}",
                f"{seconds(ours.run.seconds)}, {ours.requests} req, {ours.rows:,} rows",
                f"{seconds(theirs.run.seconds)}, {theirs.requests} req, {theirs.rows:,} rows",
                f"**{ratio:.1f}x**",
            ]
        )
        notes.append(_ingestr_note(users, theirs, expected, kept, last_day, ours.rows == expected))
        notes.append(f"  - commands: `{commands[0]}`; `{commands[1]}`")
    section.table(
        [
            "users",
            "records / fewest requests",
            "anthropic-ingest",
            f"ingestr {VERSION}",
            "ingestr time / ours",
        ],
        rows_out,
    )
    verdicts = ", ".join(
        f"{'met' if r >= SPEEDUP_TARGET else 'missed'} at {u} users ({r:.1f}x)" for u, r in ratios
    )
    section.add(
        *notes, "", f"Target: at least {SPEEDUP_TARGET:.0f}x faster than ingestr. {verdicts}.", ""
    )
    return section


def _ingestr_note(
    users: int, theirs: Outcome, expected: int, kept: int, last_day: int, ours_right: bool
) -> str:
    paths = ", ".join(f"`{p}` x{n}" for p, n in theirs.paths.most_common())
    verdict = "loaded every record" if ours_right else "DID NOT load every record"
    text = (
        f"- {users} users: anthropic-ingest {verdict} ({expected:,} expected). "
        f"ingestr requested {paths or 'nothing'}"
    )
    if theirs.error():
        return text + f" and failed ({theirs.error()})."
    if theirs.rows == expected:
        return text + " and loaded every record."
    return text + (
        f" and loaded {theirs.rows:,} of {expected:,} rows (the {kept:,} it can keep: it drops"
        f" the interval's last day, {last_day:,} records, and merges each actor's local and"
        " remote rows because its key lacks `is_remote`)."
    )


def rate_limited(users: int, workdir: Path, with_ingestr: bool) -> Section:
    """Scenario 2: the same backfill with the emulator allowing 100 requests a minute."""
    section = Section(f"2. The same backfill under a {RATE} requests/minute limit")
    print(f"scenario 2: {users} users, {RATE} rpm", flush=True)
    config = emulator_config(users, latency_ms=LATENCY_MS, rpm=RATE)
    with spawned_emulator(config) as emu:
        _, minimum = claude_code_minimum(emu.org, YEAR)
        bound = minimum / RATE * 60.0
        runs = [
            ("anthropic-ingest (adaptive)", _ours(emu, workdir / "s2-a.duckdb"), "s2-a", False),
            (
                f"anthropic-ingest, requests_per_minute={RATE}",
                _ours(emu, workdir / "s2-b.duckdb", f"&requests_per_minute={RATE}"),
                "s2-b",
                False,
            ),
        ]
        if with_ingestr:
            runs.append(
                (f"ingestr {VERSION}", _ingestr(emu, workdir / "s2-c.duckdb"), "s2-c", True)
            )
        outcomes = [
            _run(emu, tool, cmd, workdir / f"{name}.duckdb", env) for tool, cmd, name, env in runs
        ]
        commands = [shown(o.run.command, emu, workdir) for o in outcomes]
    section.add(
        f"{users} users, {LATENCY_MS} ms latency; the fewest requests are {minimum}, so the lower "
        f"bound at {RATE} requests a minute is {seconds(bound)}.",
        "",
    )
    section.table(
        ["tool", "wall time", "/ lower bound", "requests", "429 answers", "rows"],
        [
            [
                o.tool,
                seconds(o.run.seconds),
                f"{o.run.seconds / bound:.3f}",
                o.requests,
                o.rate_limited,
                f"{o.rows:,}" + (f" ({o.error()})" if o.error() else ""),
            ]
            for o in outcomes
        ],
    )
    section.add(*(f"- `{c}`" for c in commands), "")
    section.add(
        f"The emulator admits any {RATE} requests in a sliding minute, so a client that sends"
        f" {RATE} at once, waits out the 429s and sends {RATE} more a minute later can finish"
        " under the bound, which is for requests spread evenly over the minute (as pacing to a"
        " stated limit does). Rows are checked against the emulated organization: see"
        " scenario 1 for what ingestr leaves out.",
        "",
    )
    adaptive, stated = outcomes[0], outcomes[1]
    a_ratio, s_ratio = adaptive.run.seconds / bound, stated.run.seconds / bound
    a_ok = a_ratio <= BOUND_TARGET and adaptive.rate_limited < MAX_429
    s_ok = s_ratio <= BOUND_TARGET and stated.rate_limited == 0
    section.add(
        f"Targets: within {BOUND_TARGET}x of the lower bound with fewer than {MAX_429} answers of"
        f" 429, and none with the limit stated. Adaptive: {a_ratio:.2f}x and"
        f" {adaptive.rate_limited} x 429 ({_met(a_ok)}); stated: {s_ratio:.2f}x and"
        f" {stated.rate_limited} x 429 ({_met(s_ok)}).",
        "",
    )
    return section


def _met(ok: bool) -> str:
    return "met" if ok else "missed"


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="anthropic-ingest-bench-"))
