"""The figures of a report, as plain data: what the queries produce and the HTML shows.

Money is `Decimal` in US dollars, exact as summed by the database; token and activity
counts are `int`. Nothing here is rounded: rounding happens only when the HTML is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

# the labels live with the SQL, which the views import without the figures below
from anthropic_ingest.report.sql import CONSOLE_USAGE as CONSOLE_USAGE
from anthropic_ingest.report.sql import DEFAULT_WORKSPACE as DEFAULT_WORKSPACE

if TYPE_CHECKING:
    from anthropic_ingest.report.model_enterprise import EnterpriseSection


def ratio(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part / whole as an exact-enough Decimal, or None when whole is zero."""
    if not whole:
        return None
    return Decimal(part) / Decimal(whole)


@dataclass(frozen=True)
class Missing:
    """A table the report needed but could not use, and what it would have shown."""

    table: str
    reason: str
    affects: tuple[str, ...]


@dataclass(frozen=True)
class Amount:
    """One labelled figure: a dollar amount or a count."""

    label: str
    value: Decimal | int


@dataclass(frozen=True)
class DatedAmount:
    """A figure for one day (or the first day of a week) and one series."""

    day: date
    series: str
    value: Decimal | int


# --- Claude Code --------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityTotals:
    """Claude Code activity summed over the report's range.

    People are `user_actor` rows, counted once per email (case-insensitive); API keys are
    `api_actor` rows, counted once per key name.
    """

    active_people: int
    active_api_keys: int
    sessions: int
    lines_added: int
    lines_removed: int
    commits: int
    pull_requests: int
    accepted: int
    rejected: int
    estimated_cost_usd: Decimal

    @property
    def acceptance_rate(self) -> Decimal | None:
        return ratio(self.accepted, self.accepted + self.rejected)


@dataclass(frozen=True)
class DailyActivity:
    """Claude Code activity of one UTC day, over every actor."""

    day: date
    active_people: int
    active_api_keys: int
    sessions: int
    lines_added: int
    lines_removed: int
    commits: int
    pull_requests: int


@dataclass(frozen=True)
class ToolAcceptance:
    """Accepted and rejected proposals of one tool in one period (None: the whole range)."""

    period: date | None
    tool: str
    accepted: int
    rejected: int

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.accepted, self.accepted + self.rejected)


@dataclass(frozen=True)
class ActorActivity:
    """One user (or API key) of Claude Code over the range."""

    actor_type: str
    actor_id: str
    label: str
    sessions: int
    lines_added: int
    commits: int
    pull_requests: int
    estimated_cost_usd: Decimal


@dataclass(frozen=True)
class ModelSpend:
    """Claude Code tokens and estimated cost of one model."""

    model: str
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_creation_tokens: int
    estimated_cost_usd: Decimal


@dataclass(frozen=True)
class Mix:
    """Sessions and actors of one terminal type, or of local versus remote use."""

    label: str
    sessions: int
    actors: int
    lines_added: int


@dataclass(frozen=True)
class Member:
    """A member of the organization (a row of `users`)."""

    name: str
    email: str
    role: str


@dataclass(frozen=True)
class Adoption:
    """Members of the organization with and without Claude Code activity in the range."""

    members: int
    active_members: int
    inactive: tuple[Member, ...]
    # People active in Claude Code whose email is not in `users` (e.g. removed since).
    active_non_members: int

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.active_members, self.members)


@dataclass
class ClaudeCodeSection:
    """Who uses Claude Code, how much, and whether it lands code."""

    totals: ActivityTotals
    daily: list[DailyActivity]
    weekly_active: list[DatedAmount]
    acceptance_grain: str
    acceptance: list[ToolAcceptance]
    acceptance_by_tool: list[ToolAcceptance]
    top_by_sessions: list[ActorActivity]
    top_by_cost: list[ActorActivity]
    terminals: list[Mix]
    locality: list[Mix]
    cost_by_model: list[ModelSpend] | None = None
    adoption: Adoption | None = None


# --- Messages API usage -------------------------------------------------------------------


@dataclass(frozen=True)
class TokenTotals:
    """Messages API tokens; `uncached_input` is the API's input_tokens column."""

    uncached_input: int
    cached_input: int
    cache_creation: int
    output: int
    web_searches: int = 0

    @property
    def total_input(self) -> int:
        return self.uncached_input + self.cached_input + self.cache_creation

    @property
    def cache_hit_ratio(self) -> Decimal | None:
        return ratio(self.cached_input, self.total_input)


@dataclass(frozen=True)
class TokenGroup:
    """Tokens of one model, workspace or API key, with a readable label."""

    key: str | None
    label: str
    detail: str
    tokens: TokenTotals


@dataclass
class ApiUsageSection:
    """Messages API token usage over the range."""

    totals: TokenTotals
    by_model: list[TokenGroup]
    by_workspace: list[TokenGroup]
    by_api_key: list[TokenGroup]
    daily_by_model: list[DatedAmount]


# --- Cost ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthToDate:
    """Spend of the month holding the range's last day, and a straight-line projection."""

    month_start: date
    through: date
    days_elapsed: int
    days_in_month: int
    spend_usd: Decimal

    @property
    def projected_usd(self) -> Decimal:
        return self.spend_usd * self.days_in_month / self.days_elapsed


@dataclass
class CostSection:
    """Cost in US dollars over the range."""

    total_usd: Decimal
    daily_by_workspace: list[DatedAmount]
    daily_by_model: list[DatedAmount]
    by_workspace: list[Amount]
    by_cost_type: list[Amount]
    by_model: list[Amount]
    month: MonthToDate


# --- Who spends what ----------------------------------------------------------------------


@dataclass(frozen=True)
class SpendLine:
    """Month-to-date billed and list cost of one user, API key, workspace or product."""

    label: str
    detail: str
    billed_usd: Decimal
    list_usd: Decimal


@dataclass(frozen=True)
class DeveloperCost:
    """Claude Code cost of one developer: the estimate and the billed amount (None: no rows)."""

    label: str
    email: str
    estimated_usd: Decimal | None
    billed_usd: Decimal | None


@dataclass(frozen=True)
class Reconciliation:
    """cost_report against analytics_cost over the same UTC days (first..last)."""

    first: date
    last: date
    cost_report_usd: Decimal
    analytics_usd: Decimal
    days: int
    days_differing: int

    @property
    def difference_usd(self) -> Decimal:
        return self.cost_report_usd - self.analytics_usd


@dataclass
class WhoSpendsSection:
    """This month's analytics cost per person, API key, workspace and product, to date.

    `month.spend_usd` is the billed total; every line's projection follows the same rule
    (month to date ÷ days elapsed × days in the month).
    """

    month: MonthToDate
    list_usd: Decimal
    by_user: list[SpendLine]
    by_api_key: list[SpendLine]
    by_workspace: list[SpendLine]
    by_product: list[SpendLine]
    claude_code: list[DeveloperCost]
    reconciliation: Reconciliation | None

    def projected(self, usd: Decimal) -> Decimal:
        return usd * self.month.days_in_month / self.month.days_elapsed

    @property
    def not_people_usd(self) -> Decimal:
        """Billed cost of service accounts, API keys acting on their own and actor-less rows."""
        return self.month.spend_usd - sum((u.billed_usd for u in self.by_user), Decimal(0))


# --- Organization -------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyInfo:
    """An active API key."""

    name: str
    workspace: str
    created_at: datetime | None
    expires_at: datetime | None


@dataclass(frozen=True)
class InviteInfo:
    """A pending invite; `past_expiry` when the report is made after its expires_at."""

    email: str
    role: str
    expires_at: datetime | None
    past_expiry: bool = False


@dataclass(frozen=True)
class WorkspaceInfo:
    """A workspace with how many members and active API keys it has (None: not loaded)."""

    name: str
    archived: bool
    members: int | None
    active_keys: int | None


@dataclass
class OrgSection:
    """Who has access; every part is None when its table is missing."""

    users_by_role: list[Amount] | None = None
    keys_by_status: list[Amount] | None = None
    active_keys: list[KeyInfo] | None = None
    invites_by_status: list[Amount] | None = None
    pending_invites: list[InviteInfo] | None = None
    expiring_invites: list[InviteInfo] | None = None
    workspaces: list[WorkspaceInfo] | None = None

    @property
    def users_total(self) -> int | None:
        if self.users_by_role is None:
            return None
        return sum(int(a.value) for a in self.users_by_role)


@dataclass
class ReportData:
    """Everything a report shows, plus where it came from."""

    source: str
    dataset: str
    date_from: date
    date_to: date
    generated_at: datetime
    organization: str | None = None
    missing: list[Missing] = field(default_factory=list)
    claude_code: ClaudeCodeSection | None = None
    api_usage: ApiUsageSection | None = None
    cost: CostSection | None = None
    org: OrgSection = field(default_factory=OrgSection)
    has_activity_data: bool = True
    spend: WhoSpendsSection | None = None
    enterprise: EnterpriseSection | None = None
