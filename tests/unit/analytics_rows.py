"""Analytics rows as documented, for the unit tests: no official example response exists yet
for `/analytics/cost` and `/analytics/usage` (their example files list none), so these follow
the row of api-changes-2026-11.md §4.4 and the cost fields of its table."""

from __future__ import annotations

from typing import Any

# The usage dimensions of §4.3, as documented (an oracle independent of the emulator's list).
USAGE_DIMENSIONS = (
    "actor",
    "actor_type",
    "agent_id",
    "api_key_id",
    "claude_tag_category",
    "claude_tag_user_id",
    "context_window",
    "deployment_id",
    "environment_id",
    "inference_geo",
    "model",
    "product",
    "rbac_group_id",
    "service_tier",
    "session_id",
    "slack_channel_id",
    "speed",
    "user_profile_id",
    "workspace_id",
)
# Every group field is present and null unless its dimension is grouped (§4.3).
_NULL_GROUP = dict.fromkeys(USAGE_DIMENSIONS)
_BOUNDS = {"starting_at": "2026-09-03T00:00:00Z", "ending_at": "2026-09-04T00:00:00Z"}

USAGE_ROW: dict[str, Any] = {
    **_BOUNDS,
    "group": {
        **_NULL_GROUP,
        "actor": {"type": "user_actor", "user_id": "user_01A", "email_address": "a@example.com"},
        "model": "claude-sonnet-5",
        "product": "claude_code",
        "api_key_id": "apikey_01K",
        "workspace_id": "wrkspc_01W",
    },
    "usage": {
        "uncached_input_tokens": 120,
        "cache_creation": {"ephemeral_1h_input_tokens": 7, "ephemeral_5m_input_tokens": 11},
        "cache_read_input_tokens": 300,
        "output_tokens": 45,
        "server_tool_use": {"web_search_requests": 2},
        "requests": 3,
        "total_tokens": 483,
    },
}

COST_ROW: dict[str, Any] = {
    **_BOUNDS,
    "group": {
        **_NULL_GROUP,
        "cost_type": "tokens",
        "token_type": "output_tokens",
        "actor": "svac_01S",
        "model": "claude-sonnet-5",
        "product": None,
        "api_key_id": "apikey_01K",
        "workspace_id": None,
    },
    "cost": {
        "amount": "1234.567891",
        "list_amount": "1543.20986375",
        "currency": "USD",
        "requests": None,
    },
}

DOCUMENTED = {"analytics_usage.json": [USAGE_ROW], "analytics_cost.json": [COST_ROW]}
