"""The Enterprise data a `SyntheticOrg` serves: activity per day (cached), summaries, limits.

Summaries count the same activity the users endpoint lists: a day's `daily_active_user_count`
is the number of `/analytics/users?date=D` rows, the weekly and monthly counts are distinct
active members over the 7 and 30 days ending on D. `assigned_seat_count` is the number of
members who had joined by D (every member holds a seat); `pending_invite_count` the pending
invites sent by D.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_UP, Decimal
from functools import lru_cache
from typing import Any

from anthropic_ingest.emulator import enterprise as ent
from anthropic_ingest.emulator import rollup
from anthropic_ingest.emulator.analytics import FIRST_DAY
from anthropic_ingest.emulator.cost import decimal_text
from anthropic_ingest.emulator.directory import Directory
from anthropic_ingest.emulator.engagement import PRODUCTS, UserDay, day_activity
from anthropic_ingest.emulator.hashing import Hasher
from anthropic_ingest.emulator.timeutil import day_start, format_bucket, parse_rfc3339

Record = dict[str, Any]
_MILLI, _CENT = Decimal("0.001"), Decimal("0.01")
_WINDOWS = (("daily", 1), ("weekly", 7), ("monthly", 30))


class EnterpriseOrg:
    """Enterprise views of one synthetic org; every value is a pure function of the day."""

    def __init__(
        self,
        h: Hasher,
        directory: Directory,
        claude_code: Callable[[date], list[Record]],
        has_data: Callable[[date], bool],
        user_cost: Callable[[date], dict[str, Decimal]],
    ) -> None:
        self._h, self._dir = h, directory
        self._claude_code, self._has_data, self._user_cost = claude_code, has_data, user_cost
        self.model = ent.Enterprise(h, directory)
        days = max(40, min(400, 200_000 // max(1, len(directory.people))))
        self.activity = lru_cache(maxsize=days)(self._activity)
        # Aggregated rows per (endpoint, window, grouping, filters), so paging is cheap.
        self.rows = lru_cache(maxsize=32)(self._rows)
        self.effective_limits = lru_cache(maxsize=2)(self._effective_limits)

    def _rows(
        self,
        kind: str,
        first: date,
        end: date,
        group_by: tuple[str, ...],
        filters: tuple[tuple[str, frozenset[str]], ...],
    ) -> tuple[Record, ...]:
        """Unsorted rows of `kind` ("user" or an entity kind) over the days [first, end)."""
        days, wanted = self.days(first, end), dict(filters)
        if kind == "user":
            return tuple(rollup.user_rows(days, group_by, wanted, self.model))
        return tuple(rollup.entity_rows(kind, days, group_by, wanted, self.model))

    def _activity(self, day: date) -> tuple[UserDay, ...]:
        """Every active member's day (nothing before 2026-01-01 or outside the data range)."""
        if day < FIRST_DAY or not self._has_data(day):
            return ()
        return day_activity(self._h, self.model, self._claude_code(day), day)

    def days(self, first: date, end: date) -> list[tuple[date, UserDay]]:
        """(day, member day) of every active member on each day of [first, end)."""
        out: list[tuple[date, UserDay]] = []
        day = first
        while day < end:
            out.extend((day, user_day) for user_day in self.activity(day))
            day += timedelta(days=1)
        return out

    # -- summaries -------------------------------------------------------------------------
    def summary(self, day: date, groups: frozenset[str] | None = None) -> Record:
        """The `/analytics/summaries` row of one day, for everyone or for these RBAC groups."""
        wanted = self._members_of(groups)
        row: Record = {
            "starting_at": format_bucket(day_start(day)),
            "ending_at": format_bucket(day_start(day + timedelta(days=1))),
        }
        windows = {}
        for name, length in _WINDOWS:
            active: dict[str, set[str]] = {}
            for back in range(length):
                for user_day in self.activity(day - timedelta(days=back)):
                    if user_day.member.user_id in wanted:
                        for product in user_day.products:
                            active.setdefault(product, set()).add(user_day.member.user_id)
                        active.setdefault("", set()).add(user_day.member.user_id)
            windows[name] = active
        for name, _ in _WINDOWS:
            row[f"{name}_active_user_count"] = len(windows[name].get("", ()))
        seats = sum(1 for m in self.model.members if m.user_id in wanted and _joined(m, day))
        for product in (*PRODUCTS, "chat_cowork_unified"):
            for name, _ in _WINDOWS:
                users = _product_users(windows[name], product)
                row[f"{product}_{name}_active_user_count"] = len(users)
        for name, _ in _WINDOWS[1:]:
            rate = len(windows[name].get("", ())) / seats if seats else 0.0
            row[f"{name}_adoption_rate"] = round(rate, 4)
        row["assigned_seat_count"] = seats
        row["pending_invite_count"] = self._pending_invites(day, groups)
        row["science_entitled_user_count"] = sum(
            1 for m in self.model.members if m.user_id in wanted and "science" in m.surfaces
        )
        return row

    def _members_of(self, groups: frozenset[str] | None) -> set[str]:
        if groups is None:
            return set(self.model.by_id)
        return {u for u, mine in self.model.groups_of.items() if set(mine) & groups}

    def _pending_invites(self, day: date, groups: frozenset[str] | None) -> int:
        count = 0
        for invite in self._dir.invites:
            sent = parse_rfc3339(invite["invited_at"]).date()
            in_group = groups is None or bool(set(invite["rbac_group_ids"]) & groups)
            count += invite["status"] == "pending" and sent <= day and in_group
        return count

    # -- spend limits ----------------------------------------------------------------------
    def _effective_limits(self, today: date) -> list[tuple[str, list[Record]]]:
        """(user ID, rows) of every member in /users order: a monthly limit, some a daily one.

        Limits come from the organization default, an RBAC group or a per-user override; the
        two largest spenders of the month get an override just above their spend (so they
        stand over 80% of it), and period-to-date spend is their `/analytics/cost` total.
        """
        month = self._period_spend(today.replace(day=1), today)
        daily = self._period_spend(today, today)
        top = sorted((v, u) for u, v in month.items() if v > 0)[-2:]
        tight = {u for _, u in top}
        out = []
        for member in self.model.members:
            rows = [self._limit_row(member, "monthly", month, tight)]
            if member.daily_limit:
                rows.append(self._limit_row(member, "daily", daily, set()))
            out.append((member.user_id, rows))
        return out

    def _period_spend(self, first: date, last: date) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        day = first
        while day <= last:
            for user_id, amount in self._user_cost(day).items():
                totals[user_id] = totals.get(user_id, Decimal(0)) + amount
            day += timedelta(days=1)
        return totals

    def _limit_row(
        self, member: ent.Member, period: str, spend: dict[str, Decimal], tight: set[str]
    ) -> Record:
        spent = spend.get(member.user_id, Decimal(0)).quantize(_MILLI, rounding=ROUND_HALF_EVEN)
        groups = self.model.groups_of.get(member.user_id, ())
        if member.user_id in tight:
            amount: Decimal | None = (spent / Decimal("0.9")).quantize(_CENT, rounding=ROUND_UP)
            source: Record = {"type": "user", "spend_limit_id": self._limit_id(member.user_id)}
        elif period == "daily":
            amount, source = Decimal(2500), {"type": "organization"}
        elif groups and groups[0] == self.model.groups[0]["id"]:
            amount = None  # the first group (Engineering) has no cap
            source = {"type": "rbac_group", "rbac_group_id": groups[0]}
        else:
            amount, source = Decimal(50000), {"type": "organization"}
        if "spend_limit_id" not in source:
            source["spend_limit_id"] = self._limit_id(source["type"], period)
        return {
            "type": "effective_spend_limit",
            "actor": {
                "type": "user_actor",
                "user_id": member.user_id,
                "email_address": member.email,
                "name": member.person.record["name"],
                "deleted": False,
            },
            "amount": None if amount is None else decimal_text(amount),
            "currency": "USD",
            "period": period,
            "period_to_date_spend": decimal_text(spent),
            "scope": {"type": "user", "user_id": member.user_id},
            "source": source,
        }

    def _limit_id(self, *parts: str) -> str:
        return self._h.tagged_id("spl", *parts)


def _joined(member: ent.Member, day: date) -> bool:
    return member.person.added.date() <= day


def _product_users(active: dict[str, set[str]], product: str) -> set[str]:
    if product == "chat_cowork_unified":
        return active.get("chat", set()) | active.get("cowork", set())
    return active.get(product, set())
