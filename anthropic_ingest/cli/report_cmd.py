"""`anthropic-ingest report`: one self-contained HTML page answering the usual questions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from anthropic_ingest.errors import UsageError
from anthropic_ingest.load.destinations import DEFAULT_DEST_URI

HELP = """Write an HTML report of the loaded data: Claude Code adoption and output, API
token usage, cost in USD (with month to date and a projection) and who has access.

The page is one file that needs no network to open. Tables that are not loaded are
listed at the top of the report instead of failing. Days are UTC; --from and --to are
inclusive; by default the report covers the last 90 days ending at the latest loaded day.
Reads DuckDB, PostgreSQL and MySQL/MariaDB destinations.

Example:

\b
  anthropic-ingest report --dest-uri duckdb:///anthropic.duckdb \\
    --from 2025-08-01 --to 2025-08-31 -o august.html
"""


def _day(flag: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not a date; use YYYY-MM-DD") from None


def report(
    dest_uri: str = typer.Option(
        DEFAULT_DEST_URI,
        "--dest-uri",
        envvar=["DESTINATION_URI", "INGESTR_DESTINATION_URI"],
        help="The destination to read: duckdb:///path, postgresql://user:pass@host/db or "
        "mysql://user:pass@host/db.",
    ),
    dataset: str = typer.Option("anthropic", "--dataset", help="Dataset holding the tables."),
    date_from: str = typer.Option(
        None, "--from", help="First UTC day, YYYY-MM-DD (default: 90 days before --to)."
    ),
    date_to: str = typer.Option(
        None, "--to", help="Last UTC day, YYYY-MM-DD, included (default: latest loaded day)."
    ),
    output: Path = typer.Option(Path("report.html"), "-o", "--output", help="HTML file."),
) -> None:
    first, last = _day("--from", date_from), _day("--to", date_to)
    from anthropic_ingest.report import write_report  # duckdb and dlt: not for `--help`

    path = write_report(dest_uri, dataset, first, last, output)
    print(f"Report written to {path}")


def register(app: typer.Typer) -> None:
    app.command("report", help=HELP)(report)
