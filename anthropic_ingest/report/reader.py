"""Read-only access to one dataset of a destination, for the report.

Three dialects are supported: DuckDB, PostgreSQL and MySQL/MariaDB. Every table is found
through `Reader.locate`, which for MySQL is `mysql_table`; time columns are read through
`utc`/`day`/`in_days`, which do not depend on the session's time zone or on whether a day
column is a DATE or a timestamp.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

import duckdb
import psycopg2
import pymysql

from anthropic_ingest.errors import DestinationError
from anthropic_ingest.report import sql
from anthropic_ingest.report.sql import quote_identifier
from anthropic_ingest.tables import TABLES

DRIVER_ERRORS = (duckdb.Error, psycopg2.Error, pymysql.Error)
Dialect = Literal["duckdb", "postgres", "mysql"]

# dlt keeps this table in every dataset it loads: it marks a dataset even before our tables.
DLT_MARKER = "_dlt_version"
_SYSTEM_SCHEMAS = ("information_schema", "pg_catalog", "pg_toast", "mysql", "performance_schema",
                   "sys")  # fmt: skip


def mysql_table(database: str, dataset: str, name: str) -> tuple[str, str]:
    """(database, table) holding table `name` of `dataset` in a MySQL/MariaDB destination.

    Every dataset lives in the URI's database, its tables named `<dataset>__<table>` (see
    load/mysql_layout.py). This is the one place that knows; listing tables and datasets goes
    through it too.
    """
    from anthropic_ingest.load.mysql_layout import table_name

    return database, table_name(dataset, name)


@dataclass
class Reader:
    """A read-only connection to one dataset of a destination."""

    dialect: Dialect
    dataset: str
    display_uri: str
    _conn: Any = field(repr=False)
    # DuckDB names the catalog after the file: `anthropic.duckdb` holding dataset `anthropic`
    # makes `anthropic.t` ambiguous, so DuckDB table names carry the catalog too.
    catalog: str | None = None
    _columns: dict[str, dict[str, str]] | None = field(default=None, repr=False)

    def query(self, text: str) -> list[tuple[Any, ...]]:
        """Run one SELECT and return every row."""
        cursor = self._conn.cursor()
        try:
            cursor.execute(text)
            return list(cursor.fetchall())
        except DRIVER_ERRORS as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            raise DestinationError(
                f"the report query failed on {self.display_uri}: {first_line}"
            ) from exc
        finally:
            cursor.close()

    def locate(self, dataset: str, name: str) -> tuple[str, str]:
        """(schema, table) of table `name` of `dataset`."""
        if self.dialect == "mysql":
            database = self._conn.db  # the URI's database, as PyMySQL keeps it: bytes
            return mysql_table(database.decode() if database else "", dataset, name)
        return dataset, name

    def table(self, name: str) -> str:
        """The quoted, fully qualified name of a table of the dataset."""
        parts = [self.catalog] if self.catalog else []
        return ".".join(self.quote(p) for p in [*parts, *self.locate(self.dataset, name)])

    def quote(self, name: str) -> str:
        if self.dialect == "mysql":
            return "`" + name.replace("`", "``") + "`"
        return quote_identifier(name)

    def _base_tables(self, extra: str = "") -> list[tuple[Any, ...]]:
        catalog = " AND table_catalog = current_database()" if self.dialect == "duckdb" else ""
        return self.query(
            "SELECT table_schema, table_name FROM information_schema.tables "
            f"WHERE table_type = 'BASE TABLE'{catalog}{extra}"
        )

    def columns_by_table(self) -> dict[str, dict[str, str]]:
        """Every declared table of the dataset that exists, with its columns and their types."""
        if self._columns is None:
            wanted = {self.locate(self.dataset, n): n for n in TABLES}
            schemas = ", ".join(_literal(s) for s in {s for s, _ in wanted})
            catalog = "table_catalog = current_database() AND " if self.catalog else ""
            rows = self.query(
                "SELECT table_schema, table_name, column_name, data_type "
                f"FROM information_schema.columns WHERE {catalog}table_schema IN ({schemas})"
            )
            found: dict[str, dict[str, str]] = {}
            for schema, table_name, column, kind in rows:
                name = wanted.get((str(schema), str(table_name)))
                if name is not None:
                    found.setdefault(name, {})[str(column)] = str(kind).lower()
            self._columns = found
        return self._columns

    def datasets(self) -> list[str]:
        """The datasets of the destination: those holding dlt's marker or a declared table."""
        names = (DLT_MARKER, *TABLES)
        found: set[str] = set()
        for schema, table_name in self._base_tables():
            schema, table_name = str(schema), str(table_name)
            if schema.lower() in _SYSTEM_SCHEMAS:
                continue
            for name in names:
                if not table_name.endswith(name):
                    continue
                for candidate in _candidates(schema, table_name, name):
                    if self.locate(candidate, name) == (schema, table_name):
                        found.add(candidate)
        # dlt's staging copies (`<dataset>_staging`) are not datasets anyone reports on.
        return sorted(d for d in found if not d.endswith("_staging"))

    def schema_exists(self) -> bool:
        """Whether DuckDB or PostgreSQL has a schema named like the dataset, tables or not.

        MySQL datasets exist only through their tables (see `datasets`)."""
        if self.dialect == "mysql":
            return False
        catalog = " AND catalog_name = current_database()" if self.catalog else ""
        rows = self.query(
            "SELECT COUNT(*) FROM information_schema.schemata "
            f"WHERE schema_name = {_literal(self.dataset)}{catalog}"
        )
        return bool(rows[0][0])

    def utc(self, table: str, column: str) -> str:
        """The column as UTC wall time (see `sql.utc`)."""
        return sql.utc(column, self._type(table, column), self.dialect)

    def day(self, table: str, column: str) -> str:
        """The UTC day of a time column, as a DATE."""
        return sql.day(column, self._type(table, column), self.dialect)

    def week(self, table: str, column: str) -> str:
        """The Monday of the ISO week holding the column's UTC day."""
        return sql.week(self.day(table, column), self.dialect)

    def in_days(self, table: str, column: str, first: date, last: date) -> str:
        """The column's UTC day is one of first..last."""
        return sql.in_days(column, self._type(table, column), self.dialect, first, last)

    def before(self, table: str, column: str, moment: datetime, inclusive: bool = True) -> str:
        """The column's instant is at (or before) `moment`."""
        op = "<=" if inclusive else "<"
        return f"{self.utc(table, column)} {op} {sql.naive(moment, self.dialect)}"

    def int_sum(self, expr: str) -> str:
        return sql.int_sum(expr, self.dialect)

    def actor_key(self) -> str:
        return sql.actor_key(self.dialect)

    def type_of(self, table: str, column: str) -> str:
        """The column's type as information_schema names it (a zoned timestamp if unknown)."""
        return self.columns_by_table().get(table, {}).get(column, "timestamp with time zone")

    _type = type_of

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _candidates(schema: str, table_name: str, name: str) -> list[str]:
    """Datasets that could have put `name` at (schema, table_name): the schema, or a prefix."""
    prefix = table_name[: -len(name)] if name else table_name
    return [schema, *(p for p in (prefix, prefix.rstrip("_")) if p)]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def as_date(value: Any) -> date:
    """A day as returned by any driver (a date, or a datetime cut to its UTC date)."""
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    raise DestinationError(f"expected a date from the destination, got {value!r}")
