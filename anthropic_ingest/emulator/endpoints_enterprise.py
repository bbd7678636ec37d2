"""Handlers of the Claude Enterprise engagement endpoints (§5.1 of the changes file).

`users`, `skills`, `connectors`, `plugins`, `apps/chat/projects` and `artifacts` take one
`date` or a `starting_date`/`ending_date` rollup, `filter[]`, `group_by[]`, `order_by`,
`order`, `limit` and an opaque `page` token bound to the other parameters; `summaries`
answers one row per day in one page. Access (the Analytics key) is checked by the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from anthropic_ingest.emulator import cursors
from anthropic_ingest.emulator.errors import invalid_request
from anthropic_ingest.emulator.params import Query
from anthropic_ingest.emulator.timeutil import parse_day

if TYPE_CHECKING:
    from anthropic_ingest.emulator.routes import Call

Record = dict[str, Any]
FLOOR = date(2026, 1, 1)  # no engagement data before this day
LAG_DAYS = 2  # §1: data lands 2-3 days late; the latest available day is today - 2 (UTC)
MAX_SPAN = 366
MAX_FILTERS = 100
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000


@dataclass(frozen=True)
class Spec:
    """What one engagement endpoint accepts and how it sorts."""

    kind: str  # "user" or a rollup entity kind
    sort: str | None  # the default sort column (None: a fixed, unranked order)
    group_by: tuple[str, ...]
    filters: tuple[str, ...]
    metrics: tuple[str, ...]  # rankable columns besides the sort column


_GROUPS = ("product", "rbac_group_id", "user_id")
SPECS = {
    "users": Spec(
        "user",
        "email_address",
        ("rbac_group_id",),
        ("project_id", "rbac_group_id", "user_id"),
        ("web_search_count", "distinct_user_count", "last_activity_date"),
    ),
    "skills": Spec(
        "skill",
        "skill_name",
        _GROUPS,
        ("product", "rbac_group_id", "share_status", "skill_name", "user_id"),
        ("distinct_user_count", "invocation_count", "enable_count"),
    ),
    "connectors": Spec(
        "connector",
        "connector_name",
        _GROUPS,
        ("connector_name", "product", "rbac_group_id", "user_id"),
        ("distinct_user_count", "read_call_count", "write_call_count"),
    ),
    "plugins": Spec(
        "plugin",
        "plugin_name",
        _GROUPS,
        ("plugin_name", "product", "rbac_group_id", "user_id"),
        ("distinct_user_count", "invocation_count", "install_count"),
    ),
    "projects": Spec(
        "project",
        "project_name",
        ("rbac_group_id", "user_id"),
        ("project_id", "rbac_group_id", "user_id"),
        ("distinct_user_count", "message_count", "distinct_conversation_count"),
    ),
    "artifacts": Spec(
        "artifact", None, _GROUPS, ("artifact_type", "product", "rbac_group_id", "user_id"), ()
    ),
}


def latest_day(call: Call) -> date:
    """The most recent day with engagement data (today in UTC minus the lag)."""
    return call.now.date() - timedelta(days=LAG_DAYS)


def _day(query: Query, name: str, latest: date) -> date | None:
    """A date parameter after the floor and freshness checks (None when absent)."""
    if query.value(name) is None:
        return None
    day = query.day(name)
    if day < FLOOR:
        raise invalid_request(f"{name}: no data before 2026-01-01 (got {day.isoformat()})")
    if day > latest:
        raise invalid_request(
            f"{name} {day.isoformat()} is not available yet; the latest available date is "
            f"{latest.isoformat()}"
        )
    return day


def window(query: Query, call: Call, cursor_end: str | None, single: bool) -> tuple[date, date]:
    """[first, end) of the request's days: one `date`, or a `starting_date` rollup.

    In a rollup, `ending_date` is exclusive, at most today, defaults to today as of the
    first page (a token carries it on), and days after the latest available one are empty.
    """
    latest = latest_day(call)
    if query.value("date") is not None and query.value("starting_date") is not None:
        raise invalid_request("date and starting_date cannot be used together; send one")
    day = _day(query, "date", latest) if single else None
    if day is not None:
        if query.value("ending_date") is not None:
            raise invalid_request("ending_date: only with starting_date, not with date")
        return day, day + timedelta(days=1)
    first = _day(query, "starting_date", latest)
    if first is None:
        needed = "date or starting_date" if single else "starting_date"
        raise invalid_request(f"{needed}: field required")
    today = call.now.date()
    end = parse_day(cursor_end) if cursor_end else today
    if query.value("ending_date") is not None:
        end = query.day("ending_date")
    if end > today:
        raise invalid_request(f"ending_date: must be at most today ({today.isoformat()})")
    if end <= first:
        raise invalid_request("ending_date: must be after starting_date (it is exclusive)")
    if (end - first).days > MAX_SPAN:
        raise invalid_request(f"ending_date: at most {MAX_SPAN} days after starting_date")
    return first, end


def filters(query: Query, allowed: tuple[str, ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    """`filter[]=dimension:value` entries as {dimension: values} (a hashable form)."""
    raw = query.values("filter")
    if len(raw) > MAX_FILTERS:
        raise invalid_request(f"filter[]: at most {MAX_FILTERS} entries, got {len(raw)}")
    out: dict[str, set[str]] = {}
    for entry in raw:
        dimension, sep, value = entry.partition(":")
        if not sep or not value:
            raise invalid_request(f"filter[]: {entry!r} is not of the form dimension:value")
        if dimension not in allowed:
            raise invalid_request(
                f"filter[]: unsupported dimension {dimension!r}; use one of {', '.join(allowed)}"
            )
        out.setdefault(dimension, set()).add(value)
    return tuple(sorted((k, frozenset(v)) for k, v in out.items()))


def _sort_value(row: Record, column: str) -> tuple[bool, Any]:
    value = row["user"]["email_address"] if column == "email_address" and row["user"] else None
    if column != "email_address":
        value = row.get(column)
    elif row["user"] is None:
        value = row.get("rbac_group_name")
    return (value is None, value if value is not None else "")


def _tie(row: Record) -> tuple[tuple[bool, str], ...]:
    keys = ("artifact_type", "is_shared", "product", "user_id", "rbac_group_id", "project_id")
    return tuple((row.get(k) is None, str(row.get(k) or "")) for k in keys)


def ordered(rows: tuple[Record, ...], query: Query, spec: Spec) -> list[Record]:
    """Rows in the requested order: the sort column ascending, or a metric descending."""
    if spec.sort is None:
        for name in ("order_by", "order"):
            if query.value(name) is not None:
                raise invalid_request(f"{name}: this endpoint has a fixed order and is not ranked")
        return sorted(rows, key=_tie)
    column = query.choice("order_by", (spec.sort, *spec.metrics), spec.sort)
    assert column is not None
    ranked = column != spec.sort
    direction = query.choice("order", ("asc", "desc"), "desc" if ranked else "asc")
    by_default = sorted(rows, key=lambda r: (_sort_value(r, spec.sort or ""), _tie(r)))
    if not ranked:
        return by_default[::-1] if direction == "desc" else by_default
    present = [r for r in by_default if r.get(column) is not None]
    missing = [r for r in by_default if r.get(column) is None]
    present.sort(key=lambda r: r[column], reverse=direction == "desc")
    return present + missing


def engagement(call: Call, name: str) -> Record:
    """One `{data, next_page}` page of an engagement endpoint."""
    spec, query = SPECS[name], call.query
    position = cursors.read(query, call.path) or {}
    cursor_end = position.get("e")
    if cursor_end is not None and not isinstance(cursor_end, str):
        raise invalid_request("page: invalid page token")
    first, end = window(query, call, cursor_end, single=True)
    chosen = filters(query, spec.filters)
    group_by = tuple(sorted(query.choices("group_by", spec.group_by)))
    limit = query.limit(DEFAULT_LIMIT, MAX_LIMIT)
    available_end = min(end, latest_day(call) + timedelta(days=1))
    rows = ordered(
        call.org.enterprise.rows(spec.kind, first, available_end, group_by, chosen), query, spec
    )
    offset = position.get("o", 0)
    if (
        not isinstance(offset, int)
        or isinstance(offset, bool)
        or not 0 <= offset < max(1, len(rows))
    ):
        raise invalid_request("page: invalid page token")
    following = offset + limit
    next_page = None
    if following < len(rows):
        carry = {"e": end.isoformat()} if query.value("date") is None else {}
        next_page = cursors.issue(query, call.path, {"o": following, **carry})
    return {"data": rows[offset:following], "next_page": next_page}


def summaries(call: Call) -> Record:
    """`/analytics/summaries`: one row per available day of the range, in one page."""
    query = call.query
    if query.value("date") is not None:
        raise invalid_request("date: summaries take starting_date (and ending_date), not date")
    if query.values("group_by"):
        raise invalid_request("group_by[]: summaries cannot be grouped")
    first, end = window(query, call, None, single=False)
    chosen = dict(filters(query, ("rbac_group_id",)))
    groups = chosen.get("rbac_group_id")
    last = min(end, latest_day(call) + timedelta(days=1))
    data = []
    day = first
    while day < last:
        data.append(call.org.enterprise.summary(day, groups))
        day += timedelta(days=1)
    return {"data": data, "next_page": None}


def users(call: Call) -> Record:
    return engagement(call, "users")


def skills(call: Call) -> Record:
    return engagement(call, "skills")


def connectors(call: Call) -> Record:
    return engagement(call, "connectors")


def plugins(call: Call) -> Record:
    return engagement(call, "plugins")


def projects(call: Call) -> Record:
    return engagement(call, "projects")


def artifacts(call: Call) -> Record:
    return engagement(call, "artifacts")
