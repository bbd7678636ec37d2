"""Scenario 5: the pace of a load after 429s and server errors, at 300 requests a minute.

    .venv/bin/python benchmarks/pace_after_errors.py      # about 6 minutes
    .venv/bin/python benchmarks/run.py --only 5

A 72-day `claude_code_usage` load (one page a day) through the library, into a temporary
DuckDB file, against the emulator started in this process with a limit of 300 requests a
minute. The Admin API's limit is the organization's, shared by every client of it: each load
starts right after another client of the organization has used the whole quota, one request
every 0.2 s for a minute, so from its first request the load gets exactly 5 requests a second
(the emulator admits any 300 in a sliding minute; a load of ~100 requests alone would never
meet the limit). The bound is the requests the limit admitted (every answer but the 429s)
at 5 a second. Four variants: the 429s with and without `retry-after`, each with and without
10 % of answers being a 500 or a 529.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import measure
from bench_common import Section, seconds, statuses

from anthropic_ingest.emulator import EmulatorConfig
from anthropic_ingest.emulator.runner import Emulator, start_emulator
from anthropic_ingest.errors import IngestError
from anthropic_ingest.service import ingest

TABLE = "claude_code_usage"
INTERVAL = ("2025-10-21", "2025-12-31")  # 72 days
RPM = 300
USERS = 50  # every day fits one page
LATENCY_MS = 50
FAULT_RATE = 0.1
TARGET = 1.5
VARIANTS = (  # (label, retry-after sent with the 429, share of 500/529 answers)
    ("429 with retry-after", True, 0.0),
    ("429 without retry-after", False, 0.0),
    ("429 with retry-after, 10 % 500/529", True, FAULT_RATE),
    ("429 without retry-after, 10 % 500/529", False, FAULT_RATE),
)


@dataclass(frozen=True)
class Run:
    """One load: its wall time and what the emulator answered."""

    label: str
    seconds: float
    requests: int
    rate_limited: int
    server_errors: int
    rows: int
    error: str

    @property
    def admitted(self) -> int:
        return self.requests - self.rate_limited

    @property
    def bound(self) -> float:
        return self.admitted / (RPM / 60.0)

    @property
    def ratio(self) -> float:
        return self.seconds / self.bound


def neighbour(emu: Emulator, seconds: float = 60.0) -> None:
    """Another client of the organization: the whole quota, evenly, for `seconds`."""
    gap = 60.0 / RPM
    headers = {"x-api-key": emu.admin_key, "anthropic-version": "2023-06-01"}
    with httpx.Client(base_url=emu.base_url, headers=headers) as client:
        first = time.monotonic()
        for i in range(int(seconds / gap)):
            delay = first + i * gap - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            client.get("/v1/organizations/me")
        time.sleep(max(0.0, first + seconds - time.monotonic()))


def load_once(emu: Emulator, label: str, scratch: Path) -> Run:
    """Fill the organization's minute, then time one load through the library."""
    print(f"  {label}: another client uses the quota for a minute ...", flush=True)
    emu.reset()
    neighbour(emu)
    emu.clear_requests()
    db = scratch / f"s5-{len(list(scratch.iterdir()))}.duckdb"
    source = f"anthropic://?api_key={emu.admin_key}&base_url={emu.base_url}"
    error = ""
    started = time.monotonic()
    try:
        ingest(
            source,
            TABLE,
            f"duckdb:///{db}",
            TABLE,
            interval_start=INTERVAL[0],
            interval_end=INTERVAL[1],
        )
    except IngestError as exc:  # a failed load is a figure too: report it, run the next one
        error = f"{type(exc).__name__}: {str(exc)[:160]}"
    elapsed = time.monotonic() - started
    counts = statuses(emu.requests())
    five = sum(n for status, n in counts.items() if status and status >= 500)
    rows = measure.count_rows(db, TABLE) if db.exists() else 0
    run = Run(label, elapsed, sum(counts.values()), counts[429], five, rows, error)
    print(
        f"    {seconds(elapsed)}, {run.requests} requests ({run.rate_limited} x 429, {five} x 5xx)"
        f", bound {seconds(run.bound)}, {run.ratio:.2f}x, {rows:,} rows {error}",
        flush=True,
    )
    return run


def pace_after_errors(scratch: Path) -> Section:
    """Scenario 5: every variant against one emulator, reconfigured between loads."""
    section = Section(f"5. The pace after 429s and server errors, at {RPM} requests a minute")
    print(f"scenario 5: {USERS} users, {RPM} rpm, {LATENCY_MS} ms latency", flush=True)
    config = EmulatorConfig(
        seed=42,
        users=USERS,
        start_date=date(2025, 1, 1),
        end_date=date(2025, 12, 31),
        latency_ms=LATENCY_MS,
        rate_limit_rpm=RPM,
    )
    runs = []
    with start_emulator(config) as emu:
        expected = sum(len(emu.org.claude_code_records(d)) for d in _days())
        for label, retry_after, fault_rate in VARIANTS:
            emu.configure(rate_limit_retry_after=retry_after, fault_rate=fault_rate)
            runs.append(load_once(emu, label, scratch))
    _report(section, runs, expected)
    return section


def _days() -> list[date]:
    first, last = date.fromisoformat(INTERVAL[0]), date.fromisoformat(INTERVAL[1])
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]


def _report(section: Section, runs: list[Run], expected: int) -> None:
    section.add(
        f"{len(_days())} days of `{TABLE}` ({INTERVAL[0]} .. {INTERVAL[1]}, {USERS} users, one"
        f" page a day, {expected:,} records), {LATENCY_MS} ms latency, loaded with"
        f" `anthropic_ingest.service.ingest` into a fresh DuckDB file, default source options."
        f" Before each load another client of the organization used the {RPM} requests of the"
        " minute evenly, so the load gets 5 requests a second from its first one. Bound: the"
        " requests the limit admitted (all but the 429 answers) at 5 a second.",
        "",
    )
    section.table(
        ["429s", "wall time", "bound", "/ bound", "requests", "429", "500/529", "rows"],
        [
            [
                r.label,
                seconds(r.seconds),
                seconds(r.bound),
                f"**{r.ratio:.2f}**",
                r.requests,
                r.rate_limited,
                r.server_errors,
                f"{r.rows:,}" + (f" ({r.error})" if r.error else ""),
            ]
            for r in runs
        ],
    )
    worst = max(runs, key=lambda r: r.ratio)
    complete = all(r.rows == expected and not r.error for r in runs)
    verdict = "met" if worst.ratio <= TARGET and complete else "missed"
    section.add(
        f"Target: every load within {TARGET}x of its bound, with every record loaded."
        f" Worst: {worst.ratio:.2f}x ({worst.label}); every record loaded:"
        f" {'yes' if complete else 'NO'} ({verdict}).",
        "",
    )


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="anthropic-ingest-bench-"))
    try:
        section = pace_after_errors(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("\n" + "\n".join([f"## {section.title}", "", *section.lines]))


if __name__ == "__main__":
    main()
