"""Parse `anthropic://?api_key=...&option=...` into client settings and source options."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from anthropic_ingest import secrets
from anthropic_ingest.client import ClientSettings
from anthropic_ingest.errors import UsageError
from anthropic_ingest.load.budget import (
    DEFAULT_BUDGET_MB,
    DUCKDB_MIN_MB,
    MB,
    ByteBudget,
    return_freed_pages,
)
from anthropic_ingest.transforms import (
    DEFAULT_USAGE_GROUP_BY,
    USAGE_DIMENSIONS,
    USAGE_GROUP_BY_LIMIT,
)

ENV_KEY = "ANTHROPIC_ADMIN_API_KEY"
EXPECTED = "anthropic://?api_key=sk-ant-admin...[&base_url=...&lookback_days=7]"
BUCKET_WIDTHS = ("1d", "1h", "1m")
# Dimensions group_by may name: speed is left out, as grouping by it needs a beta header.
USAGE_GROUP_BY = USAGE_DIMENSIONS

NOT_ADMIN_KEY = (
    "the API key is not an Admin key (sk-ant-admin...): the tables it cannot read are "
    "listed as not available. An Analytics API key (Claude Enterprise, read:analytics) reads "
    "the enterprise_* tables and analytics_cost/analytics_usage; the Admin API tables need an "
    "Admin key"
)

OPTION_HELP: dict[str, str] = {
    "api_key": f"the Admin API key (default: ${ENV_KEY})",
    "api_key_file": "read the Admin API key from this file instead",
    "base_url": "API root, e.g. http://127.0.0.1:8765 for the emulator",
    "bucket_width": "usage_report bucket: 1d (default), 1h or 1m",
    "group_by": (
        f"usage_report dimensions, comma-separated, at most {USAGE_GROUP_BY_LIMIT} "
        f"(default: {','.join(DEFAULT_USAGE_GROUP_BY)})"
    ),
    "lookback_days": (
        "days re-read before the last loaded day on incremental runs "
        "(default: each table's own, see `anthropic-ingest tables`)"
    ),
    "page_size": "most records or buckets per page (default: the most each endpoint allows)",
    "concurrency": "requests in flight to start with (4)",
    "max_concurrency": "most requests in flight (16)",
    "requests_per_minute": (
        "your organization's Admin API limit, to never hit 429 (also the pace of the Claude "
        "Enterprise analytics endpoints, 60 by default)"
    ),
    "commit_seconds": (
        "a long backfill commits what it fetched at least this often, so an interrupted or "
        "failed run goes on where it stopped (120)"
    ),
    "memory_budget_mb": (
        "most MB of fetched pages a run holds at once, and of a DuckDB destination's memory "
        f"while it loads (at least {DUCKDB_MIN_MB}); 0 for no limit ({DEFAULT_BUDGET_MB})"
    ),
    "timeout": "seconds to wait for one answer (60)",
    "max_retries": "retries of one request (6)",
    "retry_budget_seconds": "most seconds spent retrying one request (300)",
    "retry_backoff_seconds": "wait before the first retry; doubles each time, jittered (0.5)",
}


@dataclass
class SourceConfig:
    """Everything the source URI says: how to reach the API and how to shape the tables."""

    client: ClientSettings
    bucket_width: str = "1d"
    group_by: tuple[str, ...] = DEFAULT_USAGE_GROUP_BY
    # None: each table's own lookback (TableSpec.lookback_days).
    lookback_days: int | None = None
    page_size: int | None = None
    commit_seconds: float = 120.0
    # Shared by every table the run fetches (`memory_budget_mb`).
    budget: ByteBudget = field(default_factory=ByteBudget, repr=False, compare=False)
    warnings: list[str] = field(default_factory=list)
    # False for any other key (an Analytics key of Claude Enterprise, a personal key): the
    # tables it cannot read, those of the original product page included, are "not available"
    # in a sync instead of failing it.
    admin_key: bool = True


def parse_source_uri(uri: str | None) -> SourceConfig:
    """Parse and validate a source URI; the key comes from it, a file, or the environment."""
    if not uri:
        raise UsageError(f"no --source-uri given: expected {EXPECTED}")
    if any(ord(ch) < 32 for ch in uri):
        raise UsageError(f"the source URI contains a control character: expected {EXPECTED}")
    parts = urlsplit(uri)
    if parts.scheme != "anthropic":
        raise UsageError(f"the source URI must start with anthropic://, e.g. {EXPECTED}")
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    for secret_name in ("api_key",):
        secrets.register(options.get(secret_name))
    unknown = sorted(set(options) - set(OPTION_HELP))
    if unknown:
        raise UsageError(
            f"unknown source URI option(s) {', '.join(map(repr, unknown))}; expected one of: "
            f"{', '.join(OPTION_HELP)}"
        )
    key = _api_key(options)
    # A run is starting: tune the allocator before it allocates pages (fetch does it too, for
    # a SourceConfig made otherwise, but later settings leave earlier heaps as they are).
    return_freed_pages()
    config = SourceConfig(client=ClientSettings(api_key=key))
    _apply_client_options(config.client, options)
    _apply_table_options(config, options)
    if not key.startswith("sk-ant-admin"):
        config.admin_key = False
        config.warnings.append(NOT_ADMIN_KEY)
    return config


def _api_key(options: dict[str, str]) -> str:
    key = options.get("api_key")
    if not key and options.get("api_key_file"):
        path = Path(options["api_key_file"]).expanduser()
        try:
            key = path.read_text().strip()
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or "not a readable file name"
            raise UsageError(
                f"cannot read api_key_file {str(path)!r}: {reason}; expected the path of a file "
                "holding the key"
            ) from None
    if not key:
        key = os.environ.get(ENV_KEY, "").strip()
    if not key:
        raise UsageError(
            f"no Admin API key: add api_key=... to the source URI, set {ENV_KEY}, or point "
            "api_key_file= at a file holding it"
        )
    secrets.register(key)
    return key


def _number(options: dict[str, str], name: str, kind: type, minimum: float) -> float | None:
    if name not in options:
        return None
    raw = options[name]
    what = "a whole number" if kind is int else "a number"
    try:
        value = kind(raw)
    except ValueError:
        raise UsageError(
            f"source URI option {name}={raw!r}: expected {what} ({OPTION_HELP[name]})"
        ) from None
    if not value >= minimum or value in (float("inf"), float("-inf")):
        raise UsageError(
            f"source URI option {name}={raw!r}: expected {what} of at least {minimum:g} "
            f"({OPTION_HELP[name]})"
        )
    return float(value)


def _apply_client_options(client: ClientSettings, options: dict[str, str]) -> None:
    if options.get("base_url"):
        base = options["base_url"]
        if urlsplit(base).scheme not in ("http", "https"):
            raise UsageError(f"base_url={base!r} must be an http(s) URL")
        client.base_url = base.rstrip("/")
    for name, kind, minimum in (
        ("concurrency", int, 1),
        ("max_concurrency", int, 1),
        ("max_retries", int, 0),
    ):
        value = _number(options, name, kind, minimum)
        if value is not None:
            setattr(client, name, int(value))
    for name, attribute in (
        ("requests_per_minute", "requests_per_minute"),
        ("timeout", "timeout"),
        ("retry_budget_seconds", "retry_budget_seconds"),
        ("retry_backoff_seconds", "backoff_base"),
    ):
        value = _number(options, name, float, 0.001)
        if value is not None:
            setattr(client, attribute, value)
    client.max_concurrency = max(client.max_concurrency, client.concurrency)


def _apply_table_options(config: SourceConfig, options: dict[str, str]) -> None:
    width = options.get("bucket_width")
    if width is not None:
        if width not in BUCKET_WIDTHS:
            raise UsageError(f"bucket_width={width!r}: use one of {', '.join(BUCKET_WIDTHS)}")
        config.bucket_width = width
    if "group_by" in options:
        dims = tuple(d.strip() for d in options["group_by"].split(",") if d.strip())
        bad = [d for d in dims if d not in USAGE_GROUP_BY]
        if bad or not dims:
            raise UsageError(
                f"group_by={options['group_by']!r}: use comma-separated dimensions from "
                f"{', '.join(USAGE_GROUP_BY)}"
            )
        dims = tuple(dict.fromkeys(dims))
        if len(dims) > USAGE_GROUP_BY_LIMIT:
            raise UsageError(
                f"group_by={options['group_by']!r} names {len(dims)} dimensions; the Admin API "
                f"accepts at most {USAGE_GROUP_BY_LIMIT} (default: "
                f"{','.join(DEFAULT_USAGE_GROUP_BY)})"
            )
        config.group_by = dims
    lookback = _number(options, "lookback_days", int, 0)
    if lookback is not None:
        config.lookback_days = int(lookback)
    commit_seconds = _number(options, "commit_seconds", float, 0.001)
    if commit_seconds is not None:
        config.commit_seconds = commit_seconds
    budget_mb = _number(options, "memory_budget_mb", int, 0)
    if budget_mb is not None:
        config.budget = ByteBudget(int(budget_mb) * MB if budget_mb else None)
    page_size = _number(options, "page_size", int, 1)
    if page_size is not None:
        config.page_size = int(page_size)
