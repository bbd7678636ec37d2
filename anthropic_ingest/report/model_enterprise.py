"""The figures of the Claude Enterprise section, as plain data (see `model` for the rules:
money is an exact `Decimal` in US dollars, counts are `int`, nothing is rounded here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from anthropic_ingest.report.model import ratio


@dataclass(frozen=True)
class AdoptionDay:
    """One day of enterprise_summaries: active members against seats."""

    day: date
    daily_active: int
    weekly_active: int
    monthly_active: int
    seats: int | None
    utilisation: Decimal | None
    pending_invites: int | None


@dataclass(frozen=True)
class IdleMember:
    """A member without activity in the 30 days ending on the section's `idle_as_of`."""

    name: str
    email: str
    user_id: str
    last_activity: date | None
    days_idle: int | None


@dataclass(frozen=True)
class Developer:
    """One member's Claude Code over the range, and what analytics_cost bills them for it."""

    label: str
    email: str
    commits: int
    pull_requests: int
    lines_added: int
    lines_removed: int
    sessions: int
    accepted: int
    rejected: int
    billed_usd: Decimal | None

    @property
    def acceptance_rate(self) -> Decimal | None:
        return ratio(self.accepted, self.accepted + self.rejected)


@dataclass(frozen=True)
class Use:
    """A skill's or connector's use over the range: members per day (peak and summed) and
    invocations or calls (None: the API did not report them)."""

    label: str
    days_used: int
    peak_daily_users: int
    user_days: int
    count: int | None


@dataclass(frozen=True)
class NearLimit:
    """A member whose spend in the current period is above 80% of their spend limit."""

    name: str
    email: str
    period: str
    limit_usd: Decimal
    spent_usd: Decimal
    used_share: Decimal | None


@dataclass
class EnterpriseSection:
    """Claude Enterprise figures; a part is None when its table is not loaded."""

    adoption: list[AdoptionDay] | None = None
    idle_as_of: date | None = None
    idle: list[IdleMember] | None = None
    developers: list[Developer] | None = None
    skills: list[Use] | None = None
    connectors: list[Use] | None = None
    near_limit: list[NearLimit] | None = None

    @property
    def latest(self) -> AdoptionDay | None:
        return self.adoption[-1] if self.adoption else None
