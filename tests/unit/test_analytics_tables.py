"""The four tables beyond the original product page: declarations, transforms on the example
and documented records, the analytics history range, and the `next_page` paginator."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from anthropic_ingest import errors
from anthropic_ingest.check import ORIGINAL_TABLES
from anthropic_ingest.client.pagination import NextPagePaginator
from anthropic_ingest.load.arrow import to_arrow
from anthropic_ingest.load.plan import unavailable_reason
from anthropic_ingest.load.windows import (
    Interval,
    check_history,
    clip_interval,
    history_limit,
    history_start,
)
from anthropic_ingest.tables import TABLES
from anthropic_ingest.transforms_analytics import analytics_actor
from tests.unit.analytics_rows import COST_ROW, USAGE_ROW

EXAMPLES = Path(__file__).resolve().parents[1] / "emulator" / "examples"
NEW_TABLES = ("analytics_cost", "analytics_usage", "service_accounts", "rate_limits")
ANALYTICS_KEY = ("bucket", "actor_type", "actor_id", "product", "model", "api_key_id")
# CONTRACT.md, "Tables beyond the original product page".
CONTRACT_COLUMNS = {
    "analytics_cost": "bucket bucket_end actor_type actor_id actor_email product model "
    "api_key_id workspace_id cost_type token_type amount_cents list_amount_cents amount_usd "
    "currency requests",
    "analytics_usage": "bucket bucket_end actor_type actor_id actor_email product model "
    "api_key_id workspace_id uncached_input_tokens cache_creation_ephemeral_5m_input_tokens "
    "cache_creation_ephemeral_1h_input_tokens cache_read_input_tokens output_tokens "
    "web_search_requests requests total_tokens",
    "service_accounts": "id name description organization_role created_at archived_at "
    "created_by_actor_id",
    "rate_limits": "rate_limit_id group_id group_type group_name models limit_type limit_value",
}
CONTRACT_KEYS = {
    "analytics_cost": (*ANALYTICS_KEY, "workspace_id", "cost_type", "token_type"),
    "analytics_usage": (*ANALYTICS_KEY, "workspace_id"),
    "service_accounts": ("id",),
    "rate_limits": ("rate_limit_id", "limit_type"),
}


def example_data(name: str) -> list[dict[str, Any]]:
    doc = json.loads((EXAMPLES / name).read_text(), parse_float=Decimal)
    return [r for example in doc["examples"] for r in example["response"]["data"]]


@pytest.mark.parametrize("table", NEW_TABLES)
def test_contract_columns_keys_and_optional(table: str) -> None:
    spec = TABLES[table]
    assert set(CONTRACT_COLUMNS[table].split()) <= set(spec.column_names)
    assert spec.key == CONTRACT_KEYS[table]
    assert spec.optional
    # The tables of the original product page are never optional (the Enterprise ones are).
    assert not any(s.optional for name, s in TABLES.items() if name in ORIGINAL_TABLES)


@pytest.mark.parametrize("table", ["analytics_cost", "analytics_usage"])
def test_analytics_tables_are_daily_windows_behind_the_beta(table: str) -> None:
    spec = TABLES[table]
    assert (spec.mode, spec.cursor, spec.lookback_days) == ("window", "bucket", 30)
    source = spec.source
    assert source.paging == "rows"
    assert ("time_bucket_width", "1d") in source.params
    assert dict(source.headers) == {"anthropic-beta": "analytics-usage-cost-2026-08-24"}
    assert source.data_from == date(2026, 1, 1) and source.history_days == 365
    grouped = {"actor", "product", "model", "api_key_id", "workspace_id"}
    if table == "analytics_cost":
        grouped |= {"cost_type", "token_type"}
    assert set(source.group_by or ()) == grouped
    assert "2026-01-01" in spec.mode_text


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        (
            {"type": "user_actor", "user_id": "user_01A", "email_address": "a@example.com"},
            ("user", "user_01A", "a@example.com"),
        ),
        ("user_01A", ("user", "user_01A", None)),
        (
            {"type": "service_account_actor", "service_account_id": "svac_01S"},
            ("service_account", "svac_01S", None),
        ),
        ("svac_01S", ("service_account", "svac_01S", None)),
        ({"type": "api_actor", "api_key_id": "apikey_01K"}, ("api_key", "apikey_01K", None)),
        ("apikey_01K", ("api_key", "apikey_01K", None)),
        (None, (None, None, None)),
        ({"type": "federated_actor", "subject_id": "fed_1"}, ("federated", "fed_1", None)),
        ("someone", (None, "someone", None)),
    ],
)
def test_actor_in_object_and_tagged_forms(actor: Any, expected: tuple[Any, ...]) -> None:
    assert analytics_actor(actor) == expected


def test_an_actor_that_is_neither_object_nor_id_is_refused() -> None:
    with pytest.raises(TypeError):
        analytics_actor(42)


def test_cost_row_is_exact_and_requests_null_when_absent() -> None:
    [row] = TABLES["analytics_cost"].to_rows(COST_ROW)
    assert row["bucket"] == datetime(2026, 9, 3, tzinfo=UTC)
    assert row["bucket_end"] == datetime(2026, 9, 4, tzinfo=UTC)
    assert (row["actor_type"], row["actor_id"], row["actor_email"]) == (
        "service_account",
        "svac_01S",
        None,
    )
    assert row["amount_cents"] == Decimal("1234.567891")
    assert row["list_amount_cents"] == Decimal("1543.20986375")
    assert row["amount_usd"] == Decimal("12.34567891")
    assert (row["cost_type"], row["token_type"], row["currency"]) == (
        "tokens",
        "output_tokens",
        "USD",
    )
    assert row["requests"] is None
    assert row["extra_fields"] is None  # every unmapped group field is null
    without = {**COST_ROW, "cost": {k: v for k, v in COST_ROW["cost"].items() if k != "requests"}}
    assert TABLES["analytics_cost"].to_rows(without)[0]["requests"] is None
    ungrouped = {**COST_ROW, "cost": {**COST_ROW["cost"], "requests": 9}}
    assert TABLES["analytics_cost"].to_rows(ungrouped)[0]["requests"] == 9


def test_usage_row_maps_every_token_column() -> None:
    [row] = TABLES["analytics_usage"].to_rows(USAGE_ROW)
    assert row["actor_email"] == "a@example.com"
    assert (row["product"], row["api_key_id"], row["workspace_id"]) == (
        "claude_code",
        "apikey_01K",
        "wrkspc_01W",
    )
    got = {k: row[k] for k in CONTRACT_COLUMNS["analytics_usage"].split()[9:]}
    assert got == {
        "uncached_input_tokens": 120,
        "cache_creation_ephemeral_5m_input_tokens": 11,
        "cache_creation_ephemeral_1h_input_tokens": 7,
        "cache_read_input_tokens": 300,
        "output_tokens": 45,
        "web_search_requests": 2,
        "requests": 3,
        "total_tokens": 483,
    }


def test_object_and_tagged_actor_give_the_same_row_but_the_email() -> None:
    tagged = {**USAGE_ROW, "group": {**USAGE_ROW["group"], "actor": "user_01A"}}
    [by_object] = TABLES["analytics_usage"].to_rows(USAGE_ROW)
    [by_id] = TABLES["analytics_usage"].to_rows(tagged)
    assert by_object.pop("actor_email") == "a@example.com"
    assert by_id.pop("actor_email") is None
    assert by_object == by_id


def test_analytics_fields_beyond_the_columns_are_kept() -> None:
    record = {
        **USAGE_ROW,
        "organization_id": "org_1",
        "group": {**USAGE_ROW["group"], "speed": "fast"},
        "usage": {**USAGE_ROW["usage"], "execution_seconds": 4},
    }
    [row] = TABLES["analytics_usage"].to_rows(record)
    assert json.loads(row["extra_fields"]) == {
        "group": {"speed": "fast"},
        "organization_id": "org_1",
        "usage": {"execution_seconds": 4},
    }


def test_service_accounts_example() -> None:
    [record] = example_data("service_accounts_list.json")
    [row] = TABLES["service_accounts"].to_rows(record)
    assert row["id"] == "svac_01SDCCSbTxrXDpWc1phhtcfK"
    assert row["organization_role"] == "admin"
    assert row["created_at"] == datetime(2024, 10, 30, 23, 58, 27, 427722, tzinfo=UTC)
    assert row["archived_at"] == datetime(2019, 12, 27, 18, 11, 19, 117000, tzinfo=UTC)
    assert row["created_by_actor_id"] == "created_by_actor_id"
    assert row["extra_fields"] is None


def test_rate_limits_in_the_older_and_the_ga_shape() -> None:
    [older] = example_data("rate_limits_list.json")
    [row] = TABLES["rate_limits"].to_rows(older)
    assert (row["rate_limit_id"], row["group_type"], row["group_id"], row["group_name"]) == (
        "id",
        "batch",
        None,
        None,
    )
    assert (row["models"], row["limit_type"], row["limit_value"]) == ("string", "type", 0)
    ga = {
        "type": "rate_limit",
        "id": "rl_1",
        "group": {"id": "rlg_1", "display_name": "Claude Sonnet", "type": "model_group"},
        "limits": [
            {"type": "requests_per_minute", "value": 4000},
            {"type": "output_tokens_per_minute", "value": 400000},
        ],
        "models": ["claude-sonnet-4-5", "claude-sonnet-4"],
    }
    rows = TABLES["rate_limits"].to_rows(ga)
    assert [(r["limit_type"], r["limit_value"]) for r in rows] == [
        ("requests_per_minute", 4000),
        ("output_tokens_per_minute", 400000),
    ]
    assert {(r["group_id"], r["group_type"], r["group_name"], r["models"]) for r in rows} == {
        ("rlg_1", "model_group", "Claude Sonnet", "claude-sonnet-4-5,claude-sonnet-4")
    }
    no_models = TABLES["rate_limits"].to_rows({**ga, "models": None, "limits": []})
    assert [(r["models"], r["limit_type"]) for r in no_models] == [(None, None)]
    assert to_arrow(TABLES["rate_limits"], rows).num_rows == 2


NOW = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)


def test_history_starts_at_the_later_of_the_first_day_and_365_days_back() -> None:
    assert history_start(date(2026, 1, 1), 365, NOW) == datetime(2026, 1, 1, tzinfo=UTC)
    later = datetime(2027, 3, 10, 5, 0, tzinfo=UTC)
    # 365 days before 2027-03-10T05:00 is 2026-03-10T05:00: the first whole day is the 11th.
    assert history_start(date(2026, 1, 1), 365, later) == datetime(2026, 3, 11, tzinfo=UTC)
    assert history_limit(date(2026, 1, 1), 365, datetime(2026, 1, 1, tzinfo=UTC)) == (
        "no data before 2026-01-01"
    )
    assert "last 365 days" in history_limit(
        date(2026, 1, 1), 365, datetime(2026, 3, 11, tzinfo=UTC)
    )


def test_an_interval_is_clipped_or_left_empty() -> None:
    first = datetime(2026, 1, 1, tzinfo=UTC)
    inside = Interval(datetime(2026, 2, 1, tzinfo=UTC), None)
    assert clip_interval(inside, first) == inside
    partly = Interval(datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 1, 10, tzinfo=UTC))
    assert clip_interval(partly, first) == Interval(first, datetime(2026, 1, 10, tzinfo=UTC))
    before = Interval(datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    assert clip_interval(before, first) is None
    assert clip_interval(Interval(None, None), first) == Interval(None, None)


def test_ingest_refuses_an_interval_before_the_data_in_one_line() -> None:
    first = datetime(2026, 1, 1, tzinfo=UTC)
    limit = "no data before 2026-01-01"
    check_history(Interval(first, None), "analytics_cost", first, limit)
    check_history(Interval(None, None), "analytics_cost", first, limit)
    with pytest.raises(errors.UsageError) as caught:
        check_history(
            Interval(datetime(2025, 12, 31, tzinfo=UTC), None), "analytics_cost", first, limit
        )
    message = str(caught.value)
    assert "\n" not in message
    assert "2025-12-31" in message and "2026-01-01" in message and "analytics_cost" in message
    with pytest.raises(errors.UsageError, match="--interval-end 2025-12-31"):
        check_history(Interval(None, first), "analytics_cost", first, limit)


def test_only_403_and_404_on_an_optional_table_make_it_unavailable() -> None:
    denied = errors.PermissionDeniedError("no", status=403)
    missing = errors.NotFoundError("no", status=404)
    broken = errors.ServerError("no", status=500)
    assert "permission denied (403" in str(unavailable_reason(TABLES["analytics_cost"], denied))
    assert "(404" in str(unavailable_reason(TABLES["rate_limits"], missing))
    assert unavailable_reason(TABLES["analytics_cost"], broken) is None
    assert unavailable_reason(TABLES["cost_report"], denied) is None


def test_next_page_paginator_stops_on_a_null_cursor() -> None:
    paginator = NextPagePaginator(limit=3)
    assert paginator.init_request([("a", "1")]) == [("a", "1"), ("limit", "3")]
    paginator.update_state("/x", {"next_page": "p2"})
    assert paginator.has_more
    assert paginator.update_request([("a", "1")]) == [("a", "1"), ("limit", "3"), ("page", "p2")]
    paginator.update_state("/x", {"next_page": None})
    assert not paginator.has_more
    assert NextPagePaginator().init_request([]) == []


def test_next_page_paginator_refuses_a_repeated_cursor() -> None:
    paginator = NextPagePaginator()
    paginator.update_state("/x", {"next_page": "p2"})
    with pytest.raises(errors.ProtocolError):
        paginator.update_state("/x", {"next_page": "p2"})
