"""A byte budget: how much fetched API data a run holds at once, across its tables.

A batch (a day, a report chunk, a 31-day analytics window) is fetched on a pool thread and
flattened there; its result then waits, in order, for the loader. Counted in batches, what is
held depends on how big batches are: ten analytics windows of 66 raw pages each are hundreds
of MB. Counted in bytes, it does not. Each page a batch fetches takes its size from the budget,
and gives it back when the batch is handed to the loader (or dropped); a batch whose page
does not fit waits until others give theirs back.

It never deadlocks: batches are handed over in order, so the oldest batch of a sequence that
is still fetching (its `Lane`'s head) may always go on, over the budget if need be. A batch
larger than the whole budget is therefore fetched alone, and the sequence goes on.

Room is taken before a request, not only once its answer is in memory: a page's bytes exist
as soon as it arrives, whatever the budget says then. Each request reserves the size of the
largest page its lane has received so far (`reserve`), and the answer's real size replaces
the reservation (`hold`). Counted only on arrival, a year of a 10,000-user organization had
every monthly cost and usage report page in memory at once (12 and 7 MB each), 280 MB of
answers against a budget of 128.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

MB = 1024 * 1024
# Raw JSON held at once by a run's fetches. A page becomes some four times its size while
# decoded, but for an instant and two pages at a time (flatten._DECODING); as Arrow, less.
# A DuckDB destination gets the same figure as its memory limit. 128 rather than 192: a year
# of a 10,000-user organization in one sync peaked at 572 MB with 192 (benchmarks/footprint.py);
# replaying 90 days of Claude Code usage at 3,500 users took 6.5 s with 192 and 6.7 s with 128.
DEFAULT_BUDGET_MB = 128
# DuckDB's memory limit never goes below this, whatever the budget: parts of a load (a block
# being written, a merge's hash table) cannot spill, and under a limit of 1 MB a sync of 40
# users failed with "Out of Memory Error"; 64 MB loads 60 days of a 10,000-user organization.
DUCKDB_MIN_MB = 64


def duckdb_memory_limit_mb(budget: int | None) -> int | None:
    """The memory limit (MB) an embedded DuckDB loads with for a byte budget; None: DuckDB's
    own default, when the budget is off."""
    return max(budget // MB, DUCKDB_MIN_MB) if budget else None


_current = threading.local()


class ByteBudget:
    """Bytes that the batches of every lane may hold at once; None for no limit."""

    def __init__(self, limit: int | None = DEFAULT_BUDGET_MB * MB) -> None:
        self.limit = limit
        self._used = 0
        self.waiting = 0  # batches waiting for room now
        self._changed = threading.Condition()

    @property
    def used(self) -> int:
        with self._changed:
            return self._used

    def lane(self) -> Lane:
        """A sequence of batches handed over in the order they were started."""
        return Lane(self)

    def _take(self, batch: Holding, size: int) -> None:
        with self._changed:
            if not self._fits(batch, size):
                self.waiting += 1
                self._changed.wait_for(lambda: self._fits(batch, size))
                self.waiting -= 1
            self._used += size
            batch.size += size

    def _fits(self, batch: Holding, size: int) -> bool:
        if self.limit is None or self._used + size <= self.limit:
            return True
        return batch.lane.head() is batch

    def _give_back(self, batch: Holding, size: int | None = None) -> None:
        """Return `size` of what `batch` holds (None: all of it)."""
        with self._changed:
            size = batch.size if size is None else min(size, batch.size)
            self._used -= size
            batch.size -= size
            if batch.size == 0:
                batch.reserved = 0
            self._changed.notify_all()

    def _finished(self, batch: Holding) -> None:
        with self._changed:
            batch.lane.running.remove(batch)
            self._changed.notify_all()  # the lane may have a new head


class Lane:
    """One ordered sequence of batches (one table's fetch)."""

    def __init__(self, budget: ByteBudget) -> None:
        self.budget = budget
        self.running: list[Holding] = []  # started and still fetching, oldest first
        self.page_bytes = 0  # its largest page so far: what a request of this lane reserves

    def start(self) -> Holding:
        """A new batch, after every batch started before it; call in hand-over order."""
        holding = Holding(self)
        with self.budget._changed:
            self.running.append(holding)
        return holding

    def head(self) -> Holding | None:
        return self.running[0] if self.running else None


class Holding:
    """What one batch holds: the sizes of its pages, until it is handed over or dropped."""

    def __init__(self, lane: Lane) -> None:
        self.lane = lane
        self.size = 0
        self.reserved = 0  # of `size`: taken for a request whose answer has not arrived
        self._running = True

    def take(self, size: int) -> None:
        """Count `size` more bytes, once they fit (the lane's head never waits)."""
        self.lane.budget._take(self, size)

    def reserve(self) -> None:
        """Before a request: take room for a page as large as the largest of the lane so far
        (nothing before its first page), waiting until it fits."""
        expected = self.lane.page_bytes - self.reserved
        if expected > 0:
            self.take(expected)
            self.reserved += expected

    def settle(self, size: int) -> None:
        """A page of `size` bytes arrived (0: the request made none): it replaces the
        reservation; more than was reserved is taken, waiting for room, less is given back."""
        lane = self.lane
        lane.page_bytes = max(lane.page_bytes, size)
        extra, self.reserved = size - self.reserved, 0
        if extra > 0:
            self.take(extra)
        elif extra < 0:
            lane.budget._give_back(self, -extra)

    def give_back(self) -> None:
        """Return every byte counted so far (the pages were handed over or dropped)."""
        self.lane.budget._give_back(self)

    def finish(self) -> None:
        """The batch fetches no more: the next one of its lane becomes the head."""
        if self._running:
            self._running = False
            self.lane.budget._finished(self)

    @contextmanager
    def fetching(self) -> Iterator[None]:
        """Count the pages this thread fetches meanwhile against this batch (`hold`)."""
        previous = getattr(_current, "holding", None)
        _current.holding = self
        try:
            yield
        finally:
            _current.holding = previous
            self.finish()


def reserve() -> None:
    """Before a request of the batch being fetched on this thread: take room for its answer
    (`Holding.reserve`); outside a counted batch, a no-op."""
    holding: Holding | None = getattr(_current, "holding", None)
    if holding is not None:
        holding.reserve()


def hold(size: int) -> None:
    """Count a page of `size` bytes against the batch being fetched on this thread, in place
    of what its request reserved, waiting for room for the rest; outside a counted batch (a
    list endpoint read page by page), a no-op. `hold(0)`: the request brought no page."""
    holding: Holding | None = getattr(_current, "holding", None)
    if holding is not None:
        holding.settle(size)


def drop_held() -> None:
    """Give back what the batch being fetched on this thread holds: its pages were dropped
    (a window read again from page 1)."""
    holding: Holding | None = getattr(_current, "holding", None)
    if holding is not None:
        holding.give_back()


# glibc's mallopt parameters (malloc.h).
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


@functools.cache
def return_freed_pages() -> None:
    """Have glibc's allocator give freed page bodies back to the system (Linux, once a run).

    A page is a MB of JSON allocated on a fetch thread. By default glibc serves blocks of that
    size from its heaps once one such block was freed (its mmap threshold adapts up to 32 MB),
    one heap per thread: freed pages then stay part of the process, scattered among live
    objects, and a year of analytics rows peaked at 900 MB while under 100 MB was in use.
    Fixed at 128 KB, a page is mapped for itself and unmapped when freed; two heaps keep the
    threads' small objects together. Settings made through MALLOC_* variables are kept."""
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        mallopt(_M_MMAP_THRESHOLD, 128 * 1024)
    if "MALLOC_ARENA_MAX" not in os.environ:
        mallopt(_M_ARENA_MAX, 2)
