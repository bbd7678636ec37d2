"""The Admin key never appears in output, logs, tracebacks, files or the destination, whether
the run succeeds, fails or is given the key through the environment or a file; nor does the
Analytics key of a Claude Enterprise organization."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dlt.common.versioned_state import decompress_state

from tests.conftest import CONSOLE_2025_TABLES, ROOT, Destination
from tests.reliability import figures
from tests.reliability.enterprise import ENTERPRISE, INTERVAL, analytics_uri


@dataclass(frozen=True)
class Sync:
    """What a sweep syncs: an interval, the tables it must load, an endpoint made to fail."""

    interval: tuple[str, str]
    tables: Collection[str]
    fails: str


# A 2025 interval of a Console organization: the analytics tables (no data before 2026) and
# the Enterprise ones (not available) are skipped.
CONSOLE = Sync(("2025-01-01", "2025-01-03"), CONSOLE_2025_TABLES, "/v1/organizations/cost_report")
# The Enterprise tables, read with the Analytics key from an Enterprise organization.
ENTERPRISE_SYNC = Sync(INTERVAL, ENTERPRISE, next(iter(ENTERPRISE.values())).source.path)


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "anthropic_ingest", *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def files_containing(secret: str, *folders: Path) -> list[Path]:
    return [
        p
        for folder in folders
        for p in folder.rglob("*")
        if p.is_file() and secret.encode() in p.read_bytes()
    ]


def destination_text(dest: Destination, tables: Collection[str]) -> str:
    """Every value of every table in the dataset (dlt's own state tables included)."""
    names = sorted(dest.tables())
    chunks = []
    for name in names:
        chunks.append(repr(dest.query(f"select * from {{ds}}.{name}")))
    assert set(tables) <= set(names)
    return "\n".join(chunks)


@pytest.mark.parametrize("how", ["uri", "environment", "file"])
def test_no_leak_on_success_and_failure(
    emu: Any, destination: Destination, tmp_path: Path, how: str
) -> None:
    key = emu.admin_key
    env = {"TMPDIR": str(tmp_path), "RUNTIME__LOG_LEVEL": "INFO"}
    uri = f"anthropic://?base_url={emu.base_url}"
    if how == "uri":
        uri += f"&api_key={key}"
    elif how == "environment":
        env["ANTHROPIC_ADMIN_API_KEY"] = key
    else:
        key_file = tmp_path.parent / f"{tmp_path.name}.key"
        key_file.write_text(key)
        uri += f"&api_key_file={key_file}"
    sweep(emu, key, uri, env, destination, tmp_path, CONSOLE)


def test_no_leak_with_an_analytics_key(ent: Any, duck: Destination, tmp_path: Path) -> None:
    """The Analytics key, given in the URI, through a sync that loads the Enterprise tables
    and one that fails on an Enterprise endpoint (with a traceback: --debug)."""
    env = {"TMPDIR": str(tmp_path), "RUNTIME__LOG_LEVEL": "INFO"}
    sweep(ent, ent.analytics_key, analytics_uri(ent), env, duck, tmp_path, ENTERPRISE_SYNC)


def sweep(
    emu: Any,
    key: str,
    uri: str,
    env: dict[str, str],
    destination: Destination,
    tmp_path: Path,
    sync: Sync,
) -> None:
    """Sync successfully, then again with `sync.fails` failing, and look for the key in every
    output, file and table."""
    common = ["--dest-uri", destination.uri, "--dataset", destination.dataset, "--progress", "log"]
    window = ["--interval-start", sync.interval[0], "--interval-end", sync.interval[1]]
    ok = run(["--debug", "sync", "--source-uri", uri, *window, *common], env, tmp_path)
    assert ok.returncode == 0, ok.stderr
    emu.script(sync.fails, [{"kind": "status", "status": 500, "count": 30}])
    failing = uri + "&max_retries=1&retry_backoff_seconds=0.01"
    failed = run(["--debug", "sync", "--source-uri", failing, *window, *common], env, tmp_path)
    assert failed.returncode == 3 and "Traceback" in failed.stderr
    leaks = [
        name
        for name, text in (
            ("stdout", ok.stdout + failed.stdout),
            ("stderr", ok.stderr + failed.stderr),
        )
        if key in text
    ]
    leaks += [str(p) for p in files_containing(key, tmp_path, ROOT / ".dlt")]
    if destination.kind == "duckdb":
        assert destination.path is not None
        leaks += [str(destination.path)] if key.encode() in destination.path.read_bytes() else []
    leaks += ["destination tables"] if key in destination_text(destination, sync.tables) else []
    figures.add("secret leaks", len(leaks))
    figures.add("secret sweeps (runs × places grepped)", 2 * 4)
    assert leaks == []


def test_state_tables_hold_no_key(emu: Any, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    result = run(
        [
            "sync",
            "--source-uri",
            f"anthropic://?api_key={emu.admin_key}&base_url={emu.base_url}",
            "--dest-uri",
            f"duckdb:///{db}",
            "--interval-start",
            "2025-02-20",
        ],
        {"TMPDIR": str(tmp_path)},
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        states = [
            r[0] for r in con.execute("select state from anthropic._dlt_pipeline_state").fetchall()
        ]
        versions = con.execute("select * from anthropic._dlt_version").fetchall()
    decoded = [json.dumps(decompress_state(s)) for s in states]
    assert decoded and all("covered_through" in d for d in decoded[-1:])
    assert emu.admin_key not in "".join(decoded) + repr(versions)
