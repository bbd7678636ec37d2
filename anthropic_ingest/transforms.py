"""Pure functions from Admin API records to destination rows.

Each takes one record exactly as the API sends it (numbers with a fractional part arrive as
`Decimal`) and returns the rows it contributes. Fields the API documents are mapped to the
contract's column names; any field we do not know yet is kept in `extra_fields` (JSON text) so
that a change in the API never silently loses data.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

Record = dict[str, Any]
Row = dict[str, Any]

KNOWN_TOOLS = ("edit_tool", "multi_edit_tool", "write_tool", "notebook_edit_tool")


def timestamp(value: Any) -> datetime | None:
    """Parse an RFC 3339 string into an aware UTC datetime; None stays None."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def day(value: Any) -> date | None:
    """The UTC day of an RFC 3339 UTC midnight or a `YYYY-MM-DD` string; None stays None.

    Raises ValueError for any other time of day."""
    moment = timestamp(value)
    if moment is None:
        return None
    # Refused, not truncated: a day-grain record stamped at another time is either a day of
    # another time zone (`2025-09-01T00:00:00-07:00` is 07:00 UTC) or a finer grain than a
    # day; cut to its date it would land silently on the wrong day or merge with its
    # neighbours. The loader reports the record as a protocol error and loads nothing.
    if moment.time() != time(0):
        raise ValueError(f"date {value!r} is not a UTC day (UTC midnight or YYYY-MM-DD)")
    return moment.date()


def to_json(value: Any) -> str | None:
    """Serialise nested API values (maps, lists) as JSON text; None stays None."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def extra_fields(record: Record, known: frozenset[str]) -> str | None:
    """JSON text of the record's fields we do not map to a column, or None when there are none."""
    unknown = record.keys() - known
    if not unknown:
        return None
    return to_json({k: record[k] for k in sorted(unknown)})


def decimal(value: Any) -> Decimal | None:
    """An exact Decimal from a JSON number or decimal string."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | str):
        return Decimal(value)
    raise TypeError(f"expected a decimal number, got {type(value).__name__}")


def _actor_id(actor: Record) -> Any:
    """A user's email address, else an API key's name (a null email counts as none)."""
    email = actor.get("email_address")
    return email if email is not None else actor.get("api_key_name")


# --- claude_code_usage -------------------------------------------------------------------

CLAUDE_CODE_FIELDS = frozenset(
    {
        "date",
        "actor",
        "organization_id",
        "customer_type",
        "subscription_type",
        "terminal_type",
        "is_remote",
        "core_metrics",
        "tool_actions",
        "model_breakdown",
    }
)


def claude_code_row(record: Record) -> Row:
    """One `claude_code_usage` row: a day × actor × terminal × is_remote, with totals."""
    core = record.get("core_metrics") or {}
    lines = core.get("lines_of_code") or {}
    tools = record.get("tool_actions") or {}
    models = record.get("model_breakdown") or []
    row: Row = {
        **claude_code_identity(record),
        "organization_id": record.get("organization_id"),
        "customer_type": record.get("customer_type"),
        "subscription_type": record.get("subscription_type"),
        "num_sessions": core.get("num_sessions"),
        "lines_added": lines.get("added"),
        "lines_removed": lines.get("removed"),
        "commits_by_claude_code": core.get("commits_by_claude_code"),
        "pull_requests_by_claude_code": core.get("pull_requests_by_claude_code"),
    }
    for tool, accepted, rejected in _TOOL_COLUMNS:
        counts = tools.get(tool) or {}
        row[accepted] = counts.get("accepted", 0)
        row[rejected] = counts.get("rejected", 0)
    other_tools = tools.keys() - _KNOWN_TOOL_SET
    row["other_tool_actions"] = to_json({k: tools[k] for k in other_tools}) if other_tools else None
    row.update(_model_totals(models))
    row["extra_fields"] = extra_fields(record, CLAUDE_CODE_FIELDS)
    return row


_TOOL_COLUMNS = tuple((tool, f"{tool}_accepted", f"{tool}_rejected") for tool in KNOWN_TOOLS)
_KNOWN_TOOL_SET = frozenset(KNOWN_TOOLS)


def _model_totals(models: list[Record]) -> Row:
    """Token and cost totals over a record's model breakdown (one pass: this runs per row)."""
    inputs = outputs = cache_reads = cache_creations = 0
    cents = Decimal(0)
    names = []
    for model in models:
        tokens = model.get("tokens") or {}
        inputs += tokens.get("input", 0)
        outputs += tokens.get("output", 0)
        cache_reads += tokens.get("cache_read", 0)
        cache_creations += tokens.get("cache_creation", 0)
        cents += decimal((model.get("estimated_cost") or {}).get("amount")) or Decimal(0)
        names.append(str(model.get("model")))
    return {
        "total_input_tokens": inputs,
        "total_output_tokens": outputs,
        "total_cache_read_tokens": cache_reads,
        "total_cache_creation_tokens": cache_creations,
        "total_estimated_cost_cents": cents,
        "models_used": ",".join(names),
    }


def claude_code_identity(record: Record) -> Row:
    """The key columns shared by `claude_code_usage` and `claude_code_usage_by_model`."""
    actor = record.get("actor") or {}
    return {
        "date": day(record["date"]),
        "actor_type": actor.get("type"),
        "actor_id": _actor_id(actor),
        "terminal_type": record.get("terminal_type"),
        "is_remote": record.get("is_remote"),
    }


def claude_code_model_rows(record: Record) -> list[Row]:
    """One `claude_code_usage_by_model` row per model of the record's model breakdown."""
    identity = claude_code_identity(record)
    rows = []
    for entry in record.get("model_breakdown") or []:
        tokens = entry.get("tokens") or {}
        cost = entry.get("estimated_cost") or {}
        rows.append(
            {
                **identity,
                "model": entry.get("model"),
                "input_tokens": tokens.get("input"),
                "output_tokens": tokens.get("output"),
                "cache_read_tokens": tokens.get("cache_read"),
                "cache_creation_tokens": tokens.get("cache_creation"),
                "estimated_cost_cents": decimal(cost.get("amount")),
                "currency": cost.get("currency"),
            }
        )
    return rows


# --- usage_report / cost_report (records are report results with their bucket attached) ---

BUCKET_FIELDS = frozenset({"starting_at", "ending_at"})
# Every dimension a usage row carries as a column; those the report was not grouped by are null.
USAGE_DIMENSIONS = (
    "api_key_id",
    "workspace_id",
    "model",
    "service_tier",
    "context_window",
    "inference_geo",
    "account_id",
    "service_account_id",
)
# The real API refuses more than five group_by[] values (400 "Cannot specify more than 5
# group_by[] dimensions."), so the default grouping is the five the reports join on.
USAGE_GROUP_BY_LIMIT = 5
DEFAULT_USAGE_GROUP_BY = ("api_key_id", "workspace_id", "model", "service_tier", "context_window")
USAGE_FIELDS = BUCKET_FIELDS | frozenset(
    {
        *USAGE_DIMENSIONS,
        "uncached_input_tokens",
        "cache_creation",
        "cache_read_input_tokens",
        "output_tokens",
        "server_tool_use",
    }
)


def usage_row(record: Record) -> Row:
    """One `usage_report` row: a bucket × every dimension the report was grouped by."""
    cache = record.get("cache_creation") or {}
    tools = record.get("server_tool_use") or {}
    row: Row = {
        "bucket": timestamp(record["starting_at"]),
        "bucket_end": timestamp(record.get("ending_at")),
    }
    for dimension in USAGE_DIMENSIONS:
        row[dimension] = record.get(dimension)
    row["input_tokens"] = record.get("uncached_input_tokens")
    row["output_tokens"] = record.get("output_tokens")
    row["input_cached_tokens"] = record.get("cache_read_input_tokens")
    row["cache_creation_ephemeral_5m_input_tokens"] = cache.get("ephemeral_5m_input_tokens")
    row["cache_creation_ephemeral_1h_input_tokens"] = cache.get("ephemeral_1h_input_tokens")
    row["server_tool_search_count"] = tools.get("web_search_requests")
    row["extra_fields"] = extra_fields(record, USAGE_FIELDS)
    return row


COST_DETAILS = ("currency", "cost_type", "model", "token_type", "service_tier")
COST_FIELDS = BUCKET_FIELDS | frozenset(
    {"amount", "workspace_id", "description", "context_window", "inference_geo", *COST_DETAILS}
)


def cost_row(record: Record) -> Row:
    """One `cost_report` row: a day × workspace × description, the amount kept exact."""
    cents = decimal(record.get("amount"))
    row: Row = {
        "bucket": timestamp(record["starting_at"]),
        "bucket_end": timestamp(record.get("ending_at")),
        "workspace_id": record.get("workspace_id"),
        "description": record.get("description"),
        "amount_cents": cents,
        "amount_usd": cents.scaleb(-2) if cents is not None else None,
    }
    for field in (*COST_DETAILS, "context_window", "inference_geo"):
        row[field] = record.get(field)
    row["extra_fields"] = extra_fields(record, COST_FIELDS)
    return row


# --- organization and its members ---------------------------------------------------------

ORGANIZATION_FIELDS = frozenset({"id", "name", "type"})


def organization_row(record: Record) -> Row:
    return {
        "id": record["id"],
        "name": record.get("name"),
        "type": record.get("type"),
        "extra_fields": extra_fields(record, ORGANIZATION_FIELDS),
    }


WORKSPACE_FIELDS = frozenset(
    {
        "id",
        "type",
        "name",
        "created_at",
        "archived_at",
        "display_color",
        "data_residency",
        "tags",
        "compartment_id",
        "external_key_id",
    }
)


def workspace_row(record: Record) -> Row:
    residency = record.get("data_residency") or {}
    allowed = residency.get("allowed_inference_geos")
    return {
        "id": record["id"],
        "name": record.get("name"),
        "type": record.get("type"),
        "created_at": timestamp(record.get("created_at")),
        "archived_at": timestamp(record.get("archived_at")),
        "display_color": record.get("display_color"),
        "data_residency_workspace_geo": residency.get("workspace_geo"),
        "data_residency_default_inference_geo": residency.get("default_inference_geo"),
        # A list, or the word "unrestricted": stored as JSON either way, so it always parses.
        "data_residency_allowed_inference_geos": to_json(allowed),
        "tags": to_json(record.get("tags")),
        "compartment_id": record.get("compartment_id"),
        "external_key_id": record.get("external_key_id"),
        "extra_fields": extra_fields(record, WORKSPACE_FIELDS),
    }


API_KEY_FIELDS = frozenset(
    {
        "id",
        "type",
        "name",
        "status",
        "created_at",
        "created_by",
        "partial_key_hint",
        "workspace_id",
        "expires_at",
        "principal",
        "scope",
    }
)


def api_key_row(record: Record) -> Row:
    """One `api_keys` row, from any shape the API has served (see `key_workspace`)."""
    created_by = record.get("created_by") or {}
    scope = record.get("scope") or {}
    creator_type = created_by.get("type")
    principal_type, principal_id = key_principal(record.get("principal"))
    return {
        "id": record["id"],
        "name": record.get("name"),
        "status": record.get("status"),
        "created_at": timestamp(record.get("created_at")),
        "workspace_id": record.get("workspace_id"),
        "created_by_user_id": created_by.get("id") if creator_type == "user" else None,
        "created_by_id": created_by.get("id"),
        "created_by_type": creator_type,
        "partial_key_hint": record.get("partial_key_hint"),
        "expires_at": timestamp(record.get("expires_at")),
        "principal_id": principal_id,
        "principal_type": principal_type,
        "scope_type": scope.get("type"),
        "scope_workspace_id": scope.get("workspace_id"),
        "type": record.get("type"),
        "extra_fields": extra_fields(record, API_KEY_FIELDS),
    }


# The August 2026 form is {id, type: user|service_account}; the union form since the SDKs of
# 2026-08-26 is {type: user_actor, user_id} | {type: service_account_actor, service_account_id}.
_PRINCIPAL_TYPES = {
    "user": "user",
    "user_actor": "user",
    "service_account": "service_account",
    "service_account_actor": "service_account",
}


def key_principal(principal: Any) -> tuple[str | None, str | None]:
    """(type, id) of the user or service account a key acts as, from either form; the type is
    `user` or `service_account` in both (an unknown type is kept as sent)."""
    if not isinstance(principal, dict):
        return None, None
    kind = principal.get("type")
    ident = principal.get("id") or principal.get("user_id") or principal.get("service_account_id")
    return _PRINCIPAL_TYPES.get(kind, kind) if kind is not None else None, ident


def key_workspace(record: Record, listed: set[str]) -> Any:
    """The workspace of an API key as the reports name it: `workspace_id` while the API sends
    it, else the scope's workspace, where the Default workspace (which has a real ID in the
    scope but is never listed) is null, as in the usage and cost reports."""
    if "workspace_id" in record:
        return record["workspace_id"]
    scope = record.get("scope") or {}
    workspace = scope.get("workspace_id") if scope.get("type") == "workspace" else None
    return workspace if workspace in listed else None


INVITE_FIELDS = frozenset(
    {
        "id",
        "type",
        "email",
        "role",
        "status",
        "invited_at",
        "expires_at",
        "accepted_at",
        "rbac_group_ids",
    }
)


def invite_row(record: Record) -> Row:
    return {
        "id": record["id"],
        "email": record.get("email"),
        "role": record.get("role"),
        "status": record.get("status"),
        "created_at": timestamp(record.get("invited_at")),
        "expires_at": timestamp(record.get("expires_at")),
        "accepted_at": timestamp(record.get("accepted_at")),
        "rbac_group_ids": to_json(record.get("rbac_group_ids")),
        "type": record.get("type"),
        "extra_fields": extra_fields(record, INVITE_FIELDS),
    }


USER_FIELDS = frozenset({"id", "type", "email", "name", "role", "added_at"})


def user_row(record: Record) -> Row:
    return {
        "id": record["id"],
        "email": record.get("email"),
        "name": record.get("name"),
        "role": record.get("role"),
        "created_at": timestamp(record.get("added_at")),
        "type": record.get("type"),
        "extra_fields": extra_fields(record, USER_FIELDS),
    }


MEMBER_FIELDS = frozenset({"type", "user_id", "workspace_id", "workspace_role"})


def member_row(record: Record) -> Row:
    return {
        "workspace_id": record["workspace_id"],
        "user_id": record["user_id"],
        "role": record.get("workspace_role"),
        "type": record.get("type"),
        "extra_fields": extra_fields(record, MEMBER_FIELDS),
    }
