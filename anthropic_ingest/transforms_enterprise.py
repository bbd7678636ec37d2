"""Record -> row functions of the Claude Enterprise tables (read with an Analytics API key).

The Enterprise Analytics API nests its metrics (`claude_code_metrics.core_metrics.commit_count`)
and adds fields often. Its tables therefore map records generically: each column names the
dotted API path it comes from (`Column.source`) and is named after it with `_` for `.`; what a
record sends beyond the declared paths goes to `extra_fields` (by dotted path), so a new field
is kept, never dropped. The fetcher stamps two fields the rows themselves do not carry: `date`
(the day a per-day request asked for) and `data_refreshed_at` (from the page, when sent).
Functions are pure; money stays exact (decimal cents).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from anthropic_ingest.schema import Column
from anthropic_ingest.transforms import day, decimal, timestamp, to_json

Record = dict[str, Any]
Row = dict[str, Any]

EXTRA = "extra_fields"
# A column whose source is a dotted API path is read from the record; any other source text
# (e.g. "(any unmapped field)") is computed.
_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$")


def api_name(path: str) -> str:
    """The column name of a dotted API path: `a.b.c` -> `a_b_c`."""
    return path.replace(".", "_")


def value_at(record: Record, path: str) -> Any:
    """The value at a dotted path; None when any step is missing or not an object."""
    node: Any = record
    for step in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(step)
    return node


def _double(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return float(value)


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "timestamp": timestamp,
    "date": day,
    "cents": decimal,
    "json": to_json,
    "double": _double,
}


def convert(column: Column, value: Any) -> Any:
    """`value` as the column's type: exact decimals for money, UTC days and instants, JSON
    text for objects; counts, flags and text as sent (Arrow refuses a mistyped one)."""
    if column.type == "usd":
        cents = decimal(value)
        return cents.scaleb(-2) if cents is not None else None
    return _CONVERT.get(column.type, lambda v: v)(value)


def source_paths(columns: Iterable[Column]) -> frozenset[str]:
    """The dotted API paths the columns read."""
    return frozenset(c.source for c in columns if c.name != EXTRA and _PATH.match(c.source))


def unmapped(record: Record, known: frozenset[str]) -> str | None:
    """JSON of what `record` sends beyond the `known` paths, keyed by dotted path (null
    values carry nothing and are left out); None when there is nothing. An object at a known
    path is a column of its own (a JSON column): nothing under it is unmapped."""
    inner = {path.rsplit(".", i)[0] for path in known for i in range(1, path.count(".") + 1)}
    extra: dict[str, Any] = {}

    def walk(node: Record, prefix: str) -> None:
        for name, value in node.items():
            path = f"{prefix}{name}"
            if path in known or value is None:
                continue
            if path in inner and isinstance(value, dict):
                walk(value, f"{path}.")
            else:
                extra[path] = value

    walk(record, "")
    return to_json(extra) if extra else None


def flat_row(record: Record, columns: tuple[Column, ...]) -> Row:
    """One row: every column read from its API path, the rest in `extra_fields`."""
    row: Row = {}
    for column in columns:
        if column.name != EXTRA and _PATH.match(column.source):
            row[column.name] = convert(column, value_at(record, column.source))
    if any(c.name == EXTRA for c in columns):
        row[EXTRA] = unmapped(record, source_paths(columns))
    return row


def flat_rows(columns: tuple[Column, ...]) -> Callable[[Record], list[Row]]:
    """A table's `to_rows`: one flat row per record."""

    def rows(record: Record) -> list[Row]:
        return [flat_row(record, columns)]

    rows.__doc__ = "One row per record, each column read from its API path."
    return rows


def spend_limit_rows(columns: tuple[Column, ...]) -> Callable[[Record], list[Row]]:
    """`spend_limits_effective`: one row per member and period. The member is the actor's
    `user_id`, or the scope's where the actor carries none."""

    def rows(record: Record) -> list[Row]:
        row = flat_row(record, columns)
        if row.get("user_id") is None:
            row["user_id"] = value_at(record, "scope.user_id")
        return [row]

    rows.__doc__ = spend_limit_rows.__doc__
    return rows
