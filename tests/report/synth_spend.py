"""Synthetic rows of the tables beyond the original product page: analytics cost and usage per
actor, service accounts and rate limits, on the same days as the other synthetic rows.

The actors cover every way a row is resolved to a name: a user by ID and email, by ID only,
by email only (an ID users does not know, the email in another case), a former user, service
accounts (known and unknown), an API key acting on its own, and a row without an actor.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

# actor_type, actor_id, actor_email
ACTORS: list[tuple[str | None, str | None, str | None]] = [
    ("user", "user_01ada", "ada@example.com"),
    ("user", "user_02bob", None),
    ("user", "user_83cyd", "CYD@example.com"),
    ("user", "user_77gone", "gone@example.com"),
    ("service_account", "svac_deploy", None),
    ("service_account", "svac_unknown", None),
    ("api_key", "apikey_ci", None),
    (None, None, None),
]
SERVICE_ACCOUNTS = [("svac_deploy", "deploy-bot"), ("svac_etl", "nightly-etl")]
PRODUCTS = ("claude_code", "chat", None)
# (api_key_id, workspace_id) the usage came through
KEYS: list[tuple[str | None, str | None]] = [
    ("apikey_ci", "wrkspc_eng"),
    ("apikey_nb", "wrkspc_ds"),
    ("apikey_nb", "wrkspc_eng"),
    ("apikey_zzz", "wrkspc_new"),
    (None, None),
]
_PICO = Decimal("1e-12")  # a cent's smallest fraction the tables hold
COSTS = [("tokens", "output_tokens"), ("tokens", "uncached_input_tokens"), ("web_search", None)]


def _bounds(day: Any) -> dict[str, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return {"bucket": start, "bucket_end": start + timedelta(days=1)}


def _cents(rng: random.Random) -> Any:
    from tests.report.synth import cents

    return cents(rng)


def analytics(rng: random.Random, days: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """analytics_cost and analytics_usage rows: every actor on most days."""
    cost: list[dict[str, Any]] = []
    usage: list[dict[str, Any]] = []
    for day in days:
        for actor_type, actor_id, email in ACTORS:
            if rng.random() < 0.2:
                continue
            key_id, workspace = rng.choice(KEYS)
            group = {**_bounds(day), "actor_type": actor_type, "actor_id": actor_id,
                     "actor_email": email, "product": rng.choice(PRODUCTS),
                     "model": rng.choice(("claude-sonnet-4-5", "claude-opus-4-1")),
                     "api_key_id": key_id, "workspace_id": workspace}  # fmt: skip
            for cost_type, token_type in rng.sample(COSTS, 2):
                amount = _cents(rng)
                cost.append(
                    {**group, "cost_type": cost_type, "token_type": token_type,
                     "amount_cents": amount, "list_amount_cents": (amount * 5 / 4).quantize(_PICO),
                     "amount_usd": amount / 100, "currency": "USD", "requests": None}
                )  # fmt: skip
            tokens = [rng.randint(0, 90_000) for _ in range(5)]
            usage.append(
                {**group, "uncached_input_tokens": tokens[0],
                 "cache_creation_ephemeral_5m_input_tokens": tokens[1],
                 "cache_creation_ephemeral_1h_input_tokens": tokens[2],
                 "cache_read_input_tokens": tokens[3], "output_tokens": tokens[4],
                 "web_search_requests": rng.randint(0, 3), "requests": rng.randint(1, 40),
                 "total_tokens": sum(tokens)}
            )  # fmt: skip
    return {"analytics_cost": cost, "analytics_usage": usage}


def service_accounts() -> list[dict[str, Any]]:
    return [
        {"id": i, "name": n, "organization_role": "developer", "type": "service_account",
         "created_at": datetime(2025, 2, 1, tzinfo=UTC), "created_by_actor_id": "user_01ada"}
        for i, n in SERVICE_ACCOUNTS
    ]  # fmt: skip


def rate_limits() -> list[dict[str, Any]]:
    return [
        {"rate_limit_id": "rl_sonnet", "group_type": "model_group", "models": "claude-sonnet-4-5",
         "limit_type": kind, "limit_value": value, "type": "rate_limit"}
        for kind, value in (("requests_per_minute", 4000), ("input_tokens_per_minute", 2_000_000))
    ]  # fmt: skip
