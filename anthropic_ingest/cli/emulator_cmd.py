"""`anthropic-ingest emulator`: serve the local Admin API emulator until Ctrl-C."""

from __future__ import annotations

import errno
from datetime import datetime
from typing import TYPE_CHECKING

import typer

from anthropic_ingest.emulator.config import (
    ACCESS_LEVELS,
    ACTOR_SHAPES,
    API_KEYS_SHAPES,
    DEFAULT_ADMIN_KEY,
    DEFAULT_ANALYTICS_KEY,
    DEFAULT_SEED,
    DEFAULT_USERS,
    ENTERPRISE_RPM,
    ORG_TYPES,
    RATE_LIMITS_SHAPES,
    EmulatorConfig,
)
from anthropic_ingest.errors import UsageError

if TYPE_CHECKING:
    from anthropic_ingest.emulator.runner import Emulator

HELP = """Serve a local, deterministic fake of the Anthropic Admin API (read endpoints).

Prints the base URL and the admin key to use, then serves until Ctrl-C. Data is generated
from --seed; report data exists for --start-date..--end-date (default: the 90 days ending
today, UTC). Control routes for fault injection live under /_emulator (see docs/emulator.md).

Example:

\b
  anthropic-ingest emulator --port 8765 --seed 7 --users 200 --start-date 2025-01-01
  anthropic-ingest emulator --org-type enterprise
"""


def _banner(emulator: Emulator) -> None:
    config = emulator.config
    start, end = config.data_range()
    org = emulator.org.organization
    print(f"Anthropic Admin API emulator: {org['name']} (id {org['id']})")
    print(
        f"  seed {config.seed}, {config.users} users, report data {start} .. {end}, "
        f"API keys in the {config.api_keys_shape!r} shape"
        + ("" if config.rate_limit_retry_after else ", 429 without retry-after")
    )
    print(f"base URL:  {emulator.base_url}")
    print(f"admin key: {emulator.admin_key}")
    if config.org_type == "enterprise":
        rpm = config.enterprise_rate_limit_rpm
        limit = "no limit" if rpm is None else f"{rpm} requests/min"
        print(f"analytics key: {emulator.analytics_key} (Claude Enterprise; {limit})")
    print(
        f'example:   curl -H "x-api-key: {emulator.admin_key}" '
        f'-H "anthropic-version: 2023-06-01" {emulator.base_url}/v1/organizations/me'
    )
    print("Press Ctrl-C to stop.", flush=True)


def emulator(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8765, "--port", help="TCP port; 0 picks a free one."),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Seed of the synthetic org."),
    users: int = typer.Option(DEFAULT_USERS, "--users", help="Number of users (1-100000)."),
    start_date: datetime | None = typer.Option(
        None, "--start-date", formats=["%Y-%m-%d"], help="First day with report data."
    ),
    end_date: datetime | None = typer.Option(
        None, "--end-date", formats=["%Y-%m-%d"], help="Last day with report data."
    ),
    latency_ms: int = typer.Option(0, "--latency-ms", help="Delay added to every /v1 answer."),
    rate_limit_rpm: int | None = typer.Option(
        None, "--rate-limit-rpm", help="Requests per minute before 429s (default: no limit)."
    ),
    fault_rate: float = typer.Option(
        0.0, "--fault-rate", help="Share of /v1 requests answered with a random 500 or 529."
    ),
    admin_key: str = typer.Option(
        DEFAULT_ADMIN_KEY, "--admin-key", help="The Admin API key the emulator accepts."
    ),
    api_keys_shape: str = typer.Option(
        "current",
        "--api-keys-shape",
        help=f"How API key objects look, one of {', '.join(API_KEYS_SHAPES)}: current "
        "(scope, principal union, deprecated workspace_id), newest (no workspace_id) or "
        "august (the 2026-08-22 reference).",
    ),
    no_retry_after: bool = typer.Option(
        False,
        "--no-retry-after",
        help="Send rate-limit 429s without retry-after, as the real report endpoints do.",
    ),
    analytics_access: str = typer.Option(
        "full",
        "--analytics-access",
        help=f"Whether the org reads /analytics/usage and /analytics/cost, one of "
        f"{', '.join(ACCESS_LEVELS)} (forbidden: 403, not_found: 404).",
    ),
    analytics_actor_shape: str = typer.Option(
        "object",
        "--analytics-actor-shape",
        help=f"group.actor of analytics rows, one of {', '.join(ACTOR_SHAPES)}: an object "
        "with type and ID, or the tagged ID (user_..., svac_..., apikey_...).",
    ),
    service_accounts_access: str = typer.Option(
        "full",
        "--service-accounts-access",
        help=f"Whether the org reads /service_accounts, one of {', '.join(ACCESS_LEVELS)}.",
    ),
    rate_limits_access: str = typer.Option(
        "full",
        "--rate-limits-access",
        help=f"Whether the org reads /rate_limits, one of {', '.join(ACCESS_LEVELS)}.",
    ),
    rate_limits_shape: str = typer.Option(
        "group_type",
        "--rate-limits-shape",
        help=f"How rate limit objects look, one of {', '.join(RATE_LIMITS_SHAPES)}: "
        "group_type (the official example) or group (the GA SDK types).",
    ),
    stale_cursor_every: int | None = typer.Option(
        None,
        "--stale-cursor-every",
        help="Answer every Nth analytics request that carries a page token with 410.",
    ),
    org_type: str = typer.Option(
        "console",
        "--org-type",
        help=f"The kind of organization, one of {', '.join(ORG_TYPES)}: enterprise also "
        "accepts the Analytics key and serves the Enterprise Analytics API, RBAC groups and "
        "effective spend limits.",
    ),
    analytics_key: str = typer.Option(
        DEFAULT_ANALYTICS_KEY,
        "--analytics-key",
        help="The Analytics API key (scope read:analytics) an enterprise org accepts.",
    ),
    enterprise_rate_limit_rpm: int = typer.Option(
        ENTERPRISE_RPM,
        "--enterprise-rate-limit-rpm",
        help="Requests per minute per organization on the Enterprise Analytics and spend "
        "limit endpoints (0: no limit).",
    ),
) -> None:
    try:
        config = EmulatorConfig(
            seed=seed,
            users=users,
            start_date=start_date.date() if start_date else None,
            end_date=end_date.date() if end_date else None,
            latency_ms=latency_ms,
            rate_limit_rpm=rate_limit_rpm,
            fault_rate=fault_rate,
            admin_key=admin_key,
            api_keys_shape=api_keys_shape,
            rate_limit_retry_after=not no_retry_after,
            analytics_access=analytics_access,
            analytics_actor_shape=analytics_actor_shape,
            service_accounts_access=service_accounts_access,
            rate_limits_access=rate_limits_access,
            rate_limits_shape=rate_limits_shape,
            stale_cursor_every=stale_cursor_every,
            org_type=org_type,
            analytics_key=analytics_key,
            enterprise_rate_limit_rpm=enterprise_rate_limit_rpm or None,
            host=host,
            port=port,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    from anthropic_ingest.emulator.runner import serve  # the HTTP layer: not for `--help`

    try:
        serve(config, ready=_banner)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        raise UsageError(
            f"port {port} on {host} is already in use: stop what is listening there, choose "
            "another --port, or pass --port 0 to pick a free one"
        ) from None


def register(app: typer.Typer) -> None:
    """Add the `emulator` command to the CLI."""
    app.command("emulator", help=HELP)(emulator)
