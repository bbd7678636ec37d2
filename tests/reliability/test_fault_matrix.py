"""Every table against every kind of fault: identical data, or a clean, clear failure.

A run under faults either ends with the destination identical to a clean run, or fails with
a one-line error and the destination untouched. Never a success with data missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from anthropic_ingest import service
from anthropic_ingest.emulator import EmulatorConfig, running_emulator
from anthropic_ingest.errors import ApiError
from anthropic_ingest.tables import TABLES as ALL_TABLES
from tests.conftest import source_uri
from tests.reliability import figures

OPTIONS = {
    "retry_backoff_seconds": "0.01",
    "max_retries": "8",
    "timeout": "0.5",
    "retry_budget_seconds": "30",
    "page_size": "3",  # several pages everywhere, so a cursor can repeat on every list
}
PATHS = {
    "claude_code_usage": ("/v1/organizations/usage_report/claude_code", False),
    "claude_code_usage_by_model": ("/v1/organizations/usage_report/claude_code", False),
    "usage_report": ("/v1/organizations/usage_report/messages", False),
    "cost_report": ("/v1/organizations/cost_report", False),
    "organization": ("/v1/organizations/me", False),
    "workspaces": ("/v1/organizations/workspaces", False),
    "api_keys": ("/v1/organizations/api_keys", False),
    "invites": ("/v1/organizations/invites", False),
    "users": ("/v1/organizations/users", False),
    "workspace_members": ("/v1/organizations/workspaces/", True),
    "analytics_cost": ("/v1/organizations/analytics/cost", False),
    "analytics_usage": ("/v1/organizations/analytics/usage", False),
    "service_accounts": ("/v1/organizations/service_accounts", False),
    "rate_limits": ("/v1/organizations/rate_limits", False),
}
# The tables an Admin key reads on a Console organization (the Enterprise tables are tested
# against the emulator's Enterprise mode in tests/integration/test_enterprise.py).
TABLES = {name: spec for name, spec in ALL_TABLES.items() if name in PATHS}
# The analytics API has no data before 2026: those tables are loaded from an emulator of 2026.
ANALYTICS = ("analytics_cost", "analytics_usage")
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
SCENARIOS = {**SURVIVABLE, **FATAL}


def load(emu: Any, db: Path, table: str) -> None:
    year = 2026 if table in ANALYTICS else 2025
    service.ingest(
        source_uri(emu, **OPTIONS),
        table,
        f"duckdb:///{db}",
        f"matrix.{table}",
        interval_start=f"{year}-01-01",
        interval_end=f"{year}-01-05",
    )


@pytest.fixture(scope="module")
def emulator26() -> Iterator[Any]:
    config = EmulatorConfig(
        seed=11, users=14, start_date=date(2026, 1, 1), end_date=date(2026, 1, 31)
    )
    with running_emulator(config) as emu:
        yield emu


def server_for(table: str, emulator: Any, emulator26: Any) -> Any:
    return emulator26 if table in ANALYTICS else emulator


def snapshot(db: Path, table: str) -> list[tuple[Any, ...]]:
    import duckdb

    columns = ", ".join(TABLES[table].column_names)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(f"select {columns} from matrix.{table}").fetchall()
    return sorted((tuple(r) for r in rows), key=repr)


@pytest.fixture(scope="module")
def baselines(
    tmp_path_factory: pytest.TempPathFactory, emulator: Any, emulator26: Any
) -> dict[str, tuple[Path, list]]:
    emulator.reset()
    emulator26.reset()
    out = {}
    for table in TABLES:
        db = tmp_path_factory.mktemp("matrix") / f"{table}.duckdb"
        load(server_for(table, emulator, emulator26), db, table)
        out[table] = (db, snapshot(db, table))
    return out


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("table", sorted(TABLES))
def test_fault(
    emu: Any,
    emulator26: Any,
    baselines: dict[str, tuple[Path, list]],
    table: str,
    scenario: str,
) -> None:
    emulator26.reset()
    emu = server_for(table, emu, emulator26)
    db, clean = baselines[table]
    path, prefix = PATHS[table]
    emu.script(path, SCENARIOS[scenario], prefix=prefix)
    try:
        load(emu, db, table)
        result = "identical data after retries"
    except ApiError as exc:
        message = str(exc)
        assert "\n" not in message and emu.admin_key not in message
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
    elif table == "organization" and "cursor" in scenario:
        result = "not applicable: the endpoint is not paginated"
    elif TABLES[table].source.paging == "next" and scenario == "has_more without a cursor":
        result = "not applicable: the list has no has_more, only next_page"
    elif result == "identical data after retries":
        # The faults were spread over concurrent requests, each staying within its retries.
        assert scenario == "endless 503", (table, scenario)
        result = "survived: the faults fell on several concurrent requests, each within its retries"
    figures.outcome(scenario, result)
