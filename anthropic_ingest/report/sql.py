"""SQL fragments shared by the report queries and the views.

DuckDB, PostgreSQL and MySQL differ in few places that matter here; each difference is a
function below so the queries themselves stay dialect-neutral.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

KNOWN_DIALECTS = ("duckdb", "postgres", "mysql")


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


def day(expr: str) -> str:
    """The UTC day of a timestamp (sessions run in UTC)."""
    return f"CAST({expr} AS DATE)"


def week(expr: str) -> str:
    """The Monday starting the ISO week of a timestamp (DuckDB and PostgreSQL)."""
    return f"CAST(date_trunc('week', {expr}) AS DATE)"


def ts(value: date) -> str:
    """A UTC midnight timestamp literal for a day."""
    return f"CAST('{value.isoformat()} 00:00:00+00' AS TIMESTAMP WITH TIME ZONE)"


def instant(value: datetime) -> str:
    """A timestamp literal for an aware datetime, written in UTC."""
    utc = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return f"CAST('{utc}+00' AS TIMESTAMP WITH TIME ZONE)"


def in_days(expr: str, first: date, last: date) -> str:
    """`expr` falls on one of the UTC days first..last, both included."""
    return f"{expr} >= {ts(first)} AND {expr} < {ts(last + timedelta(days=1))}"


def actor_key(dialect: str = "duckdb", alias: str = "") -> str:
    """One value per Claude Code actor (a user's email and an API key name may collide)."""
    prefix = f"{alias}." if alias else ""
    return concat(dialect, f"{prefix}actor_type", "':'", f"{prefix}actor_id")
