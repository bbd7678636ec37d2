"""Which key reads what in Console and Enterprise orgs, and the Enterprise rate limit."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from anthropic_ingest.emulator import DEFAULT_ANALYTICS_KEY, Emulator, running_emulator
from anthropic_ingest.emulator.config import EmulatorConfig
from tests.emulator.enterprise_helpers import (
    ANALYTICS,
    CONFIG,
    DAY,
    ENGAGEMENT,
    ORG,
    SPEND_BETA,
    VERSION,
    admin_headers,
    analytics_headers,
    error,
    restore,
)

ADMIN_PATHS = ("/me", "/users", "/invites", "/api_keys", "/cost_report", "/usage_report/messages")
ANALYTICS_BETA = {"anthropic-beta": "analytics-usage-cost-2026-08-24"}


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with running_emulator(CONFIG) as served:
        yield served


@pytest.fixture
def fresh(emu: Emulator) -> Iterator[Emulator]:
    yield from (emu for _ in restore(emu))


def _get(emu: Emulator, path: str, headers: dict[str, str], **params: str) -> httpx.Response:
    with httpx.Client(base_url=emu.base_url, timeout=30) as client:
        return client.get(path, params=params, headers=headers)


@pytest.mark.parametrize("endpoint", [*ENGAGEMENT, "summaries"])
def test_engagement_endpoints_serve_only_the_analytics_key(fresh: Emulator, endpoint: str) -> None:
    path = f"{ANALYTICS}/{endpoint}"
    params = {"starting_date": DAY.isoformat()} if endpoint == "summaries" else {"date": str(DAY)}
    assert _get(fresh, path, analytics_headers(fresh), **params).status_code == 200
    # §5.1: a missing, invalid or under-scoped key is a 404 on these endpoints
    for headers in (admin_headers(fresh), VERSION, {"x-api-key": "sk-ant-api01-nope", **VERSION}):
        error(_get(fresh, path, headers, **params), 404)


@pytest.mark.parametrize("path", ADMIN_PATHS)
def test_admin_endpoints_refuse_the_analytics_key(fresh: Emulator, path: str) -> None:
    message = error(_get(fresh, f"{ORG}{path}", analytics_headers(fresh)), 403)
    assert "read:analytics" in message
    assert _get(fresh, f"{ORG}{path}", VERSION).status_code == 401


@pytest.mark.parametrize("kind", ["usage", "cost"])
def test_usage_and_cost_take_either_key_and_401_otherwise(fresh: Emulator, kind: str) -> None:
    params = {
        "starting_at": f"{DAY}T00:00:00Z",
        "time_bucket_width": "1d",
        "group_by[]": "actor",
    }
    for headers in (analytics_headers(fresh), admin_headers(fresh)):
        response = _get(fresh, f"{ANALYTICS}/{kind}", {**headers, **ANALYTICS_BETA}, **params)
        assert response.status_code == 200, response.text
    bad = {"x-api-key": "sk-ant-api01-analytics-wrong", **VERSION, **ANALYTICS_BETA}
    error(_get(fresh, f"{ANALYTICS}/{kind}", bad, **params), 401)


@pytest.mark.parametrize("path", ["/rbac_groups", "/spend_limits/effective"])
def test_enterprise_lists_take_either_key(fresh: Emulator, path: str) -> None:
    for headers in (analytics_headers(fresh), admin_headers(fresh)):
        assert _get(fresh, f"{ORG}{path}", {**headers, **SPEND_BETA}).status_code == 200
    error(_get(fresh, f"{ORG}{path}", {**VERSION, **SPEND_BETA}), 401)


def test_a_console_org_has_no_enterprise_endpoints() -> None:
    config = CONFIG.with_changes(org_type="console")
    with running_emulator(config) as console:
        assert console.config.org_type == "console"
        users = f"{ANALYTICS}/users"
        error(_get(console, users, admin_headers(console), date=str(DAY)), 404)
        # the Analytics key is just an unknown key in a Console org
        error(_get(console, users, analytics_headers(console), date=str(DAY)), 404)
        error(_get(console, f"{ORG}/users", analytics_headers(console)), 401)
        for path in ("/rbac_groups", "/spend_limits/effective"):
            error(_get(console, f"{ORG}{path}", {**admin_headers(console), **SPEND_BETA}), 404)
        assert _get(console, f"{ORG}/users", admin_headers(console)).status_code == 200


def test_the_enterprise_limit_is_per_organization_and_separate(fresh: Emulator) -> None:
    fresh.configure(enterprise_rate_limit_rpm=60)
    path, headers = f"{ANALYTICS}/users", analytics_headers(fresh)
    with httpx.Client(base_url=fresh.base_url, headers=headers, timeout=30) as client:
        statuses = [client.get(path, params={"date": str(DAY)}).status_code for _ in range(60)]
        assert statuses == [200] * 60
        over = client.get(f"{ANALYTICS}/skills", params={"date": str(DAY)})
        assert "per organization" in error(over, 429)
        assert "retry-after" not in over.headers and "retry-after-ms" not in over.headers
        effective = client.get(f"{ORG}/spend_limits/effective", headers=SPEND_BETA)
        assert effective.status_code == 429
        # the window covers the organization, not the key; other endpoints are not in it
        admin = client.get(path, params={"date": str(DAY)}, headers={"x-api-key": fresh.admin_key})
        assert admin.status_code == 404
        assert client.get(f"{ORG}/rbac_groups").status_code == 200
    with httpx.Client(base_url=fresh.base_url, headers=admin_headers(fresh)) as admin_client:
        assert admin_client.get(f"{ORG}/users").status_code == 200


def test_the_request_log_never_holds_the_analytics_key(fresh: Emulator) -> None:
    _get(
        fresh, f"{ANALYTICS}/users", analytics_headers(fresh), date=str(DAY), x=fresh.analytics_key
    )
    entries = fresh.requests()
    assert entries and fresh.analytics_key not in repr(entries)
    assert entries[-1]["query"][-1] == ["x", "***"]


def test_the_config_validates_the_org_type_and_keys() -> None:
    with pytest.raises(ValueError, match="org_type"):
        EmulatorConfig(org_type="team")
    with pytest.raises(ValueError, match="analytics_key"):
        EmulatorConfig(analytics_key=EmulatorConfig().admin_key)
    with pytest.raises(ValueError, match="enterprise_rate_limit_rpm"):
        EmulatorConfig(enterprise_rate_limit_rpm=0)
    assert EmulatorConfig().org_type == "console"
    assert DEFAULT_ANALYTICS_KEY.startswith("sk-ant-api01-analytics-")


def test_the_cli_serves_an_enterprise_org() -> None:
    command = [sys.executable, "-m", "anthropic_ingest", "emulator", "--port", "0"]
    command += ["--org-type", "enterprise", "--users", "8", "--enterprise-rate-limit-rpm", "5"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(5)]
        base = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("base URL"))
        key_line = next(line for line in lines if line.startswith("analytics key:"))
        assert DEFAULT_ANALYTICS_KEY in key_line and "5 requests/min" in key_line
        headers = {"x-api-key": DEFAULT_ANALYTICS_KEY, **VERSION}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            config = client.get("/_emulator/config").json()
            assert config["org_type"] == "enterprise"
            assert config["enterprise_rate_limit_rpm"] == 5
            assert DEFAULT_ANALYTICS_KEY not in repr(config)
            assert client.get(f"{ORG}/rbac_groups").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_cli_refuses_an_unknown_org_type() -> None:
    command = [sys.executable, "-m", "anthropic_ingest", "emulator", "--org-type", "team"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "org_type" in done.stderr
