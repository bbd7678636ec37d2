"""Intervals (inclusive, as in ingestr) and the windows a run fetches."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from anthropic_ingest.errors import UsageError
from anthropic_ingest.load.windows import DEFAULT_START, Interval, parse_interval, plan_window

NOW = datetime(2025, 3, 10, 15, 30, tzinfo=UTC)


def d(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def test_date_end_is_inclusive() -> None:
    interval = parse_interval("2024-01-01", "2024-12-31", now=NOW)
    assert interval == Interval(d(2024, 1, 1), d(2025, 1, 1))


def test_timestamps_are_utc() -> None:
    interval = parse_interval("2024-01-01T02:00:00+02:00", "2024-01-02T00:00:00Z", now=NOW)
    assert interval.start == d(2024, 1, 1)
    assert interval.end == d(2024, 1, 2)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2024-13-01", None, "--interval-start '2024-13-01' is not a date: use YYYY-MM-DD"),
        ("yesterday", None, "--interval-start 'yesterday' is not a date"),
        ("2024-02-01", "2024-01-01", "--interval-end 2024-01-01 is before --interval-start"),
        ("2030-01-01", None, "--interval-start 2030-01-01 is in the future"),
    ],
)
def test_bad_intervals_say_why(start: str, end: str | None, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_interval(start, end, now=NOW)


def plan(
    interval: Interval, *, width: str = "1d", resume: datetime | None = None, partial: bool = False
):
    return plan_window(interval, width=width, now=NOW, resume_from=resume, include_partial=partial)


def test_first_run_starts_at_default_and_claude_code_includes_today() -> None:
    window = plan(Interval(), partial=True)
    assert window is not None
    assert window.start == DEFAULT_START
    assert window.days()[-1] == date(2025, 3, 10)
    assert window.advances_state


def test_reports_stop_at_the_last_complete_bucket() -> None:
    window = plan(Interval())
    assert window is not None and window.end == d(2025, 3, 10)
    hourly = plan(Interval(), width="1h")
    assert hourly is not None and hourly.end == d(2025, 3, 10, 15)


def test_resume_starts_where_asked() -> None:
    window = plan(Interval(), resume=d(2025, 3, 6), partial=True)
    assert window is not None
    assert window.days() == [
        date(2025, 3, 6),
        date(2025, 3, 7),
        date(2025, 3, 8),
        date(2025, 3, 9),
        date(2025, 3, 10),
    ]


def test_explicit_interval_ignores_state_and_does_not_move_it() -> None:
    interval = parse_interval("2025-01-01", "2025-01-31", now=NOW)
    window = plan(interval, resume=d(2025, 3, 1))
    assert window is not None
    assert (window.start, window.end, window.advances_state) == (
        d(2025, 1, 1),
        d(2025, 2, 1),
        False,
    )
    assert window.buckets == 31
    assert [c for c in window.chunks()] == [(d(2025, 1, 1), d(2025, 2, 1))]


def test_chunks_hold_the_most_buckets_a_request_allows() -> None:
    window = plan(parse_interval("2025-01-01", "2025-03-05", now=NOW))
    assert window is not None
    chunks = list(window.chunks())
    assert [(b - a).days for a, b in chunks] == [31, 31, 2]
    hourly = plan(parse_interval("2025-01-01", "2025-01-14", now=NOW), width="1h")
    assert hourly is not None and len(list(hourly.chunks())) == 2


def test_nothing_to_fetch_gives_no_window() -> None:
    assert plan(parse_interval("2025-03-10", None, now=NOW)) is None
