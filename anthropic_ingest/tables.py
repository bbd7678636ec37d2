"""Every table the tool loads, declared once.

The loader, the `tables` command, the generated docs (`docs/tables.md`) and the contract tests
all read these declarations; nothing else lists the tables.
"""

from __future__ import annotations

import difflib

from anthropic_ingest import endpoints as api
from anthropic_ingest import transforms as t
from anthropic_ingest.errors import UsageError
from anthropic_ingest.schema import col
from anthropic_ingest.table_spec import EXTRA, Mode, TableSpec, one_row
from anthropic_ingest.tables_analytics import (
    ANALYTICS_COST,
    ANALYTICS_USAGE,
    RATE_LIMITS,
    SERVICE_ACCOUNTS,
)
from anthropic_ingest.tables_enterprise import ENTERPRISE_TABLES

__all__ = ["TABLES", "Mode", "TableSpec", "get_table"]

_ACTOR_KEY = (
    col("date", "date", "The UTC day the activity happened.", "date"),
    col("actor_type", "text", "user_actor (signed-in user) or api_actor (API key).", "actor.type"),
    col(
        "actor_id",
        "text",
        "The user's email address, or the API key's name for api_actor rows.",
        "actor.email_address / actor.api_key_name",
    ),
    col("terminal_type", "text", "Where Claude Code ran, e.g. vscode, iTerm.app, tmux."),
    col(
        "is_remote",
        "bool",
        "True for remote use (e.g. Claude Code on the web); local and remote are separate rows.",
    ),
)

_TOOL_COLUMNS = tuple(
    col(
        f"{tool}_{outcome}",
        "bigint",
        f"{tool.replace('_', ' ').capitalize()} proposals {outcome} (0 when the tool is absent).",
        f"tool_actions.{tool}.{outcome}",
    )
    for tool in t.KNOWN_TOOLS
    for outcome in ("accepted", "rejected")
)

CLAUDE_CODE_USAGE = TableSpec(
    name="claude_code_usage",
    expected_fields=frozenset(
        {
            "date",
            "actor",
            "organization_id",
            "customer_type",
            "terminal_type",
            "core_metrics",
            "tool_actions",
            "model_breakdown",
        }
    ),
    description="Daily Claude Code activity per user or API key, terminal and local/remote.",
    endpoint="GET /v1/organizations/usage_report/claude_code (one request chain per day)",
    source=api.CLAUDE_CODE,
    mode="window",
    cursor="date",
    lookback_days=3,
    key=("date", "actor_type", "actor_id", "terminal_type", "is_remote"),
    to_rows=one_row(t.claude_code_row),
    columns=(
        *_ACTOR_KEY,
        col("organization_id", "text", "The organization's UUID."),
        col("customer_type", "text", "api (Console) or subscription (Claude Team/Enterprise)."),
        col("subscription_type", "text", "enterprise or team; null for api customers."),
        col(
            "num_sessions",
            "bigint",
            "Distinct Claude Code sessions.",
            "core_metrics.num_sessions",
        ),
        col("lines_added", "bigint", "Lines added.", "core_metrics.lines_of_code.added"),
        col("lines_removed", "bigint", "Lines removed.", "core_metrics.lines_of_code.removed"),
        col(
            "commits_by_claude_code",
            "bigint",
            "Git commits made through Claude Code.",
            "core_metrics.commits_by_claude_code",
        ),
        col(
            "pull_requests_by_claude_code",
            "bigint",
            "Pull requests opened through Claude Code.",
            "core_metrics.pull_requests_by_claude_code",
        ),
        *_TOOL_COLUMNS,
        col(
            "other_tool_actions",
            "json",
            "Tools beyond the four above, as JSON {tool: {accepted, rejected}}; null if none.",
            "tool_actions.*",
        ),
        col(
            "total_input_tokens",
            "bigint",
            "Input tokens over all models.",
            "sum of model_breakdown[].tokens.input",
        ),
        col(
            "total_output_tokens",
            "bigint",
            "Output tokens over all models.",
            "sum of model_breakdown[].tokens.output",
        ),
        col(
            "total_cache_read_tokens",
            "bigint",
            "Cache-read tokens over all models.",
            "sum of model_breakdown[].tokens.cache_read",
        ),
        col(
            "total_cache_creation_tokens",
            "bigint",
            "Cache-creation tokens over all models.",
            "sum of model_breakdown[].tokens.cache_creation",
        ),
        col(
            "total_estimated_cost_cents",
            "cents",
            "Estimated cost in US cents over all models, exact (may have a fraction).",
            "sum of model_breakdown[].estimated_cost.amount",
        ),
        col(
            "models_used",
            "text",
            "Comma-separated models, in the API's order.",
            "model_breakdown[].model",
        ),
        EXTRA,
    ),
)

CLAUDE_CODE_USAGE_BY_MODEL = TableSpec(
    name="claude_code_usage_by_model",
    expected_fields=frozenset({"date", "actor", "terminal_type", "model_breakdown"}),
    description=(
        "The per-model split of claude_code_usage: which model the tokens and estimated cost "
        "went to (the seed's totals lose this)."
    ),
    endpoint="GET /v1/organizations/usage_report/claude_code (one request chain per day)",
    source=api.CLAUDE_CODE,
    mode="window",
    cursor="date",
    lookback_days=3,
    key=("date", "actor_type", "actor_id", "terminal_type", "is_remote", "model"),
    to_rows=t.claude_code_model_rows,
    columns=(
        *_ACTOR_KEY,
        col("model", "text", "The Claude model.", "model_breakdown[].model"),
        col("input_tokens", "bigint", "Input tokens.", "model_breakdown[].tokens.input"),
        col("output_tokens", "bigint", "Output tokens.", "model_breakdown[].tokens.output"),
        col(
            "cache_read_tokens",
            "bigint",
            "Cache-read tokens.",
            "model_breakdown[].tokens.cache_read",
        ),
        col(
            "cache_creation_tokens",
            "bigint",
            "Cache-creation tokens.",
            "model_breakdown[].tokens.cache_creation",
        ),
        col(
            "estimated_cost_cents",
            "cents",
            "Estimated cost in US cents, exact.",
            "model_breakdown[].estimated_cost.amount",
        ),
        col("currency", "text", "Currency of the estimate (USD).", "estimated_cost.currency"),
    ),
)

USAGE_REPORT = TableSpec(
    name="usage_report",
    expected_fields=frozenset(
        {
            "starting_at",
            "ending_at",
            "uncached_input_tokens",
            "output_tokens",
            "cache_read_input_tokens",
            "cache_creation",
            "server_tool_use",
            "api_key_id",
            "workspace_id",
            "model",
            "service_tier",
        }
    ),
    description=(
        "Messages API token usage per time bucket, grouped by api_key_id, workspace_id, model, "
        "service_tier and context_window (the API accepts at most five dimensions; the "
        "group_by source option picks others, and a table keeps the grouping it was first "
        "loaded with)."
    ),
    endpoint=(
        "GET /v1/organizations/usage_report/messages (group_by[] api_key_id, workspace_id, "
        "model, service_tier, context_window)"
    ),
    source=api.USAGE_MESSAGES,
    mode="window",
    cursor="bucket",
    lookback_days=3,
    key=("bucket", *t.USAGE_DIMENSIONS),
    to_rows=one_row(t.usage_row),
    columns=(
        col("bucket", "timestamp", "Start of the time bucket (UTC).", "data[].starting_at"),
        col("bucket_end", "timestamp", "End of the bucket (exclusive).", "data[].ending_at"),
        col("api_key_id", "text", "API key; null for Console/Workbench usage."),
        col("workspace_id", "text", "Workspace; null means the Default workspace."),
        col("model", "text", "Claude model."),
        col(
            "service_tier",
            "text",
            "standard, batch, priority, priority_on_demand, flex or flex_discount.",
        ),
        col("context_window", "text", "0-200k or 200k-1M."),
        col(
            "inference_geo",
            "text",
            "global, us or not_available; null unless the table is grouped by it.",
        ),
        col(
            "account_id",
            "text",
            "User account of OAuth requests; null unless the table is grouped by it.",
        ),
        col(
            "service_account_id",
            "text",
            "Service account of federated requests; null unless the table is grouped by it.",
        ),
        col(
            "input_tokens",
            "bigint",
            "Uncached input tokens (total input = this + cached + cache creation).",
            "uncached_input_tokens",
        ),
        col("output_tokens", "bigint", "Output tokens.", "output_tokens"),
        col("input_cached_tokens", "bigint", "Cache-read input tokens.", "cache_read_input_tokens"),
        col(
            "cache_creation_ephemeral_5m_input_tokens",
            "bigint",
            "Input tokens written to the 5-minute cache.",
            "cache_creation.ephemeral_5m_input_tokens",
        ),
        col(
            "cache_creation_ephemeral_1h_input_tokens",
            "bigint",
            "Input tokens written to the 1-hour cache.",
            "cache_creation.ephemeral_1h_input_tokens",
        ),
        col(
            "server_tool_search_count",
            "bigint",
            "Web search requests made by the server tool.",
            "server_tool_use.web_search_requests",
        ),
        EXTRA,
    ),
    not_provided=(
        *(
            (f"api_{kind}_latency_ms_{p}", "no Admin API endpoint reports latency")
            for kind in ("first_response", "total")
            for p in ("p50", "p95", "p99")
        ),
        ("api_request_count", "the Messages usage report has no request count"),
        ("server_tool_result_count", "the API reports web search requests only"),
    ),
)

COST_REPORT = TableSpec(
    name="cost_report",
    expected_fields=frozenset(
        {"starting_at", "ending_at", "amount", "currency", "workspace_id", "description"}
    ),
    description="Daily cost per workspace and cost description, in exact cents and USD.",
    endpoint="GET /v1/organizations/cost_report (group_by[] workspace_id and description)",
    source=api.COST,
    mode="window",
    cursor="bucket",
    lookback_days=7,
    key=("bucket", "workspace_id", "description"),
    to_rows=one_row(t.cost_row),
    columns=(
        col("bucket", "timestamp", "Start of the day (UTC).", "data[].starting_at"),
        col("bucket_end", "timestamp", "End of the day (exclusive).", "data[].ending_at"),
        col("workspace_id", "text", "Workspace; null means the Default workspace."),
        col("description", "text", "What was billed, e.g. 'Claude Sonnet 4 Usage - Input Tokens'."),
        col(
            "amount_cents",
            "cents",
            "Cost in US cents, exact (the API's decimal string, fraction kept).",
            "amount",
        ),
        col(
            "amount_usd",
            "usd",
            "The same cost in US dollars (amount_cents / 100), exact.",
            "amount",
        ),
        col("currency", "text", "Always USD."),
        col("cost_type", "text", "tokens, web_search, code_execution or session_usage."),
        col("model", "text", "Claude model of token costs."),
        col("token_type", "text", "Which tokens, e.g. uncached_input_tokens, output_tokens."),
        col("service_tier", "text", "standard or batch."),
        col("context_window", "text", "0-200k or 200k-1M."),
        col("inference_geo", "text", "global, us or not_available."),
        EXTRA,
    ),
)

ORGANIZATION = TableSpec(
    name="organization",
    expected_fields=frozenset({"id", "name"}),
    description="The organization the Admin key belongs to.",
    endpoint="GET /v1/organizations/me",
    source=api.ME,
    key=("id",),
    to_rows=one_row(t.organization_row),
    columns=(
        col("id", "text", "Organization UUID."),
        col("name", "text", "Organization name."),
        col("type", "text", "Always 'organization'."),
        EXTRA,
    ),
    not_provided=(
        ("settings", "the API returns no organization settings"),
        ("created_at", "the API returns no creation time for the organization"),
    ),
)

WORKSPACES = TableSpec(
    name="workspaces",
    expected_fields=frozenset({"id", "name", "created_at", "archived_at"}),
    description="Every workspace, archived ones included (the Default workspace is never listed).",
    endpoint="GET /v1/organizations/workspaces?include_archived=true",
    source=api.WORKSPACES,
    key=("id",),
    to_rows=one_row(t.workspace_row),
    columns=(
        col("id", "text", "Workspace ID (wrkspc_…)."),
        col("name", "text", "Workspace name."),
        col("type", "text", "Always 'workspace' (the API has no default/custom type)."),
        col("created_at", "timestamp", "When the workspace was created (UTC)."),
        col("archived_at", "timestamp", "When it was archived; null while active."),
        col("display_color", "text", "Console colour, hex."),
        col(
            "data_residency_workspace_geo",
            "text",
            "Where the workspace's data is stored.",
            "data_residency.workspace_geo",
        ),
        col(
            "data_residency_default_inference_geo",
            "text",
            "Default inference geography.",
            "data_residency.default_inference_geo",
        ),
        col(
            "data_residency_allowed_inference_geos",
            "json",
            'Allowed geographies: a JSON list, or the JSON string "unrestricted".',
            "data_residency.allowed_inference_geos",
        ),
        col("tags", "json", "User-defined tags, JSON object."),
        col("compartment_id", "text", "Customer-managed-key compartment."),
        col("external_key_id", "text", "Customer-managed key; null when none."),
        EXTRA,
    ),
)

API_KEYS = TableSpec(
    name="api_keys",
    # workspace_id is deprecated and absent from the newest shape; the scope stands in for it.
    expected_fields=frozenset({"id", "name", "status", "created_at", "created_by"}),
    description="Every API key of the organization (the secret itself is never returned).",
    endpoint="GET /v1/organizations/api_keys",
    source=api.API_KEYS,
    key=("id",),
    to_rows=one_row(t.api_key_row),
    columns=(
        col("id", "text", "API key ID (apikey_…)."),
        col("name", "text", "Key name."),
        col("status", "text", "active, inactive, archived or expired."),
        col("created_at", "timestamp", "When the key was created (UTC)."),
        col(
            "workspace_id",
            "text",
            "Workspace of the key; null means the Default workspace (as in the reports) or an "
            "organization-wide key.",
            "workspace_id, or scope.workspace_id where the API no longer sends it",
        ),
        col(
            "created_by_user_id",
            "text",
            "User who created the key; null when a service account or the system did.",
            "created_by.id when created_by.type = user",
        ),
        col("created_by_id", "text", "Creator's ID, user or service account.", "created_by.id"),
        col("created_by_type", "text", "user or service_account.", "created_by.type"),
        col("partial_key_hint", "text", "The key's redacted hint, e.g. sk-ant-api03-R2D...igAA."),
        col("expires_at", "timestamp", "Expiry time; null for keys that never expire."),
        col(
            "principal_id",
            "text",
            "The user or service account a personal or service-account key acts as.",
            "principal.user_id / principal.service_account_id (or principal.id)",
        ),
        col(
            "principal_type",
            "text",
            "user or service_account (the API's user_actor / service_account_actor).",
            "principal.type",
        ),
        col("scope_type", "text", "workspace or organization.", "scope.type"),
        col(
            "scope_workspace_id",
            "text",
            "The scope's workspace as the API sends it (a real ID even for the Default workspace).",
            "scope.workspace_id",
        ),
        col("type", "text", "Always 'api_key'."),
        EXTRA,
    ),
    not_provided=(("last_used_at", "the API does not report when a key was last used"),),
)

INVITES = TableSpec(
    name="invites",
    expected_fields=frozenset({"id", "email", "role", "status", "invited_at", "expires_at"}),
    description=(
        "Organization invites: pending, accepted and expired (the API does not list deleted ones)."
    ),
    endpoint="GET /v1/organizations/invites",
    source=api.INVITES,
    key=("id",),
    to_rows=one_row(t.invite_row),
    columns=(
        col("id", "text", "Invite ID (invite_…)."),
        col("email", "text", "Invitee's email."),
        col("role", "text", "Role offered: user, developer, billing, admin, claude_code_user…"),
        col("status", "text", "pending, accepted, expired or deleted."),
        col("created_at", "timestamp", "When the invite was sent (UTC).", "invited_at"),
        col("expires_at", "timestamp", "When it expires (21 days after sending)."),
        col("accepted_at", "timestamp", "When it was accepted; null otherwise."),
        col("rbac_group_ids", "json", "Enterprise groups granted, JSON list."),
        col("type", "text", "Always 'invite'."),
        EXTRA,
    ),
    not_provided=(
        ("workspace_ids", "invites carry no workspaces"),
        ("created_by_user_id", "the API does not say who sent an invite"),
    ),
)

USERS = TableSpec(
    name="users",
    expected_fields=frozenset({"id", "email", "name", "role", "added_at"}),
    description="Members of the organization.",
    endpoint="GET /v1/organizations/users",
    source=api.USERS,
    key=("id",),
    to_rows=one_row(t.user_row),
    columns=(
        col("id", "text", "User ID (user_…)."),
        col("email", "text", "Email address."),
        col("name", "text", "Full name."),
        col("role", "text", "Organization role: user, developer, billing, admin, …"),
        col("created_at", "timestamp", "When the user joined (UTC).", "added_at"),
        col("type", "text", "Always 'user'."),
        EXTRA,
    ),
    not_provided=(("last_login_at", "the API does not report logins"),),
)

WORKSPACE_MEMBERS = TableSpec(
    name="workspace_members",
    expected_fields=frozenset({"user_id", "workspace_id", "workspace_role"}),
    description="Who belongs to which workspace, with their workspace role.",
    endpoint="GET /v1/organizations/workspaces/{id}/members for every listed workspace",
    source=api.WORKSPACE_MEMBERS,
    key=("workspace_id", "user_id"),
    to_rows=one_row(t.member_row),
    columns=(
        col("workspace_id", "text", "Workspace ID."),
        col("user_id", "text", "User ID."),
        col(
            "role",
            "text",
            "workspace_user, workspace_developer, workspace_admin, workspace_billing, …",
            "workspace_role",
        ),
        col("type", "text", "Always 'workspace_member'."),
        EXTRA,
    ),
    not_provided=(("added_at", "the API does not say when a member joined a workspace"),),
)

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        CLAUDE_CODE_USAGE,
        CLAUDE_CODE_USAGE_BY_MODEL,
        USAGE_REPORT,
        COST_REPORT,
        ORGANIZATION,
        WORKSPACES,
        API_KEYS,
        INVITES,
        USERS,
        WORKSPACE_MEMBERS,
        ANALYTICS_COST,
        ANALYTICS_USAGE,
        SERVICE_ACCOUNTS,
        RATE_LIMITS,
        *ENTERPRISE_TABLES,
    )
}


def get_table(name: str) -> TableSpec:
    """Look a table up by name, or fail with the closest name and the full list."""
    try:
        return TABLES[name]
    except KeyError:
        close = difflib.get_close_matches(name, TABLES, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise UsageError(f"unknown table '{name}'.{hint} Tables: {', '.join(TABLES)}") from None
