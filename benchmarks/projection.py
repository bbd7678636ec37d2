"""Scenario 8: a first backfill of a year for a 10,000-developer organization, projected.

    .venv/bin/python benchmarks/projection.py [--users 10000]

No load runs here: the emulated organization (10,000 users: 62 workspaces, 400 API keys,
about 10,000 Claude Code records a weekday) is counted day by day, and each table's requests
follow from the page sizes. anthropic-ingest asks for the largest pages the API allows, and
scenario 4 (and 7, at 10,000 users) shows it makes exactly that many requests. ingestr
0.14.155 asks for smaller ones: 100 Claude Code records or list items, 168 hourly or 31
daily buckets; and drops `limit` from every later page, which then holds the API's default
(20 records, 24 hourly or 7 daily buckets: what scenario 1 measured against the emulator).
Its counts are for the same data at its page sizes; what it really fetches differs (below).
Hours are at 100 requests a minute, the limit of scenarios 2 and 6, which both tools keep to
within a few per cent.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bench_common import LIST_PAGE, Section, days, emulator_config
from requests_needed import _analytics_minimum

from anthropic_ingest.emulator import SyntheticOrg
from anthropic_ingest.endpoints import ANALYTICS_COST, ANALYTICS_FIRST_DAY, ANALYTICS_USAGE

LAST_DAY = date(2026, 11, 29)
RATE = 100  # requests a minute
INGESTR_RECORDS = 100  # its Claude Code page
INGESTR_LIST = 100  # its list page
DEFAULT_RECORDS = 20  # the API's default page, which its later pages get
DAILY_MAX, DAILY_DEFAULT = 31, 7
HOURLY_MAX, HOURLY_DEFAULT = 168, 24


@dataclass
class Projected:
    table: str
    data: str
    ours: int
    ingestr: int | None
    note: str = ""


def ingestr_pages(count: int, first: int, later: int) -> int:
    """Requests ingestr makes for `count` items: `first` on its first page, `later` after."""
    return 1 + max(0, math.ceil((count - first) / later))


def pages(count: int, page: int) -> int:
    return max(1, math.ceil(count / page))


def project(users: int, year_days: int = 365) -> tuple[list[Projected], SyntheticOrg]:
    first = LAST_DAY - timedelta(days=year_days - 1)
    interval = (str(first), str(LAST_DAY))
    config = replace(emulator_config(users), start_date=first, end_date=LAST_DAY)
    org = SyntheticOrg.from_config(config)
    started = time.monotonic()
    per_day = [len(org.claude_code_records(day)) for day in days(interval)]
    print(f"counted {sum(per_day):,} Claude Code records in {time.monotonic() - started:.0f} s")
    workspaces = org.list_workspaces(include_archived=True)
    members = [len(org.members(w["id"]) or ()) for w in workspaces]
    hours = year_days * 24

    def listed(name: str, items: int) -> Projected:
        return Projected(
            name, f"{items:,} items", pages(items, LIST_PAGE), pages(items, INGESTR_LIST)
        )

    rows = [
        Projected("organization", "1 object", 1, 1),
        listed("users", len(org.list_users())),
        listed("invites", len(org.list_invites())),
        listed("workspaces", len(workspaces)),
        listed("api_keys", len(org.list_api_keys())),
        Projected(
            "workspace_members",
            f"{sum(members):,} memberships in {len(workspaces)} workspaces",
            pages(len(workspaces), LIST_PAGE) + sum(pages(n, LIST_PAGE) for n in members),
            pages(len(workspaces), INGESTR_LIST) + sum(pages(n, INGESTR_LIST) for n in members),
        ),
        Projected(
            "claude_code_usage",
            f"{sum(per_day):,} records, {year_days} days (most {max(per_day):,} a day)",
            sum(pages(n, 1000) for n in per_day),
            sum(ingestr_pages(n, INGESTR_RECORDS, DEFAULT_RECORDS) for n in per_day),
        ),
        Projected(
            "usage_report (1d buckets)",
            f"{year_days} daily buckets",
            pages(year_days, DAILY_MAX),
            ingestr_pages(year_days, DAILY_MAX, DAILY_DEFAULT),
        ),
        Projected(
            "usage_report (1h buckets)",
            f"{hours:,} hourly buckets",
            pages(hours, HOURLY_MAX),
            ingestr_pages(hours, HOURLY_MAX, HOURLY_DEFAULT),
        ),
        Projected(
            "cost_report",
            f"{year_days} daily buckets",
            pages(year_days, DAILY_MAX),
            ingestr_pages(year_days, DAILY_MAX, DAILY_DEFAULT),
        ),
    ]
    analytics = (str(max(first, ANALYTICS_FIRST_DAY)), str(LAST_DAY))
    for name, endpoint in (
        ("analytics_cost", ANALYTICS_COST),
        ("analytics_usage", ANALYTICS_USAGE),
    ):
        minimum: Callable[[SyntheticOrg], int] = _analytics_minimum(endpoint, analytics)
        rows.append(
            Projected(
                name, f"{analytics[0]} .. {analytics[1]}", minimum(org), None, "no such table"
            )
        )
    return rows, org


def hours_at_rate(requests: int) -> str:
    return f"{requests / RATE / 60:,.2f} h"


def projection(users: int) -> Section:
    rows, org = project(users)
    section = Section(
        f"8. A first backfill of a year for a {users:,}-developer organization, projected"
    )
    section.add(
        f"The 365 days up to {LAST_DAY} of the emulated organization with {users:,} users "
        f"({len(org.list_workspaces(include_archived=True))} workspaces, "
        f"{len(org.list_api_keys())} API keys), at {RATE} requests a minute. Requests follow "
        "from the data and each tool's page sizes (see `benchmarks/projection.py`); "
        "anthropic-ingest's equal what it makes (scenarios 4 and 7). A first run also "
        "checks the key once (counted in the total); a `sync` also reads the service "
        "accounts and rate limits, and the workspace list a second time for the members "
        "(a request each).",
        "",
    )
    table = []
    for row in rows:
        theirs = "n/a" if row.ingestr is None else f"{row.ingestr:,}"
        their_hours = "" if row.ingestr is None else hours_at_rate(row.ingestr)
        ratio = "" if row.ingestr is None else f"{row.ingestr / row.ours:.1f}x"
        table.append(
            [
                row.table,
                row.data,
                f"{row.ours:,}",
                hours_at_rate(row.ours),
                theirs,
                their_hours,
                ratio or row.note,
            ]
        )
    # a sync loads the daily usage report; the hourly row is an alternative, not added
    counted = [row for row in rows if row.table != "usage_report (1h buckets)"]
    ours = sum(row.ours for row in counted) + 1
    both = [row for row in counted if row.ingestr is not None]
    ours_common = sum(row.ours for row in both)
    theirs_common = sum(row.ingestr or 0 for row in both)
    table.append(
        [
            "**every table above, daily usage buckets**",
            "",
            f"**{ours:,}**",
            f"**{hours_at_rate(ours)}**",
            f"{theirs_common:,} (its tables)",
            hours_at_rate(theirs_common),
            f"{theirs_common / ours_common:.1f}x on the tables both have",
        ]
    )
    section.table(
        [
            "table",
            "data",
            "anthropic-ingest requests",
            "hours",
            "ingestr requests",
            "hours",
            "ingestr / ours",
        ],
        table,
    )
    section.add(
        "What ingestr 0.14.155 really fetches is not this data. Its list tables ask for paths "
        "the Admin API does not have (`/v1/users`, `/v1/invites`, `/v1/workspaces`, "
        "`/v1/api_keys`; members through `/v1/workspaces`): one 404 each, which it takes for "
        "an empty table, and it exits 0 (run against the emulator: `users`, `api_keys` and "
        "`workspace_members` each made 1 request and loaded 0 rows of 250 users). Its usage "
        "report is hourly and not grouped by key, workspace or model; its Claude Code table "
        "leaves out the interval's last day and merges local and remote rows (scenario 1).",
        "",
    )
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    args = parser.parse_args()
    section = projection(args.users)
    print(f"\n## {section.title}\n")
    print("\n".join(section.lines))


if __name__ == "__main__":
    main()
