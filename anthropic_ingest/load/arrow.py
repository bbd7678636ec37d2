"""Rows to Arrow tables with the declared schema: exact decimals, UTC timestamps, int64 counts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

import pyarrow as pa
from dlt.common.schema import Schema

from anthropic_ingest import errors
from anthropic_ingest.load.plan import Target
from anthropic_ingest.schema import Column
from anthropic_ingest.tables import TableSpec

# Rows carrying True here are not data: they mark a day or bucket whose stored rows a load
# replaces (dlt deletes every row with the same cursor value and never inserts the marker).
WINDOW_MARKER = "_window_marker"

# Arrow's default pool (mimalloc) keeps a cache of freed memory per thread. These arrays are
# built on up to 16 fetch threads, whose caches held some 80 MB through a large backfill; the
# system allocator gives it back.
POOL = pa.system_memory_pool()


def arrow_schema(spec: TableSpec, *, windowed: bool) -> pa.Schema:
    # dlt makes a merge key NOT NULL; saying so here keeps both schemas in agreement.
    fields = [
        pa.field(c.name, c.arrow_type, nullable=not (windowed and c.name == spec.cursor))
        for c in spec.columns
    ]
    if windowed:
        fields.append(pa.field(WINDOW_MARKER, pa.bool_()))
    return pa.schema(fields)


def to_arrow(
    spec: TableSpec, rows: list[dict[str, Any]], markers: list[datetime] | None = None
) -> pa.Table:
    """Build an Arrow table of `rows`; with `markers`, add one window-marker row per value."""
    windowed = markers is not None
    schema = arrow_schema(spec, windowed=windowed)
    columns = []
    for column in spec.columns:
        values = [row[column.name] for row in rows]
        if markers is not None and column.name == spec.cursor:
            values.extend(_markers(column, markers))
        elif markers is not None:
            values.extend([None] * len(markers))
        columns.append(_array(spec, column.name, values, column.arrow_type))
    if markers is not None:
        flags = [False] * len(rows) + [True] * len(markers)
        columns.append(pa.array(flags, pa.bool_(), memory_pool=POOL))
    return pa.Table.from_arrays(columns, schema=schema)


def _markers(cursor: Column, markers: list[datetime]) -> list[date] | list[datetime]:
    """The markers as values of the cursor column: a day cursor is a DATE, and dlt deletes
    the rows whose merge key equals a marker's, so a marker must be a day too."""
    if cursor.type != "date":
        return markers
    days = [moment.astimezone(UTC) for moment in markers]
    # Arrow would silently cut any other instant to its day; a window of days starts at one.
    if any(moment.time() != time(0) for moment in days):
        raise ValueError(f"{cursor.name}: a window marker is not the start of a UTC day")
    return [moment.date() for moment in days]


def with_schema(spec: TableSpec, table: pa.Table, *, windowed: bool) -> pa.Table:
    """A table of the spec's columns in the loader's schema (with data-row markers when
    `windowed`), as `to_arrow` makes it."""
    schema = arrow_schema(spec, windowed=windowed)
    columns = list(table.columns)
    if windowed:
        columns.append(pa.array([False] * table.num_rows, pa.bool_(), memory_pool=POOL))
    return pa.Table.from_arrays(columns, schema=schema)


def _array(spec: TableSpec, name: str, values: list[Any], type_: pa.DataType) -> pa.Array:
    try:
        return pa.array(values, type=type_, memory_pool=POOL)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
        raise errors.ProtocolError(
            f"{spec.name}.{name}: the API sent a value that does not fit {type_} exactly "
            f"({exc}); nothing was loaded"
        ) from None


def check_stored_days(targets: Iterable[Target], stored: Schema, where: str) -> None:
    """Refuse to load into a table whose destination (its dlt schema `stored`) keeps a day
    as a timestamp, as versions before days were DATE columns wrote them.

    dlt keeps a column's first type and lets the destination coerce later values into it, so
    the days would stay instants that the session time zone moves, and nothing would say so."""
    for target in targets:
        table = stored.tables.get(stored.naming.normalize_table_identifier(target.table), {})
        for column in target.spec.columns:
            kept = table.get("columns", {}).get(column.name, {}).get("data_type")
            if column.type == "date" and kept not in (None, "date"):
                raise errors.UsageError(
                    f"{target.table} in {where} holds {column.name} as a {kept} (written by "
                    "an earlier anthropic-ingest); it is now a date, which no session time "
                    "zone can move: reload the table with --full-refresh"
                )
