"""Opening a destination named by its URI, read-only, for the report.

DuckDB (`duckdb:///path`), PostgreSQL (`postgresql://…`) and MySQL/MariaDB (`mysql://…`).
Sessions are set to UTC by default; the queries do not depend on it (see `sql.utc`), and
`session_time_zone` exists so that this can be shown.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import duckdb
import psycopg2
import pymysql

from anthropic_ingest.errors import DestinationError, UsageError
from anthropic_ingest.report.reader import Reader

_POSTGRES_SCHEMES = ("postgresql", "postgres")
_MYSQL_SCHEMES = ("mysql", "mysql+pymysql", "mariadb")
DEFAULT_SESSION_TIME_ZONE = "UTC"


def open_reader(
    dest_uri: str, dataset: str, session_time_zone: str = DEFAULT_SESSION_TIME_ZONE
) -> Reader:
    """Connect read-only to the destination at `dest_uri`, reading tables of `dataset`."""
    if not dataset or not dataset.strip():
        raise UsageError("--dataset must not be empty (the default is 'anthropic')")
    scheme = dest_uri.split("://", 1)[0].lower() if "://" in dest_uri else ""
    zone = session_time_zone.replace("'", "''")
    if scheme == "duckdb":
        return _open_duckdb(dest_uri, dataset, zone)
    if scheme in _POSTGRES_SCHEMES:
        return _open_postgres(dest_uri, dataset, zone)
    if scheme in _MYSQL_SCHEMES:
        return _open_mysql(dest_uri, dataset, zone)
    raise UsageError(
        "the report reads DuckDB, PostgreSQL and MySQL/MariaDB destinations; got "
        f"'{redact_uri(dest_uri)}'. Use e.g. --dest-uri duckdb:///anthropic.duckdb, "
        "postgresql://user:pass@host:5432/db or mysql://user:pass@host:3306/db"
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


def _open_duckdb(dest_uri: str, dataset: str, zone: str) -> Reader:
    path = duckdb_path(dest_uri)
    if not path.is_file():
        raise DestinationError(
            f"no DuckDB database at {path}: load data first (anthropic-ingest sync "
            "--dest-uri ...) or point --dest-uri at the right file"
        )
    try:
        conn = duckdb.connect(str(path), read_only=True)
        conn.execute(f"SET TimeZone = '{zone}'")
        catalog_row = conn.execute("SELECT current_database()").fetchone()
    except duckdb.Error as exc:
        raise DestinationError(
            f"cannot open DuckDB database {path} read-only: {str(exc).splitlines()[0]} "
            "(is a load writing to it right now?)"
        ) from exc
    catalog = str(catalog_row[0]) if catalog_row else None
    return Reader("duckdb", dataset, dest_uri, conn, catalog)


def _open_postgres(dest_uri: str, dataset: str, zone: str) -> Reader:
    shown = redact_uri(dest_uri)
    uri = "postgresql://" + dest_uri.split("://", 1)[1]
    try:
        conn = psycopg2.connect(uri, connect_timeout=10)
        conn.set_session(readonly=True, autocommit=True)
        with conn.cursor() as cursor:
            cursor.execute(f"SET TIME ZONE '{zone}'")
    except psycopg2.Error as exc:
        raise DestinationError(
            f"cannot connect to PostgreSQL at {shown}: {_first_line(exc)} (check host, port, "
            "user, password and database in --dest-uri)"
        ) from exc
    return Reader("postgres", dataset, shown, conn)


def _open_mysql(dest_uri: str, dataset: str, zone: str) -> Reader:
    shown = redact_uri(dest_uri)
    parts = urlsplit(dest_uri)
    try:
        conn = pymysql.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=unquote(parts.username or "root"),
            password=unquote(parts.password or ""),
            database=parts.path.lstrip("/") or None,
            connect_timeout=10,
            autocommit=True,
        )
        with conn.cursor() as cursor:
            cursor.execute("SET SESSION TRANSACTION READ ONLY")
            cursor.execute(f"SET time_zone = '{'+00:00' if zone == 'UTC' else zone}'")
    except pymysql.Error as exc:
        raise DestinationError(
            f"cannot connect to MySQL at {shown}: {_first_line(exc)} (check host, port, "
            "user, password and database in --dest-uri)"
        ) from exc
    return Reader("mysql", dataset, shown, conn)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


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
