"""The Claude Enterprise part of the page: active members against seats, idle members,
Claude Code per developer with the billed cost, top skills and connectors, and members near
their spend limit. Only organizations with Enterprise tables loaded get it."""

from __future__ import annotations

from anthropic_ingest.report import fmt
from anthropic_ingest.report.blocks import Card, cards, esc, figure, grid, section, table
from anthropic_ingest.report.blocks import unavailable as missing
from anthropic_ingest.report.charts import Series, line_chart
from anthropic_ingest.report.html_claude_code import all_days
from anthropic_ingest.report.model import ReportData
from anthropic_ingest.report.model_enterprise import EnterpriseSection, Use
from anthropic_ingest.report.views_enterprise import IDLE_DAYS, NEAR_LIMIT_PERCENT

ANCHOR = "enterprise"
TITLE = "Claude Enterprise"
# Longer lists say how many more rows the view holds.
SHOWN = 25


def enterprise_section(data: ReportData) -> str:
    """The section, or nothing when no Enterprise table is loaded."""
    ent = data.enterprise
    if ent is None:
        return ""
    body = "".join(
        (
            _adoption(data, ent),
            _idle(ent),
            _developers(ent),
            grid(
                _uses(ent.skills, "Top skills", "Skill", "Invocations", "enterprise_skills"),
                _uses(
                    ent.connectors, "Top connectors", "Connector", "Calls", "enterprise_connectors"
                ),
            ),
            _near_limit(ent),
        )
    )
    return section(ANCHOR, TITLE, _lead(ent), body)


def _lead(ent: EnterpriseSection) -> str:
    parts = []
    day = ent.latest
    if day is not None:
        seats = (
            f" of <strong>{fmt.count(day.seats)}</strong> assigned seats "
            f"(<strong>{fmt.percent(day.utilisation)}</strong> seat utilisation)"
            if day.seats
            else ""
        )
        parts.append(
            f"On {esc(fmt.day(day.day))}, <strong>{fmt.count(day.monthly_active)}</strong> "
            f"members had been active in the past 30 days{seats}; "
            f"<strong>{fmt.count(day.daily_active)}</strong> were active that day."
        )
    if ent.idle is not None and ent.idle_as_of is not None:
        parts.append(
            f"<strong>{fmt.count(len(ent.idle))}</strong> members had no activity in the "
            f"{IDLE_DAYS} days ending {esc(fmt.day(ent.idle_as_of))}."
        )
    if ent.near_limit:
        parts.append(
            f"<strong>{fmt.count(len(ent.near_limit))}</strong> spend limits are more than "
            f"{NEAR_LIMIT_PERCENT}% used."
        )
    return " ".join(parts)


def _adoption(data: ReportData, ent: EnterpriseSection) -> str:
    if ent.adoption is None:
        return missing("Active users and seats", ["enterprise_summaries"])
    days = all_days(data.date_from, data.date_to)
    headline = _adoption_cards(ent)
    active = [
        Series(name, {a.day: getattr(a, field) for a in ent.adoption})
        for name, field in (
            ("Daily active", "daily_active"),
            ("Weekly active", "weekly_active"),
            ("Monthly active", "monthly_active"),
        )
    ]
    seats = Series("Assigned seats", {a.day: a.seats for a in ent.adoption if a.seats is not None})
    use = Series(
        "Seat utilisation",
        {a.day: a.utilisation for a in ent.adoption if a.utilisation is not None},
    )
    title = "Daily, weekly and monthly active members"
    return headline + grid(
        figure(
            title,
            line_chart(title, days, [*active, seats], "count", "members"),
            "Members active that day, in the 7 and in the 30 days ending that day "
            "(enterprise_summaries).",
        ),
        figure(
            "Seat utilisation",
            line_chart("Seat utilisation", days, [use], "percent", "of seats"),
            "Monthly active members ÷ assigned seats.",
        ),
    )


def _adoption_cards(ent: EnterpriseSection) -> str:
    latest = ent.latest
    if latest is None:
        return ""
    seats = f"monthly active ÷ {fmt.count(latest.seats or 0)} assigned seats"
    return cards(
        [
            Card(
                fmt.count(latest.monthly_active),
                "monthly active members",
                f"30 days ending {fmt.day(latest.day)}",
            ),
            Card(fmt.percent(latest.utilisation), "seat utilisation", seats),
            Card(fmt.count(latest.weekly_active), "weekly active members"),
            Card(fmt.count(latest.pending_invites or 0), "pending invites"),
        ]
    )


def _idle(ent: EnterpriseSection) -> str:
    title = f"Members idle for {IDLE_DAYS} days"
    if ent.idle is None:
        return figure(title, missing("Idle members", ["enterprise_user_activity"]))
    rows = [
        [
            m.name,
            m.email,
            fmt.day(m.last_activity) if m.last_activity else "never (in the loaded days)",
            fmt.count(m.days_idle) if m.days_idle is not None else fmt.DASH,
        ]
        for m in ent.idle[:SHOWN]
    ]
    as_of = fmt.day(ent.idle_as_of) if ent.idle_as_of else fmt.DASH
    caption = (
        f"{len(ent.idle)} members without a day of activity in enterprise_user_activity in "
        f"the {IDLE_DAYS} days ending {as_of} (the latest day loaded, at most the report's "
        "last). Members: users, spend limits, RBAC groups and the activity itself."
        + _more(len(ent.idle), "enterprise_idle_members")
    )
    body = table(
        ["Member", "Email", "Last activity", "Days idle"],
        rows,
        numeric=(3,),
        empty="Every member was active.",
    )
    return figure(f"{title} ({fmt.count(len(ent.idle))})", body, caption)


def _developers(ent: EnterpriseSection) -> str:
    title = "Claude Code per developer"
    if ent.developers is None:
        return figure(title, missing("Claude Code per developer", ["enterprise_user_activity"]))
    rows = [
        [
            d.label,
            d.email,
            fmt.count(d.commits),
            fmt.count(d.pull_requests),
            fmt.count(d.lines_added),
            fmt.count(d.lines_removed),
            fmt.count(d.sessions),
            fmt.percent(d.acceptance_rate),
            fmt.usd(d.billed_usd) if d.billed_usd is not None else fmt.DASH,
        ]
        for d in ent.developers[:SHOWN]
    ]
    headers = [
        "Developer",
        "Email",
        "Commits",
        "Pull requests",
        "Lines added",
        "Lines removed",
        "Sessions",
        "Edits accepted",
        "Billed (analytics_cost)",
    ]
    caption = (
        "From enterprise_user_activity over the report's days. Edits accepted: accepted ÷ "
        "proposed edit, multi-edit, notebook-edit and write tool actions. Billed: what "
        "analytics_cost bills the member for the product claude_code; a dash: no rows."
        + _more(len(ent.developers), "enterprise_claude_code_monthly_by_user")
    )
    body = table(headers, rows, numeric=range(2, 9), empty="No Claude Code use in this period.")
    return figure(title, body, caption)


def _uses(uses: list[Use] | None, title: str, name: str, counted: str, source: str) -> str:
    if uses is None:
        return figure(title, missing(title, [source]))
    rows = [
        [
            u.label,
            fmt.count(u.user_days),
            fmt.count(u.peak_daily_users),
            fmt.count(u.days_used),
            fmt.count(u.count) if u.count is not None else fmt.DASH,
        ]
        for u in uses
    ]
    body = table([name, "Member-days", "Peak day", "Days used", counted], rows, (1, 2, 3, 4))
    caption = (
        "Member-days: members per day, summed over the report's days (daily counts of "
        "distinct members do not add up to distinct members over a period). Peak day: the "
        "most members on one day."
    )
    return figure(title, body, caption)


def _near_limit(ent: EnterpriseSection) -> str:
    title = f"Members above {NEAR_LIMIT_PERCENT}% of their spend limit"
    if ent.near_limit is None:
        return figure(title, missing("Spend limits", ["spend_limits_effective"]))
    rows = [
        [
            m.name,
            m.email,
            m.period,
            fmt.usd(m.spent_usd),
            fmt.usd(m.limit_usd),
            fmt.percent(m.used_share),
        ]
        for m in ent.near_limit
    ]
    body = table(
        ["Member", "Email", "Period", "Spent", "Limit", "Used"],
        rows,
        numeric=(3, 4, 5),
        empty=f"No member is above {NEAR_LIMIT_PERCENT}% of a spend limit.",
    )
    caption = (
        "The current period's spend against each member's effective limit, as of the last "
        "sync (spend_limits_effective is a snapshot, not limited to the report's days)."
    )
    return figure(title, body, caption)


def _more(count: int, view: str) -> str:
    more = count - SHOWN
    return f" {more} more are in the view {view}." if more > 0 else ""
