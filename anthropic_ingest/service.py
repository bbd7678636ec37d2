"""The library's front door: `ingest` one table or `sync` many. The CLI is a thin shell over it.

Example (from Python, e.g. an Airflow or Dagster task):

    from anthropic_ingest.service import sync
    report = sync("anthropic://?api_key=sk-ant-admin...", "duckdb:///anthropic.duckdb")
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from anthropic_ingest.errors import UsageError
from anthropic_ingest.load.budget import duckdb_memory_limit_mb
from anthropic_ingest.load.destinations import check_table_names, parse_destination_uri
from anthropic_ingest.load.plan import STRATEGIES, LoadPlan, LoadReport, Strategy, Target
from anthropic_ingest.load.progress import NullProgress, ProgressSink
from anthropic_ingest.load.runner import run_load
from anthropic_ingest.load.source_uri import parse_source_uri
from anthropic_ingest.load.windows import parse_interval
from anthropic_ingest.tables import TABLES, get_table

DEFAULT_DATASET = "anthropic"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def _identifier(name: str, what: str) -> str:
    if not _IDENTIFIER.match(name):
        raise UsageError(
            f"{what} {name!r} is not a valid name: use letters, digits and underscores, "
            "starting with a letter (at most 63 characters)"
        )
    return name


def split_dest_table(dest_table: str | None, default_table: str) -> tuple[str | None, str]:
    """`schema.table` or `table` → (dataset or None, table)."""
    if not dest_table:
        return None, default_table
    parts = dest_table.split(".")
    if len(parts) == 1:
        return None, _identifier(parts[0], "--dest-table")
    if len(parts) == 2:
        return _identifier(parts[0], "--dest-table schema"), _identifier(parts[1], "--dest-table")
    raise UsageError(f"--dest-table {dest_table!r}: use table or schema.table")


def _strategy(value: str | None) -> Strategy | None:
    if value is None or value == "":
        return None
    if value not in STRATEGIES:
        raise UsageError(f"--incremental-strategy {value!r}: use one of {', '.join(STRATEGIES)}")
    return value  # type: ignore[return-value]


def ingest(
    source_uri: str | None,
    source_table: str | None,
    dest_uri: str | None = None,
    dest_table: str | None = None,
    *,
    interval_start: str | None = None,
    interval_end: str | None = None,
    incremental_strategy: str | None = None,
    incremental_key: str | None = None,
    primary_key: Sequence[str] = (),
    full_refresh: bool = False,
    progress: ProgressSink | None = None,
    now: datetime | None = None,
) -> LoadReport:
    """Load one Admin API table into one destination table (ingestr's `ingest`)."""
    if not source_table:
        raise UsageError(f"no --source-table given; tables: {', '.join(TABLES)}")
    spec = get_table(source_table)
    if incremental_key and incremental_key != spec.cursor:
        raise UsageError(
            f"--incremental-key {incremental_key!r}: {spec.name} is incremental on "
            f"{spec.cursor or 'nothing (it is loaded whole)'}"
        )
    dataset, table = split_dest_table(dest_table, spec.name)
    targets = [Target(spec, table)]
    plan = _plan(source_uri, dest_uri, dataset, targets, interval_start, interval_end, now)
    plan.strategy = _strategy(incremental_strategy)
    plan.primary_key = tuple(primary_key)
    plan.full_refresh = full_refresh
    plan.strict_tables = True  # a table asked for by name: unavailable is a failure
    plan.progress = progress or NullProgress()
    return run_load(plan)


def sync(
    source_uri: str | None,
    dest_uri: str | None = None,
    *,
    dataset: str | None = None,
    tables: Sequence[str] | None = None,
    interval_start: str | None = None,
    interval_end: str | None = None,
    full_refresh: bool = False,
    progress: ProgressSink | None = None,
    now: datetime | None = None,
) -> LoadReport:
    """Load every table (or the named ones) into one dataset, each under its own name."""
    names = [n.strip() for n in tables if n.strip()] if tables else list(TABLES)
    targets = [Target(get_table(name), name) for name in dict.fromkeys(names)]
    if dataset is not None:
        _identifier(dataset, "--dataset")
    plan = _plan(source_uri, dest_uri, dataset, targets, interval_start, interval_end, now)
    plan.full_refresh = full_refresh
    plan.progress = progress or NullProgress()
    return run_load(plan)


def _plan(
    source_uri: str | None,
    dest_uri: str | None,
    dataset: str | None,
    targets: list[Target],
    interval_start: str | None,
    interval_end: str | None,
    now: datetime | None,
) -> LoadPlan:
    """`now` pins the current time (reproducible runs and tests); default: the clock."""
    check_table_names([target.table for target in targets])
    source = parse_source_uri(source_uri)
    # An embedded database loads within the run's byte budget too (`memory_budget_mb`).
    destination = parse_destination_uri(dest_uri, duckdb_memory_limit_mb(source.budget.limit))
    now = now or datetime.now(UTC)
    interval = parse_interval(interval_start, interval_end, now=now)
    return LoadPlan(
        source=source,
        destination=destination,
        dataset=dataset or destination.dataset or DEFAULT_DATASET,
        targets=targets,
        interval=interval,
        now=now,
    )
