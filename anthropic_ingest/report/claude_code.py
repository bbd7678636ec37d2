"""Claude Code figures: adoption, activity, acceptance, top users, models, terminals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from anthropic_ingest.report import sql
from anthropic_ingest.report.model import (
    ActivityTotals,
    ActorActivity,
    ClaudeCodeSection,
    DailyActivity,
    DatedAmount,
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

_ACTOR = sql.actor_key()
_USD = sql.cents_to_usd("COALESCE(SUM(total_estimated_cost_cents), 0)")


def _sum_tools(outcome: str) -> str:
    return " + ".join(f"COALESCE({tool}_{outcome}, 0)" for tool in KNOWN_TOOLS)


def build_claude_code(
    reader: Reader, names: Names, first: date, last: date, with_models: bool
) -> ClaudeCodeSection:
    """Every Claude Code figure for the days first..last (UTC, inclusive)."""
    where = sql.in_days("date", first, last)
    grain = "day" if (last - first).days < DAILY_GRAIN_MAX_DAYS else "week"
    actors = _actors(reader, names, where)
    return ClaudeCodeSection(
        totals=_totals(reader, where),
        daily=_daily(reader, where),
        weekly_active_users=_weekly(reader, where),
        acceptance_grain=grain,
        acceptance=_acceptance(reader, where, grain),
        acceptance_by_tool=_acceptance(reader, where, None),
        top_by_sessions=sorted(actors, key=lambda a: (-a.sessions, a.label))[:TOP_N],
        top_by_cost=sorted(actors, key=lambda a: (-a.estimated_cost_usd, a.label))[:TOP_N],
        terminals=_mix(reader, where, "COALESCE(terminal_type, '(unknown)')"),
        locality=_mix(reader, where, "CASE WHEN is_remote THEN 'Remote' ELSE 'Local' END"),
        cost_by_model=_models(reader, first, last) if with_models else None,
    )


def _totals(reader: Reader, where: str) -> ActivityTotals:
    (row,) = reader.query(
        f"SELECT COUNT(DISTINCT {_ACTOR}), {sql.int_sum('num_sessions')}, "
        f"{sql.int_sum('lines_added')}, {sql.int_sum('lines_removed')}, "
        f"{sql.int_sum('commits_by_claude_code')}, {sql.int_sum('pull_requests_by_claude_code')}, "
        f"{sql.int_sum(_sum_tools('accepted'))}, {sql.int_sum(_sum_tools('rejected'))}, {_USD} "
        f"FROM {reader.table('claude_code_usage')} WHERE {where}"
    )
    n = [int(v) for v in row[:8]]
    return ActivityTotals(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], Decimal(row[8]))


def _daily(reader: Reader, where: str) -> list[DailyActivity]:
    rows = reader.query(
        f"SELECT {sql.day('date')} AS d, COUNT(DISTINCT {_ACTOR}), {sql.int_sum('num_sessions')}, "
        f"{sql.int_sum('lines_added')}, {sql.int_sum('lines_removed')}, "
        f"{sql.int_sum('commits_by_claude_code')}, {sql.int_sum('pull_requests_by_claude_code')} "
        f"FROM {reader.table('claude_code_usage')} WHERE {where} GROUP BY 1 ORDER BY 1"
    )
    return [DailyActivity(as_date(r[0]), *(int(v) for v in r[1:])) for r in rows]


def _weekly(reader: Reader, where: str) -> list[DatedAmount]:
    rows = reader.query(
        f"SELECT {sql.week('date')}, COUNT(DISTINCT {_ACTOR}) "
        f"FROM {reader.table('claude_code_usage')} WHERE {where} GROUP BY 1 ORDER BY 1"
    )
    return [DatedAmount(as_date(week), "active users", int(n)) for week, n in rows]


def _acceptance(reader: Reader, where: str, grain: str | None) -> list[ToolAcceptance]:
    """Accepted/rejected per tool, per period (grain 'day'/'week') or over the range (None)."""
    period = {"day": sql.day("date"), "week": sql.week("date"), None: "NULL"}[grain]
    sums = ", ".join(
        f"{sql.int_sum(f'{tool}_{outcome}')}"
        for tool in KNOWN_TOOLS
        for outcome in ("accepted", "rejected")
    )
    group = " GROUP BY 1 ORDER BY 1" if grain else ""
    rows = reader.query(
        f"SELECT {period}, {sums} FROM {reader.table('claude_code_usage')} WHERE {where}{group}"
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
        f"SELECT actor_type, actor_id, {sql.int_sum('num_sessions')}, "
        f"{sql.int_sum('lines_added')}, {sql.int_sum('commits_by_claude_code')}, "
        f"{sql.int_sum('pull_requests_by_claude_code')}, {_USD} "
        f"FROM {reader.table('claude_code_usage')} WHERE {where} GROUP BY 1, 2"
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
        f"SELECT {label}, {sql.int_sum('num_sessions')}, COUNT(DISTINCT {_ACTOR}), "
        f"{sql.int_sum('lines_added')} FROM {reader.table('claude_code_usage')} "
        f"WHERE {where} GROUP BY 1"
    )
    mixes = [Mix(str(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]
    return sorted(mixes, key=lambda m: (-m.sessions, m.label))


def _models(reader: Reader, first: date, last: date) -> list[ModelSpend]:
    rows = reader.query(
        f"SELECT COALESCE(model, '(unknown)'), {sql.int_sum('input_tokens')}, "
        f"{sql.int_sum('output_tokens')}, {sql.int_sum('cache_read_tokens')}, "
        f"{sql.int_sum('cache_creation_tokens')}, "
        f"{sql.cents_to_usd('COALESCE(SUM(estimated_cost_cents), 0)')} "
        f"FROM {reader.table('claude_code_usage_by_model')} "
        f"WHERE {sql.in_days('date', first, last)} GROUP BY 1"
    )
    spends = [
        ModelSpend(str(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), Decimal(r[5]))
        for r in rows
    ]
    return sorted(spends, key=lambda m: (-m.estimated_cost_usd, m.model))
