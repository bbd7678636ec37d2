"""DuckDB with a database file named like its dataset (`anthropic.duckdb` holding `anthropic`).

DuckDB names a file's catalog after the file, so `anthropic.users` could mean the catalog or
the schema and DuckDB refuses it as ambiguous. This destination qualifies table names with
the catalog as well, only in that case, so the documented defaults just work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dlt.destinations import duckdb as duckdb_destination
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


class duckdb_file(duckdb_destination):
    """dlt's DuckDB destination, safe when the file and the dataset share a name."""

    @property
    def client_class(self) -> type[DuckDbClient]:
        return _Client
