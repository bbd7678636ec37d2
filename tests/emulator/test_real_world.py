"""Limits the real Admin API enforces, from connectors that met them (changes file, section 1).

A client that breaks one of these rules gets the same refusal from the emulator as from the
real API, so its tests fail here rather than in production.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from anthropic_ingest.emulator import Emulator
from tests.emulator.conftest import VERSION

ORG = "/v1/organizations"
USAGE, CODE = f"{ORG}/usage_report/messages", f"{ORG}/usage_report/claude_code"
DAY = {"starting_at": "2025-02-03T00:00:00Z", "ending_at": "2025-02-04T00:00:00Z"}
FIVE = ["api_key_id", "workspace_id", "model", "service_tier", "context_window"]
TOO_MANY = "Cannot specify more than 5 group_by[] dimensions."
FAST_MODE = {"anthropic-beta": "fast-mode-2026-02-01"}


def _error(response: httpx.Response) -> tuple[int, str, str]:
    error = response.json()["error"]
    return response.status_code, error["type"], error["message"]


def _rows(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    return [row for bucket in response.json()["data"] for row in bucket["results"]]


# -- group_by[]: at most five dimensions -------------------------------------------------------
@pytest.mark.parametrize(
    "params",
    [
        {**DAY, "group_by[]": [*FIVE, "inference_geo"]},
        {**DAY, "group_by[]": [*FIVE, "account_id", "service_account_id"]},
        # checked before anything else: the other errors of these requests never show
        {"group_by[]": [*FIVE, "inference_geo"], "bucket_width": "5m"},
        {**DAY, "group_by[]": [*FIVE, "region"]},
    ],
    ids=["six", "seven", "before-other-checks", "before-enum-check"],
)
def test_more_than_five_group_by_is_refused(api: httpx.Client, params: dict[str, Any]) -> None:
    response = api.get(USAGE, params=params)
    assert _error(response) == (400, "invalid_request_error", TOO_MANY)


def test_six_with_speed_and_the_beta_is_refused_too(api: httpx.Client) -> None:
    params = {**DAY, "group_by[]": [*FIVE, "speed"]}
    response = api.get(USAGE, params=params, headers=FAST_MODE)
    assert _error(response) == (400, "invalid_request_error", TOO_MANY)


def test_five_group_by_are_served(api: httpx.Client) -> None:
    rows = _rows(api.get(USAGE, params={**DAY, "group_by[]": FIVE}))
    assert rows and all(row["model"] is not None for row in rows)
    assert any(row["api_key_id"] is not None for row in rows)


def test_a_repeated_dimension_counts_once(api: httpx.Client) -> None:
    # UNCERTAIN in the real API; the emulator counts distinct dimensions (docs/emulator.md).
    repeated = api.get(USAGE, params={**DAY, "group_by[]": [*FIVE, "model", "workspace_id"]})
    assert repeated.status_code == 200
    assert repeated.content == api.get(USAGE, params={**DAY, "group_by[]": FIVE}).content


def test_the_posthog_fallback_groupings_are_served(api: httpx.Client) -> None:
    for dims in (
        ["workspace_id", "model", "service_tier", "context_window", "inference_geo"],
        ["workspace_id", "model"],
        [],
    ):
        assert api.get(USAGE, params={**DAY, "group_by[]": dims}).status_code == 200, dims


# -- speed needs the fast-mode beta ------------------------------------------------------------
@pytest.mark.parametrize(
    "params",
    [{**DAY, "group_by[]": "speed"}, {**DAY, "speeds[]": "fast"}],
    ids=["group_by", "filter"],
)
def test_speed_without_the_fast_mode_beta_is_refused(
    api: httpx.Client, params: dict[str, Any]
) -> None:
    status, error_type, message = _error(api.get(USAGE, params=params))
    assert (status, error_type) == (400, "invalid_request_error")
    assert "fast-mode-2026-02-01" in message
    other_beta = api.get(USAGE, params=params, headers={"anthropic-beta": "other-2026-01-01"})
    assert other_beta.status_code == 400
    assert api.get(USAGE, params=params, headers=FAST_MODE).status_code == 200


# -- Claude Code: starting_at is a date ---------------------------------------------------------
@pytest.mark.parametrize("value", ["2026-11-01T00:00:00Z", "2025-02-03T00:00:00Z", "2025-02-03Z"])
def test_claude_code_refuses_a_date_time(api: httpx.Client, value: str) -> None:
    status, error_type, message = _error(api.get(CODE, params={"starting_at": value}))
    assert (status, error_type) == (400, "invalid_request_error")
    assert "starting_at" in message and value in message


def test_claude_code_serves_a_date(api: httpx.Client, live: Emulator) -> None:
    response = api.get(CODE, params={"starting_at": "2025-02-03", "limit": 1000})
    assert response.status_code == 200
    assert response.json()["data"]


# -- anthropic-version: exactly 2023-06-01 -----------------------------------------------------
@pytest.mark.parametrize("path", [f"{ORG}/me", f"{ORG}/api_keys", CODE])
@pytest.mark.parametrize("version", ["2026-10-21", "2024-01-01", "2023-06-1", "latest"])
def test_another_version_is_refused(
    bare: httpx.Client, live: Emulator, path: str, version: str
) -> None:
    headers = {"x-api-key": live.admin_key, "anthropic-version": version}
    status, error_type, message = _error(bare.get(path, headers=headers))
    assert (status, error_type) == (400, "invalid_request_error")
    assert "anthropic-version" in message and version in message


def test_a_request_without_a_version_is_refused(bare: httpx.Client, live: Emulator) -> None:
    status, error_type, message = _error(
        bare.get(f"{ORG}/me", headers={"x-api-key": live.admin_key})
    )
    assert (status, error_type) == (400, "invalid_request_error")
    assert "anthropic-version" in message


def test_the_pinned_version_is_served(bare: httpx.Client, live: Emulator) -> None:
    response = bare.get(f"{ORG}/me", headers={"x-api-key": live.admin_key, **VERSION})
    assert response.status_code == 200


# -- 429 with and without retry-after ----------------------------------------------------------
def _limited(api: httpx.Client, live: Emulator, **settings: Any) -> httpx.Response:
    live.configure(rate_limit_rpm=2, **settings)
    assert [api.get(f"{ORG}/me").status_code for _ in range(2)] == [200, 200]
    response = api.get(f"{ORG}/me")
    assert response.status_code == 429
    assert response.json()["error"]["type"] == "rate_limit_error"
    return response


def test_rate_limit_429_without_retry_after(api: httpx.Client, live: Emulator) -> None:
    response = _limited(api, live, rate_limit_retry_after=False)
    assert "retry-after" not in response.headers
    assert "retry-after-ms" not in response.headers


def test_rate_limit_429_with_retry_after_by_default(api: httpx.Client, live: Emulator) -> None:
    assert live.config.rate_limit_retry_after is True
    response = _limited(api, live)
    assert 1 <= int(response.headers["retry-after"]) <= 60


def test_retry_after_switch_over_the_control_api(
    api: httpx.Client, bare: httpx.Client, live: Emulator
) -> None:
    body = {"rate_limit_retry_after": False, "rate_limit_rpm": 1}
    assert bare.post("/_emulator/settings", json=body).status_code == 200
    assert bare.get("/_emulator/config").json()["rate_limit_retry_after"] is False
    assert api.get(f"{ORG}/me").status_code == 200
    response = api.get(f"{ORG}/me")
    assert response.status_code == 429 and "retry-after" not in response.headers
    refused = bare.post("/_emulator/settings", json={"rate_limit_retry_after": "no"})
    assert refused.status_code == 400
