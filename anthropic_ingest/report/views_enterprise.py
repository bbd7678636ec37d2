"""The Claude Enterprise views: adoption per day (active users against seats), members idle
for 30 days, Claude Code per developer and month with the billed cost, the skills and
connectors used per month, and members near their spend limit.

Days and months are UTC days (the tables' `date` is already one); amounts are summed from
exact cents and converted in SQL (`sql.cents_to_usd`); ratios are computed from integers and
rounded half up to `RATIO_SCALE` places (`ratio`), never through a float.
"""

from __future__ import annotations

from collections.abc import Callable

from anthropic_ingest.report import sql
from anthropic_ingest.report.view_base import ViewContext, ViewSpec
from anthropic_ingest.schema import RATIO_SCALE, Column, col

ACTIVITY = "enterprise_user_activity"
IDLE_DAYS = 30
# The share of a spend limit at which a member is listed (strictly above it).
NEAR_LIMIT_PERCENT = 80
_CC = "a.claude_code_metrics_core_metrics_"
ViewSpecSelect = Callable[[ViewContext], str]
_TOOLS = ("edit_tool", "multi_edit_tool", "notebook_edit_tool", "write_tool")


def ratio(part: str, whole: str, dialect: str) -> str:
    """part / whole as DECIMAL(38, RATIO_SCALE), rounded half up; null when whole is 0 or null.

    Both are whole non-negative numbers; integer division keeps the result exact in every
    dialect (DuckDB would turn a decimal division into a double).
    """
    kind = _WHOLE[dialect]
    p, w = f"CAST({part} AS {kind})", f"CAST({whole} AS {kind})"
    unit = 10**RATIO_SCALE
    a, b = f"(2 * {p} * {unit} + {w})", f"(2 * {w})"
    if dialect == "mysql":
        rounded = f"({a} DIV {b})"
    else:
        rounded = f"({a} // {b})" if dialect == "duckdb" else f"div({a}, {b})"
    step = f"CAST(0.{'0' * (RATIO_SCALE - 1)}1 AS DECIMAL({RATIO_SCALE + 1}, {RATIO_SCALE}))"
    value = f"CAST(CAST({rounded} AS DECIMAL(38, 0)) * {step} AS DECIMAL(38, {RATIO_SCALE}))"
    return f"CASE WHEN {w} > 0 THEN {value} END"


# Whole numbers wide enough for cents scaled to integers (see `_spend_limits`).
_WHOLE = {"duckdb": "HUGEINT", "postgres": "NUMERIC(38, 0)", "mysql": "DECIMAL(38, 0)"}


def days_before(day_expr: str, days: int, dialect: str) -> str:
    """The DATE `days` days before a DATE expression."""
    if dialect == "mysql":
        return f"DATE_SUB({day_expr}, INTERVAL {days} DAY)"
    return f"CAST({day_expr} - {days} AS DATE)" if dialect == "duckdb" else f"({day_expr} - {days})"


def days_between(later: str, earlier: str, dialect: str) -> str:
    """Whole days from one DATE to a later one, as a BIGINT."""
    if dialect == "mysql":
        return f"CAST(DATEDIFF({later}, {earlier}) AS SIGNED)"
    return f"CAST({later} - {earlier} AS BIGINT)"


def _through_last(ctx: ViewContext, alias: str) -> str:
    """Activity rows up to the last day of `days` (all of them without days): idleness looks
    back from the last day, past the first."""
    if ctx.days is None:
        return f"{alias}.user_id IS NOT NULL"
    last = ctx.days[1].isoformat()
    return f"{alias}.user_id IS NOT NULL AND {alias}.date <= CAST('{last}' AS DATE)"


def people(ctx: ViewContext) -> str:
    """One email and name per user ID, from every table that names members: users, spend
    limits (deleted accounts left out), RBAC group members and the activity itself."""
    text = sql.text_type(ctx.dialect)
    none = f"CAST(NULL AS {text})"
    return (
        "(SELECT m.id AS id, MAX(m.email) AS email, MAX(m.name) AS name FROM ("
        f"SELECT u.id AS id, u.email AS email, u.name AS name FROM {ctx.t('users')} u "
        "UNION ALL SELECT s.user_id, s.actor_email_address, s.actor_name "
        f"FROM {ctx.t('spend_limits_effective')} s "
        "WHERE s.actor_deleted IS NULL OR NOT s.actor_deleted "
        f"UNION ALL SELECT g.user_id, g.email, {none} FROM {ctx.t('rbac_group_members')} g "
        f"UNION ALL SELECT a.user_id, a.user_email_address, {none} FROM {ctx.t(ACTIVITY)} a "
        f"WHERE {_through_last(ctx, 'a')}) m WHERE m.id IS NOT NULL GROUP BY m.id)"
    )


def _adoption(ctx: ViewContext) -> str:
    return (
        "SELECT s.date AS date, s.daily_active_user_count AS daily_active_users, "
        "s.weekly_active_user_count AS weekly_active_users, "
        "s.monthly_active_user_count AS monthly_active_users, "
        "s.assigned_seat_count AS assigned_seats, "
        f"{ratio('s.monthly_active_user_count', 's.assigned_seat_count', ctx.dialect)} "
        "AS seat_utilisation, s.pending_invite_count AS pending_invites "
        f"FROM {ctx.t('enterprise_summaries')} s "
        f"WHERE {ctx.within('enterprise_summaries', 's', 'date')}"
    )


def _idle(ctx: ViewContext) -> str:
    d = ctx.dialect
    rows = f"FROM {ctx.t(ACTIVITY)} a WHERE {_through_last(ctx, 'a')}"
    last_seen = f"(SELECT a.user_id AS id, MAX(a.date) AS last_day {rows} GROUP BY a.user_id)"
    as_of = f"(SELECT MAX(a.date) AS day {rows})"
    return (
        "SELECT z.day AS as_of, p.id AS user_id, p.email AS user_email, p.name AS user_name, "
        f"l.last_day AS last_activity_date, {days_between('z.day', 'l.last_day', d)} AS days_idle "
        f"FROM {people(ctx)} p CROSS JOIN {as_of} z LEFT JOIN {last_seen} l ON l.id = p.id "
        f"WHERE z.day IS NOT NULL AND (l.last_day IS NULL "
        f"OR l.last_day <= {days_before('z.day', IDLE_DAYS, d)})"
    )


_CC_COLUMNS = (
    ("commits", "commit_count"),
    ("pull_requests", "pull_request_count"),
    ("lines_added", "lines_of_code_added"),
    ("lines_removed", "lines_of_code_removed"),
    ("sessions", "distinct_session_count"),
)
_OUTCOMES = ("accepted", "rejected")
_CC_NAMES = (*(n for n, _ in _CC_COLUMNS), *(f"tool_{o}" for o in _OUTCOMES))


def _claude_code(ctx: ViewContext) -> str:
    """Activity rows and billed rows side by side (MySQL has no FULL JOIN), per month and
    member."""
    zero = f"CAST(0 AS {sql.bigint(ctx.dialect)})"
    cents = "CAST(NULL AS DECIMAL(38, 12))"
    counts = [f"COALESCE({_CC}{source}, 0) AS {name}" for name, source in _CC_COLUMNS]
    tools = [
        " + ".join(f"COALESCE(a.claude_code_metrics_tool_actions_{t}_{o}, 0)" for t in _TOOLS)
        + f" AS tool_{o}"
        for o in _OUTCOMES
    ]
    activity = (
        f"SELECT {ctx.month(ACTIVITY, 'a', 'date')} AS month, a.user_id AS user_id, "
        f"a.user_email_address AS email, {', '.join([*counts, *tools])}, "
        f"{cents} AS billed_cents, {cents} AS list_cents FROM {ctx.t(ACTIVITY)} a "
        f"WHERE a.user_id IS NOT NULL AND {ctx.within(ACTIVITY, 'a', 'date')}"
    )
    by_email = (
        "(SELECT LOWER(e.user_email_address) AS email, MAX(e.user_id) AS id "
        f"FROM {ctx.t(ACTIVITY)} e GROUP BY LOWER(e.user_email_address))"
    )
    billed = (
        f"SELECT {ctx.month('analytics_cost', 'c', 'bucket')}, COALESCE(c.actor_id, e.id), "
        f"c.actor_email, {', '.join([zero] * len(_CC_NAMES))}, c.amount_cents, "
        f"c.list_amount_cents FROM {ctx.t('analytics_cost')} c LEFT JOIN {by_email} e "
        "ON e.email = LOWER(c.actor_email) WHERE c.actor_type = 'user' "
        "AND c.product = 'claude_code' AND COALESCE(c.actor_id, e.id) IS NOT NULL "
        f"AND {ctx.within('analytics_cost', 'c', 'bucket')}"
    )
    d = ctx.dialect
    sums = ", ".join(f"{sql.int_sum('r.' + c, d)} AS {c}" for c in _CC_NAMES)
    any_use = " + ".join(f"COALESCE(SUM(r.{c}), 0)" for c in _CC_NAMES)
    accepted, rejected = "SUM(r.tool_accepted)", "SUM(r.tool_rejected)"
    return (
        f"SELECT r.month AS month, {sql.months_ago('r.month', d)} AS months_ago, "
        "r.user_id AS user_id, COALESCE(MAX(p.email), MAX(r.email)) AS user_email, "
        f"MAX(p.name) AS user_name, {sums}, "
        f"{ratio(accepted, f'{accepted} + {rejected}', d)} AS tool_acceptance_rate, "
        f"{sql.cents_to_usd('SUM(r.billed_cents)')} AS billed_usd, "
        f"{sql.cents_to_usd('SUM(r.list_cents)')} AS billed_list_usd "
        f"FROM ({activity} UNION ALL {billed}) r LEFT JOIN {people(ctx)} p ON p.id = r.user_id "
        f"GROUP BY r.month, r.user_id HAVING {any_use} > 0 OR COUNT(r.billed_cents) > 0"
    )


def _monthly_use(table: str, name: str, display: str, measures: str) -> ViewSpecSelect:
    def select(ctx: ViewContext) -> str:
        month = ctx.month(table, "x", "date")
        return (
            f"SELECT {month} AS month, {sql.months_ago(month, ctx.dialect)} AS months_ago, "
            f"x.{name} AS {name}, MAX(x.{display}) AS {display}, "
            f"CAST(COUNT(DISTINCT x.date) AS {sql.bigint(ctx.dialect)}) AS days_used, "
            f"CAST(MAX(x.distinct_user_count) AS {sql.bigint(ctx.dialect)}) AS peak_daily_users, "
            f"{sql.int_sum('x.distinct_user_count', ctx.dialect)} AS user_days, "
            f"{measures.format(big=sql.bigint(ctx.dialect))} FROM {ctx.t(table)} x "
            f"WHERE x.user_id IS NULL AND x.rbac_group_id IS NULL AND x.product IS NULL "
            f"AND {ctx.within(table, 'x', 'date')} GROUP BY {month}, x.{name}"
        )

    return select


def _spend_limits(ctx: ViewContext) -> str:
    share = "s.period_to_date_spend_cents * 100"
    over = f"{share} > s.amount_cents * {NEAR_LIMIT_PERCENT}"
    # Cents carry 12 decimals: scaled by 10^12 they are integers for the exact ratio.
    scale = "CAST(1000000000000 AS DECIMAL(13, 0))"
    used = ratio(
        f"s.period_to_date_spend_cents * {scale}", f"s.amount_cents * {scale}", ctx.dialect
    )
    return (
        "SELECT s.user_id AS user_id, COALESCE(s.actor_email_address, p.email) AS user_email, "
        "COALESCE(s.actor_name, p.name) AS user_name, s.period AS period, "
        f"{sql.cents_to_usd('s.amount_cents')} AS limit_usd, "
        f"{sql.cents_to_usd('s.period_to_date_spend_cents')} AS spent_usd, "
        f"{used} AS used_share, s.source_type AS source_type "
        f"FROM {ctx.t('spend_limits_effective')} s LEFT JOIN {people(ctx)} p ON p.id = s.user_id "
        f"WHERE s.amount_cents IS NOT NULL AND {over} "
        "AND (s.actor_deleted IS NULL OR NOT s.actor_deleted)"
    )


# --- declarations ----------------------------------------------------------------------------

_MONTH = col("month", "date", "The UTC month, as its first day.", "date")
_MONTHS_AGO = col(
    "months_ago",
    "bigint",
    "0 for the current UTC month, 1 for last month, …: `WHERE months_ago = 1` is last month.",
)
_USER_ID = col("user_id", "text", "The member (user_…).")
_USER_EMAIL = col(
    "user_email",
    "text",
    "The member's email, from users, spend limits, RBAC group members or the activity.",
)
_USER_NAME = col(
    "user_name", "text", "The member's name, from users or spend limits; null when unknown."
)
_PEOPLE = ("users", "spend_limits_effective", "rbac_group_members")


def _counted(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(col(n, "bigint", d) for n, d in pairs)


ENTERPRISE_ADOPTION_DAILY = ViewSpec(
    name="enterprise_adoption_daily",
    description=(
        "Claude Enterprise adoption per UTC day: daily, weekly and monthly active users "
        "against assigned seats, and pending invites (from enterprise_summaries)."
    ),
    sources=("enterprise_summaries",),
    lookups=(),
    select=_adoption,
    columns=(
        col("date", "date", "The UTC day."),
        *_counted(
            ("daily_active_users", "Members active that day."),
            ("weekly_active_users", "Members active in the 7 days ending that day."),
            ("monthly_active_users", "Members active in the 30 days ending that day."),
            ("assigned_seats", "Seats assigned to members."),
        ),
        col(
            "seat_utilisation",
            "ratio",
            "monthly_active_users ÷ assigned_seats, exact to 6 places (rounded half up); "
            "null when no seat is assigned.",
        ),
        *_counted(("pending_invites", "Invitations not accepted yet.")),
    ),
)

ENTERPRISE_IDLE_MEMBERS = ViewSpec(
    name="enterprise_idle_members",
    description=(
        f"Members with no activity in the {IDLE_DAYS} UTC days ending on the latest day "
        f"{ACTIVITY} holds (as_of), with their last day of activity (null: none loaded). "
        "Members are the user IDs of users, spend_limits_effective (deleted accounts left "
        f"out), rbac_group_members and {ACTIVITY}; a row there is a day with activity."
    ),
    sources=(ACTIVITY,),
    lookups=_PEOPLE,
    select=_idle,
    columns=(
        col("as_of", "date", f"The latest UTC day {ACTIVITY} holds."),
        _USER_ID,
        _USER_EMAIL,
        _USER_NAME,
        col("last_activity_date", "date", "The member's latest day with activity; null if none."),
        col("days_idle", "bigint", "Days from last_activity_date to as_of; null if never active."),
    ),
)

ENTERPRISE_CLAUDE_CODE_MONTHLY_BY_USER = ViewSpec(
    name="enterprise_claude_code_monthly_by_user",
    description=(
        f"Claude Code per UTC month and member, from {ACTIVITY} (commits, pull requests, "
        "lines, sessions, edit-tool proposals accepted and rejected), with what analytics_cost "
        "bills the member for the product claude_code (matched by user ID, else by email). "
        "Members without Claude Code activity or cost that month are left out."
    ),
    sources=(ACTIVITY,),
    lookups=("analytics_cost", *_PEOPLE),
    select=_claude_code,
    columns=(
        _MONTH,
        _MONTHS_AGO,
        _USER_ID,
        _USER_EMAIL,
        _USER_NAME,
        *_counted(
            ("commits", "Commits made with Claude Code."),
            ("pull_requests", "Pull requests made with Claude Code."),
            ("lines_added", "Lines of code added."),
            ("lines_removed", "Lines of code removed."),
            ("sessions", "Claude Code sessions (the sum of each day's distinct sessions)."),
            (
                "tool_accepted",
                "Accepted proposals of the edit, multi-edit, notebook-edit and write tools.",
            ),
            ("tool_rejected", "Rejected proposals of the same tools."),
        ),
        col(
            "tool_acceptance_rate",
            "ratio",
            "tool_accepted ÷ (tool_accepted + tool_rejected), exact to 6 places; null when "
            "nothing was proposed.",
        ),
        col(
            "billed_usd",
            "usd",
            "Billed Claude Code cost in analytics_cost (user rows, product claude_code), "
            "exact; null without rows there.",
        ),
        col("billed_list_usd", "usd", "The same at list price, exact; null as above."),
    ),
)


def _use_columns(name: str, display: str, what: str) -> tuple[Column, ...]:
    return (
        _MONTH,
        _MONTHS_AGO,
        col(name, "text", f"The {what}."),
        col(display, "text", f"The {what}'s readable name, where the API gives one."),
        *_counted(
            ("days_used", "Days of the month with use."),
            ("peak_daily_users", "The most members who used it on one day of the month."),
            (
                "user_days",
                "Members per day, summed over the month (a member on 3 days "
                "counts 3): daily counts of distinct members cannot be added into a month's.",
            ),
        ),
    )


ENTERPRISE_SKILLS_MONTHLY = ViewSpec(
    name="enterprise_skills_monthly",
    description=(
        "Each skill's use per UTC month, from the daily rows of enterprise_skills: days "
        "used, peak and summed daily members, invocations and the spend attributed to it."
    ),
    sources=("enterprise_skills",),
    lookups=(),
    select=_monthly_use(
        "enterprise_skills",
        "skill_name",
        "skill_display_name",
        "CAST(SUM(x.invocation_count) AS {big}) AS invocations, "
        + sql.cents_to_usd("COALESCE(SUM(x.estimated_overage_spend_cents), 0)")
        + " AS estimated_overage_spend_usd, "
        + sql.cents_to_usd("COALESCE(SUM(x.attributed_list_price_cents), 0)")
        + " AS attributed_list_price_usd",
    ),
    columns=(
        *_use_columns("skill_name", "skill_display_name", "skill"),
        col("invocations", "bigint", "Activations; null when the API reported none."),
        col("estimated_overage_spend_usd", "usd", "Estimated overage spend attributed, exact."),
        col("attributed_list_price_usd", "usd", "List-price value of its requests, exact."),
    ),
)

ENTERPRISE_CONNECTORS_MONTHLY = ViewSpec(
    name="enterprise_connectors_monthly",
    description=(
        "Each connector's (MCP) use per UTC month, from the daily rows of "
        "enterprise_connectors: days used, peak and summed daily members, and calls."
    ),
    sources=("enterprise_connectors",),
    lookups=(),
    select=_monthly_use(
        "enterprise_connectors",
        "connector_name",
        "connector_display_name",
        "CAST(COALESCE(SUM(x.read_call_count), 0) AS {big}) AS read_calls, "
        "CAST(COALESCE(SUM(x.write_call_count), 0) AS {big}) AS write_calls, "
        "CAST(COALESCE(SUM(x.unclassified_call_count), 0) AS {big}) AS unclassified_calls, "
        "CAST(COALESCE(SUM(x.read_call_count), 0) + COALESCE(SUM(x.write_call_count), 0) "
        "+ COALESCE(SUM(x.unclassified_call_count), 0) AS {big}) AS calls",
    ),
    columns=(
        *_use_columns("connector_name", "connector_display_name", "connector"),
        *_counted(
            ("read_calls", "Calls marked read-only."),
            ("write_calls", "Calls marked not read-only."),
            ("unclassified_calls", "Calls without a read-only annotation."),
            ("calls", "All calls: read + write + unclassified."),
        ),
    ),
)

ENTERPRISE_SPEND_LIMITS_ABOVE_80_PERCENT = ViewSpec(
    name="enterprise_spend_limits_above_80_percent",
    description=(
        f"Members whose spend in the current period is above {NEAR_LIMIT_PERCENT}% of their "
        "effective spend limit (period_to_date_spend_cents × 100 > amount_cents × "
        f"{NEAR_LIMIT_PERCENT}, exact), one row per member and period; members without a "
        "limit and deleted accounts are left out. A snapshot, as spend_limits_effective."
    ),
    sources=("spend_limits_effective",),
    lookups=("users", "rbac_group_members", ACTIVITY),
    select=_spend_limits,
    columns=(
        _USER_ID,
        _USER_EMAIL,
        _USER_NAME,
        col("period", "text", "daily, weekly or monthly."),
        col("limit_usd", "usd", "The effective limit in US dollars, exact."),
        col("spent_usd", "usd", "Spend so far in the current period, exact."),
        col(
            "used_share",
            "ratio",
            "spent_usd ÷ limit_usd, exact to 6 places; null for a limit of zero.",
        ),
        col("source_type", "text", "Where the effective limit comes from."),
    ),
)

ENTERPRISE_VIEWS = (
    ENTERPRISE_ADOPTION_DAILY,
    ENTERPRISE_IDLE_MEMBERS,
    ENTERPRISE_CLAUDE_CODE_MONTHLY_BY_USER,
    ENTERPRISE_SKILLS_MONTHLY,
    ENTERPRISE_CONNECTORS_MONTHLY,
    ENTERPRISE_SPEND_LIMITS_ABOVE_80_PERCENT,
)
