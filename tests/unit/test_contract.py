"""The tables, columns and keys CONTRACT.md promises, checked against the declarations."""

from __future__ import annotations

import pytest

from anthropic_ingest.tables import TABLES

# Straight from the contract's table: seed columns (and the extras it names) that must exist.
CONTRACT_COLUMNS = {
    "claude_code_usage": "date actor_type actor_id organization_id customer_type terminal_type "
    "num_sessions lines_added lines_removed commits_by_claude_code pull_requests_by_claude_code "
    "edit_tool_accepted edit_tool_rejected multi_edit_tool_accepted multi_edit_tool_rejected "
    "write_tool_accepted write_tool_rejected notebook_edit_tool_accepted "
    "notebook_edit_tool_rejected total_input_tokens total_output_tokens total_cache_read_tokens "
    "total_cache_creation_tokens total_estimated_cost_cents models_used is_remote "
    "subscription_type",
    "usage_report": "bucket api_key_id workspace_id model service_tier input_tokens "
    "output_tokens input_cached_tokens server_tool_search_count bucket_end context_window "
    "inference_geo account_id service_account_id cache_creation_ephemeral_5m_input_tokens "
    "cache_creation_ephemeral_1h_input_tokens",
    "cost_report": "bucket workspace_id description amount_cents bucket_end amount_usd currency "
    "cost_type model token_type service_tier context_window inference_geo",
    "organization": "id name type",
    "workspaces": "id name type created_at archived_at display_color",
    "api_keys": "id name status created_at workspace_id created_by_user_id created_by_type "
    "partial_key_hint expires_at",
    "invites": "id email role expires_at created_at status accepted_at",
    "users": "id email name role created_at",
    "workspace_members": "workspace_id user_id role",
}
CONTRACT_KEYS = {
    "claude_code_usage": ("date", "actor_type", "actor_id", "terminal_type", "is_remote"),
    "cost_report": ("bucket", "workspace_id", "description"),
    "organization": ("id",),
    "workspaces": ("id",),
    "api_keys": ("id",),
    "invites": ("id",),
    "users": ("id",),
    "workspace_members": ("workspace_id", "user_id"),
}
NOT_PROVIDED = {
    "usage_report": {"api_request_count", "server_tool_result_count", "api_total_latency_ms_p50"},
    "organization": {"settings", "created_at"},
    "users": {"last_login_at"},
    "api_keys": {"last_used_at"},
    "invites": {"workspace_ids", "created_by_user_id"},
    "workspace_members": {"added_at"},
}
MONEY = {
    ("claude_code_usage", "total_estimated_cost_cents"),
    ("cost_report", "amount_cents"),
    ("cost_report", "amount_usd"),
}


@pytest.mark.parametrize("table", sorted(CONTRACT_COLUMNS))
def test_contract_columns_exist(table: str) -> None:
    missing = set(CONTRACT_COLUMNS[table].split()) - set(TABLES[table].column_names)
    assert not missing


@pytest.mark.parametrize("table", sorted(CONTRACT_KEYS))
def test_contract_keys(table: str) -> None:
    assert TABLES[table].key == CONTRACT_KEYS[table]


def test_usage_report_key_is_bucket_and_every_dimension() -> None:
    spec = TABLES["usage_report"]
    assert spec.key[0] == "bucket"
    assert {"api_key_id", "workspace_id", "model", "service_tier"} <= set(spec.key)


@pytest.mark.parametrize("table", sorted(NOT_PROVIDED))
def test_not_provided_columns_are_documented_not_invented(table: str) -> None:
    spec = TABLES[table]
    documented = {name for name, _ in spec.not_provided}
    assert NOT_PROVIDED[table] <= documented
    assert not (documented & set(spec.column_names))


def test_money_is_decimal_and_counts_are_bigint() -> None:
    for table, column in MONEY:
        col = next(c for c in TABLES[table].columns if c.name == column)
        assert col.type in ("cents", "usd")
    for spec in TABLES.values():
        for col in spec.columns:
            if col.name.endswith(("_tokens", "_count")) or col.name.startswith("num_"):
                assert col.type == "bigint", (spec.name, col.name)
            if col.name in ("bucket", "created_at", "expires_at"):
                assert col.type == "timestamp", (spec.name, col.name)
            if col.name == "date":  # a day, which no session time zone may move
                assert col.type == "date", (spec.name, col.name)


def test_time_series_tables_are_incremental() -> None:
    for name in ("claude_code_usage", "usage_report", "cost_report"):
        assert TABLES[name].mode == "window"
    for name in ("organization", "workspaces", "api_keys", "invites", "users", "workspace_members"):
        assert TABLES[name].mode == "replace"
