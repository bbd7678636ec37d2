"""Every table against every kind of fault: identical data, or a clean, clear failure.

A run under faults either ends with the destination identical to a clean run, or fails with
a one-line error and the destination untouched. Never a success with data missing.
Every table of the declarations is tried: the Admin tables of a Console organization, the
analytics tables (data from 2026) and the Claude Enterprise tables, read with an Analytics
key from an Enterprise organization.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from anthropic_ingest import service
from anthropic_ingest.emulator import EmulatorConfig, running_emulator
from anthropic_ingest.emulator.endpoints_enterprise import LAG_DAYS
from anthropic_ingest.errors import ApiError
from anthropic_ingest.table_spec import TableSpec
from anthropic_ingest.tables import TABLES
from tests.conftest import source_uri
from tests.reliability import figures
from tests.reliability.enterprise import ENTERPRISE, INTERVAL, analytics_uri, enterprise_config

OPTIONS = {
    "retry_backoff_seconds": "0.01",
    "max_retries": "8",
    "timeout": "0.5",
    "retry_budget_seconds": "30",
    "page_size": "3",  # several pages everywhere, so a cursor can repeat on every list
}
# The analytics API has no data before 2026: those tables are loaded from an emulator of 2026.
ANALYTICS = {n for n, spec in TABLES.items() if spec.source.data_from and n not in ENTERPRISE}
# Scenarios a client must survive with identical data.
SURVIVABLE = {
    "429 storm with retry-after": [
        {"kind": "status", "status": 429, "retry_after": "0", "count": 4}
    ],
    "429 storm without retry-after": [{"kind": "status", "status": 429, "count": 4}],
    "5xx burst": [{"kind": "status", "status": s} for s in (500, 502, 503, 529)],
    "dropped connections": [{"kind": "drop", "count": 3}],
    "read timeouts": [{"kind": "slow", "ms": 1200, "count": 2}],
    "truncated bodies": [{"kind": "truncate", "count": 3}],
    "non-JSON bodies": [{"kind": "non_json", "count": 2}],
    "proxy HTML error page": [{"kind": "html", "count": 2}],
}
# Scenarios that cannot end with complete data: the run must fail and change nothing.
FATAL = {
    "cursor that repeats": [{"kind": "repeat_cursor", "count": 3}],
    "has_more without a cursor": [{"kind": "has_more_no_cursor", "count": 3}],
    "endless 503": [{"kind": "status", "status": 503, "count": 40}],
    "key revoked (401)": [{"kind": "status", "status": 401}],
}
# An optional table's endpoint answering 404 is "not available": `ingest` asked for it by name,
# so the run fails, saying so.
NOT_AVAILABLE = {"not available (404)": [{"kind": "status", "status": 404}]}
# The engagement tables take a 400 that names the latest ready day as "not ready yet" and end
# the window there; a plain 400 for a day long ready must still fail the run.
ENTERPRISE_FATAL = {"invalid request (400)": [{"kind": "status", "status": 400}]}
SCENARIOS = {**SURVIVABLE, **FATAL, **NOT_AVAILABLE, **ENTERPRISE_FATAL}


def first_of_each(kind: Callable[[TableSpec], str | None]) -> list[str]:
    """The first Enterprise table (in declaration order) of each kind, skipping None."""
    firsts: dict[str, str] = {}
    for spec in ENTERPRISE.values():
        found = kind(spec)
        if found is not None:
            firsts.setdefault(found, spec.name)
    return sorted(firsts.values())


def fan_out(spec: TableSpec) -> str | None:
    """How a table's requests fan out: one chain per day, or one per parent record."""
    if spec.source.paging == "per_day":
        return "day"
    return "parent" if spec.source.parent is not None else None


# Every Enterprise table reads its pages through one path (`_pages` over `client.get` in
# load/fetch_enterprise.py), so the faults the retry layer absorbs, and the endless 503 that
# exhausts it, play out alike on all of them: they are tried on the first table of each
# fan-out, which takes every branch the others do (trying all of them added about 90 s on 2
# cores). Every Enterprise table gets the faults that depend on its own endpoint: its
# cursors, 401, 404 (with its own "not available" message) and 400.
RETRY_LAYER_PROBES = first_of_each(fan_out)


def scenarios_for(spec: TableSpec) -> list[str]:
    """The scenarios a table is tried against."""
    names = [*SURVIVABLE, *FATAL]
    if spec.name in ENTERPRISE and spec.name not in RETRY_LAYER_PROBES:
        names = [name for name in FATAL if name != "endless 503"]
    names += list(NOT_AVAILABLE) if spec.optional else []
    names += list(ENTERPRISE_FATAL) if spec.name in ENTERPRISE else []
    return sorted(names)


CASES = [(table, scenario) for table in sorted(TABLES) for scenario in scenarios_for(TABLES[table])]


def script_target(spec: TableSpec) -> tuple[str, bool]:
    """Where a table's faults are scripted: its endpoint, or every child list of its parent
    (`/workspaces/{id}/members`: any path under `/workspaces/`)."""
    path = spec.source.path
    return (path[: path.index("{")], True) if "{" in path else (path, False)


def load(emu: Any, db: Path, table: str) -> None:
    if table in ENTERPRISE:
        uri, (start, end) = analytics_uri(emu, **OPTIONS), INTERVAL
    else:
        year = 2026 if table in ANALYTICS else 2025
        uri, start, end = source_uri(emu, **OPTIONS), f"{year}-01-01", f"{year}-01-05"
    service.ingest(
        uri, table, f"duckdb:///{db}", f"matrix.{table}", interval_start=start, interval_end=end
    )


@pytest.fixture(scope="module")
def emulator26() -> Iterator[Any]:
    config = EmulatorConfig(
        seed=11, users=14, start_date=date(2026, 1, 1), end_date=date(2026, 1, 31)
    )
    with running_emulator(config) as emu:
        yield emu


def server_for(table: str, emulator: Any, emulator26: Any, enterprise: Any) -> Any:
    """The emulator that serves a table: Enterprise, Console of 2026, or Console of 2025."""
    if table in ENTERPRISE:
        return enterprise
    return emulator26 if table in ANALYTICS else emulator


def snapshot(db: Path, table: str) -> list[tuple[Any, ...]]:
    columns = ", ".join(TABLES[table].column_names)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(f"select {columns} from matrix.{table}").fetchall()
    return sorted((tuple(r) for r in rows), key=repr)


@pytest.fixture(scope="module")
def baselines(
    tmp_path_factory: pytest.TempPathFactory,
    emulator: Any,
    emulator26: Any,
    enterprise_emulator: Any,
) -> dict[str, tuple[Path, list]]:
    servers = (emulator, emulator26, enterprise_emulator)
    for server in servers:
        server.reset()
    out = {}
    for table in TABLES:
        db = tmp_path_factory.mktemp("matrix") / f"{table}.duckdb"
        load(server_for(table, *servers), db, table)
        out[table] = (db, snapshot(db, table))
    return out


@pytest.mark.parametrize(("table", "scenario"), CASES)
def test_fault(
    emu: Any,
    emulator26: Any,
    ent: Any,
    baselines: dict[str, tuple[Path, list]],
    table: str,
    scenario: str,
) -> None:
    emulator26.reset()
    emu = server_for(table, emu, emulator26, ent)
    db, clean = baselines[table]
    spec = TABLES[table]
    path, prefix = script_target(spec)
    emu.script(path, SCENARIOS[scenario], prefix=prefix)
    try:
        load(emu, db, table)
        result = "identical data after retries"
    except ApiError as exc:
        message = str(exc)
        assert "\n" not in message
        assert emu.admin_key not in message and emu.analytics_key not in message
        if scenario in NOT_AVAILABLE:
            assert message.startswith(f"{table} is not available: "), message
        result = "run failed cleanly, destination untouched"
    injected = [e["fault"] for e in emu.requests() if e.get("fault")]
    for kind in injected:
        figures.add(f"fault:{kind}")
    if not injected:
        # An ID-cursor list that fits one page sends no cursor to repeat.
        assert scenario == "cursor that repeats" and emu.pending_scripts(), scenario
        result = "not applicable: the list fits one page"
    after = snapshot(db, table)
    figures.add("rows compared", len(clean) + len(after))
    lost = len(set(clean) - set(after))
    figures.add("rows lost", lost)
    assert after == clean
    if scenario in SURVIVABLE:
        assert result == "identical data after retries", scenario
    elif spec.source.paging in ("single", "date_range") and "cursor" in scenario:
        result = "not applicable: the endpoint is not paginated"
    elif spec.source.paging in ("next", "per_day") and scenario == "has_more without a cursor":
        result = "not applicable: the list has no has_more, only next_page"
    elif result == "identical data after retries":
        # The faults were spread over concurrent requests, each staying within its retries.
        assert scenario == "endless 503", (table, scenario)
        result = "survived: the faults fell on several concurrent requests, each within its retries"
    figures.outcome(scenario, result)


@pytest.fixture(scope="module")
def enterprise_now() -> Iterator[Any]:
    """An Enterprise organization with data up to today: its last days are not ready yet."""
    with running_emulator(enterprise_config(end_date=None)) as emu:
        yield emu


def days_asked(requests: list[dict[str, Any]], path: str, today: date) -> set[date]:
    """The days the requests to `path` asked for: `date`, or `starting_date` up to the
    exclusive `ending_date` (today when not sent)."""
    days = set()
    for request in (r for r in requests if r["path"] == path):
        query = dict(request["query"])
        if "date" in query:
            days.add(date.fromisoformat(query["date"]))
            continue
        day = date.fromisoformat(query["starting_date"])
        end = date.fromisoformat(query.get("ending_date", str(today)))
        days.update(day + timedelta(days=i) for i in range((end - day).days))
    return days


# A day not finished yet is handled by each paging style's fetch (load/fetch_enterprise.py:
# `_day` for the tables read a day at a time, `_range` for summaries): the first table of
# each style is tried.
WINDOWED = first_of_each(lambda spec: spec.source.paging if spec.mode == "window" else None)


@pytest.mark.parametrize("table", WINDOWED)
def test_a_day_not_ready_ends_the_window(enterprise_now: Any, tmp_path: Path, table: str) -> None:
    """A day the API has not finished (a day's request answers 400 naming the latest ready
    day; a range's answer leaves it out) ends the window: the run succeeds with the days up
    to the latest ready one, and the next run asks for the unfinished day again."""
    today = datetime.now(UTC).date()
    first, latest = today - timedelta(days=5), today - timedelta(days=LAG_DAYS)
    db, path = tmp_path / "now.duckdb", ENTERPRISE[table].source.path
    enterprise_now.clear_requests()
    uri, dest = analytics_uri(enterprise_now), (f"duckdb:///{db}", f"ready.{table}")
    service.ingest(uri, table, *dest, interval_start=str(first))
    refused = [r for r in enterprise_now.requests() if r["status"] == 400 and r["path"] == path]
    assert bool(refused) == (ENTERPRISE[table].source.paging == "per_day"), refused
    with duckdb.connect(str(db), read_only=True) as con:
        days = con.execute(f"select min(date), max(date) from ready.{table}").fetchone()
    assert days == (first, latest), table
    enterprise_now.clear_requests()
    service.ingest(uri, table, *dest)  # resumes before the unfinished day
    assert latest + timedelta(days=1) in days_asked(enterprise_now.requests(), path, today)
    figures.outcome("a day not ready yet", "the window ended at the latest ready day")
