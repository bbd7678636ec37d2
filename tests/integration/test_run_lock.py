"""Two runs started at once against the same destination serialize; neither corrupts the other."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from tests.conftest import CONSOLE_2025_TABLES, ROOT, Destination, source_uri

# This test syncs a 2025 interval: the analytics tables (no data before 2026) are skipped.
TABLES = CONSOLE_2025_TABLES


def test_concurrent_syncs_serialize(emu: Any, destination: Destination) -> None:
    emu.configure(latency_ms=20)
    try:
        args = [
            sys.executable,
            "-m",
            "anthropic_ingest",
            "sync",
            "--source-uri",
            source_uri(emu),
            "--dest-uri",
            destination.uri,
            "--dataset",
            destination.dataset,
            "--interval-start",
            "2025-01-01",
            "--interval-end",
            "2025-01-20",
            "--progress",
            "log",
        ]
        runs = [
            subprocess.Popen(
                args,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                stdin=subprocess.DEVNULL,
            )
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=300) for run in runs]
    finally:
        emu.configure(latency_ms=0)
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert any("waiting for another run loading into" in err for _, err in outputs)
    duplicates = destination.query(
        "select count(*) from (select date, actor_type, actor_id, terminal_type, is_remote "
        "from {ds}.claude_code_usage group by date, actor_type, actor_id, terminal_type, is_remote "
        "having count(*) > 1) d"
    )
    assert duplicates == [(0,)]
    for table in TABLES:
        assert destination.query(f"select count(*) from {{ds}}.{table}")[0][0] >= 1
