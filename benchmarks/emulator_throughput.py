"""Requests per second the Admin API emulator serves at zero latency (run by hand).

    .venv/bin/python benchmarks/emulator_throughput.py [--requests 1000] [--users 25]

The emulator runs in a child process (as `anthropic-ingest emulator`), and one keep-alive
httpx client sends the same request repeatedly, so the figure is the emulator's rate, not
the client's. The bar: at least 500 requests/s for every endpoint on a 2-core machine.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta
from typing import Any

import httpx

from anthropic_ingest.emulator import EmulatorConfig, spawned_emulator

DAY = "2025-03-03"
FIRST_DAY, ONE_DAY = date(2024, 1, 1), timedelta(days=1)
CASES: list[tuple[str, str, dict[str, str | list[str]]]] = [
    ("organizations/me", "/v1/organizations/me", {}),
    ("users (limit 20)", "/v1/organizations/users", {"limit": "20"}),
    ("api_keys (limit 100)", "/v1/organizations/api_keys", {"limit": "100"}),
    (
        "usage 1d x 7, 3 group_by",
        "/v1/organizations/usage_report/messages",
        {
            "starting_at": f"{DAY}T00:00:00Z",
            "ending_at": "2025-03-10T00:00:00Z",
            "group_by[]": ["api_key_id", "workspace_id", "model"],
        },
    ),
    (
        "usage 1h x 24, the five default group_by",
        "/v1/organizations/usage_report/messages",
        {
            "starting_at": f"{DAY}T00:00:00Z",
            "ending_at": "2025-03-04T00:00:00Z",
            "bucket_width": "1h",
            "group_by[]": [
                "api_key_id",
                "workspace_id",
                "model",
                "service_tier",
                "context_window",
            ],
        },
    ),
    (
        "cost 1d x 7, by workspace+description",
        "/v1/organizations/cost_report",
        {
            "starting_at": f"{DAY}T00:00:00Z",
            "ending_at": "2025-03-10T00:00:00Z",
            "group_by[]": ["workspace_id", "description"],
        },
    ),
    ("claude_code (limit 20)", "/v1/organizations/usage_report/claude_code", {"starting_at": DAY}),
]


Params = dict[str, str | list[str]]
COLD_CASES: list[tuple[str, str, Any]] = [
    (
        "claude_code, a new day each request",
        "/v1/organizations/usage_report/claude_code",
        lambda day: {"starting_at": day.isoformat()},
    ),
    (
        "usage 1h x 24, a new day each request",
        "/v1/organizations/usage_report/messages",
        lambda day: {
            "starting_at": f"{day}T00:00:00Z",
            "ending_at": f"{day + ONE_DAY}T00:00:00Z",
            "bucket_width": "1h",
            "group_by[]": ["api_key_id", "model"],
        },
    ),
    (
        "cost 1d x 1, a new day each request",
        "/v1/organizations/cost_report",
        lambda day: {
            "starting_at": f"{day}T00:00:00Z",
            "ending_at": f"{day + ONE_DAY}T00:00:00Z",
            "group_by[]": ["workspace_id", "description"],
        },
    ),
]


def _get(client: httpx.Client, path: str, params: Params) -> None:
    response = client.get(path, params=params)
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}: {response.text[:200]}")


def measure(client: httpx.Client, path: str, params: Params, n: int) -> float:
    """Requests per second for `n` identical sequential requests (after one warm-up)."""
    _get(client, path, params)
    started = time.perf_counter()
    for _ in range(n):
        _get(client, path, params)
    return n / (time.perf_counter() - started)


def measure_cold(client: httpx.Client, path: str, params_of: Any, n: int) -> float:
    """Requests per second when each request asks for a day not generated before."""
    days = [FIRST_DAY + timedelta(days=i) for i in range(n)]
    started = time.perf_counter()
    for day in days:
        _get(client, path, params_of(day))
    return n / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per endpoint")
    parser.add_argument("--users", type=int, default=25, help="size of the synthetic org")
    args = parser.parse_args()
    config = EmulatorConfig(users=args.users, start_date=FIRST_DAY, end_date=date(2025, 12, 31))
    with spawned_emulator(config) as emu:
        headers = {"x-api-key": emu.admin_key, "anthropic-version": "2023-06-01"}
        with httpx.Client(base_url=emu.base_url, headers=headers) as client:
            print(
                f"{args.requests} sequential keep-alive requests per endpoint, "
                f"{args.users} users, emulator in a child process"
            )
            rates = []
            for label, path, params in CASES:
                rate = measure(client, path, params, args.requests)
                rates.append(rate)
                print(f"  {label:<40} {rate:8.0f} req/s")
            cold = min(args.requests, 700)
            print(f"{cold} requests per endpoint, each for a day not yet generated")
            for label, path, params_of in COLD_CASES:
                rate = measure_cold(client, path, params_of, cold)
                rates.append(rate)
                print(f"  {label:<40} {rate:8.0f} req/s")
    print(f"slowest endpoint: {min(rates):.0f} req/s ({min(rates) / 500:.1f}x the 500 req/s bar)")


if __name__ == "__main__":
    main()
