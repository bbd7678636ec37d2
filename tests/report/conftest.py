"""Destinations loaded with the synthetic rows: a DuckDB file and a PostgreSQL schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dlt
import pytest
from dlt.destinations.impl.postgres.configuration import PostgresCredentials

from anthropic_ingest.load.destinations import parse_destination_uri
from tests.conftest import IN_CI, require_server
from tests.report import synth
from tests.report.browser import HOW_TO_ENABLE, Browser, find_browser, headless_chromium

PG_URI = "postgresql://postgres:@127.0.0.1:5432/test"


@dataclass
class Loaded:
    """A destination holding the synthetic rows, and the dlt pipeline that loaded it."""

    kind: str
    uri: str
    dataset: str
    pipeline: dlt.Pipeline


@pytest.fixture(scope="session")
def rows() -> synth.Rows:
    return synth.make_rows()


def load_duckdb(rows: synth.Rows, work: Path, tables: list[str] | None = None) -> Loaded:
    path = work / "warehouse.duckdb"
    pipeline = synth.pipeline(dlt.destinations.duckdb(str(path)), "anthropic", work)
    synth.run(pipeline, rows, tables)
    return Loaded("duckdb", f"duckdb:///{path}", "anthropic", pipeline)


MYSQL_URI = "mysql+pymysql://root:@127.0.0.1:3306/test"


def _destination(kind: str) -> Any:
    if kind == "postgres":
        return dlt.destinations.postgres(credentials=PostgresCredentials(PG_URI))
    # as anthropic-ingest loads MySQL: tables in the URI's database, as <dataset>__<table>
    return parse_destination_uri(MYSQL_URI).destination


@contextmanager
def server_dataset(
    kind: str, rows: synth.Rows, work: Path, tables: list[str] | None = None
) -> Iterator[Loaded]:
    """Load into a fresh schema (PostgreSQL) or table prefix (MySQL) with a unique name; drop
    it afterwards. Skips when the server is down (fails under CI=true)."""
    require_server("postgresql" if kind == "postgres" else "mysql")
    dataset = "report_" + uuid.uuid4().hex[:10]
    pipeline = synth.pipeline(_destination(kind), dataset, work)
    try:
        synth.run(pipeline, rows, tables)
        yield Loaded(kind, PG_URI if kind == "postgres" else MYSQL_URI, dataset, pipeline)
    finally:
        with pipeline.sql_client() as client:
            if client.has_dataset():
                client.drop_dataset()
            with client.with_staging_dataset():
                if client.has_dataset():
                    client.drop_dataset()


@pytest.fixture(scope="module")
def duck_full(rows: synth.Rows, tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    return load_duckdb(rows, tmp_path_factory.mktemp("duck"))


@pytest.fixture(scope="module")
def pg_full(rows: synth.Rows, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    with server_dataset("postgres", rows, tmp_path_factory.mktemp("pg")) as loaded:
        yield loaded


@pytest.fixture(scope="module")
def my_full(rows: synth.Rows, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    with server_dataset("mysql", rows, tmp_path_factory.mktemp("my")) as loaded:
        yield loaded


@pytest.fixture(params=["duckdb", "postgres", "mysql"])
def loaded(request: pytest.FixtureRequest) -> Loaded:
    """Each test using this runs once per destination holding the full synthetic data."""
    name = {"duckdb": "duck_full", "postgres": "pg_full", "mysql": "my_full"}[request.param]
    value: Loaded = request.getfixturevalue(name)
    return value


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """Headless Chromium for a test module; under CI a missing one fails the test."""
    found = find_browser()
    if found is None:
        message = f"headless Chromium or chromedriver not found; {HOW_TO_ENABLE}"
        if IN_CI:
            pytest.fail(f"CI=true and {message}")
        pytest.skip(message)
    with headless_chromium(*found, tmp_path_factory.mktemp("chromium-profile")) as session:
        yield session
