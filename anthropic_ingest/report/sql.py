"""SQL fragments shared by the report queries and the views.

DuckDB, PostgreSQL and MySQL differ in few places that matter here; each difference is a
function below so the queries themselves stay dialect-neutral.

Time columns are read as UTC wall time whatever their type (a TIMESTAMP WITH TIME ZONE, a
naive TIMESTAMP/DATETIME holding UTC, or a DATE) and whatever the session's time zone: every
comparison and every day is computed from `utc(...)`, never from an implicit cast.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

KNOWN_DIALECTS = ("duckdb", "postgres", "mysql")

# How the report and the views name the rows without a workspace or without an API key.
DEFAULT_WORKSPACE = "Default workspace"
CONSOLE_USAGE = "Console / Workbench (no API key)"


def quote_identifier(name: str) -> str:
    """Double-quote an identifier (DuckDB and PostgreSQL agree on this)."""
    return '"' + name.replace('"', '""') + '"'


def cents_to_usd(cents_sum: str) -> str:
    """Convert a decimal sum of cents to exact dollars.

    Multiplying by the exact decimal 0.01 is dividing by 100 without leaving decimals:
    DuckDB turns `decimal / integer` into DOUBLE, but keeps `decimal * decimal` exact
    (scale 12 + 2 = 14), as do PostgreSQL and MySQL.
    """
    return f"CAST({cents_sum} * CAST(0.01 AS DECIMAL(3, 2)) AS DECIMAL(38, 14))"


def int_sum(expr: str, dialect: str = "duckdb") -> str:
    """SUM of an integer column as a BIGINT, zero when there are no rows."""
    return f"CAST(COALESCE(SUM({expr}), 0) AS {bigint(dialect)})"


def bigint(dialect: str) -> str:
    """The type name CAST accepts for a 64-bit integer."""
    return "SIGNED" if dialect == "mysql" else "BIGINT"


def text_type(dialect: str) -> str:
    """The type name CAST accepts for text."""
    return "CHAR" if dialect == "mysql" else "VARCHAR"


def concat(dialect: str, *parts: str) -> str:
    """String concatenation (MySQL's || is OR unless configured otherwise)."""
    if dialect == "mysql":
        return f"CONCAT({', '.join(parts)})"
    return " || ".join(parts)


def is_zoned(column_type: str) -> bool:
    """Whether a column type (as information_schema names it) carries a time zone."""
    kind = column_type.lower()
    return "with time zone" in kind or kind in ("timestamptz", "timestamp_tz")


def utc(expr: str, column_type: str, dialect: str) -> str:
    """`expr` as UTC wall time without a zone (a DATE stays a DATE).

    A zoned timestamp is converted explicitly, since casting it to a naive type or a DATE
    would use the session's time zone. MySQL TIMESTAMP values come back in the session's
    zone, so they are converted back; DATETIME and DATE columns hold UTC as loaded.
    """
    kind = column_type.lower()
    if kind == "date":
        return expr
    if dialect == "mysql":
        if kind == "timestamp":
            return f"CONVERT_TZ({expr}, @@session.time_zone, '+00:00')"
        return expr
    if is_zoned(kind):
        return f"({expr} AT TIME ZONE 'UTC')"
    return expr


def day(expr: str, column_type: str, dialect: str) -> str:
    """The UTC day of a time column, as a DATE."""
    if column_type.lower() == "date":
        return expr
    return f"CAST({utc(expr, column_type, dialect)} AS DATE)"


def week(day_expr: str, dialect: str) -> str:
    """The Monday starting the ISO week of a DATE expression."""
    if dialect == "mysql":
        return f"DATE_SUB({day_expr}, INTERVAL WEEKDAY({day_expr}) DAY)"
    # Through a naive TIMESTAMP: date_trunc of a DATE would pick the zoned overload.
    return f"CAST(date_trunc('week', CAST({day_expr} AS TIMESTAMP)) AS DATE)"


def naive(value: datetime, dialect: str) -> str:
    """A zone-less timestamp literal holding the UTC wall time of an aware datetime."""
    text = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return f"CAST('{text}' AS {'DATETIME(6)' if dialect == 'mysql' else 'TIMESTAMP'})"


def midnight(value: date, dialect: str) -> str:
    """The literal of a UTC day's first instant (see `naive`)."""
    return naive(datetime(value.year, value.month, value.day, tzinfo=UTC), dialect)


def in_days(expr: str, column_type: str, dialect: str, first: date, last: date) -> str:
    """The time column falls on one of the UTC days first..last, both included."""
    at = utc(expr, column_type, dialect)
    end = midnight(last + timedelta(days=1), dialect)
    return f"{at} >= {midnight(first, dialect)} AND {at} < {end}"


def actor_key(dialect: str = "duckdb", alias: str = "") -> str:
    """One value per Claude Code actor (a user's email and an API key name may collide)."""
    prefix = f"{alias}." if alias else ""
    return concat(dialect, f"{prefix}actor_type", "':'", f"{prefix}actor_id")


def month(day_expr: str, dialect: str) -> str:
    """The first day of the month of a DATE expression, as a DATE."""
    if dialect == "mysql":
        return f"DATE_SUB({day_expr}, INTERVAL (DAYOFMONTH({day_expr}) - 1) DAY)"
    # Through a naive TIMESTAMP: date_trunc of a DATE would pick the zoned overload.
    return f"CAST(date_trunc('month', CAST({day_expr} AS TIMESTAMP)) AS DATE)"


def utc_now(dialect: str) -> str:
    """The current UTC wall time, whatever the session's time zone."""
    return "UTC_TIMESTAMP()" if dialect == "mysql" else "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')"


def months_ago(month_expr: str, dialect: str) -> str:
    """0 for the current UTC month, 1 for the month before, … (a BIGINT)."""
    now = utc_now(dialect)
    diff = (
        f"(EXTRACT(YEAR FROM {now}) - EXTRACT(YEAR FROM {month_expr})) * 12 "
        f"+ EXTRACT(MONTH FROM {now}) - EXTRACT(MONTH FROM {month_expr})"
    )
    return f"CAST({diff} AS {bigint(dialect)})"
