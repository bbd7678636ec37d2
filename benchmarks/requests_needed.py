"""Scenario 4: the requests each table needs for a year, against the fewest the API allows.

Every table is loaded on its own (`anthropic-ingest ingest`) for all of 2025, and the
emulator's request log counts what it asked for. The minimum comes from the emulated
organization itself and the API's page limits: 1,000 objects or Claude Code records a page,
31 daily or 168 hourly buckets a page, one request chain per Claude Code day.
"""

from __future__ import annotations

import math
from collections.abc import Callable
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


def requests_needed(users: int, workdir: Path) -> Section:
    """Scenario 4: one load per table, its requests against the minimum."""
    section = Section("4. Requests each table needs for a year (all of 2025)")
    print(f"scenario 4: {users} users", flush=True)
    rows, all_minimal = [], True
    with spawned_emulator(emulator_config(users)) as emu:
        org = emu.org
        for label, table, options, minimum_of in PLANS:
            emu.clear_requests()
            db = workdir / f"s4-{label.split()[0]}-{len(options)}.duckdb"
            command = measure.ours_ingest(emu.base_url, emu.admin_key, table, db, YEAR, options)
            run = measure.run(command).check(f"loading {label}")
            counts = statuses(emu.requests())
            made, minimum = sum(counts.values()), minimum_of(org)
            all_minimal &= made == minimum
            verdict = "minimum" if made == minimum else f"**{made - minimum:+d}**"
            print(f"  {label}: {made} requests, minimum {minimum}")
            loaded = f"{measure.count_rows(db, table):,}"
            rows.append([label, loaded, made, minimum, verdict, f"{run.peak_rss_mb:,.0f} MB"])
        example = shown(command, emu, workdir)
    section.add(
        f"{users:,} users ({len(org.list_users()):,} users, "
        f"{len(org.list_workspaces(include_archived=True))} workspaces, "
        f"{len(org.list_api_keys())} API keys). `claude_code_usage_by_model` is loaded by the "
        "same requests as `claude_code_usage` (one resource feeds both).",
        "",
    )
    section.table(
        ["table", "rows", "requests made", "fewest possible", "", "peak RSS of the load"], rows
    )
    section.add(
        f"Every table at the minimum: **{'yes' if all_minimal else 'no'}**. Last command: "
        f"`{example}`",
        "",
    )
    return section
