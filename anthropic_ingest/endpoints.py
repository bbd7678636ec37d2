"""Where each table's records come from, as plain data: path, paging style, parameters.

A table declaration (`tables.py`) holds one `Endpoint`; the fetcher (`load/fetch.py`) has one
routine per paging style, not per table, and `check` asks each endpoint once. A new table is
one declaration, one transform and one emulator endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

ORG = "/v1/organizations"

Paging = Literal["single", "id", "next", "days", "buckets", "rows", "per_day", "date_range", "more"]
# The Usage and Cost Analytics API (beta) answers only requests that name its beta.
ANALYTICS_BETA = (("anthropic-beta", "analytics-usage-cost-2026-08-24"),)


@dataclass(frozen=True)
class Endpoint:
    """One Admin API read endpoint and how a table walks it.

    `paging`: "single" (one object), "id" (a list paged with `after_id`), "days" (one chain
    of page tokens per UTC day, `starting_at=YYYY-MM-DD`), "buckets" (a report of time
    buckets paged with page tokens, asked for in the largest ranges it allows), "next" (a list
    paged with `page` <- `next_page` until `next_page` is null), "rows" (an analytics report:
    flat daily rows with `has_more`/`next_page`, asked for in ranges of at most 31 days; days
    without usage have no rows). The Claude Enterprise styles (`load/fetch_enterprise.py`):
    "per_day" (one chain of `page` <- `next_page` per day, `date=YYYY-MM-DD`), "date_range"
    (`starting_date`/`ending_date`, one page) and "more" (`page` <- `next_page` until
    `has_more` is false or `next_page` is null).
    """

    path: str
    paging: Paging
    params: tuple[tuple[str, str], ...] = ()
    # Fan out: `path` holds `{id}`, filled with each ID the parent endpoint lists.
    parent: Endpoint | None = None
    # Report grouping: fixed dimensions, or None where the `group_by` source option decides.
    group_by: tuple[str, ...] | None = ()
    # Reports whose bucket width the `bucket_width` source option picks (else daily).
    bucket_width_option: bool = False
    # The API still adds to today's day: a "days" window includes it.
    includes_today: bool = False
    # API keys name their workspace from the listed workspaces when the API sends only scope.
    resolve_key_workspaces: bool = False
    # A list several tables start from (a table and its members' fan-out): read once per run
    # and shared (`load.fetch.list_once`).
    shared: bool = False
    # Extra request headers (the analytics beta).
    headers: tuple[tuple[str, str], ...] = ()
    # The first day the endpoint has data, and how many days back it answers at all.
    data_from: date | None = None
    history_days: int | None = None
    # What a key needs to read it, said when the endpoint answers 403 or 404.
    needs: str = ""
    # An organization-wide request limit the endpoint shares with its family: its requests
    # are paced at this rate (or at the stated requests_per_minute) through the run's limiter.
    per_minute: int | None = None

    @property
    def is_window(self) -> bool:
        return self.paging in ("days", "buckets", "rows", "per_day", "date_range")


WORKSPACES = Endpoint(f"{ORG}/workspaces", "id", (("include_archived", "true"),), shared=True)
ME = Endpoint(f"{ORG}/me", "single")
USERS = Endpoint(f"{ORG}/users", "id")
INVITES = Endpoint(f"{ORG}/invites", "id")
API_KEYS = Endpoint(f"{ORG}/api_keys", "id", resolve_key_workspaces=True)
WORKSPACE_MEMBERS = Endpoint(f"{ORG}/workspaces/{{id}}/members", "id", parent=WORKSPACES)
CLAUDE_CODE = Endpoint(f"{ORG}/usage_report/claude_code", "days", includes_today=True)
USAGE_MESSAGES = Endpoint(
    f"{ORG}/usage_report/messages", "buckets", group_by=None, bucket_width_option=True
)
COST = Endpoint(f"{ORG}/cost_report", "buckets", group_by=("workspace_id", "description"))

# The Usage and Cost Analytics API (beta): data from 2026-01-01, for the last 365 days.
ANALYTICS_FIRST_DAY = date(2026, 1, 1)
ANALYTICS_HISTORY_DAYS = 365
ANALYTICS_DIMENSIONS = ("actor", "product", "model", "api_key_id", "workspace_id")


def _analytics(path: str, group_by: tuple[str, ...]) -> Endpoint:
    return Endpoint(
        path,
        "rows",
        (("time_bucket_width", "1d"),),
        group_by=group_by,
        headers=ANALYTICS_BETA,
        data_from=ANALYTICS_FIRST_DAY,
        history_days=ANALYTICS_HISTORY_DAYS,
    )


ANALYTICS_COST = _analytics(
    f"{ORG}/analytics/cost", (*ANALYTICS_DIMENSIONS, "cost_type", "token_type")
)
ANALYTICS_USAGE = _analytics(f"{ORG}/analytics/usage", ANALYTICS_DIMENSIONS)
SERVICE_ACCOUNTS = Endpoint(f"{ORG}/service_accounts", "next", (("include_archived", "true"),))
RATE_LIMITS = Endpoint(f"{ORG}/rate_limits", "next")
