"""Claude Code figures: adoption, activity, acceptance, top users, models, terminals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from anthropic_ingest.report import sql
from anthropic_ingest.report.model import (
    ActivityTotals,
    ActorActivity,
    Adoption,
    ClaudeCodeSection,
    DailyActivity,
    DatedAmount,
    Member,
    Mix,
    ModelSpend,
    ToolAcceptance,
)
from anthropic_ingest.report.names import Names
from anthropic_ingest.report.reader import Reader, as_date
from anthropic_ingest.transforms import KNOWN_TOOLS

TOP_N = 10
# Acceptance per day is readable up to about a month; beyond that it is shown per week.
DAILY_GRAIN_MAX_DAYS = 31
CC = "claude_code_usage"
PEOPLE = "People"
API_KEYS = "API keys"

_USD = sql.cents_to_usd("COALESCE(SUM(total_estimated_cost_cents), 0)")
# People by email (case-insensitive), API keys by name: the two kinds of actor, kept apart.
_PEOPLE = "COUNT(DISTINCT CASE WHEN actor_type = 'user_actor' THEN LOWER(actor_id) END)"
_KEYS = "COUNT(DISTINCT CASE WHEN actor_type = 'api_actor' THEN actor_id END)"


def _sum_tools(outcome: str) -> str:
    return " + ".join(f"COALESCE({tool}_{outcome}, 0)" for tool in KNOWN_TOOLS)


def build_claude_code(
    reader: Reader, names: Names, first: date, last: date, tables: set[str]
) -> ClaudeCodeSection:
    """Every Claude Code figure for the days first..last (UTC, inclusive)."""
    where = reader.in_days(CC, "date", first, last)
    grain = "day" if (last - first).days < DAILY_GRAIN_MAX_DAYS else "week"
    actors = _actors(reader, names, where)
    with_models = "claude_code_usage_by_model" in tables
    return ClaudeCodeSection(
        totals=_totals(reader, where),
        daily=_daily(reader, where),
        weekly_active=_weekly(reader, where),
        acceptance_grain=grain,
        acceptance=_acceptance(reader, where, grain),
        acceptance_by_tool=_acceptance(reader, where, None),
        top_by_sessions=sorted(actors, key=lambda a: (-a.sessions, a.label))[:TOP_N],
        top_by_cost=sorted(actors, key=lambda a: (-a.estimated_cost_usd, a.label))[:TOP_N],
        terminals=_mix(reader, where, "COALESCE(terminal_type, '(unknown)')"),
        locality=_mix(reader, where, "CASE WHEN is_remote THEN 'Remote' ELSE 'Local' END"),
        cost_by_model=_models(reader, first, last) if with_models else None,
        adoption=_adoption(reader, where) if "users" in tables else None,
    )


def _totals(reader: Reader, where: str) -> ActivityTotals:
    s = reader.int_sum
    (row,) = reader.query(
        f"SELECT {_PEOPLE}, {_KEYS}, {s('num_sessions')}, "
        f"{s('lines_added')}, {s('lines_removed')}, "
        f"{s('commits_by_claude_code')}, {s('pull_requests_by_claude_code')}, "
        f"{s(_sum_tools('accepted'))}, {s(_sum_tools('rejected'))}, {_USD} "
        f"FROM {reader.table(CC)} WHERE {where}"
    )
    n = [int(v) for v in row[:9]]
    return ActivityTotals(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], Decimal(row[9]))


def _daily(reader: Reader, where: str) -> list[DailyActivity]:
    s = reader.int_sum
    rows = reader.query(
        f"SELECT {reader.day(CC, 'date')} AS d, {_PEOPLE}, {_KEYS}, {s('num_sessions')}, "
        f"{s('lines_added')}, {s('lines_removed')}, "
        f"{s('commits_by_claude_code')}, {s('pull_requests_by_claude_code')} "
        f"FROM {reader.table(CC)} WHERE {where} GROUP BY 1 ORDER BY 1"
    )
    return [DailyActivity(as_date(r[0]), *(int(v) for v in r[1:])) for r in rows]


def _weekly(reader: Reader, where: str) -> list[DatedAmount]:
    rows = reader.query(
        f"SELECT {reader.week(CC, 'date')}, {_PEOPLE}, {_KEYS} "
        f"FROM {reader.table(CC)} WHERE {where} GROUP BY 1 ORDER BY 1"
    )
    points = []
    for week, people, keys in rows:
        points += [DatedAmount(as_date(week), PEOPLE, int(people)),
                   DatedAmount(as_date(week), API_KEYS, int(keys))]  # fmt: skip
    return points


def _adoption(reader: Reader, where: str) -> Adoption:
    """Members (rows of `users`) with and without Claude Code activity in the range."""
    active = {
        str(email)
        for (email,) in reader.query(
            f"SELECT DISTINCT LOWER(actor_id) FROM {reader.table(CC)} "
            f"WHERE {where} AND actor_type = 'user_actor'"
        )
    }
    members = [
        Member(str(name or ""), str(email or ""), str(role or ""))
        for name, email, role in reader.query(
            f"SELECT name, email, role FROM {reader.table('users')} ORDER BY name, email"
        )
    ]
    emails = {m.email.lower() for m in members}
    inactive = tuple(m for m in members if m.email.lower() not in active)
    return Adoption(
        members=len(members),
        active_members=len(members) - len(inactive),
        inactive=inactive,
        active_non_members=len(active - emails),
    )


def _acceptance(reader: Reader, where: str, grain: str | None) -> list[ToolAcceptance]:
    """Accepted/rejected per tool, per period (grain 'day'/'week') or over the range (None)."""
    period = {"day": reader.day(CC, "date"), "week": reader.week(CC, "date"), None: "NULL"}
    sums = ", ".join(
        f"{reader.int_sum(f'{tool}_{outcome}')}"
        for tool in KNOWN_TOOLS
        for outcome in ("accepted", "rejected")
    )
    group = " GROUP BY 1 ORDER BY 1" if grain else ""
    rows = reader.query(
        f"SELECT {period[grain]}, {sums} FROM {reader.table(CC)} WHERE {where}{group}"
    )
    result = []
    for row in rows:
        for i, tool in enumerate(KNOWN_TOOLS):
            accepted, rejected = int(row[1 + 2 * i]), int(row[2 + 2 * i])
            period_start = as_date(row[0]) if grain else None
            result.append(ToolAcceptance(period_start, tool, accepted, rejected))
    return result


def _actors(reader: Reader, names: Names, where: str) -> list[ActorActivity]:
    rows = reader.query(
        f"SELECT actor_type, actor_id, {reader.int_sum('num_sessions')}, "
        f"{reader.int_sum('lines_added')}, {reader.int_sum('commits_by_claude_code')}, "
        f"{reader.int_sum('pull_requests_by_claude_code')}, {_USD} "
        f"FROM {reader.table(CC)} WHERE {where} GROUP BY 1, 2"
    )
    return [
        ActorActivity(
            actor_type=str(r[0]),
            actor_id=str(r[1]),
            label=names.actor(str(r[0]), str(r[1])),
            sessions=int(r[2]),
            lines_added=int(r[3]),
            commits=int(r[4]),
            pull_requests=int(r[5]),
            estimated_cost_usd=Decimal(r[6]),
        )
        for r in rows
    ]


def _mix(reader: Reader, where: str, label: str) -> list[Mix]:
    rows = reader.query(
        f"SELECT {label}, {reader.int_sum('num_sessions')}, COUNT(DISTINCT {reader.actor_key()}), "
        f"{reader.int_sum('lines_added')} FROM {reader.table(CC)} "
        f"WHERE {where} GROUP BY 1"
    )
    mixes = [Mix(str(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]
    return sorted(mixes, key=lambda m: (-m.sessions, m.label))


def _models(reader: Reader, first: date, last: date) -> list[ModelSpend]:
    rows = reader.query(
        f"SELECT COALESCE(model, '(unknown)'), {reader.int_sum('input_tokens')}, "
        f"{reader.int_sum('output_tokens')}, {reader.int_sum('cache_read_tokens')}, "
        f"{reader.int_sum('cache_creation_tokens')}, "
        f"{sql.cents_to_usd('COALESCE(SUM(estimated_cost_cents), 0)')} "
        f"FROM {reader.table('claude_code_usage_by_model')} "
        f"WHERE {reader.in_days('claude_code_usage_by_model', 'date', first, last)} GROUP BY 1"
    )
    spends = [
        ModelSpend(str(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), Decimal(r[5]))
        for r in rows
    ]
    return sorted(spends, key=lambda m: (-m.estimated_cost_usd, m.model))
