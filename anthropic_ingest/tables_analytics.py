"""The tables beyond the original product page: per-actor cost and usage from the Usage and
Cost Analytics API, service accounts and rate limits.

All four are optional: a sync reports one the organization's plan or the key does not offer
(403 or 404) as "not available" and goes on; `ingest` of it fails saying why.
"""

from __future__ import annotations

from anthropic_ingest import endpoints as api
from anthropic_ingest import transforms_analytics as ta
from anthropic_ingest.schema import Column, col
from anthropic_ingest.table_spec import EXTRA, TableSpec, one_row

_BETA = "header anthropic-beta: analytics-usage-cost-2026-08-24"

_ANALYTICS_KEY_COLUMNS = (
    col("bucket", "timestamp", "Start of the day (UTC).", "data[].starting_at"),
    col("bucket_end", "timestamp", "End of the day (exclusive).", "data[].ending_at"),
    col(
        "actor_type",
        "text",
        "user, service_account or api_key (the API's user_actor, service_account_actor, "
        "api_actor, or the prefix of a tagged ID); null when the usage has no actor.",
        "group.actor.type, or the prefix of group.actor (user_, svac_, apikey_)",
    ),
    col(
        "actor_id",
        "text",
        "The user, service account or API key the row is attributed to (user_…, svac_…, apikey_…).",
        "group.actor.user_id / service_account_id / api_key_id, or group.actor itself",
    ),
    col(
        "actor_email",
        "text",
        "The user's email address when the API gives it; null otherwise.",
        "group.actor.email_address",
    ),
    col(
        "product",
        "text",
        "claude_code, chat, …; null for API traffic and code execution.",
        "group.product",
    ),
    col("model", "text", "Claude model.", "group.model"),
    col(
        "api_key_id",
        "text",
        "API key the usage came through; null without one.",
        "group.api_key_id",
    ),
    col(
        "workspace_id",
        "text",
        "Workspace; null means the Default workspace.",
        "group.workspace_id",
    ),
)
_ANALYTICS_KEY = (
    "bucket",
    "actor_type",
    "actor_id",
    "product",
    "model",
    "api_key_id",
    "workspace_id",
)
_ANALYTICS_EXTRA = col(
    "extra_fields",
    "json",
    "What the API sent that this version does not map, as JSON (null when none): unknown "
    "top-level fields, non-null group fields beyond the grouping, unknown metric fields.",
    "(any unmapped field)",
)


def _tokens(name: str, description: str, source: str = "") -> Column:
    return col(name, "bigint", description, f"usage.{source or name}")


ANALYTICS_COST = TableSpec(
    name="analytics_cost",
    optional=True,
    expected_fields=frozenset({"starting_at", "ending_at", "group", "cost"}),
    description=(
        "Daily cost per actor (user, service account or API key), product, model, API key, "
        "workspace, cost type and token type, in exact cents and USD (Usage and Cost "
        "Analytics API, beta; data from 2026-01-01)."
    ),
    endpoint=(
        "GET /v1/organizations/analytics/cost (time_bucket_width=1d; group_by[] actor, "
        f"product, model, api_key_id, workspace_id, cost_type, token_type; {_BETA})"
    ),
    source=api.ANALYTICS_COST,
    mode="window",
    cursor="bucket",
    lookback_days=30,
    key=(*_ANALYTICS_KEY, "cost_type", "token_type"),
    to_rows=one_row(ta.analytics_cost_row),
    columns=(
        *_ANALYTICS_KEY_COLUMNS,
        col("cost_type", "text", "tokens, web_search or code_execution.", "group.cost_type"),
        col(
            "token_type",
            "text",
            "Which tokens (uncached_input_tokens, output_tokens, …) when cost_type is tokens.",
            "group.token_type",
        ),
        col(
            "amount_cents",
            "cents",
            "Cost in US cents after discounts, before credits, exact (fraction kept).",
            "cost.amount",
        ),
        col(
            "list_amount_cents",
            "cents",
            "The same at list price (before discounts), exact.",
            "cost.list_amount",
        ),
        col("amount_usd", "usd", "amount_cents / 100, exact.", "cost.amount"),
        col("currency", "text", "Always USD.", "cost.currency"),
        col(
            "requests",
            "bigint",
            "API requests; null when the API gives none (always, when grouped by cost or "
            "token type, as this table is).",
            "cost.requests",
        ),
        _ANALYTICS_EXTRA,
    ),
)

ANALYTICS_USAGE = TableSpec(
    name="analytics_usage",
    optional=True,
    expected_fields=frozenset({"starting_at", "ending_at", "group", "usage"}),
    description=(
        "Daily token and request counts per actor (user, service account or API key), "
        "product, model, API key and workspace (Usage and Cost Analytics API, beta; data from "
        "2026-01-01)."
    ),
    endpoint=(
        "GET /v1/organizations/analytics/usage (time_bucket_width=1d; group_by[] actor, "
        f"product, model, api_key_id, workspace_id; {_BETA})"
    ),
    source=api.ANALYTICS_USAGE,
    mode="window",
    cursor="bucket",
    lookback_days=30,
    key=_ANALYTICS_KEY,
    to_rows=one_row(ta.analytics_usage_row),
    columns=(
        *_ANALYTICS_KEY_COLUMNS,
        _tokens("uncached_input_tokens", "Input tokens read from no cache."),
        _tokens(
            "cache_creation_ephemeral_5m_input_tokens",
            "Input tokens written to the 5-minute cache.",
            "cache_creation.ephemeral_5m_input_tokens",
        ),
        _tokens(
            "cache_creation_ephemeral_1h_input_tokens",
            "Input tokens written to the 1-hour cache.",
            "cache_creation.ephemeral_1h_input_tokens",
        ),
        _tokens("cache_read_input_tokens", "Input tokens read from the cache."),
        _tokens("output_tokens", "Output tokens."),
        _tokens(
            "web_search_requests",
            "Web searches of the server tool.",
            "server_tool_use.web_search_requests",
        ),
        _tokens(
            "requests",
            "API requests (execution spans for code execution); null when the API gives none.",
        ),
        _tokens("total_tokens", "All input and output tokens."),
        _ANALYTICS_EXTRA,
    ),
)

SERVICE_ACCOUNTS = TableSpec(
    name="service_accounts",
    optional=True,
    expected_fields=frozenset({"id", "name", "organization_role", "created_at"}),
    description="Every service account of the organization, archived ones included.",
    endpoint="GET /v1/organizations/service_accounts?include_archived=true",
    source=api.SERVICE_ACCOUNTS,
    key=("id",),
    to_rows=one_row(ta.service_account_row),
    columns=(
        col("id", "text", "Service account ID (svac_…)."),
        col("name", "text", "Name."),
        col("description", "text", "Description; null when none."),
        col("organization_role", "text", "admin or developer."),
        col("created_at", "timestamp", "When it was created (UTC)."),
        col("archived_at", "timestamp", "When it was archived; null while active."),
        col("created_by_actor_id", "text", "Who created it."),
        col("updated_at", "timestamp", "When it was last changed (UTC)."),
        col("updated_by_actor_id", "text", "Who changed it last."),
        col("archived_by_actor_id", "text", "Who archived it; null while active."),
        col("type", "text", "Always 'service_account'."),
        EXTRA,
    ),
)

RATE_LIMITS = TableSpec(
    name="rate_limits",
    optional=True,
    expected_fields=frozenset({"id", "limits"}),
    description="The organization's rate limits: one row per limit of each limit group.",
    endpoint="GET /v1/organizations/rate_limits",
    source=api.RATE_LIMITS,
    key=("rate_limit_id", "limit_type"),
    to_rows=ta.rate_limit_rows,
    columns=(
        col("rate_limit_id", "text", "The rate limit's ID.", "id"),
        col(
            "group_id",
            "text",
            "The limit group's ID (rlg_…); null where the API sends only group_type.",
            "group.id",
        ),
        col(
            "group_type",
            "text",
            "model_group, batch, files, skills, token_count or web_search.",
            "group.type, or group_type (older shape)",
        ),
        col(
            "group_name",
            "text",
            "The group's display name; null where the API sends only group_type.",
            "group.display_name",
        ),
        col(
            "models",
            "text",
            "Comma-separated models the group covers, in the API's order; null when none.",
            "models[]",
        ),
        col(
            "limit_type",
            "text",
            "e.g. requests_per_minute, input_tokens_per_minute.",
            "limits[].type",
        ),
        col("limit_value", "bigint", "The limit.", "limits[].value"),
        col("type", "text", "Always 'rate_limit'."),
        EXTRA,
    ),
)
