"""Rows to Arrow tables with the declared schema: exact decimals, UTC timestamps, int64 counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyarrow as pa

from anthropic_ingest import errors
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
        if markers is not None:
            fill = markers if column.name == spec.cursor else [None] * len(markers)
            values.extend(fill)
        columns.append(_array(spec, column.name, values, column.arrow_type))
    if markers is not None:
        flags = [False] * len(rows) + [True] * len(markers)
        columns.append(pa.array(flags, pa.bool_(), memory_pool=POOL))
    return pa.Table.from_arrays(columns, schema=schema)


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
