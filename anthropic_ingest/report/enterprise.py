"""The Claude Enterprise figures: adoption against seats, idle members, Claude Code per
developer with the billed cost, top skills and connectors, members near their spend limit.

Every figure is read through the view declarations of `views_enterprise` (the SQL
`create_views` puts in the destination), limited to the report's days, so the page and the
views agree without the views having to exist.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from anthropic_ingest.report import views_enterprise as ve
from anthropic_ingest.report.model_enterprise import (
    AdoptionDay,
    Developer,
    EnterpriseSection,
    IdleMember,
    NearLimit,
    Use,
)
from anthropic_ingest.report.reader import Reader, as_date
from anthropic_ingest.report.view_base import ViewSpec, stand_in

# The tables the section reads; with none of them loaded there is no section at all.
ENTERPRISE_TABLES = (
    "enterprise_summaries",
    "enterprise_user_activity",
    "enterprise_skills",
    "enterprise_connectors",
    "spend_limits_effective",
)
# How many skills and connectors the page lists.
TOP = 10

Read = Callable[[ViewSpec, str], list[tuple[Any, ...]]]


def has_enterprise(usable: set[str]) -> bool:
    return any(t in usable for t in ENTERPRISE_TABLES)


def build_enterprise(
    reader: Reader, usable: set[str], first: date, last: date
) -> EnterpriseSection:
    """The section's figures over first..last (idleness looks back 30 days from `last`;
    spend limits are the current snapshot)."""

    def relation(table: str) -> str:
        return reader.table(table) if table in usable else stand_in(table, reader.dialect)

    def read(view: ViewSpec, columns: str) -> list[tuple[Any, ...]]:
        body = view.sql(reader.dialect, relation, reader.type_of, (first, last))
        return reader.query(f"SELECT {columns} FROM ({body}) AS v")

    section = EnterpriseSection()
    if "enterprise_summaries" in usable:
        section.adoption = _adoption(read)
    if ve.ACTIVITY in usable:
        section.idle_as_of, section.idle = _idle(read)
        section.developers = _developers(read)
    if "enterprise_skills" in usable:
        section.skills = _uses(read, ve.ENTERPRISE_SKILLS_MONTHLY, "skill", "invocations")
    if "enterprise_connectors" in usable:
        section.connectors = _uses(read, ve.ENTERPRISE_CONNECTORS_MONTHLY, "connector", "calls")
    if "spend_limits_effective" in usable:
        section.near_limit = _near_limit(read)
    return section


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _adoption(read: Read) -> list[AdoptionDay]:
    rows = read(
        ve.ENTERPRISE_ADOPTION_DAILY,
        "date, daily_active_users, weekly_active_users, monthly_active_users, "
        "assigned_seats, seat_utilisation, pending_invites",
    )
    days = [
        AdoptionDay(
            day=as_date(d),
            daily_active=int(dau or 0),
            weekly_active=int(wau or 0),
            monthly_active=int(mau or 0),
            seats=_int(seats),
            utilisation=_decimal(share),
            pending_invites=_int(pending),
        )
        for d, dau, wau, mau, seats, share, pending in rows
    ]
    return sorted(days, key=lambda a: a.day)


def _idle(read: Read) -> tuple[date | None, list[IdleMember]]:
    rows = read(
        ve.ENTERPRISE_IDLE_MEMBERS,
        "as_of, user_id, user_email, user_name, last_activity_date, days_idle",
    )
    as_of = as_date(rows[0][0]) if rows else None
    members = [
        IdleMember(
            name=str(name or email or user_id),
            email=str(email or ""),
            user_id=str(user_id),
            last_activity=None if seen is None else as_date(seen),
            days_idle=_int(idle),
        )
        for _, user_id, email, name, seen, idle in rows
    ]
    never = date.min
    members.sort(key=lambda m: (m.last_activity or never, m.name.lower(), m.user_id))
    return as_of, members


def _developers(read: Read) -> list[Developer]:
    """The monthly rows added up over the range, per member."""
    rows = read(
        ve.ENTERPRISE_CLAUDE_CODE_MONTHLY_BY_USER,
        "user_id, user_email, user_name, commits, pull_requests, lines_added, lines_removed, "
        "sessions, tool_accepted, tool_rejected, billed_usd",
    )
    labels: dict[str, tuple[str, str]] = {}
    counts: dict[str, list[int]] = {}
    billed: dict[str, Decimal | None] = {}
    for user_id, email, name, *figures, usd in rows:
        key = str(user_id)
        labels[key] = (str(name or email or user_id), str(email or ""))
        seen = counts.get(key, [0] * len(figures))
        counts[key] = [a + int(b) for a, b in zip(seen, figures, strict=True)]
        before = billed.get(key)
        billed[key] = before if usd is None else (before or Decimal(0)) + Decimal(usd)
    people = [_developer(labels[key], figures, billed[key]) for key, figures in counts.items()]
    return sorted(people, key=lambda p: (-(p.billed_usd or 0), -p.commits, p.label))


def _developer(label: tuple[str, str], figures: list[int], billed: Decimal | None) -> Developer:
    commits, pull_requests, added, removed, sessions, accepted, rejected = figures
    return Developer(
        label=label[0],
        email=label[1],
        commits=commits,
        pull_requests=pull_requests,
        lines_added=added,
        lines_removed=removed,
        sessions=sessions,
        accepted=accepted,
        rejected=rejected,
        billed_usd=billed,
    )


def _uses(read: Read, view: ViewSpec, what: str, counted: str) -> list[Use]:
    """The monthly rows added up over the range, the most used first (by members per day)."""
    rows = read(
        view,
        f"{what}_name, {what}_display_name, days_used, peak_daily_users, user_days, {counted}",
    )
    totals: dict[str, Use] = {}
    for name, display, days, peak, user_days, count in rows:
        seen = totals.get(str(name))
        label = str(display or name)
        if seen is None:
            totals[str(name)] = Use(label, int(days), int(peak), int(user_days), _int(count))
            continue
        more = None if count is None and seen.count is None else (seen.count or 0) + int(count or 0)
        totals[str(name)] = Use(
            label,
            seen.days_used + int(days),
            max(seen.peak_daily_users, int(peak)),
            seen.user_days + int(user_days),
            more,
        )
    ranked = sorted(totals.values(), key=lambda u: (-u.user_days, -(u.count or 0), u.label))
    return ranked[:TOP]


def _near_limit(read: Read) -> list[NearLimit]:
    rows = read(
        ve.ENTERPRISE_SPEND_LIMITS_ABOVE_80_PERCENT,
        "user_id, user_email, user_name, period, limit_usd, spent_usd, used_share",
    )
    members = [
        NearLimit(
            name=str(name or email or user_id),
            email=str(email or ""),
            period=str(period),
            limit_usd=Decimal(limit),
            spent_usd=Decimal(spent),
            used_share=_decimal(share),
        )
        for user_id, email, name, period, limit, spent, share in rows
    ]
    return sorted(members, key=lambda m: (-(m.used_share or 0), m.name, m.period))
