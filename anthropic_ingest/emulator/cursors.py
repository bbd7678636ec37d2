"""Opaque page tokens bound to the query they were issued for.

The analytics reports and the `next_page`-only lists (service accounts, rate limits) hand out
a token that encodes where the next page starts and a fingerprint of every other query
parameter. A token sent with different parameters is a 400, as the Enterprise sibling of the
analytics API documents ("changing any query parameter mid-sequence").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from anthropic_ingest.emulator.errors import invalid_request
from anthropic_ingest.emulator.params import Query

PAGE = "page"
OTHER_QUERY = (
    "page: this page token was issued for other query parameters; send the same parameters "
    "as the request that returned it, or start again without page"
)


def fingerprint(query: Query, scope: str) -> str:
    """A short digest of the endpoint (`scope`) and every query parameter but `page`."""
    pairs = sorted((k, v) for k, v in query.pairs if k != PAGE)
    raw = json.dumps([scope, pairs], separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(raw.encode("ascii")).hexdigest()[:16]


def issue(query: Query, scope: str, position: dict[str, Any]) -> str:
    """The token that resumes at `position` for this query to the endpoint `scope`."""
    raw = json.dumps({"f": fingerprint(query, scope), **position}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def read(query: Query, scope: str) -> dict[str, Any] | None:
    """The position a request's `page` token points at (None without one); 400 if unusable."""
    token = query.value(PAGE)
    if token is None:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(data, dict) or not isinstance(data.get("f"), str):
            raise ValueError(token)
    except (ValueError, binascii.Error, UnicodeError):
        raise invalid_request("page: invalid page token") from None
    if data.pop("f") != fingerprint(query, scope):
        raise invalid_request(OTHER_QUERY)
    return data


def offset_of(query: Query, scope: str, total: int) -> int:
    """The record offset of a list token (0 without one); 400 unless it is inside the list.

    Offset 0 is what a `repeat_cursor` fault hands out for a first page.
    """
    position = read(query, scope)
    if position is None:
        return 0
    offset = position.get("o")
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset < max(total, 1):
        raise invalid_request("page: invalid page token")
    return offset


def offset_page(
    items: list[dict[str, Any]], query: Query, scope: str, limit: int
) -> dict[str, Any]:
    """One `{data, next_page}` page of `items` for the request's `page` token."""
    offset = offset_of(query, scope, len(items))
    following = offset + limit
    next_page = issue(query, scope, {"o": following}) if following < len(items) else None
    return {"data": items[offset:following], "next_page": next_page}
