"""SQL views created next to the loaded tables, so BI tools get the common answers ready-made.

Each view is declared once in `VIEWS` (name, description, columns, SQL); the table reference
lists them from here. `create_views` (re)creates them in a dlt pipeline's destination.

A view needs its source tables; name lookups (workspaces, API keys, users) are optional:
when such a table is not loaded yet, an empty stand-in with its columns takes its place, so
names fall back to IDs until the next load re-creates the view with the real table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dlt

from anthropic_ingest.report import sql
from anthropic_ingest.report.sql import CONSOLE_USAGE, quote_identifier
from anthropic_ingest.report.view_base import (
    WORKSPACE_NAME,
    ViewContext,
    ViewSpec,
    literal,
    names,
    same,
    stand_in,
    workspace_name,
)
from anthropic_ingest.report.views_enterprise import ENTERPRISE_VIEWS
from anthropic_ingest.report.views_spend import SPEND_VIEWS
from anthropic_ingest.schema import SQL_NAMES, col
from anthropic_ingest.tables import TABLES
from anthropic_ingest.transforms import KNOWN_TOOLS

__all__ = ["VIEWS", "ViewContext", "ViewSpec", "create_views", "stand_in", "views_markdown"]


def _claude_code_daily(ctx: ViewContext) -> str:
    def total(expr: str) -> str:
        return f"CAST(COALESCE(SUM({expr}), 0) AS {sql.bigint(ctx.dialect)})"

    tools = {
        outcome: " + ".join(f"COALESCE(u.{tool}_{outcome}, 0)" for tool in KNOWN_TOOLS)
        for outcome in ("accepted", "rejected")
    }
    sums = [
        *(
            f"{total('u.' + c)} AS {c}"
            for c in (
                "num_sessions",
                "lines_added",
                "lines_removed",
                "commits_by_claude_code",
                "pull_requests_by_claude_code",
            )
        ),
        f"{total(tools['accepted'])} AS edits_accepted",
        f"{total(tools['rejected'])} AS edits_rejected",
        f"{total('CASE WHEN u.is_remote THEN u.num_sessions ELSE 0 END')} AS remote_sessions",
        *(
            f"{total('u.total_' + c)} AS total_{c}"
            for c in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")
        ),
        f"{sql.cents_to_usd('COALESCE(SUM(u.total_estimated_cost_cents), 0)')} "
        "AS estimated_cost_usd",
    ]
    return (
        "SELECT u.date AS date, u.actor_type AS actor_type, u.actor_id AS actor_id, "
        f"MAX(p.name) AS user_name, {', '.join(sums)} "
        f"FROM {ctx.t('claude_code_usage')} u "
        f"LEFT JOIN {names(ctx, 'users', 'LOWER(email)')} p "
        "ON u.actor_type = 'user_actor' AND p.id = LOWER(u.actor_id) "
        "GROUP BY u.date, u.actor_type, u.actor_id"
    )


def _cost_daily(ctx: ViewContext) -> str:
    # The bucket's UTC day as a DATE, so no session time zone moves it to the day before.
    zone = "datetime" if ctx.dialect == "mysql" else "timestamp with time zone"
    return (
        f"SELECT {sql.day('c.bucket', zone, ctx.dialect)} AS date, "
        "c.workspace_id AS workspace_id, "
        f"MAX({workspace_name('c', 'w')}) AS workspace_name, "
        f"{sql.cents_to_usd('COALESCE(SUM(c.amount_cents), 0)')} AS cost_usd "
        f"FROM {ctx.t('cost_report')} c LEFT JOIN {names(ctx, 'workspaces')} w "
        "ON w.id = c.workspace_id GROUP BY c.bucket, c.workspace_id"
    )


def _usage_named(ctx: ViewContext) -> str:
    writes = (
        "COALESCE(r.cache_creation_ephemeral_5m_input_tokens, 0) "
        "+ COALESCE(r.cache_creation_ephemeral_1h_input_tokens, 0)"
    )
    return (
        "SELECT r.bucket AS bucket, r.bucket_end AS bucket_end, r.workspace_id AS workspace_id, "
        f"{workspace_name('r', 'w')} AS workspace_name, r.api_key_id AS api_key_id, "
        f"CASE WHEN r.api_key_id IS NULL THEN {literal(CONSOLE_USAGE)} "
        "ELSE COALESCE(k.name, r.api_key_id) END AS api_key_name, "
        "r.model AS model, r.service_tier AS service_tier, r.context_window AS context_window, "
        "r.inference_geo AS inference_geo, r.input_tokens AS input_tokens, "
        f"r.input_cached_tokens AS input_cached_tokens, {writes} AS cache_creation_input_tokens, "
        f"COALESCE(r.input_tokens, 0) + COALESCE(r.input_cached_tokens, 0) + {writes} "
        "AS total_input_tokens, r.output_tokens AS output_tokens, "
        "r.server_tool_search_count AS server_tool_search_count "
        f"FROM {ctx.t('usage_report')} r "
        f"LEFT JOIN {names(ctx, 'workspaces')} w ON w.id = r.workspace_id "
        f"LEFT JOIN {names(ctx, 'api_keys')} k ON k.id = r.api_key_id"
    )


CLAUDE_CODE_DAILY_USER_SUMMARY = ViewSpec(
    name="claude_code_daily_user_summary",
    description=(
        "Claude Code per UTC day and user (or API key), summed over terminals and "
        "local/remote use, with the user's name and estimated cost in USD."
    ),
    sources=("claude_code_usage",),
    lookups=("users",),
    select=_claude_code_daily,
    columns=(
        *same("claude_code_usage", "date", "actor_type", "actor_id"),
        col("user_name", "text", "The user's name from users (matched by email); null else."),
        col("num_sessions", "bigint", "Sessions."),
        col("lines_added", "bigint", "Lines added."),
        col("lines_removed", "bigint", "Lines removed."),
        col("commits_by_claude_code", "bigint", "Commits made through Claude Code."),
        col("pull_requests_by_claude_code", "bigint", "Pull requests made through Claude Code."),
        col(
            "edits_accepted",
            "bigint",
            "Accepted proposals of the edit, multi-edit, write and notebook-edit tools.",
        ),
        col("edits_rejected", "bigint", "Rejected proposals of the same tools."),
        col("remote_sessions", "bigint", "Sessions of remote use (e.g. Claude Code on the web)."),
        col("total_input_tokens", "bigint", "Input tokens."),
        col("total_output_tokens", "bigint", "Output tokens."),
        col("total_cache_read_tokens", "bigint", "Cache-read tokens."),
        col("total_cache_creation_tokens", "bigint", "Cache-creation tokens."),
        col("estimated_cost_usd", "usd", "Estimated cost in US dollars (cents / 100), exact."),
    ),
)

COST_DAILY_USD_BY_WORKSPACE = ViewSpec(
    name="cost_daily_usd_by_workspace",
    description="Billed cost in US dollars per UTC day and workspace, with the workspace name.",
    sources=("cost_report",),
    lookups=("workspaces",),
    select=_cost_daily,
    columns=(
        col("date", "date", "The UTC day of the cost bucket.", "bucket"),
        *same("cost_report", "workspace_id"),
        WORKSPACE_NAME,
        col("cost_usd", "usd", "Cost in US dollars (sum of amount_cents / 100), exact."),
    ),
)

USAGE_REPORT_NAMED = ViewSpec(
    name="usage_report_named",
    description=(
        "usage_report with workspace and API key names, cache writes added up and total "
        "input tokens (uncached + cache reads + cache writes)."
    ),
    sources=("usage_report",),
    lookups=("workspaces", "api_keys"),
    select=_usage_named,
    columns=(
        *same("usage_report", "bucket", "bucket_end", "workspace_id"),
        WORKSPACE_NAME,
        *same("usage_report", "api_key_id"),
        col(
            "api_key_name",
            "text",
            f"The key's name; '{CONSOLE_USAGE}' when api_key_id is null; the ID when the "
            "api_keys table does not know it.",
        ),
        *same(
            "usage_report",
            "model",
            "service_tier",
            "context_window",
            "inference_geo",
            "input_tokens",
            "input_cached_tokens",
        ),
        col(
            "cache_creation_input_tokens",
            "bigint",
            "Input tokens written to the cache (5-minute + 1-hour).",
        ),
        col(
            "total_input_tokens",
            "bigint",
            "All input tokens: input_tokens + input_cached_tokens + cache_creation_input_tokens.",
        ),
        *same("usage_report", "output_tokens", "server_tool_search_count"),
    ),
)

# Every view, in the order they are created and documented.
VIEWS: tuple[ViewSpec, ...] = (
    CLAUDE_CODE_DAILY_USER_SUMMARY,
    COST_DAILY_USD_BY_WORKSPACE,
    USAGE_REPORT_NAMED,
    *SPEND_VIEWS,
    *ENTERPRISE_VIEWS,
)


def create_views(pipeline: dlt.Pipeline) -> list[str]:
    """(Re)create every view whose source tables exist in the pipeline's dataset.

    Returns the names of the views created, in declaration order. Destinations without
    SQL views (or in a dialect not covered: DuckDB, PostgreSQL, MySQL) get none.
    """
    with pipeline.sql_client() as client:
        dialect = _dialect(pipeline, client)
        if dialect is None:
            return []
        qualify = _qualifier(client, dialect)
        existing = _existing_tables(client, dialect)

        def relation(table: str) -> str:
            if table not in existing:
                return stand_in(table, dialect)
            # DuckDB binds the names in a view's body in the view's own schema, and refuses
            # `catalog.schema.t` there when catalog and schema share a name (the default
            # anthropic.duckdb holding dataset anthropic): so sources stay unqualified.
            return quote_identifier(table) if dialect == "duckdb" else qualify(table)

        wanted = [view for view in VIEWS if all(s in existing for s in view.sources)]
        statements = [
            statement
            for view in wanted
            for statement in (
                f"DROP VIEW IF EXISTS {qualify(view.name)}",
                f"CREATE VIEW {qualify(view.name)} AS {view.sql(dialect, relation)}",
            )
        ]
        # One transaction: the views change together, and DuckDB and PostgreSQL commit (and
        # flush their log) once instead of twice a view. MySQL commits each DDL statement
        # anyway.
        if statements:
            with client.begin_transaction():
                for statement in statements:
                    client.execute_sql(statement)
    return [view.name for view in wanted]


def _dialect(pipeline: dlt.Pipeline, client: Any) -> str | None:
    name = pipeline.destination.destination_name
    if name in ("duckdb", "motherduck"):
        return "duckdb"
    if name == "postgres":
        return "postgres"
    if name == "sqlalchemy" and getattr(client, "dialect_name", "") in ("mysql", "mariadb"):
        return "mysql"
    return None


def _schema(client: Any) -> str:
    return str(client.make_qualified_table_name_path(None, quote=False)[-1])


def _qualifier(client: Any, dialect: str) -> Callable[[str], str]:
    """Qualified names; in DuckDB with the catalog when the file is named like the dataset
    (`anthropic.duckdb` holding `anthropic`), where `anthropic.t` would be ambiguous."""
    prefix = ""
    already_qualified = len(client.make_qualified_table_name_path(None, quote=False)) > 1
    if dialect == "duckdb" and not already_qualified:
        ((catalog,),) = client.execute_sql("SELECT current_database()")
        if catalog == _schema(client):
            prefix = quote_identifier(str(catalog)) + "."

    def qualify(table: str) -> str:
        return prefix + str(client.make_qualified_table_name(table))

    return qualify


def _existing_tables(client: Any, dialect: str) -> set[str]:
    catalog = " AND table_catalog = current_database()" if dialect == "duckdb" else ""
    rows = client.execute_sql(
        "SELECT table_name FROM information_schema.tables "
        f"WHERE table_schema = %s AND table_type = 'BASE TABLE'{catalog}",
        _schema(client),
    )
    names = {str(name) for (name,) in rows or []}
    # a table's name as stored: on MySQL the dataset is a prefix (`anthropic__users`)
    return {t for t in TABLES if client.make_qualified_table_name_path(t, quote=False)[-1] in names}


def views_markdown() -> str:
    """The views as Markdown (name, description, sources, columns), for docs/report.md."""
    lines: list[str] = []
    for view in VIEWS:
        optional = (
            f"; reads {', '.join(view.lookups)} when loaded and does without until then"
            if view.lookups
            else ""
        )
        lines += [
            f"### `{view.name}`",
            "",
            view.description,
            "",
            f"Created when {', '.join(view.sources)} is loaded{optional}.",
            "",
            "| column | type | description |",
            "|---|---|---|",
            *(f"| `{c.name}` | {SQL_NAMES[c.type]} | {c.description} |" for c in view.columns),
            "",
        ]
    return "\n".join(lines)
