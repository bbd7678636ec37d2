"""Where each table's records come from, as plain data: path, paging style, parameters.

A table declaration (`tables.py`) holds one `Endpoint`; the fetcher (`load/fetch.py`) has one
routine per paging style, not per table, and `check` asks each endpoint once. A new table is
one declaration, one transform and one emulator endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ORG = "/v1/organizations"

Paging = Literal["single", "id", "days", "buckets"]


@dataclass(frozen=True)
class Endpoint:
    """One Admin API read endpoint and how a table walks it.

    `paging`: "single" (one object), "id" (a list paged with `after_id`), "days" (one chain
    of page tokens per UTC day, `starting_at=YYYY-MM-DD`), "buckets" (a report of time
    buckets paged with page tokens, asked for in the largest ranges it allows).
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

    @property
    def is_window(self) -> bool:
        return self.paging in ("days", "buckets")


WORKSPACES = Endpoint(f"{ORG}/workspaces", "id", (("include_archived", "true"),))
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
