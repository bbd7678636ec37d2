"""Long backfills commit as they go; a failure keeps what was complete and the next run goes
on from there; a first run starts when the organization could first have had activity."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from anthropic_ingest import service
from anthropic_ingest.errors import ServerError
from tests.conftest import Destination, source_uri
from tests.integration import expected

ONE_AT_A_TIME = {
    "concurrency": 1,
    "max_concurrency": 1,
    "max_retries": 1,
    "retry_backoff_seconds": "0.01",
}
NOW = datetime(2025, 1, 12, 12, tzinfo=UTC)


def _days_requested(emu: Any) -> list[str]:
    return [
        value
        for entry in emu.requests()
        if entry["path"].endswith("/claude_code") and entry["status"] == 200
        for key, value in entry["query"]
        if key == "starting_at" and not any(k == "page" for k, _ in entry["query"])
    ]


def _claude_code(duck: Destination) -> list[tuple[Any, ...]]:
    return sorted(
        duck.query(
            "select date::date, actor_id, terminal_type, num_sessions from {ds}.claude_code_usage"
        ),
        key=repr,
    )


def _served(emu: Any, first: date, last: date) -> list[tuple[Any, ...]]:
    rows = [
        (
            date.fromisoformat(r["date"][:10]),
            r["actor"].get("email_address") or r["actor"].get("api_key_name"),
            r["terminal_type"],
            r["core_metrics"]["num_sessions"],
        )
        for r in expected.claude_code(emu.org, first, last)
    ]
    return sorted(rows, key=repr)


def test_a_failure_keeps_the_complete_days_and_the_next_run_goes_on(
    emu: Any, duck: Destination
) -> None:
    uri, table = source_uri(emu, **ONE_AT_A_TIME), f"{duck.dataset}.claude_code_usage"
    # Days are fetched in order, one at a time: the first five answer, the sixth never does.
    emu.script(
        "/v1/organizations/usage_report/claude_code",
        [{"kind": "pass", "count": 5}, {"kind": "status", "status": 500, "count": 50}],
    )
    with pytest.raises(ServerError, match="HTTP 500"):
        service.ingest(
            uri, "claude_code_usage", duck.uri, table, interval_start="2025-01-01", now=NOW
        )
    assert _claude_code(duck) == _served(emu, date(2025, 1, 1), date(2025, 1, 5))
    emu.reset()
    service.ingest(uri, "claude_code_usage", duck.uri, table, now=NOW)
    assert _days_requested(emu)[0] == "2025-01-06", "goes on where the failed run stopped"
    assert _claude_code(duck) == _served(emu, date(2025, 1, 1), date(2025, 1, 12))


def test_a_backfill_in_many_rounds_loads_what_one_round_loads(emu: Any, duck: Destination) -> None:
    uri = source_uri(emu, **ONE_AT_A_TIME, commit_seconds="0.001")
    table = f"{duck.dataset}.claude_code_usage"
    report = service.ingest(
        uri, "claude_code_usage", duck.uri, table, interval_start="2025-01-01", now=NOW
    )
    assert sorted(_days_requested(emu)) == [f"2025-01-{d:02}" for d in range(1, 13)]
    assert _claude_code(duck) == _served(emu, date(2025, 1, 1), date(2025, 1, 12))
    [only] = [t for t in report.tables if t.table == "claude_code_usage"]
    assert only.rows == len(_served(emu, date(2025, 1, 1), date(2025, 1, 12)))
    emu.clear_requests()
    service.ingest(uri, "claude_code_usage", duck.uri, table, now=NOW)
    assert _days_requested(emu)[0] == "2025-01-09", "a finished backfill resumes with its lookback"


def test_first_run_starts_when_the_organization_began(emu: Any, duck: Destination) -> None:
    org = emu.org
    created = [u["added_at"] for u in org.users] + [k["created_at"] for k in org.api_keys]
    created += [w["created_at"] for w in org.workspaces]
    first = min(datetime.fromisoformat(c.replace("Z", "+00:00")) for c in created).date()
    assert first > date(2023, 1, 1)
    service.ingest(source_uri(emu), "cost_report", duck.uri, f"{duck.dataset}.cost_report", now=NOW)
    starts = [
        value
        for entry in emu.requests()
        if entry["path"].endswith("/cost_report")
        for key, value in entry["query"]
        if key == "starting_at"
    ]
    assert min(starts) == f"{first.isoformat()}T00:00:00Z"
