"""The report's figures computed independently, in Python, from the synthetic rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from anthropic_ingest.transforms import KNOWN_TOOLS

Row = dict[str, Any]


def within(rows: Iterable[Row], column: str, first: date, last: date) -> list[Row]:
    return [r for r in rows if first <= r[column].date() <= last]


def group_sum(
    rows: Iterable[Row], key: Callable[[Row], Any], value: Callable[[Row], Any]
) -> dict[Any, Any]:
    out: dict[Any, Any] = defaultdict(int)
    for r in rows:
        out[key(r)] += value(r)
    return dict(out)


def day(r: Row) -> date:
    """The UTC day of a row of claude_code_usage."""
    return r["date"].date()


def field(name: str) -> Callable[[Row], Any]:
    def get(r: Row) -> Any:
        return r[name]

    return get


def usd(cents: Decimal | int) -> Decimal:
    return Decimal(cents) / 100


def actor(r: Row) -> tuple[str, str]:
    return (r["actor_type"], r["actor_id"])


def accepted(r: Row) -> int:
    return sum(r[f"{t}_accepted"] for t in KNOWN_TOOLS)


def rejected(r: Row) -> int:
    return sum(r[f"{t}_rejected"] for t in KNOWN_TOOLS)


def daily_active(cc: list[Row], actor_type: str) -> dict[date, int]:
    """Distinct actors of one type per day (0 on days with only the other type)."""
    actors: dict[date, set[str]] = defaultdict(set)
    for r in cc:
        found = actors[r["date"].date()]
        if r["actor_type"] == actor_type:
            found.add(r["actor_id"].lower())
    return {d: len(a) for d, a in actors.items()}


def weekly_active(cc: list[Row], actor_type: str) -> dict[date, int]:
    actors: dict[date, set[str]] = defaultdict(set)
    for r in cc:
        day = r["date"].date()
        found = actors[day - timedelta(days=day.weekday())]
        if r["actor_type"] == actor_type:
            found.add(r["actor_id"].lower())
    return {d: len(a) for d, a in actors.items()}


def total_input(r: Row) -> int:
    return int(
        r["input_tokens"]
        + r["input_cached_tokens"]
        + r["cache_creation_ephemeral_5m_input_tokens"]
        + r["cache_creation_ephemeral_1h_input_tokens"]
    )


def key_status(r: Row, now: datetime) -> str:
    if r["status"] == "active" and r["expires_at"] is not None and r["expires_at"] <= now:
        return "expired"
    return str(r["status"])
