"""Rows to Arrow tables with the declared schema: exact decimals, UTC timestamps, int64 counts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time
from typing import Any

import pyarrow as pa
from dlt.common.schema import Schema

from anthropic_ingest import errors
from anthropic_ingest.load.plan import Target
from anthropic_ingest.tables import TableSpec

# Arrow's default pool (mimalloc) keeps a cache of freed memory per thread. These arrays are
# built on up to 16 fetch threads, whose caches held some 80 MB through a large backfill; the
# system allocator gives it back.
POOL = pa.system_memory_pool()


def arrow_schema(spec: TableSpec, *, windowed: bool) -> pa.Schema:
    # A window table's cursor is declared NOT NULL (every row has its day or bucket); saying
    # so here keeps the Arrow and dlt schemas in agreement.
    return pa.schema(
        pa.field(c.name, c.arrow_type, nullable=not (windowed and c.name == spec.cursor))
        for c in spec.columns
    )


def to_arrow(spec: TableSpec, rows: list[dict[str, Any]], *, windowed: bool = False) -> pa.Table:
    """Build an Arrow table of `rows` in the declared schema."""
    columns = [
        _array(spec, column.name, [row[column.name] for row in rows], column.arrow_type)
        for column in spec.columns
    ]
    return pa.Table.from_arrays(columns, schema=arrow_schema(spec, windowed=windowed))


def with_schema(spec: TableSpec, table: pa.Table, *, windowed: bool) -> pa.Table:
    """A table of the spec's columns in the loader's schema, as `to_arrow` makes it."""
    return pa.Table.from_arrays(list(table.columns), schema=arrow_schema(spec, windowed=windowed))


def window_scope(
    spec: TableSpec, start: datetime, end: datetime, capabilities: Any, mysql: bool
) -> str:
    """The SQL condition selecting a window table's stored rows in `[start, end)`: a load
    deletes them and inserts what it fetched, so it replaces exactly its window, days that
    are now empty included. Literals are UTC: an offset where the column is zoned, a plain
    UTC date-time on MySQL/MariaDB (which stores UTC DATETIMEs)."""
    cursor = next(c for c in spec.columns if c.name == spec.cursor)
    name = capabilities.escape_identifier(capabilities.casefold_identifier(cursor.name))

    def literal(moment: datetime) -> str:
        moment = moment.astimezone(UTC)
        if cursor.type == "date":
            if moment.time() != time(0):
                raise ValueError(f"{cursor.name}: a window of days starts at a UTC midnight")
            return f"'{moment.date().isoformat()}'"
        zone = "" if mysql else "+00:00"
        return f"'{moment:%Y-%m-%d %H:%M:%S}{zone}'"

    return f"{name} >= {literal(start)} AND {name} < {literal(end)}"


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
