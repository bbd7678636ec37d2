"""DuckDB with a database file named like its dataset (`anthropic.duckdb` holding `anthropic`).

DuckDB names a file's catalog after the file, so `anthropic.users` could mean the catalog or
the schema and DuckDB refuses it as ambiguous. This destination qualifies table names with
the catalog as well, only in that case, so the documented defaults just work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dlt.common.configuration import configspec
from dlt.destinations import duckdb as duckdb_destination
from dlt.destinations.impl.duckdb.configuration import (
    DuckDbClientConfiguration,
    DuckDbCredentials,
)
from dlt.destinations.impl.duckdb.duck import DuckDbClient
from dlt.destinations.impl.duckdb.sql_client import DuckDbSqlClient


class _CatalogQualifyingSqlClient(DuckDbSqlClient):
    catalog: str | None = None

    def catalog_name(self, quote: bool = True, casefold: bool = True) -> str | None:
        if self.catalog is None or self.catalog != self.dataset_name:
            return None
        name = self.capabilities.casefold_identifier(self.catalog) if casefold else self.catalog
        return self.capabilities.escape_identifier(name) if quote else name


class _Client(DuckDbClient):
    def __init__(self, schema: Any, config: Any, capabilities: Any) -> None:
        super().__init__(schema, config, capabilities)
        database = getattr(config.credentials, "database", None)
        self.sql_client.__class__ = _CatalogQualifyingSqlClient
        catalog = Path(str(database)).stem if database and database != ":memory:" else None
        self.sql_client.catalog = catalog  # type: ignore[attr-defined]


@configspec(init=False)
class FileCredentials(DuckDbCredentials):
    """A DuckDB file given by its path. dlt reads a path by first trying it as an SQLAlchemy
    URL and shows it by turning it back into one, which imports SQLAlchemy (about 0.15 s of
    every run's fixed cost); a path needs neither."""

    def parse_native_representation(self, native_value: Any) -> None:
        if isinstance(native_value, str) and "://" not in native_value:
            self.database = native_value
            return
        super().parse_native_representation(native_value)

    def __str__(self) -> str:
        return f"duckdb:///{self.database}"


@configspec(init=False)
class FileConfiguration(DuckDbClientConfiguration):
    credentials: FileCredentials = None  # type: ignore[assignment]


def file_credentials(path: str, memory_limit_mb: int | None = None) -> FileCredentials:
    """The DuckDB file at `path`; with `memory_limit_mb`, DuckDB holds at most that much
    while it loads (it spills the rest of a large merge to a temporary folder next to the
    file): by default DuckDB may take most of the machine's memory, and the merges of a
    year of a 10,000-user organization peaked at over 1 GB (benchmarks/footprint.py)."""
    credentials = FileCredentials()
    credentials.database = path
    if memory_limit_mb:
        credentials.global_config = {"memory_limit": f"{memory_limit_mb}MB"}
    return credentials


class duckdb_file(duckdb_destination):
    """dlt's DuckDB destination, safe when the file and the dataset share a name."""

    spec = FileConfiguration

    @property
    def client_class(self) -> type[DuckDbClient]:
        return _Client
