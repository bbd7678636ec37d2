"""Column types and their Arrow representation: the one place a type's meaning is fixed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pyarrow as pa

ColumnType = Literal[
    "text", "bigint", "bool", "timestamp", "date", "cents", "usd", "json", "double", "ratio"
]

# Money: the API sends cents with fractional digits. 38 digits with 12 after the point hold
# any amount it sends exactly; a value with more fractional digits is refused, never rounded.
CENTS_SCALE = 12
USD_SCALE = CENTS_SCALE + 2
# A ratio a view computes (e.g. seat utilisation): a decimal rounded half up to this many
# places from integers, never through a float.
RATIO_SCALE = 6


@cache
def arrow_types() -> dict[str, pa.DataType]:
    """Each column type's Arrow type."""
    # pyarrow is imported on first use, not with the table declarations: `--help` and the
    # `tables` command read them and need no Arrow.
    import pyarrow as pa

    return {
        "text": pa.string(),
        "bigint": pa.int64(),
        "bool": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        # A day is a calendar date (dlt's `date`, SQL DATE), never a midnight instant: a
        # TIMESTAMP WITH TIME ZONE is shown, truncated and cast in the session's time zone,
        # which moved every day (and every month of days) back by one west of UTC.
        "date": pa.date32(),
        "cents": pa.decimal128(38, CENTS_SCALE),
        "usd": pa.decimal128(38, USD_SCALE),
        "json": pa.string(),
        # A ratio the API sends as a JSON number (an adoption rate in percent); never money.
        "double": pa.float64(),
        "ratio": pa.decimal128(38, RATIO_SCALE),
    }


if TYPE_CHECKING:
    ARROW_TYPES: dict[str, pa.DataType]


def __getattr__(name: str) -> Any:
    # `from anthropic_ingest.schema import ARROW_TYPES` keeps working, importing pyarrow then.
    if name == "ARROW_TYPES":
        return arrow_types()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    "ratio": f"decimal(38,{RATIO_SCALE}) ratio (0.25 = 25%)",
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
        return arrow_types()[self.type]


def col(name: str, type_: ColumnType, description: str, source: str = "") -> Column:
    """Shorthand used by the table declarations."""
    return Column(name, type_, description, source or name)
