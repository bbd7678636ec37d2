"""Flatten fetched batches into Arrow tables, page by page, on the fetch threads.

A batch (a day, a report chunk, a list page, a workspace) is read one page at a time: each
page's records become rows, the rows become an Arrow chunk, and both are dropped before the
next page arrives. A batch therefore holds compact Arrow data while it is being fetched, never
the API's records, and memory does not grow with the length of a day or of the interval.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from anthropic_ingest import errors
from anthropic_ingest.client.bodies import RawRecords, collector_paused
from anthropic_ingest.load.arrow import POOL, to_arrow, with_schema
from anthropic_ingest.load.columnar import claude_code_tables
from anthropic_ingest.load.fetch import Batch, Page, ReportPage, read_page
from anthropic_ingest.load.plan import Target

Record = dict[str, Any]
Key = tuple[Any, ...]


@dataclass
class Part:
    """One target's share of a batch: its Arrow table and what the run report needs."""

    target: Target
    rows: int
    missing: dict[str, int]
    keys: list[Key]  # current-state tables: checked against the whole run by the consumer
    table: pa.Table | None
    last: datetime | None = None  # window tables: the latest day or bucket that has rows


@dataclass
class Prepared:
    """A batch, flattened for every target of its group."""

    units: int
    records: int
    parts: list[Part]
    last_covered: datetime | None = None  # start of the batch's last day or bucket


# Pages decoded and flattened at once, across all fetch threads. The work holds the
# interpreter lock, so more would only interleave: each thread would hold a decoded page
# (four times its JSON) while waiting for its turn.
_DECODING = threading.BoundedSemaphore(2)


def prepare(batch: Batch, targets: list[tuple[Target, bool]]) -> Prepared:
    """Read `batch` page by page into one Arrow table per (target, is a window table)."""
    flatteners = [_Flattener(target, windowed) for target, windowed in targets]
    records = 0
    for page in batch.pages:
        records += _flatten_page(page, flatteners)
        del page  # not kept while the next page is fetched
    parts = [f.finish() for f in flatteners]
    return Prepared(batch.units, records, parts, max(batch.covered, default=None))


def _flatten_page(page: Page, flatteners: list[_Flattener]) -> int:
    """Decode one page and flatten it for every target; its records die before this returns,
    so the collector, held off meanwhile, never has to traverse them."""
    with _DECODING:
        read = None
        if isinstance(page, ReportPage):
            read = page.columnar()
        elif isinstance(page, RawRecords):
            read = claude_code_tables(page, [f.target.spec for f in flatteners])
        if read is not None:
            for flattener, table in zip(flatteners, read.tables, strict=True):
                flattener.add_table(table, read.missing)
            return read.records
        with collector_paused():
            records = read_page(page)
            for flattener in flatteners:
                flattener.add(records)
            return len(records)


# Records flattened into dict rows at a time, before they become Arrow columns.
ROWS_AT_ONCE = 4096


@dataclass
class _Flattener:
    """One target's share of one batch, accumulated as Arrow chunks."""

    target: Target
    windowed: bool
    rows: int = 0
    missing: dict[str, int] = field(default_factory=dict)
    keys: list[Key] = field(default_factory=list)
    chunks: list[pa.Table] = field(default_factory=list)

    def add(self, page: list[Record]) -> None:
        spec = self.target.spec
        count_missing(self.target, page, self.missing)
        # A row as a dict costs some 1.5 KB: a 12 MB monthly cost report page of a large
        # organization made 55 MB of them at once. Slices keep a few MB alive at a time.
        for start in range(0, len(page), ROWS_AT_ONCE):
            rows = flatten_rows(self.target, page[start : start + ROWS_AT_ONCE])
            if spec.mode != "window":
                self.keys.extend(row_keys(self.target, rows))
            self.rows += len(rows)
            if rows:
                self.chunks.append(to_arrow(spec, rows, windowed=self.windowed))

    def add_table(self, table: pa.Table, missing: dict[str, int]) -> None:
        """A page already read into the table's columns (a window table's)."""
        for name, count in missing.items():
            self.missing[name] = self.missing.get(name, 0) + count
        self.rows += table.num_rows
        if table.num_rows:
            self.chunks.append(with_schema(self.target.spec, table, windowed=self.windowed))

    def finish(self) -> Part:
        table = pa.concat_tables(self.chunks, memory_pool=POOL) if self.chunks else None
        last = None
        if table is not None and self.target.spec.mode == "window":
            check_unique_rows(self.target, table)
            last = latest(table, self.target.spec.cursor)
        return Part(self.target, self.rows, self.missing, self.keys, table, last)


def latest(table: pa.Table, cursor: str | None) -> datetime | None:
    """The latest value of a window table's cursor (a day or a bucket start) as UTC midnight
    or instant, or None when the table has no rows."""
    if cursor is None or table.num_rows == 0:
        return None
    value = pc.max(table.column(cursor)).as_py()
    if value is None:
        return None
    if not isinstance(value, datetime):  # a DATE column
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def row_keys(target: Target, rows: list[Record]) -> list[Key]:
    """What makes an object distinct: its key."""
    return [tuple(row[k] for k in target.spec.key) for row in rows]


def check_unique_rows(target: Target, table: pa.Table) -> None:
    """Fail when a batch of a window table holds the same row twice. Report rows are compared
    on every value, so a split the API makes that the documented key does not show can never
    fail a load.

    The documented key is checked first: rows distinct on it are distinct on every value,
    and its hash table is a fraction of the whole rows' (grouping a month of cost rows on
    every column held 53 MB at a sync's peak). Only a batch where the key repeats is
    compared on every value."""
    key = [name for name in target.spec.key if name in table.column_names]
    if key and _distinct_rows(table, key) == table.num_rows:
        return
    if _distinct_rows(table, [c.name for c in target.spec.columns]) != table.num_rows:
        raise _duplicate(target)


def _distinct_rows(table: pa.Table, names: list[str]) -> int:
    rows = table.select(names)
    return int(rows.group_by(names, use_threads=False).aggregate([]).num_rows)


def check_unique(target: Target, keys: list[Key], seen: set[Key]) -> None:
    """Fail when the API sends a record twice, as when a page cursor leads back to records
    already read."""
    before = len(seen)
    seen.update(keys)
    if len(seen) - before != len(keys):
        raise _duplicate(target)


def _duplicate(target: Target) -> errors.ProtocolError:
    return errors.ProtocolError(
        f"the Admin API sent the same {target.spec.name} record twice, as when a page "
        "cursor leads back to records already read; refusing to load duplicates"
    )


def count_missing(target: Target, records: list[Record], counts: dict[str, int]) -> None:
    """Count, per documented field, the records that lack it."""
    expected = target.spec.expected_fields
    for record in records:
        for name in expected - record.keys():
            counts[name] = counts.get(name, 0) + 1


def flatten_rows(target: Target, records: list[Record]) -> list[Record]:
    """The table's rows of `records`; a record the transform cannot read fails the run."""
    to_rows = target.spec.to_rows
    try:
        return [row for record in records for row in to_rows(record)]
    except (KeyError, TypeError, AttributeError, ValueError, ArithmeticError) as exc:
        raise errors.ProtocolError(
            f"a {target.spec.name} record from the Admin API lacks or mistypes a field the "
            f"table needs ({type(exc).__name__}: {exc}); nothing was loaded"
        ) from None
