"""One run at a time per destination dataset: a second run waits for the first, then goes on.

DuckDB files get an OS file lock in the temporary folder; PostgreSQL and MySQL/MariaDB get a
session-level advisory lock named after the dataset. Other destinations are not locked.
A run that cannot get the lock within `timeout` seconds fails with a clear message.
"""

from __future__ import annotations

import fcntl
import hashlib
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from anthropic_ingest import errors, secrets
from anthropic_ingest.load.destinations import DestinationConfig

POLL_SECONDS = 0.2


def _busy(dest: DestinationConfig, dataset: str, timeout: float) -> errors.DestinationError:
    return errors.DestinationError(
        f"another anthropic-ingest run has been loading into {dest.display} (dataset {dataset}) "
        f"for more than {timeout:.0f} s; wait for it to finish, then run again"
    )


def _wait(try_lock: Callable[[], bool], timeout: float, on_wait: Callable[[], None]) -> bool:
    deadline = time.monotonic() + timeout
    told = False
    while not try_lock():
        if time.monotonic() >= deadline:
            return False
        if not told:
            on_wait()
            told = True
        time.sleep(POLL_SECONDS)
    return True


@contextmanager
def run_lock(
    dest: DestinationConfig, dataset: str, timeout: float, on_wait: Callable[[], None]
) -> Iterator[None]:
    """Hold the destination's run lock for the duration of the block."""
    if dest.kind == "duckdb":
        with _file_lock(dest, dataset, timeout, on_wait):
            yield
    elif dest.kind in ("postgresql", "mysql"):
        with _advisory_lock(dest, dataset, timeout, on_wait):
            yield
    else:
        yield


@contextmanager
def _file_lock(
    dest: DestinationConfig, dataset: str, timeout: float, on_wait: Callable[[], None]
) -> Iterator[None]:
    database: Path = dest.details["path"]
    if not database.parent.exists():
        yield  # the folder does not exist yet: DuckDB will say so clearly
        return
    with open(_lock_path(database), "a+") as handle:

        def try_lock() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                return False

        if not _wait(try_lock, timeout, on_wait):
            raise _busy(dest, dataset, timeout)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_path(database: Path) -> Path:
    """The lock file of a DuckDB database: in the system's temporary folder, named after the
    database's real path, so nothing is left beside the user's file (runs that share a DuckDB
    file run on the same machine, so they share this folder too)."""
    folder = Path(tempfile.gettempdir()) / "anthropic-ingest-locks"
    folder.mkdir(mode=0o1777, exist_ok=True)
    name = hashlib.sha256(str(database.resolve()).encode()).hexdigest()[:32]
    return folder / f"{name}.lock"


def _lock_key(dataset: str) -> int:
    digest = hashlib.sha256(f"anthropic-ingest:{dataset}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _mysql_lock_name(dest: DestinationConfig, dataset: str) -> str:
    """MySQL's locks are server-wide: name the database too (its datasets are table prefixes).
    Names are at most 64 characters."""
    name = f"anthropic-ingest:{dest.details.get('database', '')}.{dataset}"
    if len(name) <= 64:
        return name
    return "anthropic-ingest:" + hashlib.sha256(name.encode()).hexdigest()[:40]


@contextmanager
def _advisory_lock(
    dest: DestinationConfig, dataset: str, timeout: float, on_wait: Callable[[], None]
) -> Iterator[None]:
    connection = _connect(dest)
    try:
        cursor = connection.cursor()
        if dest.kind == "postgresql":
            key = _lock_key(dataset)
            take, release = ("select pg_try_advisory_lock(%s)", "select pg_advisory_unlock(%s)")
        else:
            key = _mysql_lock_name(dest, dataset)  # type: ignore[assignment]
            take, release = ("select get_lock(%s, 0)", "select release_lock(%s)")

        def try_lock() -> bool:
            cursor.execute(take, (key,))
            row = cursor.fetchone()
            return bool(row and row[0])

        if not _wait(try_lock, timeout, on_wait):
            raise _busy(dest, dataset, timeout)
        try:
            yield
        finally:
            cursor.execute(release, (key,))
    finally:
        connection.close()


def _connect(dest: DestinationConfig) -> Any:
    """A plain DB-API connection for the lock, from the destination's own credentials."""
    credentials: Any = dest.destination.config_params.get("credentials")
    if dest.kind == "postgresql":
        import psycopg2

        try:
            conn = psycopg2.connect(credentials.to_native_representation())
        except psycopg2.Error as exc:
            raise _unreachable(dest, exc) from None
        conn.autocommit = True
        return conn
    import pymysql

    try:
        return pymysql.connect(
            host=credentials.host,
            port=int(credentials.port or 3306),
            user=credentials.username,
            password=credentials.password or "",
            autocommit=True,
        )
    except pymysql.err.MySQLError as exc:
        raise _unreachable(dest, exc) from None


def _unreachable(dest: DestinationConfig, exc: BaseException) -> errors.DestinationError:
    lines = str(exc).strip().splitlines()
    detail = secrets.redact(lines[0] if lines else type(exc).__name__)
    return errors.DestinationError(
        f"cannot connect to {dest.display} ({type(exc).__name__}: {detail}); check the "
        "destination URI and that the server is running"
    )
