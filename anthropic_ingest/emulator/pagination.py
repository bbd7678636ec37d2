"""The two pagination styles of the Admin API.

Style A (object lists): `limit`, `after_id`/`before_id`; the page carries `has_more`,
`first_id`, `last_id`. Style B (reports): `page` takes the previous `next_page`; bucket reports
encode the next bucket start (`page_` + base64 of its RFC 3339 time), the Claude Code report an
opaque record offset.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from anthropic_ingest.emulator.errors import invalid_request
from anthropic_ingest.emulator.params import Query
from anthropic_ingest.emulator.timeutil import floor_to, format_bucket, parse_rfc3339

Record = dict[str, Any]
DEFAULT_LIMIT, MAX_LIMIT = 20, 1000


def id_page(items: Sequence[Record], query: Query, id_key: str = "id") -> Record:
    """One style-A page of `items` (already in list order) for the request's cursor and limit."""
    query.exclusive("after_id", "before_id")
    limit = query.limit(DEFAULT_LIMIT, MAX_LIMIT)
    after, before = query.value("after_id"), query.value("before_id")
    cursor = after if after is not None else before
    if cursor is None:
        window, has_more = items[:limit], len(items) > limit
    else:
        position = next((i for i, it in enumerate(items) if it[id_key] == cursor), None)
        if position is None:
            name = "after_id" if after is not None else "before_id"
            raise invalid_request(f"{name}: no object with ID {cursor!r} in this list")
        if after is not None:
            window = items[position + 1 : position + 1 + limit]
            has_more = position + 1 + limit < len(items)
        else:
            window = items[max(0, position - limit) : position]
            has_more = position - limit > 0
    return {
        "data": list(window),
        "has_more": has_more,
        "first_id": window[0][id_key] if window else None,
        "last_id": window[-1][id_key] if window else None,
    }


def bucket_token(start: datetime) -> str:
    """The `next_page` token that resumes at the bucket starting at `start`."""
    return "page_" + base64.b64encode(format_bucket(start).encode("ascii")).decode("ascii")


def parse_bucket_token(token: str, first: datetime, end: datetime, width: timedelta) -> datetime:
    """The bucket start a token points at; 400 unless it is a bucket of this request's range."""
    try:
        if not token.startswith("page_"):
            raise ValueError(token)
        start = parse_rfc3339(base64.b64decode(token[5:], validate=True).decode("ascii"))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid_request("page: invalid page token") from None
    if not first <= start < end or floor_to(start, width) != start:
        raise invalid_request("page: the page token does not belong to this query")
    return start


def bucket_page(
    first: datetime, end: datetime, width: timedelta, limit: int, page: str | None
) -> tuple[list[datetime], str | None]:
    """Bucket starts of one page, and the token of the next page (None at the end)."""
    start = first if page is None else parse_bucket_token(page, first, end, width)
    starts: list[datetime] = []
    while start < end and len(starts) < limit:
        starts.append(start)
        start += width
    return starts, (bucket_token(start) if start < end else None)


def record_token(day: date, offset: int) -> str:
    """An opaque Claude Code cursor: the day and the offset of the next record."""
    raw = json.dumps({"d": day.isoformat(), "o": offset}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("ascii")).decode("ascii").rstrip("=")


def parse_record_token(token: str, day: date, total: int) -> int:
    """The record offset of a Claude Code cursor; 400 for anything not issued for `day`."""
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        offset, token_day = data["o"], data["d"]
        numeric = isinstance(offset, int) and not isinstance(offset, bool)
        in_range = numeric and (offset == 0 or 0 < offset < total)
        valid = in_range and token_day == day.isoformat()
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeError):
        valid = False
    if not valid:
        raise invalid_request("page: invalid page token")
    return int(offset)
