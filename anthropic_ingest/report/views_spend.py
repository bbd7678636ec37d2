"""The "who spends what" views: analytics cost and usage resolved to people, service accounts
and API keys; monthly cost per user, API key, workspace and product; Claude Code cost per
developer (estimated and billed); the daily reconciliation of the two cost reports.

Months and days are UTC; every amount is summed from exact cents and converted to dollars in
SQL (`sql.cents_to_usd`), never through a float.
"""

from __future__ import annotations

from collections.abc import Callable

from anthropic_ingest.report import sql
from anthropic_ingest.report.view_base import (
    WORKSPACE_NAME,
    ViewContext,
    ViewSpec,
    literal,
    names,
    same,
    workspace_name,
)
from anthropic_ingest.schema import Column, col

NO_API_KEY = "No API key"
NO_ACTOR = "No actor"
SEVERAL_WORKSPACES = "Several workspaces"
# Name tables every view of this module reads when they are loaded.
LOOKUPS = ("users", "service_accounts", "api_keys", "workspaces")
_CENTS = "DECIMAL(38, 12)"
_USER = "a.actor_type = 'user'"
ViewSpecSelect = Callable[[ViewContext], str]


def _usd_sum(expr: str) -> str:
    """Exact dollars of a sum of cents; zero when there are no rows."""
    return sql.cents_to_usd(f"COALESCE(SUM({expr}), 0)")


def _named_select(ctx: ViewContext, table: str, measures: str) -> str:
    """Rows of an analytics table with the actor, API key and workspace resolved to names."""
    users = ctx.t("users")
    by_id = f"(SELECT id, MAX(email) AS email, MAX(name) AS name FROM {users} AS src GROUP BY id)"
    by_email = (
        "(SELECT LOWER(email) AS id, MAX(id) AS user_id, MAX(email) AS email, "
        f"MAX(name) AS name FROM {users} AS src GROUP BY LOWER(email))"
    )
    actor_name = (
        "CASE a.actor_type "
        "WHEN 'user' THEN COALESCE(ui.name, ue.name, ui.email, ue.email, a.actor_email, "
        "a.actor_id) WHEN 'service_account' THEN COALESCE(sa.name, a.actor_id) "
        "WHEN 'api_key' THEN COALESCE(ak.name, a.actor_id) "
        f"ELSE COALESCE(a.actor_id, {literal(NO_ACTOR)}) END"
    )
    return (
        f"SELECT a.bucket AS bucket, {ctx.day(table, 'a', 'bucket')} AS date, "
        f"{ctx.month(table, 'a', 'bucket')} AS month, a.actor_type AS actor_type, "
        "a.actor_id AS actor_id, a.actor_email AS actor_email, "
        f"CASE WHEN {_USER} THEN COALESCE(ui.id, ue.user_id, a.actor_id) END AS user_id, "
        f"CASE WHEN {_USER} THEN COALESCE(ui.email, ue.email, a.actor_email) END AS user_email, "
        "COALESCE(ui.name, ue.name) AS user_name, sa.name AS service_account_name, "
        f"{actor_name} AS actor_name, a.product AS product, a.model AS model, "
        "a.api_key_id AS api_key_id, "
        f"CASE WHEN a.api_key_id IS NULL THEN {literal(NO_API_KEY)} "
        "ELSE COALESCE(k.name, a.api_key_id) END AS api_key_name, "
        f"a.workspace_id AS workspace_id, {workspace_name('a', 'w')} AS workspace_name, "
        f"{measures} FROM {ctx.t(table)} a "
        f"LEFT JOIN {by_id} ui ON {_USER} AND ui.id = a.actor_id "
        f"LEFT JOIN {by_email} ue ON {_USER} AND ue.id = LOWER(a.actor_email) "
        f"LEFT JOIN {names(ctx, 'service_accounts')} sa "
        "ON a.actor_type = 'service_account' AND sa.id = a.actor_id "
        f"LEFT JOIN {names(ctx, 'api_keys')} ak ON a.actor_type = 'api_key' AND ak.id = a.actor_id "
        f"LEFT JOIN {names(ctx, 'api_keys')} k ON k.id = a.api_key_id "
        f"LEFT JOIN {names(ctx, 'workspaces')} w ON w.id = a.workspace_id "
        f"WHERE {ctx.within(table, 'a', 'bucket')}"
    )


def _cost_named(ctx: ViewContext) -> str:
    measures = (
        "a.cost_type AS cost_type, a.token_type AS token_type, "
        "a.amount_cents AS amount_cents, a.list_amount_cents AS list_amount_cents, "
        f"{sql.cents_to_usd('a.amount_cents')} AS amount_usd, "
        f"{sql.cents_to_usd('a.list_amount_cents')} AS list_amount_usd"
    )
    return _named_select(ctx, "analytics_cost", measures)


_TOKENS = (
    "uncached_input_tokens",
    "cache_creation_ephemeral_5m_input_tokens",
    "cache_creation_ephemeral_1h_input_tokens",
    "cache_read_input_tokens",
    "output_tokens",
    "web_search_requests",
    "requests",
    "total_tokens",
)


def _usage_named(ctx: ViewContext) -> str:
    return _named_select(ctx, "analytics_usage", ", ".join(f"a.{c} AS {c}" for c in _TOKENS))


def _monthly(group: str, labels: str = "", where: str = "1 = 1") -> ViewSpecSelect:
    """Monthly billed and list cost of analytics_cost_named, grouped by one dimension;
    `labels` are more columns (each `expr AS name, `) taken per group."""

    def select(ctx: ViewContext) -> str:
        return (
            f"SELECT n.month AS month, {sql.months_ago('n.month', ctx.dialect)} AS months_ago, "
            f"n.{group} AS {group}, {labels}{_usd_sum('n.amount_cents')} AS amount_usd, "
            f"{_usd_sum('n.list_amount_cents')} AS list_amount_usd "
            f"FROM ({_cost_named(ctx)}) n WHERE {where} GROUP BY n.month, n.{group}"
        )

    return select


def _claude_code_monthly(ctx: ViewContext) -> str:
    """Estimated (claude_code_usage, by email) and billed (analytics_cost, product
    claude_code, user actors) side by side; MySQL has no FULL JOIN, so a UNION ALL."""
    none = f"CAST(NULL AS {_CENTS})"
    by_email = (
        "(SELECT LOWER(email) AS id, MAX(id) AS user_id, MAX(email) AS email, "
        f"MAX(name) AS name FROM {ctx.t('users')} AS src GROUP BY LOWER(email))"
    )
    estimated = (
        f"SELECT {sql.month(ctx.day('claude_code_usage', 'u', 'date'), ctx.dialect)} AS month, "
        "LOWER(u.actor_id) AS person, p.user_id AS user_id, "
        "COALESCE(p.email, u.actor_id) AS user_email, p.name AS user_name, "
        f"u.total_estimated_cost_cents AS estimated, {none} AS billed, {none} AS list "
        f"FROM {ctx.t('claude_code_usage')} u LEFT JOIN {by_email} p "
        "ON p.id = LOWER(u.actor_id) WHERE u.actor_type = 'user_actor' "
        f"AND {ctx.within('claude_code_usage', 'u', 'date')}"
    )
    billed = (
        "SELECT n.month, LOWER(COALESCE(n.user_email, n.user_id)), n.user_id, n.user_email, "
        f"n.user_name, {none}, n.amount_cents, n.list_amount_cents FROM ({_cost_named(ctx)}) n "
        "WHERE n.actor_type = 'user' AND n.product = 'claude_code'"
    )
    return (
        f"SELECT m.month AS month, {sql.months_ago('m.month', ctx.dialect)} AS months_ago, "
        "MAX(m.user_id) AS user_id, MAX(m.user_email) AS user_email, "
        "MAX(m.user_name) AS user_name, "
        f"{sql.cents_to_usd('SUM(m.estimated)')} AS estimated_cost_usd, "
        f"{sql.cents_to_usd('SUM(m.billed)')} AS billed_usd, "
        f"{sql.cents_to_usd('SUM(m.list)')} AS billed_list_usd "
        f"FROM ({estimated} UNION ALL {billed}) m GROUP BY m.month, m.person"
    )


def _reconciliation(ctx: ViewContext) -> str:
    none = f"CAST(NULL AS {_CENTS})"
    legacy = (
        f"SELECT {ctx.day('cost_report', 'c', 'bucket')} AS date, "
        f"c.amount_cents AS cost_report_cents, {none} AS analytics_cents "
        f"FROM {ctx.t('cost_report')} c WHERE {ctx.within('cost_report', 'c', 'bucket')}"
    )
    analytics = (
        f"SELECT {ctx.day('analytics_cost', 'a', 'bucket')}, {none}, a.amount_cents "
        f"FROM {ctx.t('analytics_cost')} a WHERE {ctx.within('analytics_cost', 'a', 'bucket')}"
    )
    first = (
        f"(SELECT MIN({ctx.day('analytics_cost', 'f', 'bucket')}) FROM {ctx.t('analytics_cost')} f)"
    )
    difference = "(COALESCE(SUM(d.cost_report_cents), 0) - COALESCE(SUM(d.analytics_cents), 0))"
    return (
        f"SELECT d.date AS date, {_usd_sum('d.cost_report_cents')} AS cost_report_usd, "
        f"{_usd_sum('d.analytics_cents')} AS analytics_cost_usd, "
        f"{sql.cents_to_usd(difference)} AS difference_usd FROM ({legacy} UNION ALL {analytics}) d "
        f"WHERE d.date >= {first} GROUP BY d.date"
    )


# --- declarations ----------------------------------------------------------------------------

_MONTH = col("month", "date", "The UTC month, as its first day.", "bucket")
_MONTHS_AGO = col(
    "months_ago",
    "bigint",
    "0 for the current UTC month, 1 for last month, …: `WHERE months_ago = 1` is last month.",
)
_AMOUNT = col(
    "amount_usd", "usd", "Billed cost in US dollars (after discounts, before credits), exact."
)
_LIST = col("list_amount_usd", "usd", "The same at list price (before discounts), exact.")
_USER_ID = col(
    "user_id", "text", "The user's ID (user_…): from users, matched by ID or email; else the API's."
)
_USER_EMAIL = col(
    "user_email", "text", "The user's email: from users, or the one the API sent; null if none."
)
_USER_NAME = col(
    "user_name", "text", "The user's name from users; null when it does not know them."
)
_API_KEY_NAME = col(
    "api_key_name",
    "text",
    f"The key's name; '{NO_API_KEY}' when api_key_id is null; the ID when api_keys does not "
    "know it.",
)


def _identity(table: str) -> tuple[Column, ...]:
    return (
        *same(table, "bucket"),
        col("date", "date", "The UTC day of the bucket.", "bucket"),
        _MONTH,
        *same(table, "actor_type", "actor_id", "actor_email"),
        col("user_id", "text", "For user rows: " + _USER_ID.description),
        col("user_email", "text", "For user rows: " + _USER_EMAIL.description),
        _USER_NAME,
        col(
            "service_account_name",
            "text",
            "For service account rows: its name from service_accounts; null when unknown.",
        ),
        col(
            "actor_name",
            "text",
            "Who: the user's name (else email, else ID), the service account's name or the API "
            f"key's name (else their ID); '{NO_ACTOR}' when the row has no actor.",
        ),
        *same(table, "product", "model", "api_key_id"),
        _API_KEY_NAME,
        *same(table, "workspace_id"),
        WORKSPACE_NAME,
    )


ANALYTICS_COST_NAMED = ViewSpec(
    name="analytics_cost_named",
    description=(
        "analytics_cost with each row resolved to a person (email and name from users, by "
        "user ID or email), a service account (its name) or an API key (its name), with API "
        "key and workspace names, UTC day and month, and amounts in exact US dollars."
    ),
    sources=("analytics_cost",),
    lookups=LOOKUPS,
    select=_cost_named,
    columns=(
        *_identity("analytics_cost"),
        *same("analytics_cost", "cost_type", "token_type", "amount_cents", "list_amount_cents"),
        _AMOUNT,
        _LIST,
    ),
)

ANALYTICS_USAGE_NAMED = ViewSpec(
    name="analytics_usage_named",
    description=(
        "analytics_usage with each row resolved to a person, service account or API key, "
        "as in analytics_cost_named."
    ),
    sources=("analytics_usage",),
    lookups=LOOKUPS,
    select=_usage_named,
    columns=(*_identity("analytics_usage"), *same("analytics_usage", *_TOKENS)),
)


def _monthly_spec(
    name: str, what: str, keys: tuple[Column, ...], select: ViewSpecSelect
) -> ViewSpec:
    return ViewSpec(
        name=name,
        description=f"Billed and list cost per UTC month and {what}, from analytics_cost.",
        sources=("analytics_cost",),
        lookups=LOOKUPS,
        select=select,
        columns=(_MONTH, _MONTHS_AGO, *keys, _AMOUNT, _LIST),
    )


COST_MONTHLY_BY_USER = _monthly_spec(
    "cost_monthly_by_user",
    "user (rows attributed to a person; service accounts and API keys acting on their own are "
    "in cost_monthly_by_api_key)",
    (_USER_ID, _USER_EMAIL, _USER_NAME),
    _monthly(
        "user_id",
        "MAX(n.user_email) AS user_email, MAX(n.user_name) AS user_name, ",
        "n.actor_type = 'user'",
    ),
)
COST_MONTHLY_BY_API_KEY = _monthly_spec(
    "cost_monthly_by_api_key",
    "API key the usage came through (whoever used it)",
    (
        *same("analytics_cost", "api_key_id"),
        _API_KEY_NAME,
        col(
            "workspace_name",
            "text",
            f"The workspace of the key's usage; '{SEVERAL_WORKSPACES}' when it spans more "
            "than one.",
        ),
    ),
    _monthly(
        "api_key_id",
        "MAX(n.api_key_name) AS api_key_name, CASE WHEN COUNT(DISTINCT "
        f"COALESCE(n.workspace_id, '')) > 1 THEN {literal(SEVERAL_WORKSPACES)} "
        "ELSE MAX(n.workspace_name) END AS workspace_name, ",
    ),
)
COST_MONTHLY_BY_WORKSPACE = _monthly_spec(
    "cost_monthly_by_workspace",
    "workspace",
    (*same("analytics_cost", "workspace_id"), WORKSPACE_NAME),
    _monthly("workspace_id", "MAX(n.workspace_name) AS workspace_name, "),
)
COST_MONTHLY_BY_PRODUCT = _monthly_spec(
    "cost_monthly_by_product",
    "product",
    (col("product", "text", "claude_code, chat, …; null for API traffic and code execution."),),
    _monthly("product"),
)

CLAUDE_CODE_COST_MONTHLY_BY_USER = ViewSpec(
    name="claude_code_cost_monthly_by_user",
    description=(
        "Claude Code cost per UTC month and developer: the list-price estimate from "
        "claude_code_usage (user rows, by email) next to the billed amount from analytics_cost "
        "(product claude_code, user rows, by the user's email), so the two can be compared."
    ),
    sources=("analytics_cost",),
    lookups=("claude_code_usage", *LOOKUPS),
    select=_claude_code_monthly,
    columns=(
        _MONTH,
        _MONTHS_AGO,
        _USER_ID,
        col("user_email", "text", "The developer's email (the key both sides are matched by)."),
        _USER_NAME,
        col(
            "estimated_cost_usd",
            "usd",
            "Claude Code's estimated cost (claude_code_usage), exact; null without rows there.",
        ),
        col(
            "billed_usd",
            "usd",
            "Billed Claude Code cost (analytics_cost), exact; null without rows there.",
        ),
        col("billed_list_usd", "usd", "The billed rows at list price, exact; null as above."),
    ),
)

COST_RECONCILIATION_DAILY = ViewSpec(
    name="cost_reconciliation_daily",
    description=(
        "Per UTC day, the total of cost_report next to the total of analytics_cost and the "
        "difference, from the first day analytics_cost holds."
    ),
    sources=("cost_report", "analytics_cost"),
    lookups=(),
    select=_reconciliation,
    columns=(
        col("date", "date", "The UTC day.", "bucket"),
        col("cost_report_usd", "usd", "Sum of cost_report that day, exact."),
        col("analytics_cost_usd", "usd", "Sum of analytics_cost that day, exact."),
        col("difference_usd", "usd", "cost_report_usd − analytics_cost_usd, exact."),
    ),
)

SPEND_VIEWS = (
    ANALYTICS_COST_NAMED,
    ANALYTICS_USAGE_NAMED,
    COST_MONTHLY_BY_USER,
    COST_MONTHLY_BY_API_KEY,
    COST_MONTHLY_BY_WORKSPACE,
    COST_MONTHLY_BY_PRODUCT,
    CLAUDE_CODE_COST_MONTHLY_BY_USER,
    COST_RECONCILIATION_DAILY,
)
