"""Cost figures in US dollars: per day and workspace, per cost type and model, month to date.

Amounts are summed as exact decimals of cents and converted to dollars in SQL.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from anthropic_ingest.report import sql
from anthropic_ingest.report.model import Amount, CostSection, DatedAmount, MonthToDate
from anthropic_ingest.report.names import Names
from anthropic_ingest.report.reader import Reader, as_date

COST = "cost_report"
NO_MODEL = "No model (web search etc.)"
NO_TYPE = "(cost type not reported)"
_USD = sql.cents_to_usd("COALESCE(SUM(amount_cents), 0)")


def build_cost(reader: Reader, names: Names, first: date, last: date) -> CostSection:
    """Every cost figure for the days first..last (UTC, inclusive)."""
    where = reader.in_days("cost_report", "bucket", first, last)
    by_workspace = [
        Amount(names.workspace(key), usd) for key, usd in _sum_by(reader, where, "workspace_id")
    ]
    return CostSection(
        total_usd=_total(reader, where),
        daily_by_workspace=[
            DatedAmount(day, names.workspace(key), usd)
            for day, key, usd in _daily_by(reader, where, "workspace_id")
        ],
        daily_by_model=[
            DatedAmount(day, key or NO_MODEL, usd)
            for day, key, usd in _daily_by(reader, where, "model")
        ],
        by_workspace=_largest_first(by_workspace),
        by_cost_type=_largest_first(
            [Amount(key or NO_TYPE, usd) for key, usd in _sum_by(reader, where, "cost_type")]
        ),
        by_model=_largest_first(
            [Amount(key or NO_MODEL, usd) for key, usd in _sum_by(reader, where, "model")]
        ),
        month=month_to_date(reader, last),
    )


def month_to_date(reader: Reader, last: date) -> MonthToDate:
    """Spend from the first of `last`'s month through the last day with cost data (at most
    `last`; cost arrives about a day late), projected linearly to the month's end."""
    month_start = last.replace(day=1)
    where = reader.in_days("cost_report", "bucket", month_start, last)
    (row,) = reader.query(
        f"SELECT MAX({reader.day(COST, 'bucket')}), {_USD} FROM {reader.table(COST)} WHERE {where}"
    )
    through = as_date(row[0]) if row[0] is not None else last
    return MonthToDate(
        month_start=month_start,
        through=through,
        days_elapsed=through.day,
        days_in_month=calendar.monthrange(last.year, last.month)[1],
        spend_usd=Decimal(row[1]),
    )


def _total(reader: Reader, where: str) -> Decimal:
    (row,) = reader.query(f"SELECT {_USD} FROM {reader.table('cost_report')} WHERE {where}")
    return Decimal(row[0])


def _sum_by(reader: Reader, where: str, column: str) -> list[tuple[str | None, Decimal]]:
    rows = reader.query(
        f"SELECT {column}, {_USD} FROM {reader.table('cost_report')} WHERE {where} GROUP BY 1"
    )
    return [(key, Decimal(usd)) for key, usd in rows]


def _daily_by(reader: Reader, where: str, column: str) -> list[tuple[date, str | None, Decimal]]:
    rows = reader.query(
        f"SELECT {reader.day(COST, 'bucket')}, {column}, {_USD} FROM {reader.table(COST)} "
        f"WHERE {where} GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return [(as_date(d), key, Decimal(usd)) for d, key, usd in rows]


def _largest_first(amounts: list[Amount]) -> list[Amount]:
    return sorted(amounts, key=lambda a: (-a.value, a.label))
