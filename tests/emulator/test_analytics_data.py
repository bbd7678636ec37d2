"""What the analytics endpoints serve: row shapes, real actors, and sums that reconcile
with the legacy usage and cost reports day by day."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from anthropic_ingest.emulator import Emulator, running_emulator
from anthropic_ingest.emulator.timeutil import parse_rfc3339
from tests.emulator.analytics_helpers import (
    CONFIG,
    COST_GROUPS,
    ORG,
    USAGE_GROUPS,
    WEEK,
    fetch_all,
    headers,
    iso,
    restore,
    week,
)
from tests.unit.analytics_rows import USAGE_DIMENSIONS

Row = dict[str, Any]
USAGE_FIELDS = list(USAGE_DIMENSIONS)  # §4.3: every usage dimension is in every row's group
COST_FIELDS = [*USAGE_FIELDS, "cost_type", "token_type"]
CENTS = re.compile(r"^[0-9]+(\.[0-9]+)?$")
TOKENS = {
    "uncached_input_tokens": lambda u: u["uncached_input_tokens"],
    "output_tokens": lambda u: u["output_tokens"],
    "cache_read_input_tokens": lambda u: u["cache_read_input_tokens"],
    "cache_1h": lambda u: u["cache_creation"]["ephemeral_1h_input_tokens"],
    "cache_5m": lambda u: u["cache_creation"]["ephemeral_5m_input_tokens"],
    "web_search_requests": lambda u: u["server_tool_use"]["web_search_requests"],
}


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with running_emulator(CONFIG) as served:
        yield served


@pytest.fixture
def client(emu: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emu.base_url, headers=headers(emu), timeout=30) as http:
        for _ in restore(emu):
            yield http


@pytest.fixture(scope="module")
def cost_rows(emu: Emulator) -> list[Row]:
    with httpx.Client(base_url=emu.base_url, headers=headers(emu), timeout=30) as http:
        return fetch_all(http, "cost", week(**{"group_by[]": COST_GROUPS}, limit=1000))


@pytest.fixture(scope="module")
def usage_rows(emu: Emulator) -> list[Row]:
    with httpx.Client(base_url=emu.base_url, headers=headers(emu), timeout=30) as http:
        return fetch_all(http, "usage", week(**{"group_by[]": USAGE_GROUPS}, limit=1000))


def test_envelope(client: httpx.Client) -> None:
    for kind in ("usage", "cost"):
        body = client.get(f"{ORG}/analytics/{kind}", params=week(limit=1)).json()
        assert set(body) == {"data", "has_more", "next_page", "data_refreshed_at"}
        parse_rfc3339(body["data_refreshed_at"])  # raises unless RFC 3339
        assert isinstance(body["next_page"], str) and body["has_more"] is True


def test_cost_row_shape(cost_rows: list[Row]) -> None:
    assert cost_rows
    for row in cost_rows:
        assert set(row) == {"starting_at", "ending_at", "group", "cost"}
        assert list(row["group"]) == COST_FIELDS or set(row["group"]) == set(COST_FIELDS)
        cost = row["cost"]
        assert set(cost) == {"amount", "list_amount", "currency", "requests"}
        assert CENTS.match(cost["amount"]) and CENTS.match(cost["list_amount"])
        assert Decimal(cost["list_amount"]) >= Decimal(cost["amount"]) > 0
        assert cost["currency"] == "USD"
        assert cost["requests"] is None  # grouped by cost_type and token_type
        start, end = parse_rfc3339(row["starting_at"]), parse_rfc3339(row["ending_at"])
        assert end - start == timedelta(days=1) and start.hour == 0
    assert any(Decimal(r["cost"]["list_amount"]) > Decimal(r["cost"]["amount"]) for r in cost_rows)
    assert any("." in r["cost"]["amount"] for r in cost_rows)  # fractional cents occur


def test_cost_requests_only_without_cost_type(client: httpx.Client) -> None:
    for group_by in (["model"], [], ["actor", "workspace_id"]):
        rows = fetch_all(client, "cost", week(**{"group_by[]": group_by}))
        assert rows and all(isinstance(r["cost"]["requests"], int) for r in rows)
        assert sum(r["cost"]["requests"] for r in rows) > 0
    for group_by in (["token_type"], ["cost_type", "model"]):
        rows = fetch_all(client, "cost", week(**{"group_by[]": group_by}))
        assert rows and all(r["cost"]["requests"] is None for r in rows)


def test_usage_row_shape(usage_rows: list[Row]) -> None:
    assert usage_rows
    for row in usage_rows:
        assert set(row) == {"starting_at", "ending_at", "group", "usage"}
        assert set(row["group"]) == set(USAGE_FIELDS)
        usage = row["usage"]
        assert set(usage) == {
            "uncached_input_tokens",
            "cache_creation",
            "cache_read_input_tokens",
            "output_tokens",
            "server_tool_use",
            "requests",
            "total_tokens",
        }
        assert set(usage["cache_creation"]) == {
            "ephemeral_1h_input_tokens",
            "ephemeral_5m_input_tokens",
        }
        assert set(usage["server_tool_use"]) == {"web_search_requests"}
        parts = ("uncached_input_tokens", "output_tokens", "cache_read_input_tokens")
        expected = sum(usage[p] for p in parts) + sum(usage["cache_creation"].values())
        assert usage["total_tokens"] == expected
        assert usage["requests"] > 0  # only groups with usage get a row


def test_group_fields_are_null_unless_grouped(client: httpx.Client) -> None:
    for kind, fields in (("usage", USAGE_FIELDS), ("cost", COST_FIELDS)):
        rows = fetch_all(client, kind, week(**{"group_by[]": ["model"]}))
        assert {r["group"]["model"] for r in rows} - {None}
        for row in rows:
            assert set(row["group"]) == set(fields)
            assert all(v is None for k, v in row["group"].items() if k != "model")
        plain = fetch_all(client, kind, week())
        assert len(plain) == len(WEEK)  # one row per bucket with usage
        assert all(set(r["group"].values()) == {None} for r in plain)


def test_actors_are_real(emu: Emulator, cost_rows: list[Row], usage_rows: list[Row]) -> None:
    users = {u["id"]: u["email"] for u in emu.org.users}
    accounts = {s["id"] for s in emu.org.service_accounts}
    keys = {k["id"] for k in emu.org.api_keys}
    seen = set()
    for row in cost_rows + usage_rows:
        actor = row["group"]["actor"]
        if actor is None:  # code execution: no caller, no tokens
            assert row["group"]["product"] is None and row["group"]["model"] is None
            if "cost" in row:
                assert row["group"]["cost_type"] == "code_execution"
            else:
                assert row["usage"]["total_tokens"] == 0 and row["usage"]["requests"] > 0
            continue
        seen.add(actor["type"])
        if actor["type"] == "user_actor":
            assert set(actor) == {"type", "user_id", "email_address"}
            assert users[actor["user_id"]] == actor["email_address"]
        elif actor["type"] == "service_account_actor":
            assert set(actor) == {"type", "service_account_id"}
            assert actor["service_account_id"] in accounts
        else:
            assert actor == {"type": "api_actor", "api_key_id": actor["api_key_id"]}
            assert actor["api_key_id"] in keys
            assert row["group"]["api_key_id"] == actor["api_key_id"]
    assert seen == {"user_actor", "service_account_actor", "api_actor"}


def test_keys_workspaces_and_products_are_real(emu: Emulator, cost_rows: list[Row]) -> None:
    listed = {w["id"] for w in emu.org.list_workspaces(include_archived=True)}
    keys = {k["id"] for k in emu.org.api_keys}
    groups = [r["group"] for r in cost_rows]
    assert {g["workspace_id"] for g in groups} <= listed | {None}
    assert (
        None in {g["workspace_id"] for g in groups} and len({g["workspace_id"] for g in groups}) > 2
    )
    assert {g["api_key_id"] for g in groups} - {None} <= keys
    assert {g["product"] for g in groups} == {"claude_code", "chat", None}
    assert {g["cost_type"] for g in groups} == {"tokens", "web_search", "code_execution"}
    for g in groups:
        assert (g["token_type"] is not None) == (g["cost_type"] == "tokens")


def test_actor_principals_match_api_keys(emu: Emulator, usage_rows: list[Row]) -> None:
    principals = {k["id"]: k["principal"] for k in emu.org.api_keys}
    for row in usage_rows:
        group = row["group"]
        if group["api_key_id"] is None:
            continue
        principal = principals[group["api_key_id"]]
        actor = group["actor"]
        if principal is None:
            assert actor == {"type": "api_actor", "api_key_id": group["api_key_id"]}
        elif principal["type"] == "user_actor":
            assert actor["user_id"] == principal["user_id"]
        else:
            assert actor["service_account_id"] == principal["service_account_id"]


def test_tagged_actor_shape(emu: Emulator, client: httpx.Client, usage_rows: list[Row]) -> None:
    emu.configure(analytics_actor_shape="tagged")
    params = week(**{"group_by[]": [*USAGE_GROUPS, "actor_type"]}, limit=1000)
    tagged = fetch_all(client, "usage", params)
    prefixes = {"user_actor": "user_", "service_account_actor": "svac_", "api_actor": "apikey_"}
    for row in tagged:
        actor, kind = row["group"]["actor"], row["group"]["actor_type"]
        if actor is None:
            assert kind is None and row["usage"]["total_tokens"] == 0
            continue
        assert isinstance(actor, str) and actor.startswith(prefixes[kind])
    by_object = {
        next(v for k, v in r["group"]["actor"].items() if k not in ("type", "email_address"))
        if r["group"]["actor"]
        else None
        for r in usage_rows
    }
    assert {r["group"]["actor"] for r in tagged} == by_object


def _legacy_cost(client: httpx.Client, day: date) -> Decimal:
    params = {"starting_at": iso(day), "ending_at": iso(day + timedelta(days=1))}
    params["group_by[]"] = ["workspace_id", "description"]  # type: ignore[assignment]
    body = client.get(f"{ORG}/cost_report", params=params).json()
    return sum((Decimal(r["amount"]) for b in body["data"] for r in b["results"]), Decimal(0))


def _legacy_usage(client: httpx.Client, day: date) -> dict[str, int]:
    params = {"starting_at": iso(day), "ending_at": iso(day + timedelta(days=1))}
    body = client.get(f"{ORG}/usage_report/messages", params=params).json()
    results = [r for b in body["data"] for r in b["results"]]
    return {name: sum(get(r) for r in results) for name, get in TOKENS.items()}


@pytest.mark.parametrize("group_by", [COST_GROUPS, [], ["actor", "token_type"], ["product"]])
def test_cost_reconciles_with_cost_report(client: httpx.Client, group_by: list[str]) -> None:
    rows = fetch_all(client, "cost", week(**{"group_by[]": group_by}, limit=1000))
    for day in WEEK:
        mine = [Decimal(r["cost"]["amount"]) for r in rows if r["starting_at"] == iso(day)]
        legacy = _legacy_cost(client, day)
        assert legacy > 0 and sum(mine, Decimal(0)) == legacy, day


@pytest.mark.parametrize("group_by", [USAGE_GROUPS, [], ["actor_type", "speed"]])
def test_usage_reconciles_with_usage_report(client: httpx.Client, group_by: list[str]) -> None:
    rows = fetch_all(client, "usage", week(**{"group_by[]": group_by}, limit=1000))
    for day in WEEK:
        mine = [r["usage"] for r in rows if r["starting_at"] == iso(day)]
        totals = {name: sum(get(u) for u in mine) for name, get in TOKENS.items()}
        legacy = _legacy_usage(client, day)
        assert legacy["output_tokens"] > 0 and totals == legacy, day


def test_no_analytics_before_2026_while_legacy_has_data(emu: Emulator) -> None:
    assert emu.org.cost_results(date(2025, 12, 31))  # the legacy reports have this day
    first, end = iso(date(2025, 12, 31)), iso(date(2026, 1, 1))
    from anthropic_ingest.emulator.timeutil import parse_rfc3339 as at

    assert emu.org.analytics_rows("cost", at(first), at(end)) == []
    assert emu.org.analytics_rows("usage", at(first), at(end)) == []


def test_served_rows_equal_the_model(emu: Emulator, cost_rows: list[Row]) -> None:
    first, end = parse_rfc3339(iso(WEEK[0])), parse_rfc3339(iso(WEEK[-1] + timedelta(days=1)))
    assert emu.org.analytics_rows("cost", first, end, "1d", COST_GROUPS) == cost_rows


def test_responses_are_repeatable(client: httpx.Client) -> None:
    params = week(**{"group_by[]": ["actor", "model"]}, limit=5)
    assert client.get(f"{ORG}/analytics/cost", params=params).content == (
        client.get(f"{ORG}/analytics/cost", params=params).content
    )
