"""A small Claude Enterprise organization, served by the emulator and synced with its Analytics
key, and the figures the Enterprise views should hold, computed in Python from the raw rows.

The emulator serves engagement data up to two days before today (UTC) and effective spend
limits for the current month, so the data is always recent: the two top spenders of the
month get a limit just above their spend (about 90% used).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from anthropic_ingest import service
from anthropic_ingest.emulator import EmulatorConfig, running_emulator
from anthropic_ingest.report.views_enterprise import ENTERPRISE_VIEWS
from tests.conftest import Destination, _destination

TODAY = datetime.now(UTC).date()
FIRST = TODAY - timedelta(days=36)
SIX_PLACES = Decimal("0.000001")
CENT = Decimal("0.01")
TOOLS = ("edit_tool", "multi_edit_tool", "notebook_edit_tool", "write_tool")
CORE = (
    "commit_count",
    "pull_request_count",
    "lines_of_code_added",
    "lines_of_code_removed",
    "distinct_session_count",
)


@pytest.fixture(scope="module")
def enterprise_emu() -> Iterator[Any]:
    config = EmulatorConfig(
        seed=3,
        users=10,
        org_type="enterprise",
        start_date=FIRST,
        end_date=TODAY,
        enterprise_rate_limit_rpm=None,
    )
    with running_emulator(config) as emu:
        yield emu


def synced(emu: Any, kind: str, work: Path) -> Iterator[Destination]:
    """Sync the organization into a private dataset of `kind`; drop it afterwards."""
    for dest in _destination(kind, work):
        # The client keeps the real 60 requests/min of the Enterprise endpoints unless told.
        uri = (
            f"anthropic://?api_key={emu.analytics_key}&base_url={emu.base_url}"
            "&requests_per_minute=100000"
        )
        load = service.sync(uri, dest.uri, dataset=dest.dataset, interval_start=FIRST.isoformat())
        assert [v.name for v in ENTERPRISE_VIEWS] == load.views[-len(ENTERPRISE_VIEWS) :]
        yield dest


def ratio(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(SIX_PLACES, ROUND_HALF_UP)


def month(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = (value.astimezone(UTC) if value.tzinfo else value).date()
    return value.replace(day=1)


def usd(cents: Decimal | None) -> Decimal | None:
    """Exact dollars of exact cents (Decimal division by 100 is exact)."""
    return None if cents is None else Decimal(cents) / 100


def table(dest: Destination, name: str, columns: str, where: str = "") -> list[tuple[Any, ...]]:
    return dest.query(f"SELECT {columns} FROM {{ds}}.{name} {where}")


def idle_members(dest: Destination) -> dict[str, tuple[date | None, int | None]]:
    """user ID -> (last activity, days idle) of members idle for 30 days, from raw rows."""
    rows = table(dest, "enterprise_user_activity", "user_id, date")
    as_of = max(d for _, d in rows)
    last: dict[str, date] = {}
    for user_id, day in rows:
        last[user_id] = max(last.get(user_id, day), day)
    members = set(last)
    members |= {u for (u,) in table(dest, "rbac_group_members", "user_id")}
    limits = table(dest, "spend_limits_effective", "user_id, actor_deleted")
    members |= {u for u, deleted in limits if not deleted}
    cutoff = as_of - timedelta(days=30)
    return {
        m: (last.get(m), None if m not in last else (as_of - last[m]).days)
        for m in members
        if m not in last or last[m] <= cutoff
    }


def claude_code_by_month(dest: Destination) -> dict[tuple[date, str], tuple[Any, ...]]:
    """(month, user ID) -> (commits, PRs, added, removed, sessions, accepted, rejected, rate,
    billed USD) from enterprise_user_activity and analytics_cost."""
    core = ", ".join(f"claude_code_metrics_core_metrics_{c}" for c in CORE)
    tools = ", ".join(
        f"claude_code_metrics_tool_actions_{t}_{o}" for o in ("accepted", "rejected") for t in TOOLS
    )
    counts: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0] * 7)
    for day, user_id, *values in table(
        dest, "enterprise_user_activity", f"date, user_id, {core}, {tools}"
    ):
        figures = [int(v or 0) for v in values]
        summed = [*figures[:5], sum(figures[5:9]), sum(figures[9:13])]
        key = (month(day), user_id)
        counts[key] = [a + b for a, b in zip(counts[key], summed, strict=True)]
    billed: dict[tuple[date, str], Decimal] = defaultdict(Decimal)
    cost = table(
        dest,
        "analytics_cost",
        "bucket, actor_id, amount_cents",
        "WHERE actor_type = 'user' AND product = 'claude_code'",
    )
    for bucket, actor_id, cents in cost:
        billed[(month(bucket), actor_id)] += Decimal(cents)
    out = {}
    for key in set(counts) | set(billed):
        c = counts.get(key, [0] * 7)
        if not any(c) and key not in billed:
            continue
        out[key] = (*c, ratio(c[5], c[5] + c[6]), usd(billed.get(key)))
    return out


def uses_by_month(
    dest: Destination, name: str, counted: str
) -> dict[tuple[date, str], tuple[Any, ...]]:
    """(month, name) -> (days used, peak daily users, user-days, summed `counted`: an SQL
    expression; None when it is null on every day)."""
    rows = table(dest, f"enterprise_{name}s", f"date, {name}_name, distinct_user_count, {counted}")
    grouped: dict[tuple[date, str], list[tuple[Any, ...]]] = defaultdict(list)
    for day, key, users, count in rows:
        grouped[(month(day), key)].append((day, int(users), count))
    return {
        k: (
            len({d for d, _, _ in v}),
            max(u for _, u, _ in v),
            sum(u for _, u, _ in v),
            None if all(c is None for _, _, c in v) else sum(int(c or 0) for _, _, c in v),
        )
        for k, v in grouped.items()
    }


def above_80_percent(dest: Destination) -> dict[tuple[str, str], tuple[Any, ...]]:
    """(user ID, period) -> (limit USD, spent USD, share) of limits more than 80% used."""
    rows = table(
        dest,
        "spend_limits_effective",
        "user_id, period, amount_cents, period_to_date_spend_cents, actor_deleted",
    )
    return {
        (user_id, period): (usd(limit), usd(spent), ratio(spent, limit))
        for user_id, period, limit, spent, deleted in rows
        if limit is not None and not deleted and Decimal(spent) * 100 > Decimal(limit) * 80
    }
