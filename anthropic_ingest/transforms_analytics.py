"""Record -> row functions of the tables beyond the original product page.

`analytics_cost` and `analytics_usage` read the Usage and Cost Analytics API (beta): flat rows
`{starting_at, ending_at, group: {...}, cost|usage: {...}}`. `service_accounts` and
`rate_limits` read two `next_page` lists. As in `transforms`, each function is pure, keeps
money exact, and keeps what it does not map in `extra_fields`.
"""

from __future__ import annotations

from typing import Any

from anthropic_ingest.transforms import decimal, extra_fields, timestamp, to_json

Record = dict[str, Any]
Row = dict[str, Any]

# --- analytics_cost / analytics_usage ------------------------------------------------------

# The group fields that are columns; any other non-null group field goes to extra_fields.
ANALYTICS_GROUP_COLUMNS = ("product", "model", "api_key_id", "workspace_id")
COST_GROUP_COLUMNS = (*ANALYTICS_GROUP_COLUMNS, "cost_type", "token_type")
ANALYTICS_FIELDS = frozenset({"starting_at", "ending_at", "group"})

# `group.actor` as an object: its type, and the field that holds its ID.
_ACTOR_OBJECTS = {
    "user_actor": ("user", "user_id"),
    "service_account_actor": ("service_account", "service_account_id"),
    "api_actor": ("api_key", "api_key_id"),
}
# `group.actor` as a tagged ID string: the prefix says what it is.
_ACTOR_PREFIXES = (("user_", "user"), ("svac_", "service_account"), ("apikey_", "api_key"))


def analytics_actor(actor: Any) -> tuple[str | None, str | None, str | None]:
    """(actor_type, actor_id, actor_email) of `group.actor`, in either form the API may send.

    The object form (`{type: "user_actor", user_id, email_address?}`, `{type: "api_actor",
    api_key_id}`, `{type: "service_account_actor", service_account_id}`) and the tagged ID form
    (`user_…`, `svac_…`, `apikey_…`) give the same row: actor_type is `user`,
    `service_account` or `api_key` in both. Only the object form can carry an email address.
    An unknown object type is kept without its `_actor` suffix; an unknown prefix has no type.
    """
    if actor is None:
        return None, None, None
    if isinstance(actor, str):
        tagged = next((k for prefix, k in _ACTOR_PREFIXES if actor.startswith(prefix)), None)
        return tagged, actor, None
    if not isinstance(actor, dict):
        raise TypeError(f"group.actor is neither an object nor an ID: {type(actor).__name__}")
    sent = actor.get("type")
    known = _ACTOR_OBJECTS.get(sent) if isinstance(sent, str) else None
    kind: str | None
    if known is not None:
        kind, id_field = known
    else:
        kind, id_field = (sent.removesuffix("_actor") if isinstance(sent, str) else None), "id"
    ident = actor.get(id_field)
    if ident is None:  # an unknown type: the first ID it carries
        ident = next((v for k, v in actor.items() if k.endswith("id") and v is not None), None)
    return kind, ident, actor.get("email_address")


def _analytics_base(record: Record, columns: tuple[str, ...]) -> tuple[Row, dict[str, Any]]:
    """The bucket, actor and group columns of an analytics row; and the unmapped non-null
    group fields (dimensions the table is not grouped by are present and null)."""
    group = record.get("group") or {}
    actor_type, actor_id, actor_email = analytics_actor(group.get("actor"))
    row: Row = {
        "bucket": timestamp(record["starting_at"]),
        "bucket_end": timestamp(record.get("ending_at")),
        "actor_type": actor_type,
        "actor_id": actor_id,
        "actor_email": actor_email,
    }
    for name in columns:
        row[name] = group.get(name)
    known = {"actor", *columns}
    unmapped = {k: v for k, v in group.items() if k not in known and v is not None}
    return row, unmapped


def _analytics_extra(
    record: Record, unmapped_group: dict[str, Any], metrics: str, known: frozenset[str]
) -> str | None:
    """JSON of everything the row does not map: top-level fields, non-null group fields and
    unknown metric fields; None when there is nothing."""
    unknown_top = record.keys() - ANALYTICS_FIELDS - {metrics}
    extra: dict[str, Any] = {k: record[k] for k in sorted(unknown_top)}
    if unmapped_group:
        extra["group"] = unmapped_group
    values = record.get(metrics) or {}
    unknown = {k: v for k, v in values.items() if k not in known}
    if unknown:
        extra[metrics] = unknown
    return to_json(extra) if extra else None


ANALYTICS_COST_FIELDS = frozenset({"amount", "list_amount", "currency", "requests"})


def analytics_cost_row(record: Record) -> Row:
    """One `analytics_cost` row: a day × actor × product × model × key × workspace × cost and
    token type. Amounts are cents with fractions, kept exact; `requests` is null when the API
    gives none (it never does when grouping by cost_type or token_type)."""
    row, unmapped = _analytics_base(record, COST_GROUP_COLUMNS)
    cost = record.get("cost") or {}
    cents = decimal(cost.get("amount"))
    row["amount_cents"] = cents
    row["list_amount_cents"] = decimal(cost.get("list_amount"))
    row["amount_usd"] = cents.scaleb(-2) if cents is not None else None
    row["currency"] = cost.get("currency")
    row["requests"] = cost.get("requests")
    row["extra_fields"] = _analytics_extra(record, unmapped, "cost", ANALYTICS_COST_FIELDS)
    return row


ANALYTICS_USAGE_FIELDS = frozenset(
    {
        "uncached_input_tokens",
        "cache_creation",
        "cache_read_input_tokens",
        "output_tokens",
        "server_tool_use",
        "requests",
        "total_tokens",
    }
)


def analytics_usage_row(record: Record) -> Row:
    """One `analytics_usage` row: a day × actor × product × model × key × workspace."""
    row, unmapped = _analytics_base(record, ANALYTICS_GROUP_COLUMNS)
    usage = record.get("usage") or {}
    cache = usage.get("cache_creation") or {}
    row["uncached_input_tokens"] = usage.get("uncached_input_tokens")
    row["cache_creation_ephemeral_5m_input_tokens"] = cache.get("ephemeral_5m_input_tokens")
    row["cache_creation_ephemeral_1h_input_tokens"] = cache.get("ephemeral_1h_input_tokens")
    row["cache_read_input_tokens"] = usage.get("cache_read_input_tokens")
    row["output_tokens"] = usage.get("output_tokens")
    row["web_search_requests"] = (usage.get("server_tool_use") or {}).get("web_search_requests")
    row["requests"] = usage.get("requests")
    row["total_tokens"] = usage.get("total_tokens")
    row["extra_fields"] = _analytics_extra(record, unmapped, "usage", ANALYTICS_USAGE_FIELDS)
    return row


# --- service_accounts ----------------------------------------------------------------------

SERVICE_ACCOUNT_FIELDS = frozenset(
    {
        "id",
        "type",
        "name",
        "description",
        "organization_role",
        "created_at",
        "created_by_actor_id",
        "updated_at",
        "updated_by_actor_id",
        "archived_at",
        "archived_by_actor_id",
    }
)


def service_account_row(record: Record) -> Row:
    return {
        "id": record["id"],
        "name": record.get("name"),
        "description": record.get("description"),
        "organization_role": record.get("organization_role"),
        "created_at": timestamp(record.get("created_at")),
        "archived_at": timestamp(record.get("archived_at")),
        "created_by_actor_id": record.get("created_by_actor_id"),
        "updated_at": timestamp(record.get("updated_at")),
        "updated_by_actor_id": record.get("updated_by_actor_id"),
        "archived_by_actor_id": record.get("archived_by_actor_id"),
        "type": record.get("type"),
        "extra_fields": extra_fields(record, SERVICE_ACCOUNT_FIELDS),
    }


# --- rate_limits ---------------------------------------------------------------------------

RATE_LIMIT_FIELDS = frozenset({"id", "type", "group", "group_type", "limits", "models"})


def rate_limit_rows(record: Record) -> list[Row]:
    """One `rate_limits` row per limit of a rate limit group (one row with a null limit when
    it lists none). The GA shape names the group as `group: {id, display_name, type}`; the
    older one sends only `group_type`: both are read, the older one has no group id or name."""
    group = record.get("group")
    if isinstance(group, dict):
        group_id, group_type, name = group.get("id"), group.get("type"), group.get("display_name")
    else:
        group_id, group_type, name = None, record.get("group_type"), None
    models = record.get("models")
    base: Row = {
        "rate_limit_id": record["id"],
        "group_id": group_id,
        "group_type": group_type,
        "group_name": name,
        "models": ",".join(str(m) for m in models) if models is not None else None,
    }
    extra = extra_fields(record, RATE_LIMIT_FIELDS)
    limits = record.get("limits") or [{}]
    return [
        {
            **base,
            "limit_type": limit.get("type"),
            "limit_value": limit.get("value"),
            "type": record.get("type"),
            "extra_fields": extra,
        }
        for limit in limits
    ]
