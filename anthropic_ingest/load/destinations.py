"""Translate ingestr-style destination URIs into dlt destinations."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from anthropic_ingest import secrets
from anthropic_ingest.errors import UsageError

# dlt is imported by the builders that use it: the CLI reads DEFAULT_DEST_URI for its help,
# which should not cost dlt's import (about 0.4 s).
if TYPE_CHECKING:
    from dlt.common.destination import Destination as DltDestination

    from anthropic_ingest.load.duckdb_names import SharedConnection

DEFAULT_DEST_URI = "duckdb:///anthropic.duckdb"
# SQL destinations swap a replaced table in from a staging copy in one transaction, so a failed
# load leaves the previous rows in place instead of an emptied table.
ATOMIC_REPLACE: dict[str, Any] = {"replace_strategy": "insert-from-staging"}

FORMS = {
    "duckdb": "duckdb:///path/to/file.duckdb",
    "postgresql": "postgresql://user:password@host:5432/database",
    "mysql": "mysql://user:password@host:3306/database",
    "bigquery": "bigquery://project-id?credentials_path=/path/key.json&location=US",
    "snowflake": "snowflake://user:password@account/database?warehouse=WH&role=ROLE",
    "parquet": "parquet:///path/to/folder (or csv:///path/to/folder)",
}


@dataclass
class DestinationConfig:
    """A parsed destination: the dlt destination, a printable (password-free) name, and more."""

    kind: str
    destination: DltDestination[Any, Any]
    display: str
    dataset: str | None = None
    loader_file_format: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    # DuckDB: the one connection a run can keep to the file (see duckdb_names)
    connection: SharedConnection | None = None

    @property
    def supports_merge(self) -> bool:
        return self.kind not in ("parquet", "csv")


def _expected(kind: str | None = None) -> str:
    if kind and kind in FORMS:
        return f"expected {FORMS[kind]}"
    return "expected one of: " + "; ".join(FORMS.values())


def _display(parts: Any) -> str:
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def parse_destination_uri(uri: str | None, memory_limit_mb: int | None = None) -> DestinationConfig:
    """Parse a destination URI into a dlt destination, or fail showing the expected form.

    `memory_limit_mb` caps what an embedded database (DuckDB, in this process) holds while
    it loads; None leaves its own default (most of the machine's memory)."""
    uri = uri or DEFAULT_DEST_URI
    if any(ord(ch) < 32 for ch in uri):
        raise UsageError(f"the destination URI contains a control character; {_expected()}")
    try:
        parts = urlsplit(uri)
        _ = parts.port
    except ValueError as exc:
        raise UsageError(f"malformed destination URI ({exc}); {_expected()}") from None
    if parts.password:
        secrets.register(unquote(parts.password))
    scheme = parts.scheme.lower()
    builders = {
        "duckdb": lambda parts: _duckdb(parts, memory_limit_mb),
        "postgresql": _postgres,
        "postgres": _postgres,
        "mysql": _mysql,
        "mysql+pymysql": _mysql,
        "mariadb": _mysql,
        "bigquery": _bigquery,
        "snowflake": _snowflake,
        "parquet": _files,
        "csv": _files,
    }
    if not scheme:
        raise UsageError(_no_scheme(uri))
    if scheme not in builders:
        raise UsageError(f"unsupported destination URI scheme '{scheme}://'; {_expected()}")
    return builders[scheme](parts)


def _no_scheme(uri: str) -> str:
    """A bare path or name: say which URI forms are accepted, and the DuckDB one for a file."""
    hint = ""
    if uri.lower().endswith((".duckdb", ".db")):
        hint = f" (for a DuckDB file: duckdb:///{uri})"
    return f"the destination URI {uri!r} has no scheme{hint}; {_expected()}"


def _duckdb(parts: Any, memory_limit_mb: int | None = None) -> DestinationConfig:
    path = unquote(parts.netloc + parts.path)
    path = path[1:] if path.startswith("/") else path
    if not path:
        raise UsageError(f"duckdb URI has no file path; {_expected('duckdb')}")
    from anthropic_ingest.load.duckdb_names import duckdb_file, file_credentials

    credentials = file_credentials(path, memory_limit_mb)
    destination = duckdb_file(credentials, destination_name="duckdb", **ATOMIC_REPLACE)
    return DestinationConfig(
        "duckdb",
        destination,
        f"duckdb:///{path}",
        details={"path": Path(path)},
        connection=credentials.shared,
    )


def _require_host_db(parts: Any, kind: str) -> str:
    database = parts.path.lstrip("/")
    if not parts.hostname or not database:
        raise UsageError(f"{kind} URI needs a host and a database; {_expected(kind)}")
    return database


def _postgres(parts: Any) -> DestinationConfig:
    import dlt
    from dlt.destinations.impl.postgres.configuration import PostgresCredentials

    _require_host_db(parts, "postgresql")
    credentials = PostgresCredentials(urlunsplit(("postgresql", *parts[1:])))
    if credentials.password is None:
        credentials.password = ""  # trust or peer authentication
    destination = dlt.destinations.postgres(credentials=credentials, **ATOMIC_REPLACE)
    return DestinationConfig("postgresql", destination, _display(parts))


def _mysql(parts: Any) -> DestinationConfig:
    from dlt.destinations.impl.sqlalchemy.configuration import SqlalchemyCredentials

    from anthropic_ingest.load.mysql_engine import mysql_engine
    from anthropic_ingest.load.mysql_layout import mysql_tables

    database = _require_host_db(parts, "mysql")
    if "/" in database:
        raise UsageError(f"mysql URI names more than one database; {_expected('mysql')}")
    url = urlunsplit(("mysql+pymysql", *parts[1:]))
    credentials = SqlalchemyCredentials(mysql_engine(url))
    if credentials.password is None:
        credentials.password = ""
    # every dataset lives in the URI's database, as `<dataset>__<table>` (see mysql_layout)
    destination = mysql_tables(
        credentials=credentials, destination_name="sqlalchemy", **ATOMIC_REPLACE
    )
    return DestinationConfig("mysql", destination, _display(parts), details={"database": database})


def _bigquery(parts: Any) -> DestinationConfig:
    import dlt

    project, _, dataset = (parts.hostname or parts.netloc).partition(".")
    if not project:
        raise UsageError(f"bigquery URI has no project; {_expected('bigquery')}")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    details: dict[str, Any] = {"project_id": project, "location": query.get("location")}
    kwargs: dict[str, Any] = {}
    if query.get("location"):
        kwargs["location"] = query["location"]
    path = query.get("credentials_path")
    if path:
        details["credentials_path"] = path
        kwargs["credentials"] = _gcp_credentials(Path(path).expanduser(), project)
    destination = dlt.destinations.bigquery(**kwargs, **ATOMIC_REPLACE)
    display = f"bigquery://{project}" + (f".{dataset}" if dataset else "")
    return DestinationConfig("bigquery", destination, display, dataset or None, details=details)


def _gcp_credentials(path: Path, project: str) -> Any:
    from dlt.common.configuration.specs import GcpServiceAccountCredentials

    try:
        info = path.read_text()
    except OSError as exc:
        raise UsageError(f"cannot read BigQuery credentials_path {path}: {exc.strerror}") from None
    credentials = GcpServiceAccountCredentials()
    credentials.parse_native_representation(info)
    credentials.project_id = credentials.project_id or project
    return credentials


def _snowflake(parts: Any) -> DestinationConfig:
    import dlt

    database = _require_host_db(parts, "snowflake")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    details = {"account": parts.hostname, "database": database, **query}
    destination = dlt.destinations.snowflake(credentials=urlunsplit(parts), **ATOMIC_REPLACE)
    return DestinationConfig("snowflake", destination, _display(parts), details=details)


def _files(parts: Any) -> DestinationConfig:
    import dlt

    kind = parts.scheme.lower()
    # like file:///: three slashes start an absolute path; parquet://folder is relative
    path = unquote(parts.netloc + parts.path)
    if not path.strip("/"):
        raise UsageError(f"{kind} URI has no folder; {_expected('parquet')}")
    if not parts.netloc:
        path = "/" + path.lstrip("/")
    folder = Path(path).expanduser().resolve()
    destination = dlt.destinations.filesystem(bucket_url=folder.as_uri())
    return DestinationConfig(
        kind, destination, f"{kind}://{path}", loader_file_format=kind, details={"path": folder}
    )


def check_table_names(tables: list[str]) -> None:
    """Refuse destination table names that would clash once dlt normalizes them (`Users` and
    `users` are one table), and dlt's own bookkeeping tables (`_dlt_loads`, ...)."""
    from dlt.common.normalizers.naming.snake_case import NamingConvention

    naming = NamingConvention()
    seen: dict[str, str] = {}
    for table in tables:
        name = naming.normalize_table_identifier(table)
        if name.startswith("_dlt"):
            raise UsageError(
                f"destination table {table!r} is named like dlt's own tables (_dlt_loads, "
                "_dlt_version, _dlt_pipeline_state...), which hold the resume points: choose "
                "another --dest-table"
            )
        if name in seen:
            raise UsageError(
                f"destination tables {seen[name]!r} and {table!r} are the same table {name!r} "
                "in the destination (names are lower-cased and snake_cased): give each its own"
            )
        seen[name] = table
