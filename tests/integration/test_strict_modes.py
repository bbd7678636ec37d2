"""A sync of every table against the emulator in each of its strict modes: the API key
shapes the API has served, and 429 answers with and without `retry-after`.

In each mode the tables are exactly as served (API keys name their workspace as the reports
do), a second sync changes nothing, transient faults change nothing, and every request pins
`anthropic-version: 2023-06-01`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from anthropic_ingest import service
from anthropic_ingest.emulator import EmulatorConfig, running_emulator
from anthropic_ingest.emulator.org import SyntheticOrg
from anthropic_ingest.tables import TABLES as ALL_TABLES
from tests.conftest import CONSOLE_2025_TABLES, Destination, source_uri

# This test syncs a 2025 interval: the analytics tables (no data before 2026) are skipped.
TABLES = CONSOLE_2025_TABLES

FIRST, LAST = "2025-01-01", "2025-01-06"
FAST = {"retry_backoff_seconds": "0.01", "max_retries": "8", "timeout": "10"}
MODES: dict[str, dict[str, Any]] = {
    "current": {"api_keys_shape": "current"},
    "newest": {"api_keys_shape": "newest"},
    "august": {"api_keys_shape": "august"},
    "no-retry-after": {"rate_limit_retry_after": False},
}
# Faults a long run meets; 429s carry no retry-after, as the real report endpoints send them.
TRANSIENT = [
    {"kind": "status", "status": 429},
    {"kind": "status", "status": 529},
    {"kind": "status", "status": 500},
    {"kind": "status", "status": 429},
]


def _config(**mode: Any) -> EmulatorConfig:
    return EmulatorConfig(
        seed=11, users=14, start_date=date(2025, 1, 1), end_date=date(2025, 2, 28), **mode
    )


@pytest.fixture(params=sorted(MODES))
def strict(request: pytest.FixtureRequest) -> Iterator[Any]:
    with running_emulator(_config(**MODES[request.param])) as emu:
        yield emu


def _sync(emu: Any, dest: Destination) -> None:
    service.sync(
        source_uri(emu, **FAST),
        dest.uri,
        dataset=dest.dataset,
        interval_start=FIRST,
        interval_end=LAST,
    )


def _snapshot(dest: Destination) -> dict[str, list[tuple[Any, ...]]]:
    return {
        name: sorted(
            dest.query(f"select {', '.join(spec.column_names)} from {{ds}}.{name}"), key=repr
        )
        for name, spec in TABLES.items()
    }


def test_sync_is_exact_repeatable_and_survives_faults(strict: Any, tmp_path: Path) -> None:
    dest = Destination(
        "duckdb", f"duckdb:///{tmp_path / 'x.duckdb'}", "strict", tmp_path / "x.duckdb"
    )
    _sync(strict, dest)
    # API keys: the workspace as the reports name it (the Default workspace is null), the
    # principal and the scope whatever the shape served.
    reference = SyntheticOrg.from_config(_config()).api_keys
    want = sorted(
        (k["id"], k["workspace_id"], (k["principal"] or {}).get("type"), k["scope"]["type"])
        for k in reference
    )
    got = dest.query("select id, workspace_id, principal_type, scope_type from {ds}.api_keys")
    shape = strict.config.api_keys_shape
    principal = {"user_actor": "user", "service_account_actor": "service_account", None: None}
    served = [(i, ws, principal[p], None if shape == "august" else s) for i, ws, p, s in want]
    assert sorted(got, key=repr) == sorted(served, key=repr)
    assert any(ws is None for _, ws, _, _ in want) and any(ws for _, ws, _, _ in want)
    # Joins hold: a key's usage is reported in the key's workspace.
    [(mismatched,)] = dest.query(
        "select count(*) from {ds}.usage_report u join {ds}.api_keys k on k.id = u.api_key_id "
        "where u.workspace_id is distinct from k.workspace_id"
    )
    assert mismatched == 0
    assert {e["version"] for e in strict.requests()} == {"2023-06-01"}
    # A beta header only where the table's endpoint declares one, never on the tables of
    # the original product page.
    declared = {dict(s.source.headers).get("anthropic-beta") for s in ALL_TABLES.values()}
    original = {s.source.path for s in TABLES.values()}
    for entry in strict.requests():
        assert entry["beta"] in declared, entry
        if entry["path"] in original:
            assert entry["beta"] is None, entry

    before = _snapshot(dest)
    _sync(strict, dest)
    assert _snapshot(dest) == before, "a second sync of the same interval changes nothing"
    for path in ("/v1/organizations/usage_report/", "/v1/organizations/cost_report"):
        strict.script(path, TRANSIENT, prefix=True)
    strict.script("/v1/organizations/api_keys", TRANSIENT)
    _sync(strict, dest)
    assert strict.pending_scripts() == []
    assert _snapshot(dest) == before, "faults survived leave the same data"
