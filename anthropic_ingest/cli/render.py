"""Progress and summaries on the terminal: Rich bars, plain log lines, or only the summary."""

from __future__ import annotations

import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from anthropic_ingest import secrets
from anthropic_ingest.load.plan import LoadReport, TableReport
from anthropic_ingest.load.progress import NullProgress

PROGRESS_MODES = ("interactive", "log")
err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)


class RichProgress:
    """Progress bars per table with counts and an ETA, for an interactive terminal."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]:<7} {task.fields[rows]:>10,} rows"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._rows: dict[str, int] = {}
        self._lock = threading.Lock()

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


class LogProgress:
    """Plain, timestamped lines for schedulers and log files (at most one per table per 5 s)."""

    def __init__(self, interval: float = 5.0) -> None:
        self._interval = interval
        self._last: dict[str, float] = {}
        self._done: dict[str, tuple[int, int]] = {}
        self._total: dict[str, tuple[int | None, str]] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()

    def __enter__(self) -> LogProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def _line(self, message: str) -> None:
        """One whole line per write: tables finish on different threads, and `print` writes
        the text and its newline separately, so two lines could run into one."""
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._write_lock:
            sys.stderr.write(f"{stamp} {secrets.redact(message)}\n")
            sys.stderr.flush()

    def table_started(self, table: str, total_units: int | None, unit: str) -> None:
        with self._lock:
            self._total[table] = (total_units, unit)
            self._done[table] = (0, 0)
            self._last[table] = time.monotonic()
        size = f"{total_units} {unit}" if total_units is not None else unit
        self._line(f"{table}: started ({size})")

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
        self._line(f"{table}: {done_units}{of} {unit}, {done_rows:,} rows")

    def table_finished(self, table: str, rows: int) -> None:
        self._line(f"{table}: fetched, {rows:,} rows")

    def note(self, message: str) -> None:
        self._line(message)


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
