"""Ctrl-C during the load step of a `sync`, on every destination: the load under way is
finished first, so every table is either whole or as it was (on a first load, a table left
empty by an interrupted load would be a table that is neither)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CONSOLE_2025_TABLES, ROOT, Destination, source_uri

COMMAND = Path(sys.executable).parent / "anthropic-ingest"

TABLES = sorted(CONSOLE_2025_TABLES)
FIRST = ("2025-01-01", "2025-01-10")
SECOND = ("2025-01-08", "2025-01-20")


def _sync(
    emu: Any, dest: Destination, interval: tuple[str, str], sigint_after: float | None
) -> tuple[int, str]:
    """Run `sync`; with `sigint_after`, send one SIGINT that long after it says it loads."""
    args = [str(COMMAND), "sync", "--source-uri", source_uri(emu), "--dest-uri", dest.uri]
    args += ["--dataset", dest.dataset, "--interval-start", interval[0]]
    args += ["--interval-end", interval[1], "--progress", "log"]
    proc = subprocess.Popen(
        args,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # The child must not inherit an ignored SIGINT from a background shell.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines: list[str] = []
    loading = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "tables into" in line and "loading" in line:
                loading.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if sigint_after is not None:
            assert loading.wait(timeout=120), "".join(lines)
            time.sleep(sigint_after)
            proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(timeout=10)
    return code, "".join(lines)


def _snapshot(dest: Destination) -> dict[str, list[tuple[Any, ...]]]:
    if dest.path is not None and not dest.path.exists():
        return {}
    present = dest.tables()
    return {
        table: sorted(
            dest.query(f"select {', '.join(spec.column_names)} from {{ds}}.{table}"),
            key=repr,
        )
        for table, spec in CONSOLE_2025_TABLES.items()
        if table in present
    }


@pytest.mark.parametrize("phase", ["first load", "later load"])
def test_ctrl_c_while_loading_leaves_every_table_whole_or_as_it_was(
    emu: Any, destination: Destination, phase: str
) -> None:
    emu.configure(latency_ms=0)
    if phase == "later load":
        code, output = _sync(emu, destination, FIRST, None)
        assert code == 0, output
    before = _snapshot(destination)

    code, output = _sync(emu, destination, SECOND, 0.05)
    assert code == 130, output
    last = output.strip().splitlines()[-1]
    assert last.startswith("interrupted;"), output
    for blame in ("refused the data", "KeyboardInterrupt", "Traceback", "internal error"):
        assert blame not in output
    interrupted = _snapshot(destination)

    # What an uninterrupted run of the same command leaves: the reference.
    code, output = _sync(emu, destination, SECOND, None)
    assert code == 0, output
    finished = _snapshot(destination)

    for table in TABLES:
        got = interrupted.get(table)
        assert got == finished[table] or got == before.get(table), (table, output)
    # This interrupt came after the fetch, early in the load step: the load was finished.
    assert interrupted == finished, output
