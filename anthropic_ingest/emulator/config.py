"""How an emulator instance is set up: the synthetic org, the served range and the knobs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from anthropic_ingest.emulator.timeutil import utc_today

# Distinctive on purpose: tests grep every output of the tool for it to prove it never leaks.
DEFAULT_ADMIN_KEY = "sk-ant-admin01-emulator-Xq7vR2mLp9KdT4wZs8NcYb3HfJ6gUe1AoPiVtQ5r"
# The Claude Enterprise Analytics key (scope read:analytics); accepted in "enterprise" orgs only.
DEFAULT_ANALYTICS_KEY = "sk-ant-api01-analytics-emulator-Kw3nB8vQz5TfR1mYp7HdL2sXc9JgU4aE"
# "console": a Claude Console org (Admin key only). "enterprise": a Claude Enterprise org, which
# also accepts the Analytics key and serves the Enterprise Analytics API (docs/emulator.md).
ORG_TYPES = ("console", "enterprise")
# §1: Enterprise Analytics and Spend Limits endpoints allow 60 requests/min per organization.
ENTERPRISE_RPM = 60
DEFAULT_SEED = 42
DEFAULT_USERS = 25
DEFAULT_DAYS = 90
MAX_USERS = 100_000
# How API key objects look (docs/emulator.md, "API key shapes"): "current" is what the API
# serves under anthropic-version 2023-06-01 since the SDK types of 2026-08-26, "newest" drops
# the deprecated `workspace_id`, "august" is the 2026-08-22 reference.
API_KEYS_SHAPES = ("current", "newest", "august")
# Whether the org's plan and key read an optional endpoint family: "full" serves it,
# "forbidden" answers 403 permission_error, "not_found" answers 404 (docs/emulator.md).
ACCESS_LEVELS = ("full", "forbidden", "not_found")
# group.actor of the analytics rows: an object ({type:"user_actor", user_id, ...}) or the
# tagged ID string (user_…, svac_…, apikey_…); the real shape is UNCERTAIN.
ACTOR_SHAPES = ("object", "tagged")
# Rate limit objects: "group_type" as in the official example, "group" as in the GA SDK types.
RATE_LIMITS_SHAPES = ("group_type", "group")


@dataclass(frozen=True)
class EmulatorConfig:
    """Settings of one emulator instance.

    `start_date`/`end_date` bound the days that have report data (inclusive); days outside are
    served as empty. They default to the 90 days ending today (UTC). `api_keys_shape` picks
    one of API_KEYS_SHAPES; `rate_limit_retry_after=False` sends the rate-limit 429 without a
    `retry-after` header, as the real Admin report endpoints do. The `*_access` fields take one
    of ACCESS_LEVELS; `stale_cursor_every=N` answers every Nth analytics request that carries
    a `page` cursor with 410. `org_type` is one of ORG_TYPES; an "enterprise" org also
    accepts `analytics_key` (scope read:analytics) and limits its Enterprise Analytics and
    spend-limit endpoints to `enterprise_rate_limit_rpm` requests per minute.
    """

    seed: int = DEFAULT_SEED
    users: int = DEFAULT_USERS
    start_date: date | None = None
    end_date: date | None = None
    latency_ms: int = 0
    rate_limit_rpm: int | None = None
    fault_rate: float = 0.0
    admin_key: str = DEFAULT_ADMIN_KEY
    host: str = "127.0.0.1"
    port: int = 0
    request_log_limit: int = 100_000
    api_keys_shape: str = "current"
    rate_limit_retry_after: bool = True
    analytics_access: str = "full"
    analytics_actor_shape: str = "object"
    service_accounts_access: str = "full"
    rate_limits_access: str = "full"
    rate_limits_shape: str = "group_type"
    stale_cursor_every: int | None = None
    org_type: str = "console"
    analytics_key: str = DEFAULT_ANALYTICS_KEY
    enterprise_rate_limit_rpm: int | None = ENTERPRISE_RPM

    def __post_init__(self) -> None:
        if not 1 <= self.users <= MAX_USERS:
            raise ValueError(f"users must be between 1 and {MAX_USERS}, got {self.users}")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must be >= 0")
        if self.rate_limit_rpm is not None and self.rate_limit_rpm < 1:
            raise ValueError("rate_limit_rpm must be >= 1 (or None for no limit)")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        if self.api_keys_shape not in API_KEYS_SHAPES:
            raise ValueError(
                f"api_keys_shape must be one of {', '.join(API_KEYS_SHAPES)}, "
                f"got {self.api_keys_shape!r}"
            )
        self._check_switches()
        if not isinstance(self.rate_limit_retry_after, bool):
            raise ValueError("rate_limit_retry_after must be true or false")
        if not self.admin_key:
            raise ValueError("admin_key must not be empty")
        if not self.analytics_key or self.analytics_key == self.admin_key:
            raise ValueError("analytics_key must be non-empty and differ from admin_key")
        start, end = self.data_range()
        if start > end:
            raise ValueError(f"start_date {start} is after end_date {end}")

    def _check_switches(self) -> None:
        """The switches of the optional endpoints (analytics, service accounts, rate limits)."""
        choices = {
            "analytics_access": ACCESS_LEVELS,
            "analytics_actor_shape": ACTOR_SHAPES,
            "service_accounts_access": ACCESS_LEVELS,
            "rate_limits_access": ACCESS_LEVELS,
            "rate_limits_shape": RATE_LIMITS_SHAPES,
            "org_type": ORG_TYPES,
        }
        for name, allowed in choices.items():
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
        every = self.stale_cursor_every
        if every is not None and (not isinstance(every, int) or isinstance(every, bool)):
            raise ValueError(f"stale_cursor_every must be an integer or null, got {every!r}")
        if every is not None and every < 1:
            raise ValueError("stale_cursor_every must be >= 1 (or None for never)")
        rpm = self.enterprise_rate_limit_rpm
        if rpm is not None and (not isinstance(rpm, int) or isinstance(rpm, bool) or rpm < 1):
            raise ValueError("enterprise_rate_limit_rpm must be an integer >= 1 (or None)")

    def data_range(self) -> tuple[date, date]:
        """The inclusive range of days that carry report data."""
        end = self.end_date or utc_today()
        start = self.start_date or end - timedelta(days=DEFAULT_DAYS - 1)
        return start, end

    def with_changes(self, **changes: object) -> EmulatorConfig:
        """A copy with some fields replaced (validated again)."""
        return replace(self, **changes)  # type: ignore[arg-type]
