"""Same request, same bytes; a day's data depends on the seed and the day only."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from anthropic_ingest.emulator import EmulatorConfig, SyntheticOrg, running_emulator
from tests.emulator.conftest import CONFIG, auth_headers

ORG = "/v1/organizations"
SAMPLES: list[tuple[str, dict[str, Any]]] = [
    (f"{ORG}/me", {}),
    (f"{ORG}/users", {"limit": 1000}),
    (f"{ORG}/invites", {"limit": 1000}),
    (f"{ORG}/workspaces", {"include_archived": "true"}),
    (f"{ORG}/api_keys", {"limit": 1000}),
    (
        f"{ORG}/usage_report/messages",
        {
            "starting_at": "2025-03-01T00:00:00Z",
            "ending_at": "2025-03-08T00:00:00Z",
            "group_by[]": ["api_key_id", "workspace_id", "model", "service_tier"],
        },
    ),
    (
        f"{ORG}/usage_report/messages",
        {
            "starting_at": "2025-03-03T10:00:00Z",
            "ending_at": "2025-03-03T11:00:00Z",
            "bucket_width": "1m",
            "group_by[]": "model",
        },
    ),
    (
        f"{ORG}/cost_report",
        {
            "starting_at": "2025-03-01T00:00:00Z",
            "ending_at": "2025-03-08T00:00:00Z",
            "group_by[]": ["workspace_id", "description"],
        },
    ),
    (f"{ORG}/usage_report/claude_code", {"starting_at": "2025-03-04", "limit": 1000}),
]


def _fetch_all(config: EmulatorConfig) -> list[bytes]:
    with (
        running_emulator(config) as emu,
        httpx.Client(base_url=emu.base_url, headers=auth_headers(emu)) as client,
    ):
        return [client.get(path, params=params).content for path, params in SAMPLES]


def test_two_instances_serve_identical_bytes() -> None:
    first, second = _fetch_all(CONFIG), _fetch_all(CONFIG)
    assert first == second
    assert all(len(body) > 100 for body in first)


def test_another_seed_serves_other_data() -> None:
    other = _fetch_all(CONFIG.with_changes(seed=8))
    assert other[0] != _fetch_all(CONFIG)[0]


def test_a_day_does_not_depend_on_the_configured_range() -> None:
    day = date(2025, 3, 4)
    narrow = SyntheticOrg(7, 12, start_date=day, end_date=day)
    wide = SyntheticOrg(7, 12, start_date=date(2024, 6, 1), end_date=date(2025, 12, 31))
    start = datetime(2025, 3, 4, tzinfo=UTC)
    group_by = ("api_key_id", "model", "service_tier")
    assert narrow.claude_code_records(day) == wide.claude_code_records(day) != []
    assert narrow.usage_results(start, "1d", group_by) == wide.usage_results(start, "1d", group_by)
    assert narrow.cost_results(day, ("description",)) == wide.cost_results(day, ("description",))
    outside = day + timedelta(days=1)
    assert narrow.claude_code_records(outside) == []
    assert narrow.usage_results(start + timedelta(days=1)) == []
    assert wide.usage_results(start + timedelta(days=1)) != []


def test_days_outside_the_range_are_served_empty(api: httpx.Client) -> None:
    params = {"starting_at": "2025-03-30T00:00:00Z", "ending_at": "2025-04-02T00:00:00Z"}
    data = api.get(f"{ORG}/usage_report/messages", params=params).json()["data"]
    assert [bool(b["results"]) for b in data] == [True, True, False]
    records = api.get(f"{ORG}/usage_report/claude_code", params={"starting_at": "2025-04-01"})
    assert records.json() == {"data": [], "has_more": False, "next_page": None}


def _sum(rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], list[int]]:
    totals: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        key = (row["api_key_id"], row["model"])
        metrics = [
            row["uncached_input_tokens"],
            row["cache_read_input_tokens"],
            row["output_tokens"],
            row["cache_creation"]["ephemeral_5m_input_tokens"],
            row["cache_creation"]["ephemeral_1h_input_tokens"],
            row["server_tool_use"]["web_search_requests"],
        ]
        acc = totals.setdefault(key, [0] * len(metrics))
        for i, value in enumerate(metrics):
            acc[i] += value
    return totals


def test_a_day_is_the_sum_of_its_hours_and_minutes() -> None:
    org = SyntheticOrg(7, 12, date(2025, 1, 1), date(2025, 3, 31))
    day = datetime(2025, 2, 5, tzinfo=UTC)
    group_by = ("api_key_id", "model")
    daily = _sum(org.usage_results(day, "1d", group_by))
    hourly = [org.usage_results(day + timedelta(hours=h), "1h", group_by) for h in range(24)]
    minutes = [
        org.usage_results(day + timedelta(minutes=m), "1m", group_by) for m in range(24 * 60)
    ]
    assert daily and daily == _sum([r for rows in hourly for r in rows])
    assert daily == _sum([r for rows in minutes for r in rows])
    assert sum(1 for rows in minutes if rows) < 24 * 60  # minute buckets are sparse


def test_cost_rows_add_up_exactly() -> None:
    org = SyntheticOrg(7, 12, date(2025, 1, 1), date(2025, 3, 31))
    day = date(2025, 2, 5)
    total = org.cost_results(day)
    assert len(total) == 1 and total[0]["description"] is None
    parts = org.cost_results(day, ("workspace_id", "description"))
    assert sum(Decimal(r["amount"]) for r in parts) == Decimal(total[0]["amount"])
    assert any("." in r["amount"] for r in parts)


def test_claude_code_costs_are_exact_numbers(api: httpx.Client) -> None:
    raw = api.get(
        f"{ORG}/usage_report/claude_code", params={"starting_at": "2025-03-04", "limit": 1000}
    ).text
    amounts = re.findall(r'"amount":(-?[0-9.eE+-]+)', raw)
    assert amounts and any("." in a for a in amounts) and any("." not in a for a in amounts)
    parsed = json.loads(raw, parse_float=Decimal)
    model = SyntheticOrg.from_config(CONFIG).claude_code_records(date(2025, 3, 4))
    served = [m["estimated_cost"]["amount"] for r in parsed["data"] for m in r["model_breakdown"]]
    expected = [m["estimated_cost"]["amount"] for r in model for m in r["model_breakdown"]]
    assert served == expected
    assert all(len(a.split(".")[-1]) <= 2 for a in amounts if "." in a)
