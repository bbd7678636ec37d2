"""Handlers of the `next_page`-only lists: service accounts and the org's rate limits (§7)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from anthropic_ingest.emulator import accounts, cursors
from anthropic_ingest.emulator.endpoints_analytics import check_access
from anthropic_ingest.emulator.errors import not_found
from anthropic_ingest.emulator.pagination import DEFAULT_LIMIT, MAX_LIMIT

if TYPE_CHECKING:
    from anthropic_ingest.emulator.routes import Call

Record = dict[str, Any]


def list_service_accounts(call: Call) -> Record:
    check_access(call.config.service_accounts_access, "service accounts")
    include_archived = call.query.flag("include_archived", False)
    limit = call.query.limit(DEFAULT_LIMIT, MAX_LIMIT)
    return cursors.offset_page(
        call.org.list_service_accounts(include_archived), call.query, call.path, limit
    )


def list_rate_limits(call: Call) -> Record:
    check_access(call.config.rate_limits_access, "the Rate Limits API")
    query = call.query
    group_type = query.choice("group_type", accounts.RATE_LIMIT_GROUP_TYPES)
    model = query.value("model")
    if model is not None and model not in accounts.known_models():
        raise not_found(f"model: {model!r} not found")
    shape = call.config.rate_limits_shape
    items = [
        accounts.shaped(limit, shape)
        for limit in call.org.rate_limits
        if (group_type is None or limit["group"]["type"] == group_type)
        and (model is None or model in (limit["models"] or ()))
    ]
    # §7: without `limit`, everything comes in one page.
    size = query.limit(max(1, len(items)), MAX_LIMIT)
    return cursors.offset_page(items, query, call.path, size)
