"""What `--progress` shows: whole numbers at 80 columns, waits as they happen, the load phase.

The log-mode tests run the installed CLI against the emulator; the interactive board is drawn
by the real sink on a Rich console of a given width. Nothing here times anything.
"""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from rich.console import Console

from anthropic_ingest.cli.render import RichProgress
from anthropic_ingest.client.limiter import RATE_LIMITED, AdaptiveLimiter
from tests.conftest import CliResult, Destination, assert_no_secret, run_cli, source_uri

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (.*)$")
CUT_NUMBER = re.compile(r"\d…|…\d|…/|/…")
FAST = {"retry_backoff_seconds": "0.05", "timeout": "10"}
USERS = "/v1/organizations/users"


def cli(emu: Any, dest: Destination, *args: str, **options: str) -> CliResult:
    """Run a command with `--progress log`; it must succeed, fit 80 columns, leak no key."""
    result = run_cli(
        *args,
        "--source-uri",
        source_uri(emu, **{**FAST, **options}),
        "--dest-uri",
        dest.uri,
        "--interval-start",
        "2025-01-01",
        "--interval-end",
        "2025-01-05",
        "--progress",
        "log",
    )
    assert result.code == 0, result.output
    assert_no_secret(emu.admin_key, result.stdout, result.stderr)
    too_wide = [line for line in result.stderr.splitlines() if len(line) > 80]
    assert too_wide == [], "every log line fits 80 columns"
    return result


def messages(result: CliResult) -> list[str]:
    """The log lines' messages, without their time stamps (continuation lines left out)."""
    found = [LOG_LINE.match(line) for line in result.stderr.splitlines()]
    return [match.group(1) for match in found if match]


def test_sync_log_says_when_it_loads_and_when_it_committed(emu: Any, duck: Destination) -> None:
    result = cli(emu, duck, "sync", "--dataset", duck.dataset)
    lines = messages(result)
    [loading] = [i for i, line in enumerate(lines) if line.startswith("loading ")]
    assert re.fullmatch(r"loading \d+ tables into duckdb:///.*test\.duckdb…", lines[loading])
    [loaded] = [i for i, line in enumerate(lines) if line.startswith("loaded in ")]
    assert re.fullmatch(r"loaded in \d+\.\d s", lines[loaded])
    fetched = [i for i, line in enumerate(lines) if line.endswith(" rows") and ": fetched," in line]
    assert fetched and max(fetched) < loading < loaded, "fetching ends before the load phase"
    [(created,)] = duck.query(
        "select count(*) from information_schema.tables where table_schema = '{ds}' "
        "and table_type = 'BASE TABLE' and table_name not like '\\_dlt%' escape '\\'"
    )
    assert lines[loading].startswith(f"loading {created} tables into "), "the tables it writes"
    # A table skipped without a request (an Enterprise engagement table, which an Admin key
    # cannot read) says so once: no "fetched, 0 rows" after it.
    skipped = [line.split()[0] for line in lines if " is not available: needs an Analytics" in line]
    assert "enterprise_summaries" in skipped
    assert [line for line in lines if line.split(":")[0] in skipped] == []


def test_a_backfill_logs_each_committed_round(emu: Any, duck: Destination) -> None:
    result = cli(
        emu,
        duck,
        "ingest",
        "--source-table",
        "claude_code_usage",
        "--dest-table",
        f"{duck.dataset}.claude_code_usage",
        commit_seconds="0.001",
        concurrency="1",
        max_concurrency="1",
    )
    lines = messages(result)
    loads = [line for line in lines if "loading 1 table into" in line]
    rounds = [line for line in lines if re.fullmatch(r"round \d+ committed in .*goes on", line)]
    assert len(rounds) >= 1, "a backfill that stops to commit says so"
    assert len(loads) == len(rounds) + 1, lines
    assert loads[0].startswith("loading 1 table into") and loads[1].startswith("round 2: ")
    assert re.fullmatch(r"loaded in \d+\.\d s", lines[-1])


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ({"kind": "status", "status": 429}, r"waiting [\d.]+ s: rate limited"),
        ({"kind": "status", "status": 529}, r"retrying in [\d.]+ s: server error 529"),
    ],
)
def test_a_wait_is_one_log_line(
    emu: Any, duck: Destination, script: dict[str, Any], expected: str
) -> None:
    emu.script(USERS, [script])
    result = cli(
        emu,
        duck,
        "ingest",
        "--source-table",
        "users",
        "--dest-table",
        f"{duck.dataset}.users",
    )
    assert emu.pending_scripts() == []
    waits = [line for line in messages(result) if re.fullmatch(expected, line)]
    assert len(waits) == 1, result.stderr


def test_no_wait_line_without_a_wait(emu: Any, duck: Destination) -> None:
    result = cli(
        emu, duck, "ingest", "--source-table", "users", "--dest-table", f"{duck.dataset}.users"
    )
    assert not [line for line in messages(result) if "waiting" in line or "retrying" in line]


def draw(width: int, *, wait: float = 12.0) -> list[str]:
    """Drive the interactive sink on a `width`-column terminal; its final frame's lines."""
    file = StringIO()
    console = Console(width=width, force_terminal=True, file=file, color_system=None)
    with RichProgress(console) as sink:
        sink.table_started("claude_code_usage_by_model", 365, "days")
        sink.advance("claude_code_usage_by_model", 57, 1_234_567)
        sink.table_started("users", None, "pages")
        sink.advance("users", 3, 140)
        sink.table_started("cost_report", 365, "days")
        sink.table_finished("cost_report", 12_345)
        sink.waiting(RATE_LIMITED, wait)
    text = ANSI.sub("", file.getvalue())
    return [line.rstrip() for line in text.split("\r")[-1].splitlines() if line.strip()]


def test_every_number_is_whole_at_80_columns() -> None:
    lines = draw(80)
    assert all(len(line) <= 80 for line in lines), lines
    assert not [line for line in lines if CUT_NUMBER.search(line)], lines
    board = "\n".join(lines)
    for whole in ("57/365 days", "1,234,567 rows", "3 pages", "140 rows", "365/365 days"):
        assert whole in board
    assert "claude_code_usage_by_model" in board, "the name fits whole at 80 columns"
    assert "12,345 rows" in board
    assert lines[-1] == "waiting 12 s: rate limited"
    assert lines[0].endswith("paused"), "no stale ETA while every request waits"


def test_a_narrow_terminal_shortens_names_not_numbers() -> None:
    lines = draw(60)
    assert all(len(line) <= 60 for line in lines), lines
    assert not [line for line in lines if CUT_NUMBER.search(line)], lines
    board = "\n".join(lines)
    assert "57/365 days" in board and "1,234,567 rows" in board
    assert "claude_code_usage_by_model" not in board and "claude_code_usage_by" in board


def test_a_wait_that_ended_leaves_the_board() -> None:
    lines = draw(80, wait=0.0)
    assert not [line for line in lines if "waiting" in line or "paused" in line], lines


def test_interactive_shows_the_load_phase() -> None:
    file = StringIO()
    console = Console(width=80, force_terminal=True, file=file, color_system=None)
    with RichProgress(console) as sink:
        sink.table_started("users", None, "pages")
        sink.table_finished("users", 140)
        sink.loading(["users", "workspaces"], "duckdb:///" + "/deep" * 20 + "/x.duckdb")
        sink.loaded(1.25, more=False)
    text = ANSI.sub("", file.getvalue())
    assert re.search(r"loading 2 tables into duckdb:///.*/x\.duckdb…", text)
    assert "loaded in 1.2 s" in text
    assert all(len(line) <= 80 for line in text.replace("\r", "\n").splitlines())


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_limiter_tells_each_pause_once() -> None:
    clock, heard = Clock(), []
    limiter = AdaptiveLimiter(
        clock=clock,
        sleep=clock.sleep,
        uniform=lambda low, high: high,
        on_wait=lambda seconds, reason: heard.append((seconds, reason)),
    )
    started = clock.now
    clock.now += 1  # two requests in flight; the first 429 arrives
    first = limiter.on_rate_limited(None, started)
    limiter.on_rate_limited(None, started)  # in flight with the first: within its pause
    limiter.on_rate_limited(0.0, clock.now)  # "retry now": no wait to tell
    assert heard == [(first, RATE_LIMITED)] and first > 0
    clock.now += 10
    limiter.on_rate_limited(7.0, clock.now)
    assert heard[-1] == (7.0, RATE_LIMITED)
