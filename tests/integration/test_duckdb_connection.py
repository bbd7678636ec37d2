"""A run shares its connections to its DuckDB file, and lets go of the file when it ends.

dlt opens the file once for each client it makes (the resume point, the schema, the load,
its bookkeeping, the views): seven openings in a daily run, about 20 ms each. A daily run now
opens it once. A fetch that goes on for longer than a second lets go of the file, so other
readers can open it, and DuckDB's memory from one round of a backfill is not held while the
next is fetched.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from anthropic_ingest import service
from anthropic_ingest.client.http import AdminClient
from anthropic_ingest.load.duckdb_names import SharedConnection
from tests.conftest import Destination, source_uri

NOW = datetime(2025, 1, 12, 12, tzinfo=UTC)


def at(day: int) -> datetime:
    return datetime(2025, 1, day, 12, tzinfo=UTC)


ONE_AT_A_TIME = {"concurrency": 1, "max_concurrency": 1}


def count_openings(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """Every duckdb.connect() of `path` from now on."""
    openings: list[str] = []
    connect: Callable[..., Any] = duckdb.connect

    def counting(database: Any = ":memory:", *args: Any, **kwargs: Any) -> Any:
        if Path(str(database)).resolve() == path.resolve():
            openings.append(str(database))
        return connect(database, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", counting)
    return openings


def opens_elsewhere(path: Path, dataset: str) -> int:
    """Rows of claude_code_usage read by another process; it fails if the file is held."""
    code = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
        "print(con.execute(f'select count(*) from {sys.argv[2]}.claude_code_usage').fetchone()[0])"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path), dataset],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return int(proc.stdout)


def first_load(duck: Destination, uri: str, now: datetime = NOW) -> tuple[str, int]:
    """Load claude_code_usage from 2025-01-01 up to `now`: its table and its rows."""
    table = f"{duck.dataset}.claude_code_usage"
    service.ingest(uri, "claude_code_usage", duck.uri, table, interval_start="2025-01-01", now=now)
    return table, duck.query("select count(*) from {ds}.claude_code_usage")[0][0]


@pytest.fixture
def loaded(emu: Any, duck: Destination) -> tuple[str, str, int]:
    """Ten days loaded, for a daily run the next day: the source URI, the table, its rows."""
    uri = source_uri(emu)
    return (uri, *first_load(duck, uri, at(11)))


def test_a_daily_run_opens_its_file_once_and_lets_go_of_it(
    loaded: tuple[str, str, int], duck: Destination, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri, table, _ = loaded
    assert duck.path is not None
    openings = count_openings(monkeypatch, duck.path)
    report = service.ingest(uri, "claude_code_usage", duck.uri, table, now=NOW)
    assert report.views, "the run re-created the views, on the same connection"
    assert len(openings) == 1
    rows = duck.query("select count(*) from {ds}.claude_code_usage")[0][0]
    assert rows > 0 and opens_elsewhere(duck.path, duck.dataset) == rows


def test_the_file_is_free_while_a_long_fetch_goes_on(
    emu: Any, duck: Destination, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Days answered in 0.5 s each, one at a time, with a grace of 0.2 s: from the second
    day's request on, another process can read the file; the load opens it again."""
    assert duck.path is not None
    uri = source_uri(emu, **ONE_AT_A_TIME)
    table, rows = first_load(duck, uri, at(3))
    monkeypatch.setattr(SharedConnection, "GRACE_SECONDS", 0.2)
    emu.script(
        "/v1/organizations/usage_report/claude_code", [{"kind": "slow", "ms": 500, "count": 20}]
    )
    requested: list[str] = []
    read_meanwhile: list[int] = []
    get_page = AdminClient.get_page

    def reading_meanwhile(client: AdminClient, path: str, *args: Any, **kwargs: Any) -> Any:
        if path.endswith("/claude_code"):
            if requested:  # the first day's answer took longer than the grace
                assert duck.path is not None
                read_meanwhile.append(opens_elsewhere(duck.path, duck.dataset))
            requested.append(path)
        return get_page(client, path, *args, **kwargs)

    monkeypatch.setattr(AdminClient, "get_page", reading_meanwhile)
    openings = count_openings(monkeypatch, duck.path)
    service.ingest(uri, "claude_code_usage", duck.uri, table, now=at(6))
    # every read found the file free (a held file fails the other process)
    assert len(read_meanwhile) >= 2 and read_meanwhile == [rows] * len(read_meanwhile)
    assert len(openings) == 2, "one to read where to resume, one to load"


def test_a_failed_load_lets_go_of_the_file(
    loaded: tuple[str, str, int], duck: Destination, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri, table, rows = loaded
    assert duck.path is not None
    from anthropic_ingest.load import runner

    def fail(*args: Any, **kwargs: Any) -> list[str]:
        raise RuntimeError("the views could not be made")

    monkeypatch.setattr(runner, "_create_views", fail)
    with pytest.raises(RuntimeError):
        service.ingest(uri, "claude_code_usage", duck.uri, table, now=NOW)
    assert opens_elsewhere(duck.path, duck.dataset) >= rows


def test_capabilities_resolve_the_settings_once_and_match_dlts() -> None:
    from dlt.destinations import duckdb as dlt_duckdb

    from anthropic_ingest.load.duckdb_names import duckdb_file, file_credentials

    credentials = file_credentials("/nowhere/never-opened.duckdb", 128)
    ours = duckdb_file(credentials, destination_name="duckdb")
    resolved: list[object] = []
    configuration = ours.configuration

    def counting(*args: Any, **kwargs: Any) -> Any:
        resolved.append(args)
        return configuration(*args, **kwargs)

    ours.configuration = counting  # type: ignore[method-assign]
    first, second = ours.capabilities(), ours.capabilities()
    assert len(resolved) == 1
    theirs = dlt_duckdb(file_credentials("/nowhere/never-opened.duckdb", 128)).capabilities()
    for caps in (first, second):
        assert dict(caps) == dict(theirs)
