"""Build a report from a destination: find the usable tables, pick the dates, run the queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from anthropic_ingest.errors import UsageError
from anthropic_ingest.report.api_usage import build_api_usage
from anthropic_ingest.report.claude_code import build_claude_code
from anthropic_ingest.report.connect import DEFAULT_SESSION_TIME_ZONE, open_reader
from anthropic_ingest.report.cost import build_cost
from anthropic_ingest.report.enterprise import build_enterprise, has_enterprise
from anthropic_ingest.report.model import Missing, ReportData
from anthropic_ingest.report.names import load_names
from anthropic_ingest.report.org import build_org, organization_name
from anthropic_ingest.report.reader import Reader, as_date
from anthropic_ingest.report.spend import build_spend
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
    "analytics_cost": ("Who spends what: cost per person, API key, workspace and product",),
    "service_accounts": ("service account names in Who spends what (IDs are shown instead)",),
    "enterprise_summaries": ("Claude Enterprise: active users against seats",),
    "enterprise_user_activity": ("Claude Enterprise: idle members, Claude Code per developer",),
    "enterprise_skills": ("Claude Enterprise: top skills",),
    "enterprise_connectors": ("Claude Enterprise: top connectors",),
    "spend_limits_effective": ("Claude Enterprise: members near their spend limit",),
    "rbac_group_members": ("Claude Enterprise: members who never used Claude",),
}
# Optional tables (a plan or key may not offer them) are listed as missing only when they are
# there without their declared columns; their absence is said where they would be shown.
# Tables the report does not read are not listed at all.

# The tables with a time column, and that column: they set the default date range.
_TIME_COLUMNS = {
    "claude_code_usage": "date",
    "usage_report": "bucket",
    "cost_report": "bucket",
    "analytics_cost": "bucket",
    "enterprise_summaries": "date",
    "enterprise_user_activity": "date",
}
# Without --from, the report covers this many days ending at --to (or the latest loaded
# day): daily charts of years of history would be unreadable stripes.
DEFAULT_RANGE_DAYS = 90
# How many dataset names the "dataset not found" message lists.
_LISTED = 10


def build_report(
    dest_uri: str,
    dataset: str = "anthropic",
    date_from: date | None = None,
    date_to: date | None = None,
    *,
    now: datetime | None = None,
    session_time_zone: str = DEFAULT_SESSION_TIME_ZONE,
) -> ReportData:
    """Query the loaded tables of `dataset` at `dest_uri` for every figure of the report.

    The range is the UTC days date_from..date_to, both included. Without date_to it ends at
    the latest day with data; without date_from it covers DEFAULT_RANGE_DAYS days (from
    the first day with data when that is later). Organization figures are as of `now`
    (default: the current time). Tables that are not loaded are listed in `missing`, never
    an error; a dataset that does not exist is a UsageError naming those that do. The
    figures do not depend on `session_time_zone`, the database session's time zone.
    """
    if date_from and date_to and date_from > date_to:
        raise UsageError(f"--from {date_from} is after --to {date_to}; swap them")
    now = now or datetime.now(UTC)
    with open_reader(dest_uri, dataset, session_time_zone) as reader:
        _require_dataset(reader)
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
            data.claude_code = build_claude_code(reader, names, first, last, usable)
        if "usage_report" in usable:
            data.api_usage = build_api_usage(reader, names, first, last)
        if "cost_report" in usable:
            data.cost = build_cost(reader, names, first, last)
        if "analytics_cost" in usable:
            data.spend = build_spend(reader, usable, last)
        if has_enterprise(usable):
            data.enterprise = build_enterprise(reader, usable, first, last)
        data.org = build_org(reader, names, usable, now)
    return data


def inventory(reader: Reader) -> tuple[set[str], list[Missing]]:
    """The declared tables that are loaded with every declared column, and those missing
    (optional ones only when loaded without their declared columns)."""
    found = reader.columns_by_table()
    usable: set[str] = set()
    missing: list[Missing] = []
    for spec in TABLES.values():
        affects = AFFECTS.get(spec.name, ())
        if spec.optional and not affects:
            continue
        if spec.name not in found:
            if not spec.optional:
                missing.append(Missing(spec.name, "not loaded", affects))
            continue
        absent = [c for c in spec.column_names if c not in found[spec.name]]
        if absent:
            reason = f"lacks column(s) {', '.join(absent)}: re-load it with this version"
            missing.append(Missing(spec.name, reason, affects))
            continue
        usable.add(spec.name)
    return usable, missing


def _require_dataset(reader: Reader) -> None:
    """Fail with the datasets that exist when the one asked for is not among them."""
    datasets = reader.datasets()
    if reader.dataset in datasets or reader.schema_exists():
        return
    where = reader.display_uri
    if not datasets:
        raise UsageError(
            f"dataset '{reader.dataset}' not found in {where}, which holds no datasets: load "
            f"data first (anthropic-ingest sync --dest-uri {where})"
        )
    shown = ", ".join(datasets[:_LISTED])
    more = f" and {len(datasets) - _LISTED} more" if len(datasets) > _LISTED else ""
    raise UsageError(
        f"dataset '{reader.dataset}' not found in {where}; datasets there: {shown}{more} "
        "(choose one with --dataset)"
    )


def _date_range(
    reader: Reader, usable: set[str], date_from: date | None, date_to: date | None, today: date
) -> tuple[date, date, bool]:
    """The report's first and last day, and whether any activity data exists at all."""
    days: list[date] = []
    for table, column in _TIME_COLUMNS.items():
        if table in usable:
            day = reader.day(table, column)
            found = reader.query(f"SELECT MIN({day}), MAX({day}) FROM {reader.table(table)}")
            for low, high in found:
                days += [as_date(v) for v in (low, high) if v is not None]
    has_data = bool(days)
    last = date_to or (max(days) if days else today)
    if date_from:
        first = date_from
    else:
        first = last - timedelta(days=DEFAULT_RANGE_DAYS - 1)
        if days and min(days) <= last:
            first = max(first, min(days))
    if first > last:
        # --from lies beyond the data: cover that one day.
        first, last = first, first
    return first, last, has_data
