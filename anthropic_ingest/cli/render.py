"""Progress and summaries on the terminal: Rich bars, plain log lines, or only the summary."""

from __future__ import annotations

import sys
import textwrap
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.progress import TaskID
from rich.table import Table

from anthropic_ingest import secrets
from anthropic_ingest.cli.bars import NAME_MIN, BoardProgress
from anthropic_ingest.load.plan import LoadReport, TableReport
from anthropic_ingest.load.progress import RATE_LIMITED, NullProgress

LOG_WIDTH = 80  # log lines fit an 80-column terminal, time stamp included
STAMP_WIDTH = len("2026-01-31T12:00:00Z ")
err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)


class RichProgress:
    """A line per table (counts, rows, ETA) that fits the terminal, and a status line for
    waits and the load phase, for an interactive terminal."""

    def __init__(self, console: Console | None = None) -> None:
        self._console = console or err
        self._tasks: dict[str, TaskID] = {}
        self._rows: dict[str, int] = {}
        self._lock = threading.Lock()
        self._wait: tuple[str, float] | None = None  # the reason, and when the wait ends
        self._loading: str | None = None
        self._round = 0
        self._progress = BoardProgress(self._console, self._status)

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def table_started(self, table: str, total_units: int | None, unit: str) -> None:
        with self._lock:
            self._rows[table] = 0
            self._tasks[table] = self._progress.add_task(
                table, total=total_units, unit=unit, rows=0
            )

    def advance(self, table: str, units: int, rows: int) -> None:
        with self._lock:
            self._rows[table] = self._rows.get(table, 0) + rows
            if table in self._tasks:
                self._progress.update(self._tasks[table], advance=units, rows=self._rows[table])

    def table_finished(self, table: str, rows: int) -> None:
        with self._lock:
            task = self._tasks.get(table)
            if task is not None:
                total = self._progress.tasks[task].total
                self._progress.update(task, completed=total or 1, total=total or 1, rows=rows)

    def note(self, message: str) -> None:
        self._progress.console.print(secrets.redact(message), markup=False)

    def waiting(self, reason: str, seconds: float) -> None:
        until = time.monotonic() + seconds
        with self._lock:
            if self._wait is None or self._wait[1] <= until:
                self._wait = (reason, until)
        self._progress.refresh()

    def loading(self, tables: Sequence[str], destination: str) -> None:
        with self._lock:
            self._round += 1
            self._loading = loading_text(tables, destination, self._round, self._console.width)
        self._progress.refresh()

    def loaded(self, seconds: float, more: bool) -> None:
        with self._lock:
            self._loading = None
        self.note(loaded_text(seconds, more, self._round))

    def _status(self) -> tuple[str | None, bool]:
        """The status line (a wait while it lasts, else the load phase), and whether every
        request is paused (the ETA then means nothing). Takes no lock: Rich calls it while
        holding its own, which `table_started` and the others take inside ours."""
        wait, loading = self._wait, self._loading  # each a whole value, replaced at once
        left = wait[1] - time.monotonic() if wait is not None else 0.0
        if wait is not None and left > 0:
            return secrets.redact(wait_text(wait[0], left)), wait[0] == RATE_LIMITED
        return loading, False


class LogProgress:
    """Plain, timestamped lines for schedulers and log files, each within 80 columns: at most
    one per table per 5 s, one per wait (rate-limit pauses: one per 5 s), and one as each
    load round starts and commits."""

    def __init__(self, interval: float = 5.0) -> None:
        self._interval = interval
        self._last: dict[str, float] = {}
        self._done: dict[str, tuple[int, int]] = {}
        self._total: dict[str, tuple[int | None, str]] = {}
        self._last_pause = float("-inf")
        self._round = 0
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._closed = False

    def __enter__(self) -> LogProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        # Once the run is over (or interrupted), fetch threads still winding down print
        # nothing: the run's last line is its summary or its error.
        with self._write_lock:
            self._closed = True

    def _line(self, message: str) -> None:
        """One whole write per message: tables finish on different threads, and `print`
        writes the text and its newline separately, so two lines could run into one. A long
        message goes on indented lines of its own, so no line is wider than 80 columns."""
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        room = LOG_WIDTH - STAMP_WIDTH
        parts = textwrap.wrap(secrets.redact(message), room, break_on_hyphens=False) or [""]
        text = f"{stamp} " + f"\n{' ' * STAMP_WIDTH}".join(parts)
        with self._write_lock:
            if self._closed:
                return
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

    def _table_line(self, table: str, rest: str) -> None:
        """`table` + `rest` on one line: a name too long for it is shortened, not wrapped."""
        room = LOG_WIDTH - STAMP_WIDTH - len(rest)
        self._line(shorten(table, max(NAME_MIN, room)) + rest)

    def table_started(self, table: str, total_units: int | None, unit: str) -> None:
        with self._lock:
            self._total[table] = (total_units, unit)
            self._done[table] = (0, 0)
            self._last[table] = time.monotonic()
        size = f"{total_units} {unit}" if total_units is not None else unit
        self._table_line(table, f": started ({size})")

    def advance(self, table: str, units: int, rows: int) -> None:
        with self._lock:
            done_units, done_rows = self._done.get(table, (0, 0))
            self._done[table] = (done_units + units, done_rows + rows)
            if time.monotonic() - self._last.get(table, 0.0) < self._interval:
                return
            self._last[table] = time.monotonic()
            total, unit = self._total.get(table, (None, ""))
            done_units, done_rows = self._done[table]
        of = f"/{total}" if total is not None else ""
        self._table_line(table, f": {done_units}{of} {unit}, {done_rows:,} rows")

    def table_finished(self, table: str, rows: int) -> None:
        self._table_line(table, f": fetched, {rows:,} rows")

    def note(self, message: str) -> None:
        self._line(message)

    def waiting(self, reason: str, seconds: float) -> None:
        if reason == RATE_LIMITED:
            # Every request in flight may meet the same 429s: one line says it.
            with self._lock:
                if time.monotonic() - self._last_pause < self._interval:
                    return
                self._last_pause = time.monotonic()
        self._line(wait_text(reason, seconds))

    def loading(self, tables: Sequence[str], destination: str) -> None:
        with self._lock:
            self._round += 1
            round_ = self._round
        self._line(loading_text(tables, destination, round_, LOG_WIDTH - STAMP_WIDTH))

    def loaded(self, seconds: float, more: bool) -> None:
        self._line(loaded_text(seconds, more, self._round))


def wait_text(reason: str, seconds: float) -> str:
    """`waiting 12 s: rate limited` (every request pauses), `retrying in 3.0 s: server
    error 529` (one request waits)."""
    if reason == RATE_LIMITED:
        return f"waiting {_seconds(seconds)}: {reason}"
    return f"retrying in {_seconds(seconds)}: {reason}"


def loading_text(tables: Sequence[str], destination: str, round_: int, width: int) -> str:
    """`loading 3 tables into duckdb:///x.duckdb…`, the destination shortened to `width`."""
    count = f"{len(tables)} table{'s' if len(tables) != 1 else ''}"
    head = f"round {round_}: loading {count} into " if round_ > 1 else f"loading {count} into "
    return head + shorten(destination, max(NAME_MIN, width - len(head) - 1), middle=True) + "…"


def loaded_text(seconds: float, more: bool, round_: int) -> str:
    if more:
        return f"round {round_} committed in {seconds:.1f} s; the backfill goes on"
    return f"loaded in {seconds:.1f} s"


def shorten(text: str, width: int, *, middle: bool = False) -> str:
    """`text` in at most `width` characters: cut at the end, or in the `middle` (for a path,
    whose end names the file)."""
    if len(text) <= width:
        return text
    if not middle:
        return text[: width - 1] + "…"
    head = (width - 1) // 3
    return text[:head] + "…" + text[len(text) - (width - 1 - head) :]


def _seconds(seconds: float) -> str:
    """`12 s`, `1.5 s`, `0.25 s`: as precise as the wait is short."""
    if seconds >= 10:
        return f"{seconds:.0f} s"
    return f"{seconds:.1f} s" if seconds >= 1 else f"{seconds:.2f} s"


class QuietProgress(NullProgress):
    """Only warnings: for output that is not a terminal."""

    def __enter__(self) -> QuietProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def note(self, message: str) -> None:
        print(secrets.redact(message), file=sys.stderr, flush=True)


def make_progress(mode: str) -> Any:
    """The progress display for `--progress`: bars on a terminal, log lines, or nothing."""
    if mode == "log":
        return LogProgress()
    if mode == "interactive" and err.is_terminal:
        return RichProgress()
    return QuietProgress()


def _window_text(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return "current state"
    last = end - timedelta(microseconds=1)
    if start.time() == datetime.min.time() and end.time() == datetime.min.time():
        return f"{start:%Y-%m-%d} .. {last:%Y-%m-%d}"
    return f"{start:%Y-%m-%dT%H:%M}Z .. {end:%Y-%m-%dT%H:%M}Z (excl.)"


def _covered(item: TableReport) -> str:
    covered = item.skipped or _window_text(item.window_start, item.window_end)
    return f"FAILED (see below); {covered}" if item.failed else covered


def print_summary(report: LoadReport) -> None:
    """One summary: rows per table, the range covered, requests made, time taken."""
    table = Table(title=f"Loaded into {report.destination} (dataset {report.dataset})")
    for name in ("table", "rows", "range", "mode"):
        table.add_column(name, justify="right" if name == "rows" else "left")
    for item in report.tables:
        table.add_row(item.table, f"{item.rows:,}", _covered(item), item.mode)
    footer = (
        f"{report.requests} requests ({report.retries} retried, {report.rate_limited} "
        f"rate-limited) in {report.seconds:.1f} s"
    )
    if report.views:
        footer += f"; views: {', '.join(report.views)}"
    if out.is_terminal:
        out.print(table)
        out.print(footer)
        return
    for item in report.tables:
        print(f"{item.table}: {item.rows} rows, {_covered(item)}, {item.mode}")
    print(f"loaded into {report.destination} dataset {report.dataset}: {footer}")
