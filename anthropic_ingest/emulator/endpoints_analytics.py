"""Handlers of the Usage and Cost Analytics API (§4) and of the plan switches it shares.

`/analytics/usage` and `/analytics/cost` need the beta header, take RFC 3339 bounds from
2026-01-01 within the last 365 days and at most 31 days apart, serve daily (and, for usage,
hourly) buckets, and page with an opaque token bound to the request's other parameters.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from anthropic_ingest.emulator import cursors
from anthropic_ingest.emulator.analytics import COST_GROUPS, USAGE_GROUPS
from anthropic_ingest.emulator.errors import ApiError, invalid_request, not_found
from anthropic_ingest.emulator.params import Query
from anthropic_ingest.emulator.timeutil import WIDTHS, day_start, floor_to, format_bucket
from anthropic_ingest.emulator.usage import bucket_starts

if TYPE_CHECKING:
    from anthropic_ingest.emulator.routes import Call

Record = dict[str, Any]
BETA = "analytics-usage-cost-2026-08-24"
FLOOR = datetime(2026, 1, 1, tzinfo=UTC)
LOOKBACK = timedelta(days=365)
MAX_RANGE = timedelta(days=31)
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000  # §4.2 leaves both UNCERTAIN: the emulator's choice
BUCKET_WIDTHS = {"usage": ("1d", "1h"), "cost": ("1d",)}
# Documented parameters this emulator does not implement: refused, so that no client
# believes a filter or an order was applied when it was not.
NOT_EMULATED = (
    "order_by",
    "order",
    "actor_ids",
    "actor_types",
    "api_key_ids",
    "workspace_ids",
    "models",
    "products",
    "rbac_group_ids",
    "slack_channel_ids",
    "claude_tag_user_ids",
    "agent_ids",
    "deployment_ids",
    "environment_ids",
    "session_ids",
    "user_profile_ids",
    "service_tiers",
    "context_windows",
    "inference_geos",
    "speeds",
    "claude_tag_categories",
)


def check_access(level: str, what: str) -> None:
    """403 or 404 when the org's plan (an EmulatorConfig switch) does not offer `what`."""
    if level == "forbidden":
        raise ApiError(403, f"This organization or API key does not have access to {what}.")
    if level == "not_found":
        raise not_found()


def has_beta(headers: Any, beta: str) -> bool:
    """Whether the comma-separated `anthropic-beta` header names `beta`."""
    given = headers.get("anthropic-beta", "")
    return beta in {part.strip() for part in given.split(",")}


def analytics_usage(call: Call) -> Record:
    return _report(call, "usage")


def analytics_cost(call: Call) -> Record:
    return _report(call, "cost")


def _report(call: Call, kind: str) -> Record:
    check_access(call.config.analytics_access, "the Usage and Cost Analytics API")
    if not has_beta(call.headers, BETA):
        raise invalid_request(f"anthropic-beta: this endpoint requires the beta header {BETA}")
    query = call.query
    for name in NOT_EMULATED:
        if query.value(name) is not None or query.value(f"{name}[]") is not None:
            raise invalid_request(f"{name}: not supported by this emulator")
    query.flag("exclude_deleted_users")  # no user is deleted here: validated, nothing to drop
    width = _width(query, kind)
    groups = USAGE_GROUPS if kind == "usage" else COST_GROUPS
    group_by = tuple(sorted(query.choices("group_by", groups)))
    limit = query.limit(DEFAULT_LIMIT, MAX_LIMIT)
    first, end = _window(query, call.now, width)
    starts = bucket_starts(first, end, width)
    shape = call.config.analytics_actor_shape

    def rows_of(index: int) -> tuple[Any, ...]:
        return call.org.analytics.fragments(kind, starts[index], width, group_by, shape)

    data, following = _collect(starts, rows_of, _resume(query, call.path, starts, rows_of), limit)
    next_page = None
    if following is not None:
        index, row = following
        next_page = cursors.issue(query, call.path, {"b": format_bucket(starts[index]), "i": row})
    return {
        "data": data,
        "has_more": next_page is not None,
        "next_page": next_page,
        "data_refreshed_at": _refreshed_at(call),
    }


def _width(query: Query, kind: str) -> str:
    allowed = BUCKET_WIDTHS[kind]
    raw = query.value("time_bucket_width")
    if raw is None or raw not in allowed:
        shown = "omitted" if raw is None else repr(raw)
        raise invalid_request(
            f"time_bucket_width: {shown} is not served by this emulator; use one of "
            f"{', '.join(allowed)}"
        )
    return raw


def _window(query: Query, now: datetime, width: str) -> tuple[datetime, datetime]:
    """[first bucket start, end) of a request, after the §4.2 range checks."""
    start = query.moment("starting_at", required=True)
    assert start is not None
    if start < FLOOR:
        raise invalid_request(
            "starting_at: must be on or after 2026-01-01T00:00:00Z (no analytics data before)"
        )
    if start < now - LOOKBACK:
        raise invalid_request("starting_at: must be within the last 365 days")
    end = query.moment("ending_at", required=False) or min(now, start + MAX_RANGE)
    if end <= start:
        raise invalid_request("ending_at: must be after starting_at", should_retry=False)
    if end - start > MAX_RANGE:
        raise invalid_request("ending_at: the range from starting_at may span at most 31 days")
    step = WIDTHS[width]
    # Bounds are floored to the bucket width in UTC, as the Enterprise sibling documents.
    return floor_to(start, step), floor_to(end, step)


def _resume(query: Query, scope: str, starts: list[datetime], rows_of: Any) -> tuple[int, int]:
    """(bucket index, row index) where the page starts: the token's position, or the start."""
    position = cursors.read(query, scope)
    if position is None or "b" not in position:  # an empty position restarts the sequence
        return 0, 0
    shown = [format_bucket(s) for s in starts]
    bucket, row = position.get("b"), position.get("i")
    if bucket not in shown or not isinstance(row, int) or isinstance(row, bool):
        raise invalid_request("page: invalid page token")
    index = shown.index(bucket)
    if not 0 <= row < max(1, len(rows_of(index))):
        raise invalid_request("page: invalid page token")
    return index, row


def _collect(
    starts: list[datetime], rows_of: Any, at: tuple[int, int], limit: int
) -> tuple[list[Any], tuple[int, int] | None]:
    """Up to `limit` rows from `at` on, and where the next page starts (None at the end)."""
    data: list[Any] = []
    index, row = at
    while index < len(starts):
        rows = rows_of(index)
        taken = rows[row : row + limit - len(data)]
        data.extend(taken)
        row += len(taken)
        if row < len(rows):
            return data, (index, row)
        index, row = index + 1, 0
        if len(data) == limit:
            break
    while index < len(starts) and not rows_of(index):  # the next page starts on a row
        index += 1
    return data, ((index, 0) if index < len(starts) else None)


def _refreshed_at(call: Call) -> str:
    """When the data was last refreshed: the end of the data range, or the current hour."""
    end_of_data = day_start(call.org.end_date) + timedelta(days=1)
    return format_bucket(min(floor_to(call.now, timedelta(hours=1)), end_of_data))
