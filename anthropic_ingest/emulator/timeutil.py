"""RFC 3339 parsing and formatting, and bucket arithmetic on UTC boundaries."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

WIDTHS: dict[str, timedelta] = {
    "1d": timedelta(days=1),
    "1h": timedelta(hours=1),
    "1m": timedelta(minutes=1),
}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_rfc3339(value: str) -> datetime:
    """Parse an RFC 3339 date-time with a zone; raise ValueError for anything else."""
    if not _RFC3339.match(value):
        raise ValueError(value)
    text = value.upper().replace("Z", "+00:00")
    head, sep, tail = text.partition(".")
    if sep:  # Python accepts at most 6 fractional digits; extra precision is irrelevant here.
        digits = re.match(r"\d+", tail)
        assert digits is not None
        text = f"{head}.{digits.group()[:6].ljust(6, '0')}{tail[digits.end() :]}"
    return datetime.fromisoformat(text).astimezone(UTC)


def parse_day(value: str) -> date:
    """Parse a `YYYY-MM-DD` date; raise ValueError for anything else (datetimes included)."""
    if not _DATE.match(value):
        raise ValueError(value)
    return date.fromisoformat(value)


def floor_to(moment: datetime, width: timedelta) -> datetime:
    """The start of the bucket of `width` that contains `moment`."""
    offset = (moment - EPOCH) % width
    return moment - offset


def ceil_to(moment: datetime, width: timedelta) -> datetime:
    """`moment` itself if on a boundary, else the start of the next bucket."""
    floored = floor_to(moment, width)
    return floored if floored == moment else floored + width


def day_start(day: date) -> datetime:
    """UTC midnight at the start of `day`."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def format_bucket(moment: datetime) -> str:
    """`2025-08-01T00:00:00Z`: the form of bucket bounds and Claude Code dates."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_micro(moment: datetime) -> str:
    """`2024-10-30T23:58:27.427722Z`: the form of object timestamps."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utc_today() -> date:
    """Today's date in UTC."""
    return datetime.now(UTC).date()
