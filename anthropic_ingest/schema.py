"""Column types and their Arrow representation: the one place a type's meaning is fixed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyarrow as pa

ColumnType = Literal[
    "text", "bigint", "bool", "timestamp", "date", "cents", "usd", "json", "double"
]

# Money: the API sends cents with fractional digits. 38 digits with 12 after the point hold
# any amount it sends exactly; a value with more fractional digits is refused, never rounded.
CENTS_SCALE = 12
USD_SCALE = CENTS_SCALE + 2

ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "bigint": pa.int64(),
    "bool": pa.bool_(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    # A day is a calendar date (dlt's `date`, SQL DATE), never a midnight instant: a
    # TIMESTAMP WITH TIME ZONE is shown, truncated and cast in the session's time zone, which
    # moved every day (and every month of days) back by one west of UTC.
    "date": pa.date32(),
    "cents": pa.decimal128(38, CENTS_SCALE),
    "usd": pa.decimal128(38, USD_SCALE),
    "json": pa.string(),
    # A ratio the API sends as a JSON number (an adoption rate in percent); never money.
    "double": pa.float64(),
}

SQL_NAMES: dict[str, str] = {
    "text": "text",
    "bigint": "bigint",
    "bool": "boolean",
    "timestamp": "timestamp (UTC)",
    "date": "date (a UTC day)",
    "cents": f"decimal(38,{CENTS_SCALE}) cents",
    "usd": f"decimal(38,{USD_SCALE}) USD",
    "json": "JSON (the destination's JSON type; text where it has none)",
    "double": "double precision (a rate, never money)",
}


@dataclass(frozen=True)
class Column:
    """One destination column: its name, type, meaning, and the API field it comes from."""

    name: str
    type: ColumnType
    description: str
    source: str = ""
    nullable: bool = True

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.type]


def col(name: str, type_: ColumnType, description: str, source: str = "") -> Column:
    """Shorthand used by the table declarations."""
    return Column(name, type_, description, source or name)
