"""Mistakes on the command line, a "no" at a prompt and Ctrl-C, through the installed command.

Each case runs `.venv/bin/anthropic-ingest` as a user does. They guard the CLI framework too:
Typer 0.29 began raising its own copies of click's exceptions, which turned every usage
mistake into "internal error ... please report it" (exit 70); whatever exception classes a
future Typer or click raises, these must stay usage errors (exit 2), never internal errors.
"""

from __future__ import annotations

import os
import platform
import pty
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from anthropic_ingest.emulator import EmulatorConfig, running_emulator
from tests.conftest import CliResult, source_uri

COMMAND = Path(sys.executable).parent / "anthropic-ingest"
COMMANDS = ("ingest", "sync", "tables", "emulator", "report", "demo")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCE_", "DEST"))}
    env.pop("ANTHROPIC_ADMIN_API_KEY", None)
    return env


def run_installed(*args: str, cwd: Path) -> CliResult:
    """Run the installed `anthropic-ingest` without a terminal."""
    proc = subprocess.run(
        [str(COMMAND), *args],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def assert_not_a_crash(result: CliResult) -> None:
    assert "internal error" not in result.output
    assert "Traceback" not in result.output


def test_the_installed_command_exists() -> None:
    assert COMMAND.is_file(), f"{COMMAND} is missing: pip install -e . in the virtualenv"


def test_no_arguments_prints_the_help(tmp_path: Path) -> None:
    """click's no_args_is_help: the help, on stderr, and exit 2 (click >= 8.2 convention)."""
    result = run_installed(cwd=tmp_path)
    assert result.code == 2
    assert_not_a_crash(result)
    assert "Usage: anthropic-ingest [OPTIONS] COMMAND [ARGS]..." in result.output
    for name in COMMANDS:
        assert f"  {name} " in result.output


# (arguments, lines the stderr must contain)
MISTAKES = [
    (
        ["ingest", "--source-tabel", "users"],
        [
            "Usage: anthropic-ingest ingest [OPTIONS]",
            "Error: No such option: --source-tabel",
            "--source-table",  # click's did-you-mean
        ],
    ),
    (
        ["injest"],
        [
            "Usage: anthropic-ingest [OPTIONS] COMMAND [ARGS]...",
            "Error: No such command 'injest'.",
            "Did you mean 'ingest'?",
        ],
    ),
    (
        ["ingest", "--source-table", "users", "--debug"],
        [
            "Error: No such option: --debug",
            "--debug is an option of anthropic-ingest itself: put it before the command",
        ],
    ),
    (["ingest", "--source-table"], ["Error: Option '--source-table' requires an argument."]),
    (["sync", "--tables"], ["Error: Option '--tables' requires an argument."]),
    (["emulator", "--port", "eighty"], ["Error: Invalid value for '--port'"]),
    (["emulator", "--users", "0", "--port", "0"], ["users must be between 1 and"]),
    (["tables", "users", "extra"], ["Error: Got unexpected extra argument"]),
]


@pytest.mark.parametrize(("args", "expected"), MISTAKES, ids=lambda v: " ".join(v)[:40])
def test_usage_mistakes_exit_2_with_clicks_message(
    args: list[str], expected: list[str], tmp_path: Path
) -> None:
    result = run_installed(*args, cwd=tmp_path)
    assert result.code == 2, result.output
    assert_not_a_crash(result)
    for text in expected:
        assert text in result.stderr


def test_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_installed("emulator", "--port", str(port), cwd=tmp_path)
    assert result.code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: port {port} on 127.0.0.1 is already in use: stop what is listening there, "
        "choose another --port, or pass --port 0 to pick a free one"
    ]


class Prompted:
    """The installed command with a terminal as stdin, so that it asks for confirmation."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self._terminal, child_side = pty.openpty()
        self.proc = subprocess.Popen(
            [str(COMMAND), *args],
            cwd=cwd,
            env=_env(),
            stdin=child_side,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        os.close(child_side)

    def wait_for_prompt(self) -> str:
        assert self.proc.stdout is not None
        seen = b""
        while not seen.endswith(b"]: "):
            chunk = os.read(self.proc.stdout.fileno(), 1)
            assert chunk, f"the command ended without asking: {seen!r}"
            seen += chunk
        return seen.decode()

    def wait_until_reading(self) -> None:
        """Wait until the command sleeps in its read of the terminal.

        The prompt's last byte is written just before that read starts. A SIGINT landing in
        between sets Python's flag but interrupts no system call, and nothing checks the
        flag again until the read returns: the command would wait for input for ever. (A
        person cannot press Ctrl-C within those microseconds; a test on a busy machine can.)
        Linux shows the system call a thread is blocked in: its first argument is the file
        descriptor, 0 for stdin.
        """
        blocked = Path(f"/proc/{self.proc.pid}/syscall")
        if not blocked.exists():
            return
        read = {"x86_64": "0", "aarch64": "63"}.get(platform.machine())
        for _ in range(1000):
            fields = blocked.read_text().split()
            if len(fields) > 1 and fields[1] == "0x0" and fields[0] == (read or fields[0]):
                return
            time.sleep(0.01)
        raise AssertionError(f"the command did not start reading its terminal: {fields}")

    def answer(self, text: str) -> None:
        os.write(self._terminal, text.encode())

    def finish(self) -> CliResult:
        out, err = self.proc.communicate(timeout=60)
        return CliResult(self.proc.returncode, out.decode(), err.decode())

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self._terminal)


@pytest.fixture
def full_refresh(emu: Any, tmp_path: Path) -> Iterator[tuple[Prompted, Path]]:
    db = tmp_path / "mine.duckdb"
    args = ["ingest", "--source-uri", source_uri(emu), "--source-table", "users"]
    args += ["--dest-uri", f"duckdb:///{db}", "--full-refresh"]
    prompted = Prompted(args, tmp_path)
    try:
        yield prompted, db
    finally:
        prompted.close()


def test_no_at_the_confirmation_changes_nothing(
    full_refresh: tuple[Prompted, Path], emu: Any
) -> None:
    prompted, db = full_refresh
    assert "Load users into users at duckdb:///" in prompted.wait_for_prompt()
    prompted.answer("n\n")
    result = prompted.finish()
    assert (result.code, result.stderr.strip().splitlines()) == (
        1,
        ["aborted; nothing was changed"],
    )
    assert not db.exists()
    assert emu.requests() == []


def test_ctrl_c_at_the_confirmation(full_refresh: tuple[Prompted, Path], emu: Any) -> None:
    prompted, db = full_refresh
    prompted.wait_for_prompt()
    prompted.wait_until_reading()
    prompted.proc.send_signal(signal.SIGINT)
    result = prompted.finish()
    assert (result.code, result.stderr.strip().splitlines()) == (
        130,
        ["interrupted; nothing was changed"],
    )
    assert not db.exists()
    assert emu.requests() == []


def test_ctrl_c_while_fetching(tmp_path: Path) -> None:
    """SIGINT while dlt extracts (where dlt wraps the KeyboardInterrupt): exit 130, one line,
    the destination is not blamed, and the DuckDB file the run had created is gone."""
    db = tmp_path / "sync.duckdb"
    config = EmulatorConfig(
        seed=3, users=8, start_date=date(2025, 1, 1), end_date=date(2025, 1, 31), latency_ms=150
    )
    with running_emulator(config) as slow:
        args = ["sync", "--source-uri", source_uri(slow), "--dest-uri", f"duckdb:///{db}"]
        proc = subprocess.Popen(
            [str(COMMAND), *args, "--progress", "log"],
            cwd=tmp_path,
            env=_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            lines: list[str] = []
            fetching = threading.Event()

            def read() -> None:
                assert proc.stderr is not None
                for line in proc.stderr:
                    lines.append(line)
                    if "claude_code_usage: started" in line:
                        fetching.set()

            reader = threading.Thread(target=read, daemon=True)
            reader.start()
            assert fetching.wait(timeout=120), "".join(lines)
            proc.send_signal(signal.SIGINT)
            code = proc.wait(timeout=60)
            reader.join(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    output = "".join(lines)
    assert code == 130, output
    assert lines[-1] == "interrupted; nothing was changed\n", output
    for blame in ("refused the data", "KeyboardInterrupt", "Traceback", "internal error"):
        assert blame not in output
    assert not db.exists(), "a first run stopped before loading leaves no file"
