"""Shared fixtures: the emulator over real HTTP, real databases, and the CLI as users run it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from anthropic_ingest.emulator import EmulatorConfig, running_emulator

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# A fixed, past range keeps the test organization identical on every day the suite runs.
DATA_START, DATA_END = date(2025, 1, 1), date(2025, 2, 28)

HOW_TO_START = {
    "postgresql": "start it with: pg_ctlcluster --skip-systemctl-redirect "
    "$(ls /etc/postgresql) main start (or run .ci/run)",
    "mysql": "start it with: start-stop-daemon --start --oknodo --background "
    "--exec /usr/sbin/mariadbd (or run .ci/run)",
}
PORTS = {"postgresql": 5432, "mysql": 3306}


def pytest_configure(config: pytest.Config) -> None:
    """Give every command a test starts the default Ctrl-C behaviour, even when this run
    inherited SIGINT ignored (every background job of a non-interactive shell does, and a
    child keeps an ignored signal ignored): tests that send SIGINT would otherwise wait for
    a command that never stops, and leave it (an emulator, a sync) running."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        # A handler of our own is reset to the default in a child when it starts (exec).
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def require_server(kind: str) -> None:
    """Skip (or, under CI, fail) when a database server the test needs is not running."""
    if _reachable(PORTS[kind]):
        return
    message = f"{kind} is not running on 127.0.0.1:{PORTS[kind]}; {HOW_TO_START[kind]}"
    if IN_CI:
        pytest.fail(f"CI=true and {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def emulator() -> Iterator[Any]:
    config = EmulatorConfig(seed=11, users=14, start_date=DATA_START, end_date=DATA_END)
    with running_emulator(config) as emu:
        yield emu


@pytest.fixture
def emu(emulator: Any) -> Iterator[Any]:
    """The session emulator with scripts, log and rate window cleared around each test."""
    emulator.reset()
    yield emulator
    emulator.reset()


def source_uri(emu: Any, **options: Any) -> str:
    extra = "".join(f"&{k}={v}" for k, v in options.items())
    return f"anthropic://?api_key={emu.admin_key}&base_url={emu.base_url}{extra}"


@dataclass
class Destination:
    """A destination a test loads into, with a private dataset, and a way to query it."""

    kind: str
    uri: str
    dataset: str
    path: Path | None = None

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.kind == "mysql":
            # MySQL keeps a dataset's tables in the URI's database, named <dataset>__<table>
            sql = sql.replace("{ds}.", "{ds}__")
        sql = sql.replace("{ds}", self.dataset)
        if self.kind == "duckdb":
            import duckdb

            assert self.path is not None
            with duckdb.connect(str(self.path), read_only=True) as con:
                return [tuple(r) for r in con.execute(sql).fetchall()]
        conn = _connect(self.kind)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return [tuple(r) for r in cur.fetchall()]
        finally:
            conn.close()

    def where_table(self, table: str) -> str:
        """An information_schema condition selecting `table` of the dataset."""
        if self.kind == "mysql":
            return f"table_schema = 'test' and table_name = '{{ds}}__{table}'"
        return f"table_schema = '{{ds}}' and table_name = '{table}'"

    def column_types(self, table: str) -> dict[str, str]:
        rows = self.query(
            "select column_name, data_type from information_schema.columns "
            f"where {self.where_table(table)}"
        )
        return {name: str(kind).lower() for name, kind in rows}

    def tables(self) -> set[str]:
        if self.kind == "mysql":
            rows = self.query(
                "select table_name from information_schema.tables where table_schema = 'test' "
                "and table_name like '{ds}\\_\\_%'"
            )
            return {r[0].removeprefix(f"{self.dataset}__") for r in rows}
        rows = self.query(
            "select table_name from information_schema.tables where table_schema = '{ds}'"
        )
        return {r[0] for r in rows}


def _connect(kind: str) -> Any:
    if kind == "postgresql":
        import psycopg2

        return psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="test")
    import pymysql

    return pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", database="test")


def _drop(kind: str, dataset: str) -> None:
    conn = _connect(kind)
    try:
        with conn.cursor() as cur:
            if kind == "postgresql":
                cur.execute(f'drop schema if exists "{dataset}" cascade')
            else:
                _drop_mysql_dataset(cur, dataset)
        conn.commit()
    finally:
        conn.close()


def _drop_mysql_dataset(cur: Any, dataset: str) -> None:
    """Drop a dataset's tables and views (<dataset>__*, <dataset>_staging__*) from `test`."""
    for prefix in (f"{dataset}__", f"{dataset}_staging__"):
        like = prefix.replace("_", "\\_") + "%"
        cur.execute(
            "select table_name, table_type from information_schema.tables "
            "where table_schema = 'test' and table_name like %s",
            (like,),
        )
        for name, kind in sorted(cur.fetchall(), key=lambda row: row[1] != "VIEW"):
            cur.execute(f"drop {'view' if kind == 'VIEW' else 'table'} if exists `{name}`")
    cur.execute(f"drop database if exists `{dataset}`")
    cur.execute(f"drop database if exists `{dataset}_staging`")


@pytest.fixture(params=["duckdb", "postgresql", "mysql"])
def destination(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Destination]:
    yield from _destination(request.param, tmp_path)


@pytest.fixture
def duck(tmp_path: Path) -> Iterator[Destination]:
    yield from _destination("duckdb", tmp_path)


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[Destination]:
    yield from _destination("postgresql", tmp_path)


def _destination(kind: str, tmp_path: Path) -> Iterator[Destination]:
    dataset = "t_" + uuid.uuid4().hex[:10]
    if kind == "duckdb":
        path = tmp_path / "test.duckdb"
        yield Destination(kind, f"duckdb:///{path}", dataset, path)
        return
    require_server(kind)
    uri = {
        "postgresql": "postgresql://postgres@127.0.0.1:5432/test",
        "mysql": "mysql://root:@127.0.0.1:3306/test",
    }[kind]
    try:
        yield Destination(kind, uri, dataset)
    finally:
        _drop(kind, dataset)


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> CliResult:
    """Run `python -m anthropic_ingest` exactly as a user would, without a terminal."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCE_", "DEST"))}
    full_env.pop("ANTHROPIC_ADMIN_API_KEY", None)
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "anthropic_ingest", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or ROOT,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def assert_no_secret(secret: str, *texts: str) -> None:
    for text in texts:
        assert secret not in text, "the Admin key leaked into output"


def _console_2025_tables() -> dict[str, Any]:
    from anthropic_ingest.tables import TABLES
    from anthropic_ingest.tables_enterprise import ENTERPRISE_TABLES

    enterprise = {spec.name for spec in ENTERPRISE_TABLES}
    return {
        name: spec
        for name, spec in TABLES.items()
        if spec.source.data_from is None and name not in enterprise
    }


# What a sync of a 2025 interval with the Admin key of a Console organization loads: not the
# analytics tables (no data before 2026), not the Claude Enterprise tables (not available).
CONSOLE_2025_TABLES = _console_2025_tables()
