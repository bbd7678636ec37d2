"""The Claude Enterprise side of the reliability suites: an Enterprise emulator, the Analytics
key it accepts and an interval whose days are ready, so each suite runs on those tables too.

The Enterprise tables are read with an Analytics API key (read:analytics) of a Claude
Enterprise organization; their engagement data starts 2026-01-01 and lags two days, so a
recent day answers 400 "not available yet".
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from anthropic_ingest.emulator import EmulatorConfig
from anthropic_ingest.table_spec import TableSpec
from anthropic_ingest.tables_enterprise import ENTERPRISE_TABLES

ENTERPRISE: dict[str, TableSpec] = {spec.name: spec for spec in ENTERPRISE_TABLES}
# A fixed, past range keeps the organization identical on every day the suite runs.
DATA_START, DATA_END = date(2026, 1, 1), date(2026, 3, 31)
# Days months old, so ready (not within the lag), inside the range that has data.
INTERVAL = ("2026-03-01", "2026-03-05")
# The emulator's 60 requests/min organization limit is off; so is the loader's pacing to it.
FAST = {"requests_per_minute": "100000"}


_ROUTES = [
    (re.compile(re.sub(r"\{\w+\}", "[^/]+", spec.source.path) + "$"), spec)
    for spec in ENTERPRISE_TABLES
]


def spec_for_path(path: str) -> TableSpec | None:
    """The Enterprise table whose endpoint `path` is (`/rbac_groups/<id>/members`: members)."""
    return next((spec for pattern, spec in _ROUTES if pattern.match(path)), None)


def enterprise_config(**changes: Any) -> EmulatorConfig:
    """An emulator of a Claude Enterprise organization, without its per-minute limit."""
    settings: dict[str, Any] = {
        "seed": 11,
        "users": 14,
        "org_type": "enterprise",
        "enterprise_rate_limit_rpm": None,
        "start_date": DATA_START,
        "end_date": DATA_END,
        **changes,
    }
    return EmulatorConfig(**settings)


def analytics_uri(emu: Any, base_url: str | None = None, **options: str) -> str:
    """A source URI with the emulator's Analytics key (through `base_url` when given)."""
    extra = "".join(f"&{k}={v}" for k, v in {**FAST, **options}.items())
    return f"anthropic://?api_key={emu.analytics_key}&base_url={base_url or emu.base_url}{extra}"


def sync_args(emu: Any, base_url: str, dest_uri: str, *more: str) -> list[str]:
    """`sync` of every Enterprise table over INTERVAL with the Analytics key."""
    return [
        "sync",
        "--source-uri",
        analytics_uri(emu, base_url=base_url),
        "--tables",
        ",".join(ENTERPRISE),
        "--interval-start",
        INTERVAL[0],
        "--interval-end",
        INTERVAL[1],
        "--dest-uri",
        dest_uri,
        *more,
    ]
