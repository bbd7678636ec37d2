"""Handlers of the Enterprise lists: RBAC groups, their members, effective spend limits (§7).

All three answer `{data, has_more, next_page}` with opaque tokens bound to the other query
parameters. Effective spend limits need the `spend-limit-reads-2026-09-26` beta header and
are paged by member: `limit` counts members, and a member's rows stay on one page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from anthropic_ingest.emulator import cursors
from anthropic_ingest.emulator.endpoints_analytics import has_beta
from anthropic_ingest.emulator.errors import invalid_request, not_found
from anthropic_ingest.emulator.pagination import DEFAULT_LIMIT, MAX_LIMIT

if TYPE_CHECKING:
    from anthropic_ingest.emulator.routes import Call

Record = dict[str, Any]
SPEND_BETA = "spend-limit-reads-2026-09-26"
PERIODS = ("daily", "weekly", "monthly")


def _page(items: list[Record], call: Call) -> Record:
    limit = call.query.limit(DEFAULT_LIMIT, MAX_LIMIT)
    page = cursors.offset_page(items, call.query, call.path, limit)
    return {"data": page["data"], "has_more": page["next_page"] is not None, **page}


def list_groups(call: Call) -> Record:
    return _page(list(call.org.enterprise.model.groups), call)


def list_group_members(call: Call) -> Record:
    members = call.org.enterprise.model.group_members.get(call.params["group_id"])
    if members is None:
        raise not_found()
    return _page(list(members), call)


def effective_spend_limits(call: Call) -> Record:
    if not has_beta(call.headers, SPEND_BETA):
        raise invalid_request(
            f"anthropic-beta: this endpoint requires the beta header {SPEND_BETA}"
        )
    query = call.query
    periods = set(query.choices("period", PERIODS)) or set(PERIODS)
    wanted = set(query.values("user_ids"))
    members = [
        [row for row in rows if row["period"] in periods]
        for user_id, rows in call.org.enterprise.effective_limits(call.now.date())
        if not wanted or user_id in wanted
    ]
    members = [rows for rows in members if rows]
    limit = query.limit(DEFAULT_LIMIT, MAX_LIMIT)
    offset = cursors.offset_of(query, call.path, len(members))
    following = offset + limit
    next_page = (
        cursors.issue(query, call.path, {"o": following}) if following < len(members) else None
    )
    data = [row for rows in members[offset:following] for row in rows]
    return {"data": data, "has_more": next_page is not None, "next_page": next_page}
