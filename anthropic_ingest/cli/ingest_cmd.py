"""`anthropic-ingest ingest`: ingestr's command, for the Anthropic Admin API."""

from __future__ import annotations

import sys

import typer

from anthropic_ingest.cli import imports_done, options
from anthropic_ingest.errors import UsageError
from anthropic_ingest.tables import TABLES

HELP = f"""Load one Admin API table into a destination table.

Tables: {", ".join(TABLES)}.

Example:

\b
  anthropic-ingest ingest --source-uri "anthropic://?api_key=sk-ant-admin..." \\
    --source-table claude_code_usage --dest-uri duckdb:///anthropic.duckdb \\
    --dest-table claude_code_usage --interval-start 2024-01-01 --interval-end 2024-12-31

Without an interval, time-series tables resume where the last run stopped (minus
lookback_days) and the first run starts at 2023-01-01. Both interval bounds are inclusive.
"""


def ingest(
    source_uri: str = options.source_uri(),
    source_table: str = typer.Option(
        None,
        "--source-table",
        envvar=["SOURCE_TABLE", "INGESTR_SOURCE_TABLE"],
        help="Which table to load, e.g. claude_code_usage.",
    ),
    dest_uri: str = options.dest_uri(),
    dest_table: str = typer.Option(
        None,
        "--dest-table",
        envvar=["DESTINATION_TABLE", "INGESTR_DESTINATION_TABLE"],
        help="table or schema.table (default schema: anthropic; default table: the source's).",
    ),
    interval_start: str = options.interval_start(),
    interval_end: str = options.interval_end(),
    incremental_strategy: str = typer.Option(
        None,
        "--incremental-strategy",
        envvar=["INCREMENTAL_STRATEGY", "INGESTR_INCREMENTAL_STRATEGY"],
        help="replace, append, merge or delete+insert (default: the table's own mode).",
    ),
    incremental_key: str = typer.Option(
        None,
        "--incremental-key",
        envvar=["INCREMENTAL_KEY", "INGESTR_INCREMENTAL_KEY"],
        help="Accepted for ingestr compatibility; must be the table's cursor column.",
    ),
    primary_key: list[str] = typer.Option(
        None,
        "--primary-key",
        envvar=["PRIMARY_KEY", "INGESTR_PRIMARY_KEY"],
        help="Key columns for --incremental-strategy merge (repeat the flag).",
    ),
    full_refresh: bool = typer.Option(
        False,
        "--full-refresh",
        envvar=["FULL_REFRESH", "INGESTR_FULL_REFRESH"],
        help="Drop the table and its resume point, then load from scratch.",
    ),
    yes: bool = options.yes(),
    progress: str = options.progress(),
) -> None:
    check_progress(progress)
    # Imported here, not at the top: `--help` and usage errors need neither dlt nor rich.
    from anthropic_ingest import service
    from anthropic_ingest.cli.render import make_progress, print_summary

    imports_done()

    if not yes and sys.stdin.isatty():
        typer.confirm(
            f"Load {source_table} into {dest_table or source_table} at {_safe_dest(dest_uri)}?",
            default=True,
            abort=True,
        )
    with make_progress(progress) as sink:
        report = service.ingest(
            source_uri,
            source_table,
            dest_uri,
            dest_table,
            interval_start=interval_start,
            interval_end=interval_end,
            incremental_strategy=incremental_strategy,
            incremental_key=incremental_key,
            primary_key=primary_key or (),
            full_refresh=full_refresh,
            progress=sink,
        )
    print_summary(report)


def check_progress(mode: str) -> None:
    if mode not in options.PROGRESS_MODES:
        raise UsageError(f"--progress {mode!r}: use interactive or log")


def _safe_dest(uri: str) -> str:
    from anthropic_ingest.load.destinations import parse_destination_uri

    return parse_destination_uri(uri).display


def register(app: typer.Typer) -> None:
    app.command("ingest", help=HELP)(ingest)
