"""Read-only access to a destination named by its URI, for the report.

Two dialects are supported: DuckDB (`duckdb:///path`) and PostgreSQL (`postgresql://…`).
Both sessions run in UTC so that casting a timestamp to a day means the UTC day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

import duckdb
import psycopg2

from anthropic_ingest.errors import DestinationError, UsageError

Dialect = Literal["duckdb", "postgres"]

_POSTGRES_SCHEMES = ("postgresql", "postgres")


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

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one SELECT and return every row."""
        cursor = self._conn.cursor()
        try:
            cursor.execute(sql)
            return list(cursor.fetchall())
        except (duckdb.Error, psycopg2.Error) as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            raise DestinationError(
                f"the report query failed on {self.display_uri}: {first_line}"
            ) from exc
        finally:
            cursor.close()

    def table(self, name: str) -> str:
        """The quoted, fully qualified name of a table of the dataset."""
        parts = [self.catalog] if self.catalog else []
        return ".".join(quote_identifier(p) for p in [*parts, self.dataset, name])

    def columns_by_table(self) -> dict[str, set[str]]:
        """Every base table of the dataset with its column names."""
        dataset = self.dataset.replace("'", "''")
        catalog = "t.table_catalog = current_database() AND " if self.catalog else ""
        rows = self.query(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t ON t.table_schema = c.table_schema "
            "AND t.table_name = c.table_name AND t.table_catalog = c.table_catalog "
            f"WHERE {catalog}c.table_schema = '{dataset}' AND t.table_type = 'BASE TABLE'"
        )
        found: dict[str, set[str]] = {}
        for table_name, column_name in rows:
            found.setdefault(str(table_name), set()).add(str(column_name))
        return found

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def quote_identifier(name: str) -> str:
    """Double-quote an identifier (DuckDB and PostgreSQL agree on this)."""
    return '"' + name.replace('"', '""') + '"'


def open_reader(dest_uri: str, dataset: str) -> Reader:
    """Connect read-only to the destination at `dest_uri`, reading tables of `dataset`."""
    if not dataset or not dataset.strip():
        raise UsageError("--dataset must not be empty (the default is 'anthropic')")
    scheme = dest_uri.split("://", 1)[0].lower() if "://" in dest_uri else ""
    if scheme == "duckdb":
        return _open_duckdb(dest_uri, dataset)
    if scheme in _POSTGRES_SCHEMES:
        return _open_postgres(dest_uri, dataset)
    raise UsageError(
        f"the report reads DuckDB and PostgreSQL destinations; got '{redact_uri(dest_uri)}'. "
        "Use e.g. --dest-uri duckdb:///anthropic.duckdb or postgresql://user:pass@host:5432/db"
    )


def duckdb_path(dest_uri: str) -> Path:
    """The file a `duckdb:///path` URI names (`duckdb:////abs/path` for absolute paths)."""
    parts = urlsplit(dest_uri)
    path = unquote(parts.netloc + parts.path)
    path = path[1:] if path.startswith("/") else path
    if not path:
        raise UsageError(
            f"the DuckDB URI '{dest_uri}' names no file; use e.g. duckdb:///anthropic.duckdb"
        )
    return Path(path)


def _open_duckdb(dest_uri: str, dataset: str) -> Reader:
    path = duckdb_path(dest_uri)
    if not path.is_file():
        raise DestinationError(
            f"no DuckDB database at {path}: load data first (anthropic-ingest sync "
            "--dest-uri ...) or point --dest-uri at the right file"
        )
    try:
        conn = duckdb.connect(str(path), read_only=True)
        conn.execute("SET TimeZone = 'UTC'")
        catalog_row = conn.execute("SELECT current_database()").fetchone()
    except duckdb.Error as exc:
        raise DestinationError(
            f"cannot open DuckDB database {path} read-only: {str(exc).splitlines()[0]} "
            "(is a load writing to it right now?)"
        ) from exc
    catalog = str(catalog_row[0]) if catalog_row else None
    return Reader("duckdb", dataset, dest_uri, conn, catalog)


def _open_postgres(dest_uri: str, dataset: str) -> Reader:
    shown = redact_uri(dest_uri)
    uri = "postgresql://" + dest_uri.split("://", 1)[1]
    try:
        conn = psycopg2.connect(uri, connect_timeout=10)
        conn.set_session(readonly=True, autocommit=True)
        with conn.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
    except psycopg2.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DestinationError(
            f"cannot connect to PostgreSQL at {shown}: {reason} (check host, port, user, "
            "password and database in --dest-uri)"
        ) from exc
    return Reader("postgres", dataset, shown, conn)


def redact_uri(uri: str) -> str:
    """The URI with any password replaced by ***, for messages and the report header."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri.split("://", 1)[0] + "://***"
    if parts.password is None:
        return uri
    netloc = parts.netloc.rsplit("@", 1)
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[-1]}"))


def as_date(value: Any) -> date:
    """A day as returned by either driver (date, or a datetime cut to its date)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise DestinationError(f"expected a date from the destination, got {value!r}")
