"""DuckDB with a database file named like its dataset (`anthropic.duckdb` holding `anthropic`).

DuckDB names a file's catalog after the file, so `anthropic.users` could mean the catalog or
the schema and DuckDB refuses it as ambiguous. This destination qualifies table names with
the catalog as well, only in that case, so the documented defaults just work.

It can also keep one connection to the file for a whole run (`SharedConnection`): dlt opens
the file anew for each of its clients (the resume point, the schema, the load, its
bookkeeping, the views: seven times in a daily run, about 20 ms each).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import duckdb
from dlt.common.configuration import configspec
from dlt.common.configuration.specs.base_configuration import NotResolved
from dlt.common.destination.capabilities import DestinationCapabilitiesContext
from dlt.destinations import duckdb as duckdb_destination
from dlt.destinations.impl.duckdb.configuration import (
    DuckDbClientConfiguration,
    DuckDbConnectionPool,
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


class _KeptPool(DuckDbConnectionPool):
    """dlt's connection pool, except that while its `SharedConnection` is held the connection
    stays open when the last client gives it back, for the next client to use."""

    def __init__(self, credentials: DuckDbCredentials, shared: SharedConnection) -> None:
        super().__init__(credentials)
        self.shared = shared

    def return_conn(self, borrowed_conn: Any) -> int:
        if not self.shared.held:
            return super().return_conn(borrowed_conn)
        borrowed_conn.close()
        with self._conn_lock:
            assert self._conn_borrows > 0, "a connection was given back twice"
            self._conn_borrows -= 1
            return self._conn_borrows

    def close_idle(self) -> None:
        with self._conn_lock:
            if self._conn_borrows == 0:
                self._close_conn()


class SharedConnection:
    """One connection to a DuckDB file for all of dlt's clients, while `held()`. Outside that
    block (and after it) the file is closed as soon as no client uses it, as dlt does."""

    # How long the file stays open, unused, once pages start arriving: a daily run's fetch
    # is over well within it and loads on the same connection; a longer one lets go of the
    # file (for other readers, and DuckDB's memory) until it loads.
    GRACE_SECONDS = 1.0

    def __init__(self) -> None:
        self.held = False
        self.pool: _KeptPool | None = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def pool_for(self, credentials: DuckDbCredentials) -> _KeptPool:
        with self._lock:
            if self.pool is None:
                self.pool = _KeptPool(credentials, self)
            return self.pool

    def close_idle(self) -> None:
        """Close the file if no client is using it; the next client opens it again."""
        if self.pool is not None:
            self.pool.close_idle()

    def close_idle_later(self) -> None:
        """Close the file GRACE_SECONDS from now, if no client is using it then."""
        self._cancel()
        timer = threading.Timer(self.GRACE_SECONDS, self.close_idle)
        timer.daemon = True
        timer.start()
        self._timer = timer

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    @contextmanager
    def hold(self) -> Iterator[SharedConnection]:
        self.held = True
        try:
            yield self
        finally:
            self.held = False
            self._cancel()
            self.close_idle()


@contextmanager
def removed_if_left_empty(path: Path) -> Iterator[None]:
    """A DuckDB file the block creates is removed again when the block fails with no data
    written into it, so a first run that fails or is interrupted while it fetches leaves the
    folder as it found it. dlt creates the file when it looks for the resume point, before
    the first request, and when the only table fails it still records a load of nothing in
    its own `_dlt_` tables: a file holding only those is removed too. A file that existed
    before is never touched, nor one holding any other table or a view, nor one that cannot
    be opened to tell."""
    if path.exists():
        yield
        return
    try:
        yield
    except BaseException:
        _remove_if_empty(path)
        raise


def _remove_if_empty(path: Path) -> None:
    if not path.is_file():
        return
    try:
        with duckdb.connect(str(path)) as connection:  # replays and checkpoints its log
            row = connection.execute(
                "select (select count(*) from duckdb_tables()"
                "        where not internal and not starts_with(table_name, '_dlt_'))"
                " + (select count(*) from duckdb_views() where not internal)"
            ).fetchone()
    except duckdb.Error:
        return  # open in another program, or not a database: it stays
    if row is None or row[0] != 0:
        return
    for leftover in (path, path.with_name(path.name + ".wal")):
        try:
            leftover.unlink(missing_ok=True)
        except OSError:
            return  # not ours to remove after all (permissions): it stays, empty


@configspec(init=False)
class FileCredentials(DuckDbCredentials):
    """A DuckDB file given by its path. dlt reads a path by first trying it as an SQLAlchemy
    URL and shows it by turning it back into one, which imports SQLAlchemy (about 0.15 s of
    every run's fixed cost); a path needs neither. dlt resolves a copy of these credentials
    for each of its clients: every copy shares the `shared` connection of the original."""

    shared: Annotated[SharedConnection | None, NotResolved()] = None

    def parse_native_representation(self, native_value: Any) -> None:
        if isinstance(native_value, FileCredentials):
            self.shared = native_value.shared
        if isinstance(native_value, str) and "://" not in native_value:
            self.database = native_value
            return
        super().parse_native_representation(native_value)

    def on_resolved(self) -> None:
        super().on_resolved()
        if self.shared is not None:
            self.conn_pool = self.shared.pool_for(self)

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
    credentials.shared = SharedConnection()
    if memory_limit_mb:
        credentials.global_config = {"memory_limit": f"{memory_limit_mb}MB"}
    return credentials


class duckdb_file(duckdb_destination):
    """dlt's DuckDB destination, safe when the file and the dataset share a name."""

    spec = FileConfiguration
    _explicit: DuckDbClientConfiguration | None = None

    def capabilities(
        self, config: DuckDbClientConfiguration | None = None, naming: Any = None
    ) -> DestinationCapabilitiesContext:
        """Asked without a configuration, dlt resolves the destination's settings from the
        environment and config files anew on every call, fourteen times in a daily run (about
        50 ms in all); they do not change during a run, so they are resolved once. The
        configuration so resolved only adjusts capabilities: it is never given to a client."""
        if config is None:
            config = self._explicit_configuration()
        return super().capabilities(config, naming)

    def _explicit_configuration(self) -> DuckDbClientConfiguration:
        # what dlt's Destination.capabilities resolves when no configuration is given
        if self._explicit is None:
            init_config = self.spec()
            init_config.update(self.config_params)
            credentials: Any = init_config.credentials
            if isinstance(credentials, FileCredentials):
                credentials = credentials.copy()
            self._explicit = self.configuration(
                self.spec(credentials=credentials), accept_partial=True
            )
        return self._explicit

    @property
    def client_class(self) -> type[DuckDbClient]:
        return _Client
