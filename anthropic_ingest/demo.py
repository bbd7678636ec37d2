"""The demo: a synthetic organization served locally, synced into DuckDB, and its report.

Nothing leaves the machine: the Admin API is the emulator on a free port of 127.0.0.1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from anthropic_ingest.load.destinations import parse_destination_uri

if TYPE_CHECKING:
    from anthropic_ingest.load.plan import LoadReport
    from anthropic_ingest.load.progress import ProgressSink

DEMO_DEST_URI = "duckdb:///demo.duckdb"
DEMO_SEED = 2024

QUERIES = (
    (
        "Who spends the most with Claude Code (last 30 days, USD)?",
        "SELECT actor_id, round(sum(total_estimated_cost_cents) / 100, 2) AS usd,\n"
        "       sum(num_sessions) AS sessions\n"
        "FROM anthropic.claude_code_usage\n"
        "WHERE date >= CAST(now() AT TIME ZONE 'UTC' AS DATE) - 30\n"
        "GROUP BY actor_id ORDER BY usd DESC LIMIT 10;",
    ),
    (
        "Spend per workspace and month, exact to the cent",
        "SELECT CAST(date_trunc('month', bucket AT TIME ZONE 'UTC') AS DATE) AS month,\n"
        "       coalesce(workspace_id, 'Default workspace') AS workspace,\n"
        "       sum(amount_usd) AS usd\n"
        "FROM anthropic.cost_report GROUP BY ALL ORDER BY month, usd DESC;",
    ),
    (
        "Cache hit ratio per model",
        "SELECT model, sum(input_cached_tokens) / sum(input_tokens + input_cached_tokens\n"
        "       + cache_creation_ephemeral_5m_input_tokens\n"
        "       + cache_creation_ephemeral_1h_input_tokens) AS cache_hit_ratio\n"
        "FROM anthropic.usage_report GROUP BY model ORDER BY cache_hit_ratio DESC;",
    ),
)


@dataclass
class DemoResult:
    """Where the demo put things, and what it loaded."""

    database: str
    report: Path
    load: LoadReport


DEMO_REQUESTS_PER_MINUTE = 60_000


def run_demo(
    dest_uri: str = DEMO_DEST_URI,
    report_path: Path | str = "demo-report.html",
    *,
    users: int = 50,
    days: int = 90,
    progress: ProgressSink | None = None,
    org_type: str = "console",
) -> DemoResult:
    """Serve a synthetic organization, sync every table from it, and write the report.

    `org_type="enterprise"` serves a Claude Enterprise org and syncs with its Analytics key.
    """
    # Imported here so that the CLI reads DEMO_DEST_URI for its help without dlt or duckdb.
    from anthropic_ingest import service
    from anthropic_ingest.emulator import EmulatorConfig, running_emulator
    from anthropic_ingest.report import write_report

    today = datetime.now(UTC).date()
    first, last = today - timedelta(days=days), today - timedelta(days=1)
    config = EmulatorConfig(
        seed=DEMO_SEED,
        users=users,
        start_date=first,
        end_date=last,
        org_type=org_type,
        # The real 60 requests/min would stretch a demo over many minutes.
        enterprise_rate_limit_rpm=None,
    )
    with running_emulator(config) as emu:
        key = emu.analytics_key if org_type == "enterprise" else emu.admin_key
        source = f"anthropic://?api_key={key}&base_url={emu.base_url}"
        if org_type == "enterprise":
            # The emulator does not keep the Enterprise endpoints' 60 a minute here, so
            # neither need the client (a real organization's run keeps it).
            source += f"&requests_per_minute={DEMO_REQUESTS_PER_MINUTE}"
        load = service.sync(
            source,
            dest_uri,
            interval_start=first.isoformat(),
            interval_end=last.isoformat(),
            progress=progress,
        )
    report = write_report(dest_uri, load.dataset, first, last, report_path)
    return DemoResult(parse_destination_uri(dest_uri).display, report, load)
