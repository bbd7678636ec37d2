"""`anthropic-ingest emulator` as a user runs it, and the child-process handle built on it."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import date

import httpx

from anthropic_ingest.emulator import DEFAULT_ADMIN_KEY, EmulatorConfig, spawned_emulator

COMMAND = [sys.executable, "-m", "anthropic_ingest", "emulator"]


def test_help_has_an_example() -> None:
    result = subprocess.run([*COMMAND, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "anthropic-ingest emulator --port 8765 --seed 7" in result.stdout
    for option in (
        "--seed",
        "--users",
        "--start-date",
        "--latency-ms",
        "--rate-limit-rpm",
        "--fault-rate",
        "--admin-key",
        "--host",
        "--port",
        "--end-date",
        "--api-keys-shape",
        "--no-retry-after",
        "--analytics-access",
        "--analytics-actor-shape",
        "--service-accounts-access",
        "--rate-limits-access",
        "--rate-limits-shape",
        "--stale-cursor-every",
    ):
        assert option in result.stdout


def test_serves_until_interrupted() -> None:
    args = [
        "--port",
        "0",
        "--users",
        "5",
        "--start-date",
        "2025-01-01",
        "--end-date",
        "2025-01-31",
        "--admin-key",
        "sk-ant-admin01-cli-test",
    ]
    process = subprocess.Popen(
        [*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(4)]
        base_url = next(
            line.split(":", 1)[1].strip() for line in banner if line.startswith("base URL:")
        )
        assert any("admin key: sk-ant-admin01-cli-test" in line for line in banner)
        me = httpx.get(
            f"{base_url}/v1/organizations/me",
            headers={"x-api-key": "sk-ant-admin01-cli-test", "anthropic-version": "2023-06-01"},
        )
        assert me.status_code == 200 and me.json()["type"] == "organization"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_bad_settings_are_refused() -> None:
    result = subprocess.run(
        [*COMMAND, "--users", "0", "--port", "0"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "users must be between 1 and" in result.stdout + result.stderr


def test_spawned_emulator_controls() -> None:
    config = EmulatorConfig(
        seed=5, users=6, start_date=date(2025, 1, 1), end_date=date(2025, 1, 10)
    )
    with spawned_emulator(config) as emu:
        assert emu.admin_key == DEFAULT_ADMIN_KEY
        headers = {"x-api-key": emu.admin_key, "anthropic-version": "2023-06-01"}
        with httpx.Client(base_url=emu.base_url, headers=headers) as client:
            emu.script("/v1/organizations/me", [{"kind": "status", "status": 529}])
            assert client.get("/v1/organizations/me").status_code == 529
            me = client.get("/v1/organizations/me").json()
            assert me == emu.org.organization  # the local model is the served org
            day = client.get(
                "/v1/organizations/usage_report/claude_code",
                params={"starting_at": "2025-01-06", "limit": 1000},
            ).json()
            assert len(day["data"]) == len(emu.org.claude_code_records(date(2025, 1, 6)))
        assert [e["status"] for e in emu.requests()] == [529, 200, 200]
        emu.reset()
        assert emu.requests() == []


def test_spawned_emulator_takes_the_optional_endpoint_switches() -> None:
    config = EmulatorConfig(
        seed=5,
        users=6,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 1, 10),
        analytics_access="forbidden",
        service_accounts_access="not_found",
        rate_limits_shape="group",
        analytics_actor_shape="tagged",
        stale_cursor_every=2,
    )
    with spawned_emulator(config) as emu:
        headers = {
            "x-api-key": emu.admin_key,
            "anthropic-version": "2023-06-01",
            "anthropic-beta": "analytics-usage-cost-2026-08-24",
        }
        with httpx.Client(base_url=emu.base_url, headers=headers) as client:
            cost = client.get(
                "/v1/organizations/analytics/cost",
                params={"starting_at": "2026-01-02T00:00:00Z", "time_bucket_width": "1d"},
            )
            assert cost.status_code == 403
            assert client.get("/v1/organizations/service_accounts").status_code == 404
            limits = client.get("/v1/organizations/rate_limits").json()["data"]
            assert all("group" in limit for limit in limits)
            served = client.get("/_emulator/config").json()
        assert served["analytics_actor_shape"] == "tagged"
        assert served["stale_cursor_every"] == 2
        assert served["rate_limits_access"] == "full"


def test_bad_switch_values_are_refused() -> None:
    for option, value in (("--analytics-access", "partial"), ("--stale-cursor-every", "0")):
        result = subprocess.run(
            [*COMMAND, option, value, "--port", "0"], capture_output=True, text=True, timeout=60
        )
        assert result.returncode != 0
        assert option.lstrip("-").replace("-", "_") in result.stdout + result.stderr
