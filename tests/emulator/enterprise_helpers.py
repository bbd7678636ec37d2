"""Shared setup of the Claude Enterprise tests: an Enterprise org whose data reaches 2026."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from anthropic_ingest.emulator import Emulator, EmulatorConfig
from anthropic_ingest.emulator.app import RUNTIME_SETTINGS

ORG = "/v1/organizations"
ANALYTICS = f"{ORG}/analytics"
VERSION = {"anthropic-version": "2023-06-01"}
TODAY = datetime.now(UTC).date()
LATEST = TODAY - timedelta(days=2)  # the documented lag of the emulator
DAY = max(date(2026, 1, 20), LATEST - timedelta(days=9))  # a weekday-rich, available day
# The per-organization limit is off by default here so that tests may page freely; the
# rate-limit test turns it back on.
CONFIG = EmulatorConfig(
    seed=11,
    users=30,
    start_date=date(2025, 12, 1),
    end_date=TODAY,
    org_type="enterprise",
    enterprise_rate_limit_rpm=None,
)
ENGAGEMENT = ("users", "skills", "connectors", "plugins", "apps/chat/projects", "artifacts")
SPEND_BETA = {"anthropic-beta": "spend-limit-reads-2026-09-26"}


def analytics_headers(emu: Emulator) -> dict[str, str]:
    return {"x-api-key": emu.analytics_key, **VERSION}


def admin_headers(emu: Emulator) -> dict[str, str]:
    return {"x-api-key": emu.admin_key, **VERSION}


def error(response: httpx.Response, status: int) -> str:
    """The error message of a response that must have `status`."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["type"] == "error"
    return str(body["error"]["message"])


def fetch_all(client: httpx.Client, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every row of a `{data, next_page}` endpoint, following next_page."""
    rows: list[dict[str, Any]] = []
    page: str | None = None
    for _ in range(1000):
        sent = {**params, **({"page": page} if page else {})}
        response = client.get(path, params=sent)
        assert response.status_code == 200, response.text
        body = response.json()
        rows.extend(body["data"])
        page = body["next_page"]
        if page is None:
            return rows
    raise AssertionError("pagination never ended")


def restore(emu: Emulator) -> Iterator[None]:
    """Reset scripts, log, rate windows and settings around a test."""
    emu.reset()
    yield
    emu.configure(**{name: getattr(CONFIG, name) for name in RUNTIME_SETTINGS})
    emu.reset()


def days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(count)]
