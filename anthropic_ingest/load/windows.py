"""Intervals the user asks for, and the windows of days or buckets a run actually fetches.

Interval bounds are inclusive, as in ingestr: `--interval-end 2024-12-31` includes that day.
Internally a window is half-open, `[start, end)`, aligned to the table's bucket width.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from anthropic_ingest.errors import UsageError

DEFAULT_START = datetime(2023, 1, 1, tzinfo=UTC)
BUCKET_SECONDS = {"1d": 86400, "1h": 3600, "1m": 60}
# Buckets per request: the largest page each report accepts.
MAX_BUCKETS = {"1d": 31, "1h": 168, "1m": 1440}
HISTORY_MARGIN = timedelta(hours=1)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Interval:
    """The user's --interval-start/--interval-end; `end` is exclusive after parsing."""

    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class Window:
    """What one run fetches for a table: `[start, end)`, and whether it moves the resume point."""

    start: datetime
    end: datetime
    width: str
    advances_state: bool

    def chunks(self) -> Iterator[tuple[datetime, datetime]]:
        """Split into the largest ranges one report request may hold."""
        step = timedelta(seconds=BUCKET_SECONDS[self.width] * MAX_BUCKETS[self.width])
        cursor = self.start
        while cursor < self.end:
            yield cursor, min(cursor + step, self.end)
            cursor += step

    def days(self) -> list[date]:
        """Every UTC day the window touches."""
        first, last = self.start.date(), (self.end - timedelta(microseconds=1)).date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    @property
    def step(self) -> timedelta:
        """The width of one day or bucket."""
        return timedelta(seconds=BUCKET_SECONDS[self.width])

    @property
    def buckets(self) -> int:
        return int((self.end - self.start).total_seconds() // BUCKET_SECONDS[self.width])


def parse_bound(text: str | None, *, flag: str, is_end: bool) -> datetime | None:
    """Parse `YYYY-MM-DD` or an ISO 8601 timestamp into UTC; a date as an end means its end."""
    if text is None or text.strip() == "":
        return None
    text = text.strip()
    try:
        if _DATE.match(text):
            day = date.fromisoformat(text)
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return moment + timedelta(days=1) if is_end else moment
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise UsageError(
            f"{flag} {text!r} is not a date: use YYYY-MM-DD or an ISO 8601 timestamp such as "
            "2024-01-31T00:00:00Z"
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def parse_interval(start: str | None, end: str | None, *, now: datetime) -> Interval:
    """Validate the user's interval: parseable, ordered, not entirely in the future."""
    lower = parse_bound(start, flag="--interval-start", is_end=False)
    upper = parse_bound(end, flag="--interval-end", is_end=True)
    if lower is not None and upper is not None and upper <= lower:
        raise UsageError(f"--interval-end {end} is before --interval-start {start}")
    if lower is not None and lower > now:
        raise UsageError(
            f"--interval-start {start} is in the future (now is {now:%Y-%m-%dT%H:%M}Z): "
            "there is no data yet"
        )
    return Interval(lower, upper)


def floor_to(moment: datetime, width: str) -> datetime:
    seconds = BUCKET_SECONDS[width]
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def plan_window(
    interval: Interval,
    *,
    width: str,
    now: datetime,
    resume_from: datetime | None,
    include_partial: bool,
) -> Window | None:
    """The window to fetch, or None when it holds no complete bucket.

    `resume_from` is where a run without an interval start begins (None on a first run or a
    full reload: the default start). Report buckets that have not ended yet are left for the
    next run; Claude Code days (`include_partial`) include today.
    """
    if interval.start is not None:
        start = interval.start
    elif resume_from is not None:
        start = resume_from
    else:
        start = DEFAULT_START
    limit = (
        floor_to(now, width) + timedelta(seconds=BUCKET_SECONDS[width]) if include_partial else now
    )
    end = min(interval.end, limit) if interval.end is not None else limit
    start = floor_to(start, width)
    # A Claude Code day is fetched whole, so an end inside a day includes that day.
    end = ceil_to(end, width) if include_partial else floor_to(end, width)
    if end <= start:
        return None
    return Window(start, end, width, advances_state=interval.end is None)


def history_start(first_day: date, history_days: int, now: datetime) -> datetime:
    """The earliest day an endpoint with a limited history answers for: its first day of
    data, or the first whole day of its last `history_days` days, whichever is later."""
    first = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
    # A margin, so that a day starting just inside the range at `now` is not outside it by
    # the time its request is sent.
    oldest = now - timedelta(days=history_days) + HISTORY_MARGIN
    return max(first, ceil_to(oldest, "1d"))


def history_limit(first_day: date, history_days: int, earliest: datetime) -> str:
    """Why there is nothing before `earliest`, in a few words."""
    if earliest.date() == first_day:
        return f"no data before {first_day.isoformat()}"
    return f"data for the last {history_days} days only (from {earliest.date().isoformat()})"


def clip_interval(interval: Interval, earliest: datetime) -> Interval | None:
    """`interval` without what lies before `earliest`; None when nothing is left."""
    if interval.end is not None and interval.end <= earliest:
        return None
    if interval.start is not None and interval.start < earliest:
        return Interval(earliest, interval.end)
    return interval


def check_history(interval: Interval, table: str, earliest: datetime, limit: str) -> None:
    """Refuse an explicit interval that reaches before the first day `table` has data."""
    if interval.start is not None:
        flag, moment, outside = "--interval-start", interval.start, interval.start < earliest
    elif interval.end is not None:
        # The end is exclusive here: the user's inclusive end is the moment before it.
        moment = interval.end - timedelta(microseconds=1)
        flag, outside = "--interval-end", interval.end <= earliest
    else:
        return
    if not outside:
        return
    raise UsageError(
        f"{flag} {moment:%Y-%m-%d} is outside the range {table} has data for ({limit}): use "
        f"an interval from {earliest:%Y-%m-%d} to today"
    )


def ceil_to(moment: datetime, width: str) -> datetime:
    floored = floor_to(moment, width)
    return floored if floored == moment else floored + timedelta(seconds=BUCKET_SECONDS[width])


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
