"""What the emulator served, computed from its organization model (not from our client)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from anthropic_ingest.transforms import DEFAULT_USAGE_GROUP_BY


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def claude_code(org: Any, first: date, last: date) -> list[dict[str, Any]]:
    return [rec for day in days(first, last) for rec in org.claude_code_records(day)]


def usage(org: Any, first: date, last: date) -> list[dict[str, Any]]:
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    end = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
    buckets = org.usage_report(start, end, "1d", DEFAULT_USAGE_GROUP_BY)
    return [result for bucket in buckets for result in bucket["results"]]


def cost(org: Any, first: date, last: date) -> list[tuple[date, Any, Any, Decimal]]:
    return [
        (day, r["workspace_id"], r["description"], Decimal(r["amount"]))
        for day in days(first, last)
        for r in org.cost_results(day, ("workspace_id", "description"))
    ]


def members(org: Any) -> list[dict[str, Any]]:
    listed = org.list_workspaces(include_archived=True)
    return [m for ws in listed for m in (org.members(ws["id"]) or ())]
