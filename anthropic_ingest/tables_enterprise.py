"""The Claude Enterprise tables: what an Analytics API key (scope `read:analytics`, minted in
claude.ai) reads, plus the organization's RBAC groups and effective spend limits.

Engagement tables hold one row per entity and day (`date`), read one day at a time; data
starts 2026-01-01 and lags about a day. All are optional: a key or plan that does not offer
one (403 or 404) makes it "not available" in a sync, with what the key needs.
Columns are the API's fields flattened with `_` (`transforms_enterprise`).
"""

from __future__ import annotations

from datetime import date

from anthropic_ingest import transforms_enterprise as te
from anthropic_ingest.endpoints import ORG, Endpoint
from anthropic_ingest.schema import Column, ColumnType, col
from anthropic_ingest.table_spec import EXTRA, TableSpec

ENTERPRISE_FIRST_DAY = date(2026, 1, 1)
# The engagement and spend-limit endpoints share 60 requests a minute per organization.
ENTERPRISE_PER_MINUTE = 60
NEEDS_ANALYTICS = "needs an Analytics API key with read:analytics (Claude Enterprise)"
NEEDS_ENTERPRISE = "needs a Claude Enterprise organization and a key allowed to read {}"
SPEND_BETA = (("anthropic-beta", "spend-limit-reads-2026-09-26"),)


def _engagement(path: str, paging: str = "per_day") -> Endpoint:
    return Endpoint(
        f"{ORG}/analytics/{path}",
        "date_range" if paging == "date_range" else "per_day",
        data_from=ENTERPRISE_FIRST_DAY,
        history_days=365,
        needs=NEEDS_ANALYTICS,
        per_minute=ENTERPRISE_PER_MINUTE,
    )


USERS = _engagement("users")
SUMMARIES = _engagement("summaries", "date_range")
SKILLS = _engagement("skills")
CONNECTORS = _engagement("connectors")
PLUGINS = _engagement("plugins")
PROJECTS = _engagement("apps/chat/projects")
ARTIFACTS = _engagement("artifacts")
RBAC_GROUPS = Endpoint(
    f"{ORG}/rbac_groups", "more", needs=NEEDS_ENTERPRISE.format("its groups"), shared=True
)
RBAC_GROUP_MEMBERS = Endpoint(
    f"{ORG}/rbac_groups/{{id}}/members", "more", parent=RBAC_GROUPS, needs=RBAC_GROUPS.needs
)
SPEND_LIMITS_EFFECTIVE = Endpoint(
    f"{ORG}/spend_limits/effective",
    "more",
    headers=SPEND_BETA,
    needs=NEEDS_ENTERPRISE.format("spend limits"),
    per_minute=ENTERPRISE_PER_MINUTE,
)


def api(path: str, type_: ColumnType, description: str) -> Column:
    """A column read from the dotted API `path`, named after it (`.` -> `_`)."""
    return col(te.api_name(path), type_, description, path)


def counts(prefix: str, names: str, what: str) -> tuple[Column, ...]:
    """Count columns of one metrics object (`names` space-separated)."""
    return tuple(
        api(f"{prefix}.{name}", "bigint", f"{what}: {name.replace('_', ' ')}.")
        for name in names.split()
    )


def metrics_json(names: str, what: str) -> tuple[Column, ...]:
    """Per-surface metric objects kept whole, as JSON (their fields vary by surface)."""
    return tuple(
        api(name, "json", f"{what} metrics for {name.removesuffix('_metrics')}, as JSON.")
        for name in names.split()
    )


DAY = col(
    "date",
    "date",
    "The UTC day the row counts (the day the request asked for).",
    "date",
)
REFRESHED = col(
    "data_refreshed_at",
    "timestamp",
    "When the API last refreshed these figures, where the page says so; null otherwise.",
    "data_refreshed_at",
)
CUTS = (
    api("product", "text", "Product of the row when grouped by product; null otherwise."),
    api("user_id", "text", "User of the row when grouped by user; null otherwise."),
    api("rbac_group_id", "text", "RBAC group when grouped by group; null otherwise."),
    api("rbac_group_name", "text", "The RBAC group's name, when resolved."),
)
SURFACES = "chat_metrics claude_code_metrics cowork_metrics office_metrics"
UNIFIED = "chat_cowork_unified_metrics"
CHAT = (
    "connectors_used_count distinct_artifacts_created_count distinct_connectors_used_count "
    "distinct_conversation_count distinct_files_uploaded_count distinct_projects_created_count "
    "distinct_projects_used_count distinct_shared_artifacts_viewed_count "
    "distinct_skills_used_count message_count shared_conversations_viewed_count "
    "thinking_message_count"
)
CORE = (
    "commit_count pull_request_count lines_of_code.added lines_of_code.removed "
    "distinct_session_count artifacts_created_count"
)
TOOLS = " ".join(
    f"{tool}.{outcome}"
    for tool in ("edit_tool", "multi_edit_tool", "notebook_edit_tool", "write_tool")
    for outcome in ("accepted", "rejected")
)
COWORK = (
    "action_count artifacts_created_count connectors_used_count dispatch_turn_count "
    "distinct_connectors_used_count distinct_session_count distinct_skills_used_count "
    "message_count skills_used_count distinct_plugins_used_count edit_tool_count "
    "file_edit_count multi_edit_tool_count notebook_edit_tool_count plugins_used_count "
    "sessions_with_file_edits_count write_tool_count"
)


def _engagement_table(
    name: str,
    description: str,
    source: Endpoint,
    key: tuple[str, ...],
    columns: tuple[Column, ...],
    expected: frozenset[str],
    lookback_days: int = 3,
    day_column: Column = DAY,
) -> TableSpec:
    every = (day_column, *columns, REFRESHED, EXTRA)
    query = "starting_date=..&ending_date=.." if source.paging == "date_range" else "date=D"
    return TableSpec(
        name=name,
        optional=True,
        description=description,
        endpoint=f"GET {source.path}?{query}",
        source=source,
        mode="window",
        cursor="date",
        lookback_days=lookback_days,
        key=("date", *key),
        to_rows=te.flat_rows(every),
        columns=every,
        expected_fields=expected,
    )


ENTERPRISE_USER_ACTIVITY = _engagement_table(
    "enterprise_user_activity",
    "Claude Enterprise: each member's activity per day in chat, Claude Code, Cowork, "
    "Claude Design, Office and Science (data from 2026-01-01, about a day late).",
    USERS,
    ("user_id",),
    (
        api("user.id", "text", "The member (user_…)."),
        api("user.email_address", "text", "The member's email address."),
        api("user.type", "text", "Always 'user'."),
        *counts("chat_metrics", CHAT, "claude.ai chat"),
        *counts("claude_code_metrics.core_metrics", CORE, "Claude Code"),
        *counts("claude_code_metrics.tool_actions", TOOLS, "Claude Code tool proposals"),
        *counts("cowork_metrics", COWORK, "Cowork"),
        *metrics_json("design_metrics office_metrics science_metrics", "Member's"),
        api(UNIFIED, "json", "Chat and Cowork unified activity ({chat, sessions}), as JSON."),
        api("web_search_count", "bigint", "Web searches."),
        api("distinct_user_count", "bigint", "Distinct users (grouped rows only)."),
        api("last_activity_date", "date", "The member's latest active UTC day in the window."),
        *CUTS[2:],
    ),
    frozenset({"user", "chat_metrics", "claude_code_metrics"}),
)

_ACTIVE = " ".join(
    f"{product}{period}_active_user_count"
    for product in ("", "cowork_", "chat_", "claude_code_", "claude_design_", "office_agent_")
    for period in ("daily", "weekly", "monthly")
)
_UNIFIED_ACTIVE = " ".join(
    f"chat_cowork_unified_{p}_active_user_count" for p in ("daily", "weekly", "monthly")
)
_SCIENCE = " ".join(f"science_{p}_active_user_count" for p in ("daily", "weekly", "monthly"))

ENTERPRISE_SUMMARIES = _engagement_table(
    "enterprise_summaries",
    "Claude Enterprise: organization-wide daily, weekly and monthly active users, per product, "
    "with seats, pending invites and adoption rates (one row per day).",
    SUMMARIES,
    (),
    (
        api("starting_at", "timestamp", "Start of the day (UTC)."),
        api("ending_at", "timestamp", "End of the day (exclusive)."),
        *(
            api(n, "bigint", f"Active users: {n.replace('_', ' ')}.")
            for n in f"{_ACTIVE} {_UNIFIED_ACTIVE} {_SCIENCE}".split()
        ),
        api("science_entitled_user_count", "bigint", "Members with a Claude Science seat."),
        api("assigned_seat_count", "bigint", "Seats assigned to members."),
        api("pending_invite_count", "bigint", "Pending invitations."),
        *(
            api(f"{p}_adoption_rate", "double", f"{p.capitalize()} active users per seat, %.")
            for p in ("daily", "weekly", "monthly")
        ),
    ),
    frozenset({"starting_at", "daily_active_user_count"}),
    # Rolling weekly and monthly counts move with every late day: re-read a week.
    lookback_days=7,
    day_column=col("date", "date", "The UTC day (the row's starting_at).", "starting_at"),
)

ENTERPRISE_SKILLS = _engagement_table(
    "enterprise_skills",
    "Claude Enterprise: each skill's use per day, with the overage spend and list-price "
    "value attributed to it in exact cents.",
    SKILLS,
    ("skill_name",),
    (
        api("skill_name", "text", "The skill (an opaque id for some; see skill_display_name)."),
        api("skill_display_name", "text", "Readable name where skill_name is an id."),
        api("distinct_user_count", "bigint", "Members who activated the skill."),
        api("invocation_count", "bigint", "Activations; null when not reported."),
        api("enable_count", "bigint", "Accounts that enabled it (claude.ai), org-wide."),
        api("share_status", "text", "private, organization or public (claude.ai skills)."),
        col(
            "estimated_overage_spend_cents",
            "cents",
            "Estimated overage spend attributed to the skill, exact cents.",
            "estimated_overage_spend",
        ),
        col(
            "attributed_list_price_cents",
            "cents",
            "List-price value of the requests that involved the skill, exact cents.",
            "attributed_list_price",
        ),
        api("currency", "text", "Currency of the two amounts (USD); null when both are."),
        *metrics_json(f"{SURFACES} {UNIFIED}", "The skill's"),
        *CUTS,
    ),
    frozenset({"skill_name", "distinct_user_count"}),
)

ENTERPRISE_CONNECTORS = _engagement_table(
    "enterprise_connectors",
    "Claude Enterprise: each connector's (MCP) use per day, by surface, with its read/write "
    "call split and how members authenticated.",
    CONNECTORS,
    ("connector_name",),
    (
        api("connector_name", "text", "The connector (an opaque id for some)."),
        api("connector_display_name", "text", "Readable name where connector_name is an id."),
        api("distinct_user_count", "bigint", "Members who used the connector."),
        api("individual_auth_distinct_user_count", "bigint", "Members on their own credential."),
        api("managed_auth_distinct_user_count", "bigint", "Members on Enterprise Managed Auth."),
        api("read_call_count", "bigint", "Calls marked read-only."),
        api("write_call_count", "bigint", "Calls marked not read-only."),
        api("unclassified_call_count", "bigint", "Calls without a read-only annotation."),
        *metrics_json(f"{SURFACES} {UNIFIED}", "The connector's"),
        *CUTS,
    ),
    frozenset({"connector_name", "distinct_user_count"}),
)

ENTERPRISE_PLUGINS = _engagement_table(
    "enterprise_plugins",
    "Claude Enterprise: each plugin's installs and invocations per day (Claude Code, Cowork).",
    PLUGINS,
    ("plugin_name",),
    (
        api("plugin_name", "text", "The plugin."),
        api("plugin_id", "text", "Stable plugin id when available."),
        api("install_count", "bigint", "Members who installed it."),
        api("invocation_count", "bigint", "Invocations."),
        api("distinct_user_count", "bigint", "Members who installed or invoked it."),
        *metrics_json("claude_code_metrics cowork_metrics", "The plugin's"),
        *CUTS,
    ),
    frozenset({"plugin_name", "distinct_user_count"}),
)

ENTERPRISE_PROJECTS = _engagement_table(
    "enterprise_projects",
    "Claude Enterprise: each claude.ai chat project's use per day.",
    PROJECTS,
    ("project_id",),
    (
        api("project_id", "text", "The project (claude_proj_…)."),
        api("project_name", "text", "The project's name."),
        api("distinct_user_count", "bigint", "Members who used it."),
        api("message_count", "bigint", "Messages sent in it."),
        api("distinct_conversation_count", "bigint", "Conversations in it."),
        api("created_at", "timestamp", "When it was created (UTC)."),
        api("created_by.id", "text", "Who created it."),
        api("created_by.email_address", "text", "The creator's email address."),
        api("created_by.type", "text", "Always 'user'."),
        *CUTS[1:],
    ),
    frozenset({"project_id", "distinct_user_count"}),
)

ENTERPRISE_ARTIFACTS = _engagement_table(
    "enterprise_artifacts",
    "Claude Enterprise: artifacts created per day, by type and whether they were shared.",
    ARTIFACTS,
    ("artifact_type", "is_shared"),
    (
        api("artifact_type", "text", "MIME type (e.g. text/markdown) or other."),
        api("is_shared", "bool", "Whether they have ever been shared."),
        api("artifacts_created_count", "bigint", "Artifacts created."),
        api("published_artifacts_created_count", "bigint", "Of those, published."),
        api("distinct_user_count", "bigint", "Members who created them."),
        *CUTS,
    ),
    frozenset({"artifact_type", "is_shared", "artifacts_created_count"}),
)


def _state_table(
    name: str,
    description: str,
    source: Endpoint,
    key: tuple[str, ...],
    columns: tuple[Column, ...],
    expected: frozenset[str],
) -> TableSpec:
    every = (*columns, EXTRA)
    rows = te.spend_limit_rows(every) if name == "spend_limits_effective" else te.flat_rows(every)
    return TableSpec(
        name=name,
        optional=True,
        description=description,
        endpoint=f"GET {source.path}",
        source=source,
        key=key,
        to_rows=rows,
        columns=every,
        expected_fields=expected,
    )


RBAC_GROUPS_TABLE = _state_table(
    "rbac_groups",
    "Claude Enterprise: the organization's RBAC groups.",
    RBAC_GROUPS,
    ("id",),
    (
        api("id", "text", "Group ID (rbac_group_…)."),
        api("name", "text", "Group name."),
        api("roles", "json", "Role IDs granted to the group, JSON list."),
        api("source_type", "text", "direct or scim."),
        api("created_at", "timestamp", "When it was created (UTC)."),
        api("updated_at", "timestamp", "When it last changed (UTC)."),
        api("type", "text", "Always 'rbac_group'."),
    ),
    frozenset({"id", "name"}),
)

RBAC_GROUP_MEMBERS_TABLE = _state_table(
    "rbac_group_members",
    "Claude Enterprise: who belongs to which RBAC group.",
    RBAC_GROUP_MEMBERS,
    ("group_id", "user_id"),
    (
        api("group_id", "text", "Group ID (the listed group where the API omits it)."),
        api("user_id", "text", "User ID."),
        api("email", "text", "The member's email address."),
        api("created_at", "timestamp", "When the member joined the group (UTC)."),
        api("type", "text", "Always 'rbac_group_member'."),
    ),
    frozenset({"user_id"}),
)

SPEND_LIMITS_EFFECTIVE_TABLE = _state_table(
    "spend_limits_effective",
    "Claude Enterprise: each member's effective spend limit per period and spend so far in "
    "it, in exact cents (a snapshot: every run replaces it).",
    SPEND_LIMITS_EFFECTIVE,
    ("user_id", "period"),
    (
        col("user_id", "text", "The member (actor.user_id, else scope.user_id).", "actor.user_id"),
        api("actor.type", "text", "Always 'user_actor'."),
        api("actor.email_address", "text", "The member's email address."),
        api("actor.name", "text", "The member's name."),
        api("actor.deleted", "bool", "Whether the account is deleted."),
        api("period", "text", "daily, weekly or monthly."),
        col("amount_cents", "cents", "The limit, exact cents; null for no limit.", "amount"),
        col(
            "period_to_date_spend_cents",
            "cents",
            "Spend so far in the current period, exact cents.",
            "period_to_date_spend",
        ),
        api("currency", "text", "Currency of the amounts (USD)."),
        api("scope.type", "text", "Always 'user'."),
        api("scope.user_id", "text", "The member the limit applies to."),
        api("source.type", "text", "Where the effective limit comes from."),
        api("source", "json", "The limit's source as the API sends it, JSON."),
    ),
    frozenset({"actor", "period"}),
)

ENTERPRISE_TABLES = (
    ENTERPRISE_USER_ACTIVITY,
    ENTERPRISE_SUMMARIES,
    ENTERPRISE_SKILLS,
    ENTERPRISE_CONNECTORS,
    ENTERPRISE_PLUGINS,
    ENTERPRISE_PROJECTS,
    ENTERPRISE_ARTIFACTS,
    RBAC_GROUPS_TABLE,
    RBAC_GROUP_MEMBERS_TABLE,
    SPEND_LIMITS_EFFECTIVE_TABLE,
)
