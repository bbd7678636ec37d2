"""Resume points, the lookback, and re-loads that replace exactly their window."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from anthropic_ingest import service
from tests.conftest import Destination, source_uri
from tests.integration import expected


def requested(emu: Any, path_end: str, param: str) -> list[str]:
    return [
        value
        for entry in emu.requests()
        if entry["path"].endswith(path_end)
        for key, value in entry["query"]
        if key == param
    ]


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2025, 1, day, hour, tzinfo=UTC)


def test_claude_code_resumes_with_lookback(emu: Any, duck: Destination) -> None:
    uri, table = source_uri(emu), f"{duck.dataset}.claude_code_usage"
    service.ingest(
        uri, "claude_code_usage", duck.uri, table, interval_start="2025-01-10", now=at(20)
    )
    emu.clear_requests()
    service.ingest(uri, "claude_code_usage", duck.uri, table, now=at(25))
    days = sorted(requested(emu, "/claude_code", "starting_at"))
    # The last day that loaded rows was the 20th: its 3-day lookback starts on the 17th.
    assert days == [f"2025-01-{d}" for d in range(17, 26)]
    records = expected.claude_code(emu.org, date(2025, 1, 10), date(2025, 1, 25))
    [(count, distinct)] = duck.query(
        "select count(*), count(distinct (date, actor_type, actor_id, terminal_type, is_remote)) "
        "from {ds}.claude_code_usage"
    )
    assert count == distinct == len(records)


def test_cost_report_resumes_on_complete_days(emu: Any, duck: Destination) -> None:
    uri, table = source_uri(emu), f"{duck.dataset}.cost_report"
    service.ingest(uri, "cost_report", duck.uri, table, interval_start="2025-01-10", now=at(20))
    [(last,)] = duck.query("select max(bucket) from {ds}.cost_report")
    assert last.date() == date(2025, 1, 19), "the running day is left for the next run"
    emu.clear_requests()
    service.ingest(uri, "cost_report", duck.uri, table, now=at(25))
    # The last loaded day is the 19th; cost settles over a week, so the run starts on the 12th.
    assert requested(emu, "/cost_report", "starting_at") == ["2025-01-12T00:00:00Z"]
    assert requested(emu, "/cost_report", "ending_at") == ["2025-01-25T00:00:00Z"]
    served = expected.cost(emu.org, date(2025, 1, 10), date(2025, 1, 24))
    assert duck.query("select count(*) from {ds}.cost_report") == [(len(served),)]


def test_second_run_right_after_is_cheap_and_changes_nothing(emu: Any, duck: Destination) -> None:
    uri = source_uri(emu)
    tables = ["claude_code_usage", "usage_report", "cost_report"]
    service.sync(
        uri, duck.uri, dataset=duck.dataset, tables=tables, interval_start="2025-01-01", now=at(31)
    )
    before = {t: sorted(duck.query(f"select * from {{ds}}.{t}"), key=repr) for t in tables}
    emu.clear_requests()
    report = service.sync(uri, duck.uri, dataset=duck.dataset, tables=tables, now=at(31, 13))
    # The last loaded day and its 3 lookback days, usage, cost; no key check into an
    # existing file.
    assert report.requests == len(emu.requests()) == 4 + 1 + 1
    after = {t: sorted(duck.query(f"select * from {{ds}}.{t}"), key=repr) for t in tables}
    assert after == before


def test_reload_replaces_exactly_its_window(emu: Any, duck: Destination) -> None:
    uri, table = source_uri(emu), f"{duck.dataset}.claude_code_usage"
    service.ingest(
        uri,
        "claude_code_usage",
        duck.uri,
        table,
        interval_start="2025-01-01",
        interval_end="2025-01-20",
    )
    outside = duck.query(
        "select * from {ds}.claude_code_usage where date < '2025-01-10' or date > '2025-01-12'"
    )
    emu.reseed(seed=99)
    try:
        service.ingest(
            uri,
            "claude_code_usage",
            duck.uri,
            table,
            interval_start="2025-01-10",
            interval_end="2025-01-12",
        )
        fresh = expected.claude_code(emu.org, date(2025, 1, 10), date(2025, 1, 12))
    finally:
        emu.reseed(seed=11, users=14)
    inside = duck.query(
        "select actor_id, num_sessions from {ds}.claude_code_usage "
        "where date between '2025-01-10' and '2025-01-12'"
    )
    assert sorted(inside) == sorted(
        (
            r["actor"].get("email_address") or r["actor"].get("api_key_name"),
            r["core_metrics"]["num_sessions"],
        )
        for r in fresh
    )
    after_outside = duck.query(
        "select * from {ds}.claude_code_usage where date < '2025-01-10' or date > '2025-01-12'"
    )
    assert sorted(after_outside, key=repr) == sorted(outside, key=repr)


def test_full_refresh_starts_over(emu: Any, duck: Destination) -> None:
    uri, table = source_uri(emu), f"{duck.dataset}.usage_report"
    service.ingest(
        uri, "usage_report", duck.uri, table, interval_start="2025-01-01", interval_end="2025-01-31"
    )
    service.ingest(
        uri,
        "usage_report",
        duck.uri,
        table,
        interval_start="2025-01-05",
        interval_end="2025-01-06",
        full_refresh=True,
    )
    [(first, last)] = duck.query("select min(bucket), max(bucket) from {ds}.usage_report")
    assert (first.date(), last.date()) == (date(2025, 1, 5), date(2025, 1, 6))


def test_a_reload_empties_days_that_no_longer_have_rows(destination: Destination) -> None:
    """Rows of a day the API no longer reports are deleted by a reload of that day, on every
    database, and no bookkeeping column reaches the user's table."""
    from anthropic_ingest.emulator import EmulatorConfig, running_emulator

    def config(end: int) -> EmulatorConfig:
        return EmulatorConfig(
            seed=11, users=6, start_date=date(2025, 1, 1), end_date=date(2025, 1, end)
        )

    table = f"{destination.dataset}.claude_code_usage"
    interval: dict[str, Any] = {"interval_start": "2025-01-15", "interval_end": "2025-01-20"}
    with running_emulator(config(20)) as full:
        service.ingest(source_uri(full), "claude_code_usage", destination.uri, table, **interval)
    days = "select count(distinct date) from {ds}.claude_code_usage"
    assert destination.query(days) == [(6,)]
    with running_emulator(config(17)) as shorter:
        service.ingest(source_uri(shorter), "claude_code_usage", destination.uri, table, **interval)
    assert destination.query(days) == [(3,)]
    assert not [c for c in destination.column_types("claude_code_usage") if "marker" in c]
