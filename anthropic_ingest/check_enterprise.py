"""What `check` asks the Claude Enterprise endpoints, and the families of tables a key reads.

An Admin key of a Console organization reads the Admin API tables; an Analytics key of a
Claude Enterprise organization reads the Enterprise analytics (and analytics cost/usage) and
answers 403/404 on the rest. `check` says which, family by family.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Protocol, TypeVar

from anthropic_ingest.endpoints import Endpoint

# The engagement tables: readable only with an Analytics API key (read:analytics).
ENTERPRISE_ANALYTICS = (
    "enterprise_user_activity",
    "enterprise_summaries",
    "enterprise_skills",
    "enterprise_connectors",
    "enterprise_plugins",
    "enterprise_projects",
    "enterprise_artifacts",
)
# Engagement data lands a day or more late: `check` asks for a day surely available.
CHECK_LAG_DAYS = 3

FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Admin API directory",
        ("organization", "users", "invites", "workspaces", "workspace_members", "api_keys"),
    ),
    ("Claude Code and Console reports", ("claude_code_usage", "usage_report", "cost_report")),
    ("Usage and Cost Analytics", ("analytics_cost", "analytics_usage")),
    ("Claude Enterprise analytics", ENTERPRISE_ANALYTICS),
    ("RBAC groups", ("rbac_groups", "rbac_group_members")),
    ("spend limits", ("spend_limits_effective",)),
)


A = TypeVar("A")


def is_engagement(endpoint: Endpoint) -> bool:
    """An engagement endpoint: all of them answer to the same key scope (read:analytics)."""
    return endpoint.paging in ("per_day", "date_range")


def engagement_answer(answers: dict[Endpoint, A]) -> A | None:
    """The answer already had from an engagement endpoint: `check` asks the family once."""
    return next((a for e, a in answers.items() if is_engagement(e)), None)


class _Readable(Protocol):
    readable: bool


def enterprise_params(endpoint: Endpoint, yesterday: date) -> list[tuple[str, str]]:
    """The query of `check`'s one request to an Enterprise endpoint: one small page, for one
    day that is ready (never before the first day of data)."""
    if endpoint.paging == "more":
        return [("limit", "1")]
    day = yesterday - timedelta(days=CHECK_LAG_DAYS - 1)
    if endpoint.data_from is not None:
        day = max(day, endpoint.data_from)
    if endpoint.paging == "date_range":
        return [("starting_date", str(day)), ("ending_date", str(day + timedelta(days=1)))]
    return [("date", str(day)), ("limit", "1")]


def families_text(tables: dict[str, Any]) -> str:
    """`reads: A, B; not: C` over the families whose tables this version declares; a family
    is read when any of its tables is readable."""
    read: list[str] = []
    not_read: list[str] = []
    for family, names in FAMILIES:
        known = [tables[n] for n in names if n in tables]
        if not known:
            continue
        (read if any(_is_readable(a) for a in known) else not_read).append(family)
    text = f"reads: {', '.join(read) or 'nothing'}"
    return text + (f"; not: {', '.join(not_read)}" if not_read else "")


def _is_readable(access: _Readable) -> bool:
    return bool(access.readable)
