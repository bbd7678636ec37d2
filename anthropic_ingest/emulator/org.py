"""The synthetic organization: the model the emulator serves, usable directly by tests.

Everything is a pure function of (seed, user count) and, for report data, of the day asked
for. The configured date range only decides which days carry data; it never changes a day.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any

from anthropic_ingest.emulator import accounts, cost, jsonenc
from anthropic_ingest.emulator.analytics import Analytics
from anthropic_ingest.emulator.apikeys import reshape
from anthropic_ingest.emulator.claude_code import claude_code_records
from anthropic_ingest.emulator.config import (
    API_KEYS_SHAPES,
    DEFAULT_SEED,
    DEFAULT_USERS,
    EmulatorConfig,
)
from anthropic_ingest.emulator.directory import build_directory
from anthropic_ingest.emulator.enterprise_org import EnterpriseOrg
from anthropic_ingest.emulator.hashing import Hasher
from anthropic_ingest.emulator.timeutil import WIDTHS, day_start, format_bucket
from anthropic_ingest.emulator.usage import UsageModel, bucket_starts, usage_rows

Record = dict[str, Any]
DEFAULT_INVITE_STATUSES = ("accepted", "expired", "pending")


class SyntheticOrg:
    """A deterministic Admin API organization generated from a seed."""

    def __init__(
        self,
        seed: int = DEFAULT_SEED,
        users: int = DEFAULT_USERS,
        start_date: date | None = None,
        end_date: date | None = None,
        api_keys_shape: str = "current",
    ) -> None:
        config = EmulatorConfig(
            seed=seed,
            users=users,
            start_date=start_date,
            end_date=end_date,
            api_keys_shape=api_keys_shape,
        )
        self.seed, self.user_count = seed, users
        self.api_keys_shape = api_keys_shape
        self.start_date, self.end_date = config.data_range()
        self._h = Hasher(seed)
        self._dir = build_directory(seed, users)
        self._usage = UsageModel(self._h, self._dir, self.start_date, self.end_date)
        # Cache sizes shrink as the org grows, so 10,000 users stay near 150 MB.
        days = self._usage.cached_days
        buckets = max(16, min(1024, 20_000 // len(self._usage.streams)))
        self._index = {rec["id"]: rec for rec in (*self.users, *self.invites, *self.workspaces)}
        self._index[self.default_workspace["id"]] = self.default_workspace
        self._keys = {
            shape: tuple(reshape(k.record, shape) for k in self._dir.keys)
            for shape in API_KEYS_SHAPES
        }
        self._key_index = {shape: {k["id"]: k for k in keys} for shape, keys in self._keys.items()}
        self._cost_lines = lru_cache(maxsize=days)(self._lines_of_day)
        self._cost_rows = lru_cache(maxsize=buckets)(self._cost_rows_of_day)
        self._usage_rows = lru_cache(maxsize=buckets)(self._usage_rows_of_bucket)
        self._usage_json = lru_cache(maxsize=buckets)(self._usage_json_of_bucket)
        self._cost_json = lru_cache(maxsize=buckets)(self._cost_json_of_day)
        self._service_accounts = accounts.service_accounts(self._h, self._dir)
        self._rate_limits = accounts.rate_limits(self._h, users)
        svacs = tuple(s["id"] for s in self._service_accounts)
        self.analytics = Analytics(self._h, self._dir, self._usage, self._cost_lines, svacs)
        record_days = max(2, min(64, 20_000 // users))
        self._claude_code = lru_cache(maxsize=record_days)(self._claude_code_day)

    @classmethod
    def from_config(cls, config: EmulatorConfig) -> SyntheticOrg:
        """The org an emulator started with `config` serves."""
        start, end = config.data_range()
        return cls(config.seed, config.users, start, end, config.api_keys_shape)

    def with_api_keys_shape(self, shape: str) -> SyntheticOrg:
        """The same org (sharing every cache) serving API keys in `shape`."""
        if shape not in API_KEYS_SHAPES:
            raise ValueError(f"api_keys_shape must be one of {', '.join(API_KEYS_SHAPES)}")
        other = copy.copy(self)
        other.api_keys_shape = shape
        return other

    # -- directory -------------------------------------------------------------------------
    @property
    def organization(self) -> Record:
        return self._dir.organization

    @property
    def users(self) -> tuple[Record, ...]:
        return tuple(p.record for p in self._dir.people)

    @property
    def invites(self) -> tuple[Record, ...]:
        """Every invite, deleted ones included (the list endpoint hides those by default)."""
        return self._dir.invites

    @property
    def workspaces(self) -> tuple[Record, ...]:
        """Listed and archived workspaces; never the Default Workspace."""
        return self._dir.workspaces

    @property
    def default_workspace(self) -> Record:
        return self._dir.default_workspace

    @property
    def api_keys(self) -> tuple[Record, ...]:
        """Every API key, in the shape this org serves (`api_keys_shape`)."""
        return self._keys[self.api_keys_shape]

    @property
    def service_account_ids(self) -> tuple[str, ...]:
        return self._dir.service_accounts

    @property
    def service_accounts(self) -> tuple[Record, ...]:
        """Every service account, archived ones included, newest first."""
        return self._service_accounts

    def list_service_accounts(self, include_archived: bool = False) -> list[Record]:
        """Service accounts as listed: archived ones only on request."""
        return [s for s in self._service_accounts if include_archived or s["archived_at"] is None]

    @property
    def rate_limits(self) -> tuple[Record, ...]:
        """The org's rate limits in the GA shape (`group` object)."""
        return self._rate_limits

    def get(self, object_id: str) -> Record | None:
        """The user, invite, workspace (Default included) or API key with this ID."""
        found = self._index.get(object_id)
        return found if found is not None else self._key_index[self.api_keys_shape].get(object_id)

    def list_users(self, email: str | None = None, roles: Iterable[str] = ()) -> list[Record]:
        """Users as the list endpoint returns them for these filters."""
        wanted = set(roles)
        return [
            u
            for u in self.users
            if (email is None or u["email"].lower() == email.lower())
            and (not wanted or u["role"] in wanted)
        ]

    def list_invites(
        self,
        email: str | None = None,
        roles: Iterable[str] = (),
        statuses: Iterable[str] = (),
    ) -> list[Record]:
        """Invites as listed; without `statuses` only accepted, expired and pending ones."""
        wanted_roles, wanted_statuses = set(roles), set(statuses or DEFAULT_INVITE_STATUSES)
        return [
            i
            for i in self.invites
            if i["status"] in wanted_statuses
            and (email is None or i["email"].lower() == email.lower())
            and (not wanted_roles or i["role"] in wanted_roles)
        ]

    def list_workspaces(self, include_archived: bool = False) -> list[Record]:
        """Workspaces as listed: never the Default one; archived only on request."""
        return [w for w in self.workspaces if include_archived or w["archived_at"] is None]

    def list_api_keys(
        self,
        status: str | None = None,
        workspace_id: str | None = None,
        created_by_user_id: str | None = None,
    ) -> list[Record]:
        """API keys as the list endpoint returns them for these filters.

        `workspace_id` selects the keys scoped to that workspace (the Default Workspace's real
        ID selects its keys); organization-scoped keys match no workspace.
        """
        out = []
        for hidden, key in zip(self._dir.keys, self.api_keys, strict=True):
            creator = key["created_by"] or {}
            if status is not None and key["status"] != status:
                continue
            if workspace_id is not None and (
                hidden.scope != "workspace" or hidden.workspace != workspace_id
            ):
                continue
            if created_by_user_id is not None and (
                creator.get("type") != "user" or creator.get("id") != created_by_user_id
            ):
                continue
            out.append(key)
        return out

    def members(self, workspace_id: str) -> tuple[Record, ...] | None:
        """Members of a workspace (Default included), or None for an unknown workspace."""
        return self._dir.members.get(workspace_id)

    # -- reports ---------------------------------------------------------------------------
    def has_data(self, day: date) -> bool:
        """Whether `day` lies in the configured data range."""
        return self.start_date <= day <= self.end_date

    def usage_results(
        self,
        bucket_start: datetime,
        bucket_width: str = "1d",
        group_by: Sequence[str] = (),
        filters: Mapping[str, Iterable[str]] | None = None,
        speed: bool = False,
    ) -> list[Record]:
        """The `results` of one usage-report bucket.

        `speed` adds the `speed` field to every row, as the fast-mode beta header does; it is
        implied when grouping by speed.
        """
        speed = speed or "speed" in group_by
        frozen = _freeze(filters)
        return list(self._usage_rows(bucket_start, bucket_width, tuple(group_by), frozen, speed))

    def usage_results_json(
        self,
        bucket_start: datetime,
        bucket_width: str = "1d",
        group_by: Sequence[str] = (),
        filters: Mapping[str, Iterable[str]] | None = None,
        speed: bool = False,
    ) -> jsonenc.Fragment:
        """`usage_results` encoded once as JSON (what the endpoint splices into pages)."""
        speed = speed or "speed" in group_by
        frozen = _freeze(filters)
        return self._usage_json(bucket_start, bucket_width, tuple(group_by), frozen, speed)

    def _usage_json_of_bucket(self, *key: Any) -> jsonenc.Fragment:
        return jsonenc.fragment(self._usage_rows(*key))

    def _usage_rows_of_bucket(
        self,
        bucket_start: datetime,
        bucket_width: str,
        group_by: tuple[str, ...],
        filters: tuple[tuple[str, tuple[str, ...]], ...],
        speed: bool,
    ) -> list[Record]:
        allowed = self._usage.allowed(dict(filters))
        bucket = self._usage.bucket(bucket_start, bucket_width)
        return usage_rows(bucket, self._usage.grouping(group_by, speed), allowed)

    def usage_report(
        self,
        first: datetime,
        end: datetime,
        bucket_width: str = "1d",
        group_by: Sequence[str] = (),
        filters: Mapping[str, Iterable[str]] | None = None,
        speed: bool = False,
    ) -> list[Record]:
        """Every bucket in [first, end) as the endpoint serves it, without paging."""
        return [
            {
                "starting_at": format_bucket(start),
                "ending_at": format_bucket(start + WIDTHS[bucket_width]),
                "results": self.usage_results(start, bucket_width, group_by, filters, speed),
            }
            for start in bucket_starts(first, end, bucket_width)
        ]

    def cost_results(self, day: date, group_by: Sequence[str] = ()) -> list[Record]:
        """The `results` of one daily cost-report bucket."""
        return list(self._cost_rows(day, tuple(group_by)))

    def cost_results_json(self, day: date, group_by: Sequence[str] = ()) -> jsonenc.Fragment:
        """`cost_results` encoded once as JSON (what the endpoint splices into pages)."""
        return self._cost_json(day, tuple(group_by))

    def _cost_rows_of_day(self, day: date, group_by: tuple[str, ...]) -> list[Record]:
        return cost.cost_rows(self._cost_lines(day), group_by)

    def _cost_json_of_day(self, day: date, group_by: tuple[str, ...]) -> jsonenc.Fragment:
        return jsonenc.fragment(self._cost_rows(day, group_by))

    def _lines_of_day(self, day: date) -> list[cost.Line]:
        if not self.has_data(day):
            return []
        totals = self._usage.day(day).total()
        lines = cost.token_lines(totals, self._usage.streams)
        live = [w["id"] for w in self.workspaces if w["archived_at"] is None]
        return lines + cost.code_execution_lines(self._h, [None, *live], day)

    def analytics_rows(
        self,
        kind: str,
        first: datetime,
        end: datetime,
        bucket_width: str = "1d",
        group_by: Sequence[str] = (),
        actor_shape: str = "object",
    ) -> list[Record]:
        """Every `/analytics/{kind}` row ("usage" or "cost") of the buckets in [first, end)."""
        grouping = tuple(sorted(set(group_by)))
        return [
            row
            for start in bucket_starts(first, end, bucket_width)
            for row in self.analytics.rows(kind, start, bucket_width, grouping, actor_shape)
        ]

    @cached_property
    def enterprise(self) -> EnterpriseOrg:
        """The Claude Enterprise views (RBAC groups, engagement, spend limits), built on use."""
        return EnterpriseOrg(
            self._h, self._dir, self.claude_code_records, self.has_data, self.user_cost
        )

    def user_cost(self, day: date) -> dict[str, Decimal]:
        """Each user's `/analytics/cost` amount of `day` (cents), from the rows by actor."""
        totals: dict[str, Decimal] = {}
        for row in self.analytics.rows("cost", day_start(day), "1d", ("actor",), "tagged"):
            actor = row["group"]["actor"]
            if isinstance(actor, str) and actor.startswith("user_"):
                totals[actor] = totals.get(actor, Decimal(0)) + Decimal(row["cost"]["amount"])
        return totals

    def claude_code_records(self, day: date) -> list[Record]:
        """Every Claude Code record of `day` in the order the endpoint pages through them."""
        return list(self._claude_code(day))

    def _claude_code_day(self, day: date) -> tuple[Record, ...]:
        if not self.has_data(day):
            return ()
        return tuple(claude_code_records(self._h, self._dir, day))


def _freeze(filters: Mapping[str, Iterable[str]] | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A hashable, order-independent form of report filters (a cache key)."""
    return tuple(sorted((dim, tuple(sorted(set(v)))) for dim, v in (filters or {}).items()))
