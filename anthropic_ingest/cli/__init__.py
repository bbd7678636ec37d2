"""The `anthropic-ingest` command line: thin commands over library functions.

Errors are turned into one-line messages and exit codes here, and only here.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback

import click
import typer
from rich.console import Console

from anthropic_ingest import __version__, secrets
from anthropic_ingest.errors import IngestError

app = typer.Typer(
    name="anthropic-ingest",
    help=(
        "Copy Anthropic Admin API data (Claude Code analytics, Messages API usage, cost, "
        "organization, users, invites, workspaces, members, API keys) into DuckDB, "
        "PostgreSQL, MySQL, BigQuery, Snowflake or Parquet.\n\n"
        "Example:\n\n"
        '  anthropic-ingest ingest --source-uri "anthropic://?api_key=sk-ant-admin..." '
        "--source-table claude_code_usage --dest-uri duckdb:///anthropic.duckdb "
        "--dest-table claude_code_usage"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Each module defines `register(app)`; listing them here is the whole command table.
_COMMAND_MODULES = [
    "ingest_cmd",
    "sync_cmd",
    "tables_cmd",
    "emulator_cmd",
    "report_cmd",
    "demo_cmd",
    "check_cmd",
]

_state = {"debug": False}
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def _version_callback(value: bool) -> None:
    if value:
        print(f"anthropic-ingest {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(
        False, "--debug", help="Show the full (redacted) traceback when a command fails."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
) -> None:
    _state["debug"] = debug
    # dlt logs every failed job with a traceback; the CLI reports one line instead, and shows
    # dlt's own log only with --debug (a user's RUNTIME__LOG_LEVEL still wins).
    os.environ.setdefault("RUNTIME__LOG_LEVEL", "WARNING" if debug else "CRITICAL")


def _register_commands() -> None:
    for name in _COMMAND_MODULES:
        module = importlib.import_module(f"anthropic_ingest.cli.{name}")
        module.register(app)


def error_line(message: str) -> None:
    """Print one redacted error line to stderr."""
    err_console.print(f"error: {secrets.redact(message)}", markup=False)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `anthropic-ingest` command."""
    secrets.install_log_filter()
    _register_commands()
    try:
        app(args=argv, standalone_mode=False)
    except IngestError as exc:
        _print_debug_traceback()
        error_line(str(exc))
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        error_line("aborted")
        sys.exit(130)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        error_line("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: report, never swallow
        _print_debug_traceback()
        error_line(
            f"internal error: {type(exc).__name__}: {exc} "
            "(run again with --debug for the traceback, and please report it)"
        )
        sys.exit(70)


def _print_debug_traceback() -> None:
    if _state["debug"]:
        err_console.print(secrets.redact(traceback.format_exc()), markup=False)
