"""How a load reports progress. The CLI supplies a Rich or plain-log implementation."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from dlt.common.runtime.collector import Collector

from anthropic_ingest.client.limiter import RATE_LIMITED, WaitHook
from anthropic_ingest.load.interrupts import LoadGuard

if TYPE_CHECKING:
    from anthropic_ingest.load.plan import TableReport

__all__ = ["RATE_LIMITED", "LoadPhase", "NullProgress", "ProgressSink", "report_waits"]


class ProgressSink(Protocol):
    """Receives progress events; implementations must be thread-safe.

    `waiting` says a request waits before it is sent again: `reason` is `RATE_LIMITED` for
    the pause every request sits out after a 429, else why that one request is retried
    ("server error 529"). `loading` says fetching is done and the tables of a round go into
    the destination; `loaded` says that round was committed (`more`: another round follows).
    """

    def table_started(self, table: str, total_units: int | None, unit: str) -> None: ...

    def advance(self, table: str, units: int, rows: int) -> None: ...

    def table_finished(self, table: str, rows: int) -> None: ...

    def note(self, message: str) -> None: ...

    def waiting(self, reason: str, seconds: float) -> None: ...

    def loading(self, tables: Sequence[str], destination: str) -> None: ...

    def loaded(self, seconds: float, more: bool) -> None: ...


class NullProgress:
    """Reports nothing."""

    def table_started(self, table: str, total_units: int | None, unit: str) -> None:
        return None

    def advance(self, table: str, units: int, rows: int) -> None:
        return None

    def table_finished(self, table: str, rows: int) -> None:
        return None

    def note(self, message: str) -> None:
        return None

    def waiting(self, reason: str, seconds: float) -> None:
        return None

    def loading(self, tables: Sequence[str], destination: str) -> None:
        return None

    def loaded(self, seconds: float, more: bool) -> None:
        return None


def report_waits(sink: ProgressSink) -> WaitHook:
    """The Admin client's `on_wait` hook, telling `sink`."""

    def on_wait(seconds: float, reason: str) -> None:
        sink.waiting(reason, seconds)

    return on_wait


class LoadPhase(Collector):
    """Tells a sink when dlt stops fetching and starts writing a round, and when it committed.

    Given to `dlt.pipeline(progress=...)`: dlt starts its normalize and load steps through it,
    after the extract step (which is where the window tables are fetched) has drained every
    resource, so the first step that is not an extraction is the start of the load phase.
    """

    def __init__(self, sink: ProgressSink, destination: str) -> None:
        self._sink = sink
        self._destination = destination
        self._tables: list[TableReport] = []
        self._started: float | None = None
        # The pipeline this collector reports on (set once it exists) and the Ctrl-C guard
        # of its load steps.
        self.pipeline: Any = None
        self.guard = LoadGuard()
        # Called as each extract step starts (the runner lets go of an idle DuckDB file).
        self.on_extract: Callable[[], None] | None = None

    def begin_round(self, tables: Sequence[TableReport]) -> None:
        """A round of `pipeline.run` is about to fetch and load `tables`."""
        self._tables, self._started = list(tables), None

    def end_round(self, more: bool) -> None:
        """The round's load package is committed; `more` when another round follows."""
        self.guard.release()
        self._announce()
        assert self._started is not None
        self._sink.loaded(time.monotonic() - self._started, more)

    def _announce(self) -> None:
        if self._started is None:
            self._started = time.monotonic()
            # Fetched by now: a table with no complete day or bucket to load writes nothing.
            tables = [report.table for report in self._tables if report.skipped is None]
            self._sink.loading(tables, self._destination)

    def update(
        self,
        name: str,
        inc: int = 1,
        total: int | None = None,
        inc_total: int | None = None,
        message: str | None = None,
        label: str | None = None,
    ) -> None:
        return None  # counts of items and files: the sink counts days and rows itself

    def _start(self, step: str) -> None:
        if step.startswith("Extract"):
            if self.on_extract is not None:
                self.on_extract()
            if self.pipeline is not None:
                self.guard.prepare(self.pipeline)
            return
        self._announce()
        self.guard.hold()

    def _stop(self) -> None:
        return None
