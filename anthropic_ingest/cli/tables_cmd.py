"""`anthropic-ingest tables`: what each table holds, its key, mode and source."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from anthropic_ingest.errors import UsageError
from anthropic_ingest.reference import all_specs, as_json, as_markdown
from anthropic_ingest.tables import TableSpec, get_table

if TYPE_CHECKING:
    from rich.table import Table

HELP = """Describe the tables: columns with types and descriptions, key, load mode, source
endpoint, and the original product page's columns the API does not provide.

Examples:

\b
  anthropic-ingest tables
  anthropic-ingest tables cost_report
  anthropic-ingest tables --format markdown > docs/tables.md
"""


def tables(
    name: str = typer.Argument(None, help="One table (default: all)."),
    fmt: str = typer.Option("table", "--format", help="table, markdown or json."),
) -> None:
    specs = [get_table(name)] if name else all_specs()
    if fmt == "json":
        print(as_json(specs))
    elif fmt == "markdown":
        print(as_markdown(specs, with_header=name is None), end="")
    elif fmt == "table":
        from rich.console import Console

        console = Console(highlight=False)
        for spec in specs:
            console.print(_rich(spec))
    else:
        raise UsageError(f"--format {fmt!r}: use table, markdown or json")


def _rich(spec: TableSpec) -> Table:
    from rich.table import Table

    caption = f"key: {', '.join(spec.key)} | {spec.mode_text}"
    if spec.not_provided:
        missing = ", ".join(name for name, _ in spec.not_provided)
        caption += f"\nnot provided by the Anthropic Admin API: {missing}"
    table = Table(
        title=f"{spec.name}: {spec.description}\n{spec.endpoint}",
        caption=caption,
        title_justify="left",
        caption_justify="left",
    )
    for column in ("column", "type", "description"):
        table.add_column(column)
    for c in spec.columns:
        table.add_row(c.name, c.type, c.description)
    return table


def register(app: typer.Typer) -> None:
    app.command("tables", help=HELP)(tables)
