"""The "who spends what" figures computed independently, in Python, from the synthetic rows."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from tests.report import synth
from tests.report.synth_spend import SERVICE_ACCOUNTS

Row = dict[str, Any]
USERS_BY_ID = {i: (i, e, n) for i, e, n, _ in synth.USERS}
USERS_BY_EMAIL = {e.lower(): (i, e, n) for i, e, n, _ in synth.USERS}
KEY_NAMES = {i: n for i, n, *_ in synth.API_KEYS}
WORKSPACE_NAMES = {i: n for i, n, _ in synth.WORKSPACES}
SERVICE_ACCOUNT_NAMES = dict(SERVICE_ACCOUNTS)


def month(r: Row) -> date:
    return r["bucket"].date().replace(day=1)


def user(r: Row) -> tuple[str | None, str | None, str | None]:
    """(user_id, email, name) of a user row: users by ID, else by email, else the API's."""
    found = USERS_BY_ID.get(r["actor_id"]) or USERS_BY_EMAIL.get((r["actor_email"] or "").lower())
    if found:
        return found
    return r["actor_id"], r["actor_email"], None


def actor_name(r: Row) -> str:
    kind, ident = r["actor_type"], str(r["actor_id"])
    if kind == "user":
        user_id, email, name = user(r)
        return str(name or email or user_id)
    if kind == "service_account":
        return SERVICE_ACCOUNT_NAMES.get(ident, ident)
    if kind == "api_key":
        return KEY_NAMES.get(ident, ident)
    return "No actor"


def key_name(r: Row) -> str:
    return (
        "No API key"
        if r["api_key_id"] is None
        else KEY_NAMES.get(r["api_key_id"], str(r["api_key_id"]))
    )


def workspace_name(workspace_id: str | None) -> str:
    return (
        "Default workspace"
        if workspace_id is None
        else WORKSPACE_NAMES.get(workspace_id, workspace_id)
    )


def usd(cents: Decimal) -> Decimal:
    return cents / 100


def sums(rows: list[Row], key: Any, column: str = "amount_cents") -> dict[Any, Decimal]:
    out: dict[Any, Decimal] = defaultdict(Decimal)
    for r in rows:
        out[key(r)] += r[column]
    return {k: usd(v) for k, v in out.items()}


def claude_code(rows: synth.Rows) -> dict[tuple[date, str], tuple[Decimal | None, Decimal | None]]:
    """(month, lower email) -> (estimated USD, billed USD); None where a side has no rows."""
    estimated: dict[tuple[date, str], Decimal] = defaultdict(Decimal)
    for r in rows["claude_code_usage"]:
        if r["actor_type"] == "user_actor":
            estimated[(r["date"].date().replace(day=1), r["actor_id"].lower())] += r[
                "total_estimated_cost_cents"
            ]
    billed: dict[tuple[date, str], Decimal] = defaultdict(Decimal)
    for r in rows["analytics_cost"]:
        if r["actor_type"] == "user" and r["product"] == "claude_code":
            user_id, email, _ = user(r)
            billed[(month(r), str(email or user_id).lower())] += r["amount_cents"]
    return {
        k: (
            usd(estimated[k]) if k in estimated else None,
            usd(billed[k]) if k in billed else None,
        )
        for k in {*estimated, *billed}
    }


def reconciliation(rows: synth.Rows) -> dict[date, tuple[Decimal, Decimal, Decimal]]:
    legacy = sums(rows["cost_report"], lambda r: r["bucket"].date())
    analytics = sums(rows["analytics_cost"], lambda r: r["bucket"].date())
    first = min(analytics)
    zero = Decimal(0)
    return {
        d: (
            legacy.get(d, zero),
            analytics.get(d, zero),
            legacy.get(d, zero) - analytics.get(d, zero),
        )
        for d in {*legacy, *analytics}
        if d >= first
    }
