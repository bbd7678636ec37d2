"""Claude Code analytics: one record per actor x terminal x local/remote for each day.

Users (`user_actor`, by e-mail) and API keys (`api_actor`, by key name) are active on a day by
the throw of a private RNG for (seed, day, actor): about 70% of users on a weekday, far fewer at
weekends. Estimated costs are exact Decimals in cents, sometimes with a fractional part.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from anthropic_ingest.emulator import catalog as cat
from anthropic_ingest.emulator.directory import Directory
from anthropic_ingest.emulator.hashing import Hasher, between
from anthropic_ingest.emulator.timeutil import day_start, format_bucket

Record = dict[str, Any]
_TOOL_CHANCE = {"edit_tool": 0.95, "multi_edit_tool": 0.6, "notebook_edit_tool": 0.2}
_TOOL_CHANCE["write_tool"] = 0.75
_CENT = Decimal("0.01")


def _actors(h: Hasher, directory: Directory, day: date) -> list[tuple[str, str, float, str | None]]:
    """(actor type, actor label, weekday activity, subscription type) of every possible actor."""
    subscription_kind = "enterprise" if h.unit("subscription-kind") < 0.5 else "team"
    actors: list[tuple[str, str, float, str | None]] = []
    for person in directory.people:
        if person.claude_code and person.added.date() <= day:
            kind = subscription_kind if person.subscription else None
            actors.append(("user_actor", person.record["email"], 0.82, kind))
    for key in directory.keys:
        if key.claude_code and key.created.date() <= day:
            actors.append(("api_actor", key.record["name"], 0.6, None))
    return actors


def claude_code_records(h: Hasher, directory: Directory, day: date) -> list[Record]:
    """Every record of `day`, in the stable order the endpoint pages through."""
    weekend = day.weekday() >= 5
    records = []
    for actor_type, label, activity, subscription in _actors(h, directory, day):
        rng = h.rng("claude-code", day.toordinal(), actor_type, label)
        if rng.random() >= (activity * 0.2 if weekend else activity):
            continue
        primary = cat.TERMINALS[h.below(len(cat.TERMINALS), "terminal", label)]
        terminals = [primary]
        if rng.random() < 0.25:
            terminals.append(rng.choice([t for t in cat.TERMINALS if t != primary]))
        for terminal in terminals:
            remotes = [False, True] if rng.random() < 0.2 else [False]
            for is_remote in remotes:
                actor = {"type": actor_type}
                actor["email_address" if actor_type == "user_actor" else "api_key_name"] = label
                org_id = directory.organization["id"]
                records.append(_record(rng, day, org_id, actor, subscription, terminal, is_remote))
    records.sort(key=_order)
    return records


def _order(record: Record) -> tuple[str, str, str, bool]:
    actor = record["actor"]
    label = actor.get("email_address") or actor.get("api_key_name") or ""
    return (actor["type"], label, record["terminal_type"], record["is_remote"])


def _record(
    rng: random.Random,
    day: date,
    org_id: str,
    actor: dict[str, str],
    subscription: str | None,
    terminal: str,
    is_remote: bool,
) -> Record:
    added = between(rng.random, 0, 2_500)
    return {
        "date": format_bucket(day_start(day)),
        "actor": actor,
        "organization_id": org_id,
        "customer_type": "subscription" if subscription else "api",
        "subscription_type": subscription,
        "terminal_type": terminal,
        "is_remote": is_remote,
        "core_metrics": {
            "num_sessions": between(rng.random, 1, 14),
            "lines_of_code": {"added": added, "removed": between(rng.random, 0, added)},
            "commits_by_claude_code": between(rng.random, 0, 9),
            "pull_requests_by_claude_code": between(rng.random, 0, 3),
        },
        "tool_actions": _tool_actions(rng),
        "model_breakdown": _model_breakdown(rng),
    }


def _tool_actions(rng: random.Random) -> dict[str, dict[str, int]]:
    actions = {}
    for tool in cat.TOOLS:
        if rng.random() < _TOOL_CHANCE[tool]:
            actions[tool] = {
                "accepted": between(rng.random, 0, 60),
                "rejected": between(rng.random, 0, 8),
            }
    return actions


def _model_breakdown(rng: random.Random) -> list[Record]:
    models = rng.sample(cat.CLAUDE_CODE_MODELS, k=1 + rng.randrange(3))
    whole_cents = rng.random() < 0.4
    breakdown = []
    for model in sorted(models, key=lambda m: m.id):
        tokens = {
            "input": between(rng.random, 1_000, 400_000),
            "output": between(rng.random, 200, 90_000),
            "cache_read": between(rng.random, 0, 2_000_000),
            "cache_creation": between(rng.random, 0, 150_000),
        }
        cents = (
            tokens["input"] * model.price("uncached_input_tokens")
            + tokens["output"] * model.price("output_tokens")
            + tokens["cache_read"] * model.price("cache_read_input_tokens")
            + tokens["cache_creation"] * model.price("cache_creation.ephemeral_5m_input_tokens")
        )
        step = Decimal(1) if whole_cents else _CENT
        amount = cents.quantize(step, rounding=ROUND_HALF_EVEN)
        breakdown.append(
            {
                "model": model.id,
                "tokens": tokens,
                "estimated_cost": {"currency": "USD", "amount": amount},
            }
        )
    return breakdown
