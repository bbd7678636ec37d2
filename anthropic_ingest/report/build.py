"""Build a report from a destination: find the usable tables, pick the dates, run the queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from anthropic_ingest.errors import UsageError
from anthropic_ingest.report import sql
from anthropic_ingest.report.api_usage import build_api_usage
from anthropic_ingest.report.claude_code import build_claude_code
from anthropic_ingest.report.cost import build_cost
from anthropic_ingest.report.model import Missing, ReportData
from anthropic_ingest.report.names import load_names
from anthropic_ingest.report.org import build_org, organization_name
from anthropic_ingest.report.reader import Reader, as_date, open_reader
from anthropic_ingest.tables import TABLES

# What each table contributes to the report, for the "what's missing" list.
AFFECTS: dict[str, tuple[str, ...]] = {
    "claude_code_usage": ("Claude Code adoption, activity, acceptance, top users, terminals",),
    "claude_code_usage_by_model": ("Claude Code estimated cost by model",),
    "usage_report": ("API token usage by model, workspace and API key; cache hit ratio",),
    "cost_report": ("Cost per day, workspace, cost type and model; month to date",),
    "organization": ("the organization's name in the title",),
    "workspaces": ("workspace names (IDs are shown instead)", "Workspaces"),
    "api_keys": ("API key names (IDs are shown instead)", "Active API keys"),
    "invites": ("Invites pending and about to expire",),
    "users": ("Users by role", "user names next to emails"),
    "workspace_members": ("members per workspace",),
}

# The tables with a time column, and that column: they set the default date range.
_TIME_COLUMNS = {"claude_code_usage": "date", "usage_report": "bucket", "cost_report": "bucket"}
# With no activity data at all, the (empty) report covers the last 30 days.
_EMPTY_RANGE_DAYS = 30


def build_report(
    dest_uri: str,
    dataset: str = "anthropic",
    date_from: date | None = None,
    date_to: date | None = None,
    *,
    now: datetime | None = None,
) -> ReportData:
    """Query the loaded tables of `dataset` at `dest_uri` for every figure of the report.

    The range is the UTC days date_from..date_to, both included; a missing bound defaults
    to the first or last day with data. Organization figures are as of `now` (default:
    the current time). Tables that are not loaded are listed in `missing`, never an error.
    """
    if date_from and date_to and date_from > date_to:
        raise UsageError(f"--from {date_from} is after --to {date_to}; swap them")
    now = now or datetime.now(UTC)
    with open_reader(dest_uri, dataset) as reader:
        usable, missing = inventory(reader)
        first, last, has_data = _date_range(reader, usable, date_from, date_to, now.date())
        names = load_names(reader, usable)
        data = ReportData(
            source=reader.display_uri,
            dataset=dataset,
            date_from=first,
            date_to=last,
            generated_at=now,
            missing=missing,
            has_activity_data=has_data,
        )
        if "organization" in usable:
            data.organization = organization_name(reader)
        if "claude_code_usage" in usable:
            with_models = "claude_code_usage_by_model" in usable
            data.claude_code = build_claude_code(reader, names, first, last, with_models)
        if "usage_report" in usable:
            data.api_usage = build_api_usage(reader, names, first, last)
        if "cost_report" in usable:
            data.cost = build_cost(reader, names, first, last)
        data.org = build_org(reader, names, usable, now)
    return data


def inventory(reader: Reader) -> tuple[set[str], list[Missing]]:
    """The declared tables that are loaded with every declared column, and the others."""
    found = reader.columns_by_table()
    usable: set[str] = set()
    missing: list[Missing] = []
    for spec in TABLES.values():
        affects = AFFECTS.get(spec.name, ())
        if spec.name not in found:
            missing.append(Missing(spec.name, "not loaded", affects))
            continue
        absent = [c for c in spec.column_names if c not in found[spec.name]]
        if absent:
            reason = f"lacks column(s) {', '.join(absent)}: re-load it with this version"
            missing.append(Missing(spec.name, reason, affects))
            continue
        usable.add(spec.name)
    return usable, missing


def _date_range(
    reader: Reader, usable: set[str], date_from: date | None, date_to: date | None, today: date
) -> tuple[date, date, bool]:
    """The report's first and last day, and whether any activity data exists at all."""
    days: list[date] = []
    for table, column in _TIME_COLUMNS.items():
        if table in usable:
            for low, high in reader.query(
                f"SELECT MIN({sql.day(column)}), MAX({sql.day(column)}) FROM {reader.table(table)}"
            ):
                days += [as_date(v) for v in (low, high) if v is not None]
    has_data = bool(days)
    last = date_to or (max(days) if days else today)
    first = date_from or (min(days) if days else last - timedelta(days=_EMPTY_RANGE_DAYS - 1))
    if first > last:
        # Only one bound was given and it lies beyond the data: cover that one day.
        first, last = (first, first) if date_from else (last, last)
    return first, last, has_data
