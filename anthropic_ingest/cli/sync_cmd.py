"""`anthropic-ingest sync`: every table in one run, the command a daily job runs."""

from __future__ import annotations

import sys

import typer

from anthropic_ingest.cli import imports_done, options
from anthropic_ingest.cli.ingest_cmd import check_progress
from anthropic_ingest.errors import IncompleteLoadError
from anthropic_ingest.load.destinations import parse_destination_uri
from anthropic_ingest.tables import TABLES

HELP = f"""Load every table (or those named with --tables) into one dataset.

Each table keeps its own name (anthropic.claude_code_usage, ...). Tables are fetched
concurrently within the API's rate limit. A second run right after the first makes few
requests and changes nothing, so this is what a daily scheduled job should run.

Tables: {", ".join(TABLES)}.

Example:

\b
  anthropic-ingest sync --source-uri "anthropic://?api_key=sk-ant-admin..." \\
    --dest-uri postgresql://user:password@localhost:5432/analytics
"""


def sync(
    source_uri: str = options.source_uri(),
    dest_uri: str = options.dest_uri(),
    dataset: str = typer.Option(
        None, "--dataset", help="Schema/dataset for every table (default: anthropic)."
    ),
    tables: str = typer.Option(
        None, "--tables", help="Comma-separated subset of tables (default: all)."
    ),
    interval_start: str = options.interval_start(),
    interval_end: str = options.interval_end(),
    full_refresh: bool = typer.Option(
        False, "--full-refresh", help="Drop the tables and resume points, then reload."
    ),
    yes: bool = options.yes(),
    progress: str = options.progress(),
) -> None:
    check_progress(progress)
    # Imported here, not at the top: `--help` and usage errors need neither dlt nor rich.
    from anthropic_ingest import service
    from anthropic_ingest.cli.render import make_progress, print_summary

    imports_done()

    names = tables.split(",") if tables else None
    if not yes and sys.stdin.isatty():
        where = parse_destination_uri(dest_uri).display
        typer.confirm(f"Sync {tables or 'every table'} into {where}?", default=True, abort=True)
    try:
        with make_progress(progress) as sink:
            report = service.sync(
                source_uri,
                dest_uri,
                dataset=dataset,
                tables=names,
                interval_start=interval_start,
                interval_end=interval_end,
                full_refresh=full_refresh,
                progress=sink,
            )
    except IncompleteLoadError as exc:
        print_summary(exc.report)  # which tables loaded; the error line says what failed
        raise
    print_summary(report)


def register(app: typer.Typer) -> None:
    app.command("sync", help=HELP)(sync)
