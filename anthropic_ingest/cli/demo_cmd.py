"""`anthropic-ingest demo`: see the tool work before you own an Admin key."""

from __future__ import annotations

from pathlib import Path

import typer

from anthropic_ingest.cli.ingest_cmd import check_progress
from anthropic_ingest.demo import DEMO_DEST_URI, QUERIES, run_demo
from anthropic_ingest.emulator.config import ORG_TYPES

HELP = """Run the whole tool against a local Admin API emulator: a synthetic organization
(50 users, 90 days) is synced into DuckDB and the HTML report is written. No key and no
network needed.

Example:

\b
  anthropic-ingest demo
  anthropic-ingest demo --dest-uri duckdb:///try.duckdb --report try.html --users 200
  anthropic-ingest demo --org-type enterprise
"""


def demo(
    dest_uri: str = typer.Option(DEMO_DEST_URI, "--dest-uri", help="Where to load the demo."),
    report: Path = typer.Option(Path("demo-report.html"), "--report", help="HTML report file."),
    users: int = typer.Option(50, "--users", min=5, max=10000, help="Users in the demo org."),
    days: int = typer.Option(90, "--days", min=1, max=365, help="Days of history."),
    progress: str = typer.Option("interactive", "--progress", help="interactive or log."),
    org_type: str = typer.Option(
        "console",
        "--org-type",
        help="console (Admin key) or enterprise (a Claude Enterprise org read with its "
        "Analytics key).",
    ),
) -> None:
    check_progress(progress)
    if org_type not in ORG_TYPES:
        raise typer.BadParameter(
            f"must be one of {', '.join(ORG_TYPES)}, got {org_type!r}", param_hint="--org-type"
        )
    from anthropic_ingest.cli.render import make_progress, out, print_summary  # dlt, rich

    with make_progress(progress) as sink:
        result = run_demo(
            dest_uri, report, users=users, days=days, progress=sink, org_type=org_type
        )
    print_summary(result.load)
    out.print()
    out.print(f"Demo database: {result.database} (dataset {result.load.dataset})")
    out.print(f"Report:        {result.report}")
    out.print(
        "\nThree queries worth running, in any DuckDB 2 client, or with the DuckDB package this "
        f"tool installed: python -c \"import duckdb; duckdb.connect('{result.database.removeprefix('duckdb:///')}')"
        ".sql(open('q.sql').read()).show()\" with a query saved in q.sql:\n",
        markup=False,
        highlight=False,
    )
    for title, sql in QUERIES:
        out.print(f"-- {title}\n{sql}\n", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("demo", help=HELP)(demo)
