"""Handlers of the three report endpoints: Messages usage, cost, Claude Code analytics."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from anthropic_ingest.emulator import catalog as cat
from anthropic_ingest.emulator.cost import GROUPS as COST_GROUPS
from anthropic_ingest.emulator.errors import invalid_request
from anthropic_ingest.emulator.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    bucket_page,
    parse_record_token,
    record_token,
)
from anthropic_ingest.emulator.params import Query
from anthropic_ingest.emulator.timeutil import WIDTHS, ceil_to, floor_to, format_bucket
from anthropic_ingest.emulator.usage import DIMENSIONS

if TYPE_CHECKING:
    from anthropic_ingest.emulator.routes import Call

Record = dict[str, Any]
# bucket width -> (default limit, max limit), §8.1
USAGE_LIMITS = {"1d": (7, 31), "1h": (24, 168), "1m": (60, 1440)}
COST_LIMITS = (7, 31)
FAST_MODE_BETA = "fast-mode-2026-02-01"
# filter parameter -> (dimension, allowed values or None for free-form IDs)
USAGE_FILTERS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "api_key_ids": ("api_key_id", None),
    "workspace_ids": ("workspace_id", None),
    "models": ("model", None),
    "service_tiers": ("service_tier", cat.SERVICE_TIERS),
    "context_window": ("context_window", cat.CONTEXT_WINDOWS),
    "inference_geos": ("inference_geo", cat.INFERENCE_GEOS),
    "speeds": ("speed", cat.SPEEDS),
    "account_ids": ("account_id", None),
    "service_account_ids": ("service_account_id", None),
}
INVALID_RANGE = "Invalid date range: ending date must be after starting date"
# The real API's limit and words (changes file §1, PostHog issue 72556); no document states it.
MAX_GROUP_BY = 5
TOO_MANY_GROUP_BY = f"Cannot specify more than {MAX_GROUP_BY} group_by[] dimensions."


def _window(query: Query, width: str, now: datetime) -> tuple[datetime, datetime]:
    """[first bucket start, end) of the buckets a report request covers (§8.3)."""
    step = WIDTHS[width]
    start = query.moment("starting_at", required=True)
    assert start is not None
    end = query.moment("ending_at", required=False) or now
    first, last_end = ceil_to(start, step), floor_to(end, step)
    if last_end <= first:
        raise invalid_request(INVALID_RANGE, should_retry=False)
    return first, last_end


def _page(data: list[Record], next_page: str | None) -> Record:
    return {"data": data, "has_more": next_page is not None, "next_page": next_page}


def _usage_filters(call: Call) -> dict[str, list[str]]:
    filters = {}
    for param, (dimension, allowed) in USAGE_FILTERS.items():
        values = call.query.choices(param, allowed) if allowed else call.query.values(param)
        if values:
            filters[dimension] = values
    return filters


def _has_beta(call: Call, beta: str) -> bool:
    given = call.headers.get("anthropic-beta", "")
    return beta in {part.strip() for part in given.split(",")}


def usage_messages(call: Call) -> Record:
    query = call.query
    if len(query.values("group_by")) > MAX_GROUP_BY:  # distinct values, checked before all else
        raise invalid_request(TOO_MANY_GROUP_BY)
    width = query.choice("bucket_width", WIDTHS, "1d")
    assert width is not None
    limit = query.limit(*USAGE_LIMITS[width])
    group_by = query.choices("group_by", DIMENSIONS)
    filters = _usage_filters(call)
    speed = _has_beta(call, FAST_MODE_BETA)
    if not speed and ("speed" in group_by or "speed" in filters):
        raise invalid_request(f"speed requires the anthropic-beta header {FAST_MODE_BETA}")
    first, end = _window(query, width, call.now)
    starts, next_page = bucket_page(first, end, WIDTHS[width], limit, query.value("page"))
    data = [
        {
            "starting_at": format_bucket(start),
            "ending_at": format_bucket(start + WIDTHS[width]),
            "results": call.org.usage_results_json(start, width, group_by, filters, speed),
        }
        for start in starts
    ]
    return _page(data, next_page)


def cost_report(call: Call) -> Record:
    query = call.query
    query.choice("bucket_width", ("1d",), "1d")
    limit = query.limit(*COST_LIMITS)
    group_by = query.choices("group_by", COST_GROUPS)
    first, end = _window(query, "1d", call.now)
    starts, next_page = bucket_page(first, end, WIDTHS["1d"], limit, query.value("page"))
    data = [
        {
            "starting_at": format_bucket(start),
            "ending_at": format_bucket(start + WIDTHS["1d"]),
            "results": call.org.cost_results_json(start.date(), group_by),
        }
        for start in starts
    ]
    return _page(data, next_page)


def claude_code(call: Call) -> Record:
    query = call.query
    day = query.day("starting_at")
    limit = query.limit(DEFAULT_LIMIT, MAX_LIMIT)
    records = call.org.claude_code_records(day)
    page = query.value("page")
    offset = 0 if page is None else parse_record_token(page, day, len(records))
    window = records[offset : offset + limit]
    following = offset + limit
    return _page(window, record_token(day, following) if following < len(records) else None)
