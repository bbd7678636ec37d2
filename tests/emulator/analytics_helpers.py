"""Shared setup of the analytics tests: an emulator whose data range reaches 2026."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from anthropic_ingest.emulator import Emulator, EmulatorConfig
from anthropic_ingest.emulator.app import RUNTIME_SETTINGS

ORG = "/v1/organizations"
BETA_NAME = "analytics-usage-cost-2026-08-24"
BETA = {"anthropic-beta": BETA_NAME}
COST_GROUPS = ["actor", "product", "model", "api_key_id", "workspace_id", "cost_type", "token_type"]
USAGE_GROUPS = ["actor", "product", "model", "api_key_id", "workspace_id"]
TODAY = datetime.now(UTC).date()
END = TODAY - timedelta(days=1)  # last day with data
# Days the tests read: a week well inside both the data range and the 365-day look-back.
WEEK_START = max(date(2026, 1, 5), END - timedelta(days=40))
WEEK = [WEEK_START + timedelta(days=i) for i in range(7)]
CONFIG = EmulatorConfig(seed=11, users=30, start_date=date(2025, 12, 20), end_date=END)


def iso(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def week(**extra: Any) -> dict[str, Any]:
    """Parameters of a daily request over WEEK."""
    params: dict[str, Any] = {
        "starting_at": iso(WEEK[0]),
        "ending_at": iso(WEEK[-1] + timedelta(days=1)),
        "time_bucket_width": "1d",
    }
    return {**params, **extra}


def headers(emu: Emulator, beta: bool = True) -> dict[str, str]:
    sent = {"x-api-key": emu.admin_key, "anthropic-version": "2023-06-01"}
    return {**sent, **BETA} if beta else sent


def fetch_all(client: httpx.Client, kind: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every row of an analytics request, following next_page."""
    rows: list[dict[str, Any]] = []
    page: str | None = None
    for _ in range(10_000):
        sent = {**params, **({"page": page} if page else {})}
        response = client.get(f"{ORG}/analytics/{kind}", params=sent)
        assert response.status_code == 200, response.text
        body = response.json()
        rows.extend(body["data"])
        assert body["has_more"] is (body["next_page"] is not None)
        if not body["has_more"]:
            return rows
        page = body["next_page"]
    raise AssertionError("pagination never ended")


def restore(emu: Emulator) -> Iterator[None]:
    """Reset scripts and settings around a test."""
    emu.reset()
    yield
    emu.configure(**{name: getattr(CONFIG, name) for name in RUNTIME_SETTINGS})
    emu.reset()
