"""Who spends what: this month's analytics cost per person, API key, workspace and product,
Claude Code cost per developer, and the reconciliation with the cost report.

Every figure is read from the view declarations of `views_spend` (the same SQL `create_views`
puts in the destination), limited to the month's days, so the page and the views agree; the
report does not need the views to exist (a read-only session cannot create them).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from anthropic_ingest.report import views_spend as vs
from anthropic_ingest.report.model import (
    DeveloperCost,
    MonthToDate,
    Reconciliation,
    SpendLine,
    WhoSpendsSection,
)
from anthropic_ingest.report.reader import Reader, as_date
from anthropic_ingest.report.view_base import ViewSpec, stand_in

COST = "analytics_cost"
PRODUCTS = {"claude_code": "Claude Code", "chat": "Chat (claude.ai)"}
NO_PRODUCT = "API and code execution (no product)"


def build_spend(reader: Reader, usable: set[str], last: date) -> WhoSpendsSection:
    """The figures of the month holding `last`, from its first day through the last day with
    analytics cost (at most `last`)."""
    month_start = last.replace(day=1)
    within = reader.in_days(COST, "bucket", month_start, last)
    ((found,),) = reader.query(
        f"SELECT MAX({reader.day(COST, 'bucket')}) FROM {reader.table(COST)} WHERE {within}"
    )
    through = as_date(found) if found is not None else last
    read = _view_reader(reader, usable, (month_start, through))
    by_product = _largest_first(
        [
            SpendLine(PRODUCTS.get(p, str(p)) if p else NO_PRODUCT, "", Decimal(b), Decimal(lp))
            for p, b, lp in read(vs.COST_MONTHLY_BY_PRODUCT, "product")
        ]
    )
    total = sum((line.billed_usd for line in by_product), Decimal(0))
    return WhoSpendsSection(
        month=MonthToDate(
            month_start=month_start,
            through=through,
            days_elapsed=through.day,
            days_in_month=calendar.monthrange(last.year, last.month)[1],
            spend_usd=total,
        ),
        list_usd=sum((line.list_usd for line in by_product), Decimal(0)),
        by_user=_lines(
            read(
                vs.COST_MONTHLY_BY_USER,
                "COALESCE(user_name, user_email, user_id)",
                "COALESCE(user_email, '')",
            )
        ),
        by_api_key=_lines(read(vs.COST_MONTHLY_BY_API_KEY, "api_key_name", "workspace_name")),
        by_workspace=_lines(read(vs.COST_MONTHLY_BY_WORKSPACE, "workspace_name", "''")),
        by_product=by_product,
        claude_code=_developers(read),
        reconciliation=_reconcile(read, month_start, through) if "cost_report" in usable else None,
    )


Read = Callable[..., list[tuple[Any, ...]]]


def _view_reader(reader: Reader, usable: set[str], days: tuple[date, date]) -> Read:
    """Run a view's SQL over `days` and return the given columns plus its two amounts."""

    def relation(table: str) -> str:
        return reader.table(table) if table in usable else stand_in(table, reader.dialect)

    def read(view: ViewSpec, *columns: str, amounts: str = "amount_usd, list_amount_usd") -> Any:
        body = view.sql(reader.dialect, relation, reader.type_of, days)
        picked = ", ".join((*columns, amounts)) if amounts else ", ".join(columns)
        return reader.query(f"SELECT {picked} FROM ({body}) AS v")

    return read


def _lines(rows: list[tuple[Any, ...]]) -> list[SpendLine]:
    return _largest_first(
        [
            SpendLine(str(label), str(detail or ""), Decimal(b), Decimal(lp))
            for label, detail, b, lp in rows
        ]
    )


def _largest_first(lines: list[SpendLine]) -> list[SpendLine]:
    return sorted(lines, key=lambda line: (-line.billed_usd, line.label, line.detail))


def _developers(read: Read) -> list[DeveloperCost]:
    rows = read(
        vs.CLAUDE_CODE_COST_MONTHLY_BY_USER,
        "COALESCE(user_name, user_email)",
        "user_email",
        amounts="estimated_cost_usd, billed_usd",
    )
    people = [
        DeveloperCost(
            label=str(label),
            email=str(email or ""),
            estimated_usd=None if est is None else Decimal(est),
            billed_usd=None if billed is None else Decimal(billed),
        )
        for label, email, est, billed in rows
    ]
    return sorted(
        people, key=lambda p: (-max(p.estimated_usd or 0, p.billed_usd or 0), p.label, p.email)
    )


def _reconcile(read: Read, first: date, last: date) -> Reconciliation:
    rows = read(
        vs.COST_RECONCILIATION_DAILY,
        "cost_report_usd",
        "analytics_cost_usd",
        "difference_usd",
        amounts="",
    )
    return Reconciliation(
        first=first,
        last=last,
        cost_report_usd=sum((Decimal(r[0]) for r in rows), Decimal(0)),
        analytics_usd=sum((Decimal(r[1]) for r in rows), Decimal(0)),
        days=len(rows),
        days_differing=sum(1 for r in rows if Decimal(r[2]) != 0),
    )
