"""The `anthropic-ingest` command line: thin commands over library functions.

Errors are turned into one-line messages and exit codes here, and only here.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import logging
import os
import sys
import traceback
from typing import NoReturn

import click
import typer
from rich.console import Console

from anthropic_ingest import __version__, secrets
from anthropic_ingest.errors import IngestError, Interrupted

# httpx imports its own command line on import whenever rich and pygments are installed (they
# are: Typer brings them): 20 ms of every run for a client this process never runs. Marking
# that module absent makes httpx skip it; only this command does so, never the library.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

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

# Each command is defined by the module `<command>_cmd`, with `register(app)`; listing them
# here is the whole command table.
_COMMANDS = ("ingest", "sync", "tables", "emulator", "report", "demo", "check")

_state: dict[str, object] = {"debug": False, "command_line": False, "command": None}
_registered: set[str] = set()
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def _version_callback(value: bool) -> None:
    if value:
        print(f"anthropic-ingest {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    debug: bool = typer.Option(
        False, "--debug", help="Show the full (redacted) traceback when a command fails."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
) -> None:
    _state["debug"] = debug
    _state["command"] = ctx.invoked_subcommand
    # dlt logs every failed job with a traceback; the CLI reports one line instead, and shows
    # dlt's own log only with --debug (a user's RUNTIME__LOG_LEVEL still wins).
    os.environ.setdefault("RUNTIME__LOG_LEVEL", "WARNING" if debug else "CRITICAL")
    if ctx.invoked_subcommand not in DEFERS_COLLECTION:
        imports_done()  # the emulator, the report and the demo run with collection on


def _register_commands(args: list[str]) -> None:
    """Register the command the line names, or, for anything else (`--help`, a mistyped
    name), every command. The others' modules are not imported: about 15 ms of a daily run."""
    named = next((arg for arg in args if not arg.startswith("-")), None)
    for name in [named] if named in _COMMANDS else _COMMANDS:
        if name not in _registered:
            importlib.import_module(f"anthropic_ingest.cli.{name}_cmd").register(app)
            _registered.add(name)


def error_line(message: str) -> None:
    """Print one redacted error line to stderr."""
    err_console.print(f"error: {secrets.redact(message)}", markup=False)


def _unique(*classes: type[BaseException] | None) -> tuple[type[BaseException], ...]:
    return tuple(dict.fromkeys(c for c in classes if c is not None))


# Older Typer releases raised click's own exception classes; Typer 0.29 raises copies vendored
# under typer._click (base: typer.TyperException) that click's `except` clauses miss. Both
# families are caught, so neither an upgrade of Typer nor of click turns a usage mistake
# into an "internal error" again (tests/cli/test_usage_errors.py runs each mistake).
_USAGE_ERRORS = _unique(click.exceptions.ClickException, getattr(typer, "TyperException", None))
_ABORTS = _unique(click.exceptions.Abort, typer.Abort)
_EXITS = _unique(click.exceptions.Exit, typer.Exit)
INTERRUPTED = "interrupted; nothing was changed"
ABORTED = "aborted; nothing was changed"
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `anthropic-ingest` command (`argv` None: the process's own)."""
    if argv is not None:
        _main(argv)
        return
    try:
        _main(None)
    except SystemExit as exc:
        if _state.get("command") in DEFERS_COLLECTION:
            _exit_now(exc.code)
        raise
    if _state.get("command") in DEFERS_COLLECTION:
        _exit_now(0)


def _exit_now(code: object) -> NoReturn:
    """End a load command's process at once, as sys.exit(code) would, without tearing the
    interpreter down: by the time the command returns, every file, connection and thread of
    the load is closed, and freeing dlt's, Arrow's and DuckDB's objects one by one took about
    60 ms of each daily run (benchmarks/fixed_cost.py). Output is flushed first."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError):  # a closed pipe: nothing more to show
            stream.flush()
    os._exit(status)


def _main(argv: list[str] | None) -> None:
    _skip_exit_collection()
    secrets.install_log_filter()
    collecting = gc.isenabled()
    gc.disable()  # until the command's imports are done: see imports_done()
    _state["command_line"] = argv is None
    _state["command"] = None
    try:
        _register_commands(sys.argv[1:] if argv is None else argv)
        result = app(args=argv, standalone_mode=False)
    except KeyboardInterrupt:
        _interrupted(INTERRUPTED)
    except Interrupted as exc:
        _interrupted(str(exc))
    except IngestError as exc:
        _print_debug_traceback()
        error_line(str(exc))
        sys.exit(exc.exit_code)
    except _ABORTS as exc:
        _aborted(exc)
    except _USAGE_ERRORS as exc:
        _usage_error(exc)
    except _EXITS as exc:
        sys.exit(getattr(exc, "exit_code", 0))
    except Exception as exc:  # noqa: BLE001 - the last line of defence: report, never swallow
        _print_debug_traceback()
        error_line(
            f"internal error: {type(exc).__name__}: {exc} "
            "(run again with --debug for the traceback, and please report it)"
        )
        sys.exit(70)
    finally:
        if collecting:
            gc.enable()
    # Outside standalone mode Typer/click *return* the code of an Exit instead of raising it,
    # and Typer 0.29 turns a Ctrl-C into Exit(130).
    if result == EXIT_INTERRUPTED:
        _interrupted(INTERRUPTED)
    if isinstance(result, int) and not isinstance(result, bool) and result:
        sys.exit(result)


# The commands that call imports_done() themselves, once they have imported the loader.
DEFERS_COLLECTION = ("ingest", "sync")


def imports_done() -> None:
    """Collect garbage again, now that a command has imported what it runs with.

    Importing dlt, pyarrow and httpx makes hundreds of thousands of objects and no garbage,
    yet each few hundred new objects set off a collection over all of them: about 0.15 s of a
    daily run (benchmarks/fixed_cost.py). So collection waits until the imports are done.
    On the command line those modules then move to the permanent generation (gc.freeze), so
    the collections during the load no longer walk them; a program calling main() keeps its
    own objects as they were.
    """
    if _state.get("command_line"):
        gc.freeze()
    gc.enable()


def _skip_exit_collection() -> None:
    """At interpreter exit, do not garbage-collect the objects alive then.

    Tearing down dlt, SQLAlchemy and pyarrow ran full collections over every object they
    made: 0.1 to 0.6 s of each run's wall time. By then every file and connection is closed
    (context managers, atexit handlers), and objects freed by reference counting still are;
    only the last sweep for cycles is skipped, and the memory goes back with the process.
    """
    atexit.unregister(gc.freeze)  # once, however often main() runs in one process
    atexit.register(gc.freeze)


def _interrupted(message: str) -> NoReturn:
    """Ctrl-C: one line saying what was (not) written, exit 130; no traceback, no blame."""
    err_console.print(secrets.redact(message), markup=False)
    sys.exit(EXIT_INTERRUPTED)


def _aborted(exc: BaseException) -> NoReturn:
    """A "no" at a confirmation prompt (or end of input there): exit 1, nothing was done.
    Click reports a Ctrl-C during a command as Abort too; that one is an interrupt."""
    if isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt):
        _interrupted(INTERRUPTED)
    err_console.print(ABORTED, markup=False)
    sys.exit(1)


def _usage_error(exc: BaseException) -> NoReturn:
    """Click's own usage message (`Usage: ...`, `Error: ...`, a did-you-mean) and its exit
    code: 2 for a usage mistake."""
    show = getattr(exc, "show", None)
    if callable(show):
        show()
    else:
        err_console.print(f"Error: {exc}", markup=False)
    if getattr(exc, "option_name", None) in ("--debug", "--version"):
        option = getattr(exc, "option_name", "")
        err_console.print(
            f"{option} is an option of anthropic-ingest itself: put it before the command, "
            f"as in `anthropic-ingest {option} ingest ...`",
            markup=False,
        )
    sys.exit(getattr(exc, "exit_code", 2))


def _print_debug_traceback() -> None:
    if _state["debug"]:
        err_console.print(secrets.redact(traceback.format_exc()), markup=False)
