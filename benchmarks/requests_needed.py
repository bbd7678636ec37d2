"""Scenario 4: the requests each table needs for a year, against the fewest the API allows.

Every table is loaded on its own (`anthropic-ingest ingest`) for all of 2025, and the
emulator's request log counts what it asked for. The minimum comes from the emulated
organization itself and the API's page limits: 1,000 objects or Claude Code records a page,
31 daily or 168 hourly buckets a page, one request chain per Claude Code day.

The Usage and Cost Analytics tables have no data before 2026-01-01, so they are loaded for
2026 up to two days ago from an organization with data for that span; their minimum is one
request per 31-day window, plus one per further 1,000 rows of it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import measure
from bench_common import (
    LIST_PAGE,
    YEAR,
    Section,
    claude_code_minimum,
    days,
    emulator_config,
    pages,
    shown,
    statuses,
)

from anthropic_ingest.emulator import SyntheticOrg, spawned_emulator
from anthropic_ingest.endpoints import (
    ANALYTICS_COST,
    ANALYTICS_FIRST_DAY,
    ANALYTICS_USAGE,
    Endpoint,
)

ANALYTICS_WINDOW_DAYS = 31
KEY_CHECK = "/v1/organizations/me"

# (label, table, source options, the minimum from the organization)
Plan = tuple[str, str, str, Callable[[SyntheticOrg], int]]


def _members(org: SyntheticOrg) -> int:
    workspaces = org.list_workspaces(include_archived=True)
    per_workspace = sum(pages(len(org.members(w["id"]) or ()), LIST_PAGE) for w in workspaces)
    return pages(len(workspaces), LIST_PAGE) + per_workspace


def _buckets(per_day: int, per_page: int) -> int:
    return math.ceil(len(days(YEAR)) * per_day / per_page)


PLANS: list[Plan] = [
    ("organization", "organization", "", lambda org: 1),
    ("users", "users", "", lambda org: pages(len(org.list_users()), LIST_PAGE)),
    ("invites", "invites", "", lambda org: pages(len(org.list_invites()), LIST_PAGE)),
    (
        "workspaces",
        "workspaces",
        "",
        lambda org: pages(len(org.list_workspaces(include_archived=True)), LIST_PAGE),
    ),
    ("api_keys", "api_keys", "", lambda org: pages(len(org.list_api_keys()), LIST_PAGE)),
    ("workspace_members", "workspace_members", "", _members),
    ("claude_code_usage", "claude_code_usage", "", lambda org: claude_code_minimum(org, YEAR)[1]),
    ("usage_report (1d buckets)", "usage_report", "", lambda org: _buckets(1, 31)),
    (
        "usage_report (1h buckets)",
        "usage_report",
        "&bucket_width=1h",
        lambda org: _buckets(24, 168),
    ),
    ("cost_report", "cost_report", "", lambda org: _buckets(1, 31)),
]


def analytics_span() -> tuple[str, str]:
    """2026 from the first day the analytics API has data to two days ago."""
    last = datetime.now(UTC).date() - timedelta(days=2)
    return str(ANALYTICS_FIRST_DAY), str(min(last, date(2026, 12, 31)))


def _analytics_minimum(
    endpoint: Endpoint, interval: tuple[str, str]
) -> Callable[[SyntheticOrg], int]:
    kind = endpoint.path.rsplit("/", 1)[-1]

    def minimum(org: SyntheticOrg) -> int:
        first, last = (date.fromisoformat(d) for d in interval)
        total, start = 0, first
        while start <= last:
            end = min(start + timedelta(days=ANALYTICS_WINDOW_DAYS), last + timedelta(days=1))
            rows = org.analytics_rows(
                kind, _midnight(start), _midnight(end), "1d", endpoint.group_by or ()
            )
            total += pages(len(rows), LIST_PAGE)
            start = end
        return total

    return minimum


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def analytics_plans() -> list[Plan]:
    interval = analytics_span()
    return [
        ("analytics_cost", "analytics_cost", "", _analytics_minimum(ANALYTICS_COST, interval)),
        ("analytics_usage", "analytics_usage", "", _analytics_minimum(ANALYTICS_USAGE, interval)),
    ]


def _load_all(
    plans: list[Plan],
    users: int,
    interval: tuple[str, str],
    workdir: Path,
    rows: list[list[object]],
) -> tuple[bool, SyntheticOrg, str]:
    """Load each plan's table alone; a row per plan; whether all were at the minimum."""
    all_minimal, config = True, emulator_config(users)
    if interval != YEAR:
        first, last = (date.fromisoformat(d) for d in interval)
        config = replace(config, start_date=first, end_date=last)
    with spawned_emulator(config) as emu:
        org = emu.org
        for label, table, options, minimum_of in plans:
            emu.clear_requests()
            db = workdir / f"s4-{label.split()[0]}-{len(options)}.duckdb"
            command = measure.ours_ingest(emu.base_url, emu.admin_key, table, db, interval, options)
            run = measure.run(command).check(f"loading {label}")
            log = emu.requests()
            counts = statuses(log)
            # A time-series table loaded into a new DuckDB file checks the key first, so that a
            # rejected key creates no file; a run into an existing file does not.
            checks = sum(1 for e in log if e["path"] == KEY_CHECK) if table != "organization" else 0
            made, minimum = sum(counts.values()), minimum_of(org)
            all_minimal &= made - checks == minimum
            verdict = "minimum" if made - checks == minimum else f"**{made - checks - minimum:+d}**"
            if checks:
                verdict += f" + {checks} key check"
            print(f"  {label}: {made} requests ({checks} key check), minimum {minimum}")
            loaded = f"{measure.count_rows(db, table):,}"
            span = f"{interval[0]} .. {interval[1]}"
            rows.append([label, span, loaded, made, minimum, verdict, f"{run.peak_rss_mb:,.0f} MB"])
        example = shown(command, emu, workdir)
    return all_minimal, org, example


def requests_needed(users: int, workdir: Path) -> Section:
    """Scenario 4: one load per table, its requests against the minimum."""
    section = Section(
        "4. Requests each table needs for a year (2025; the analytics tables: 2026 so far)"
    )
    print(f"scenario 4: {users} users", flush=True)
    rows: list[list[object]] = []
    year_minimal, org, example = _load_all(PLANS, users, YEAR, workdir, rows)
    analytics_minimal, _, _ = _load_all(analytics_plans(), users, analytics_span(), workdir, rows)
    all_minimal = year_minimal and analytics_minimal
    section.add(
        f"{users:,} users ({len(org.list_users()):,} users, "
        f"{len(org.list_workspaces(include_archived=True))} workspaces, "
        f"{len(org.list_api_keys())} API keys). `claude_code_usage_by_model` is loaded by the "
        "same requests as `claude_code_usage` (one resource feeds both). The analytics "
        "tables are loaded for 2026, where their data starts. Each load goes into a new DuckDB "
        "file, so a time-series table first checks the key with one request (a rejected key "
        "then creates no file); a daily run into an existing file makes no such request.",
        "",
    )
    section.table(
        ["table", "interval", "rows", "requests made", "fewest possible", "", "peak RSS"], rows
    )
    section.add(
        f"Every table at the minimum: **{'yes' if all_minimal else 'no'}**. Last command: "
        f"`{example}`",
        "",
    )
    return section
