"""The route table of the emulated `/v1` API: path pattern, handler and pagination style."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from anthropic_ingest.emulator import endpoints_analytics as analytics_ep
from anthropic_ingest.emulator import endpoints_enterprise as enterprise_ep
from anthropic_ingest.emulator import endpoints_lists as list_ep
from anthropic_ingest.emulator import endpoints_org as org_ep
from anthropic_ingest.emulator import endpoints_rbac as rbac_ep
from anthropic_ingest.emulator import endpoints_reports as report_ep
from anthropic_ingest.emulator.config import EmulatorConfig
from anthropic_ingest.emulator.org import SyntheticOrg
from anthropic_ingest.emulator.params import Query


@dataclass(frozen=True)
class Call:
    """What a handler sees of a request."""

    org: SyntheticOrg
    query: Query
    params: dict[str, str]  # path parameters, URL-decoded
    headers: Mapping[str, str]  # lower-case names
    now: datetime
    config: EmulatorConfig  # the switches of the optional endpoints
    path: str  # the request path (page tokens are bound to it)


Handler = Callable[[Call], dict[str, Any]]


# Who may call a route (app.py applies it): "admin" needs the Admin key; "report" (the Usage
# and Cost Analytics API) the Admin key or the Analytics key; "engagement" (Enterprise
# engagement) the Analytics key, 404 otherwise; "enterprise" (RBAC groups, spend limits) either
# key in an Enterprise org. "engagement" and "enterprise" are 404 in a Console org.
FAMILIES = ("admin", "report", "engagement", "enterprise")


@dataclass(frozen=True)
class Route:
    """One endpoint and its paging: "id" (style A), "bucket" or "record" (style B),
    "analytics" (opaque report token), "engagement" (Enterprise `{data, next_page}`),
    "list" (style C, `next_page` only) or None; its access family (FAMILIES); whether the
    Enterprise per-organization rate limit applies."""

    pattern: re.Pattern[str]
    handler: Handler
    paging: str | None
    family: str = "admin"
    enterprise_limited: bool = False


def _route(
    template: str,
    handler: Handler,
    paging: str | None = None,
    family: str = "admin",
    enterprise_limited: bool = False,
) -> Route:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    pattern = re.compile(f"^/v1/organizations{regex}$")
    return Route(pattern, handler, paging, family, enterprise_limited)


def _engagement(template: str, handler: Handler, paging: str | None = "engagement") -> Route:
    return _route(f"/analytics{template}", handler, paging, "engagement", True)


ROUTES: tuple[Route, ...] = (
    _route("/me", org_ep.get_organization),
    _route("/users", org_ep.list_users, "id"),
    _route("/users/{user_id}", org_ep.get_user),
    _route("/invites", org_ep.list_invites, "id"),
    _route("/invites/{invite_id}", org_ep.get_invite),
    _route("/workspaces", org_ep.list_workspaces, "id"),
    _route("/workspaces/{workspace_id}", org_ep.get_workspace),
    _route("/workspaces/{workspace_id}/members", org_ep.list_members, "id"),
    _route("/workspaces/{workspace_id}/members/{user_id}", org_ep.get_member),
    _route("/api_keys", org_ep.list_api_keys, "id"),
    _route("/api_keys/{api_key_id}", org_ep.get_api_key),
    _route("/usage_report/messages", report_ep.usage_messages, "bucket"),
    _route("/cost_report", report_ep.cost_report, "bucket"),
    _route("/usage_report/claude_code", report_ep.claude_code, "record"),
    _route("/analytics/usage", analytics_ep.analytics_usage, "analytics", "report"),
    _route("/analytics/cost", analytics_ep.analytics_cost, "analytics", "report"),
    _engagement("/users", enterprise_ep.users),
    _engagement("/summaries", enterprise_ep.summaries, None),
    _engagement("/skills", enterprise_ep.skills),
    _engagement("/connectors", enterprise_ep.connectors),
    _engagement("/plugins", enterprise_ep.plugins),
    _engagement("/apps/chat/projects", enterprise_ep.projects),
    _engagement("/artifacts", enterprise_ep.artifacts),
    _route("/rbac_groups", rbac_ep.list_groups, "list", "enterprise"),
    _route("/rbac_groups/{group_id}/members", rbac_ep.list_group_members, "list", "enterprise"),
    _route("/spend_limits/effective", rbac_ep.effective_spend_limits, "list", "enterprise", True),
    _route("/service_accounts", list_ep.list_service_accounts, "list"),
    _route("/rate_limits", list_ep.list_rate_limits, "list"),
)


def match(path: str) -> tuple[Route, dict[str, str]] | None:
    """The route serving `path` and its decoded path parameters, or None."""
    for route in ROUTES:
        found = route.pattern.match(path)
        if found:
            return route, {k: unquote(v) for k, v in found.groupdict().items()}
    return None
