"""The API changes over time: new fields are kept, vanished fields become null with a
warning, and enum values we have not seen load as they are. Never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import run_cli
from tests.reliability import figures
from tests.reliability.proxy import mutating_proxy

# table, field added, field removed, (field, unseen enum value)
DRIFT = {
    "users": ("last_seen_region", "name", ("role", "chief_llama_officer")),
    "api_keys": ("rotation_policy", "name", ("status", "paused")),
    "workspaces": ("billing_owner", "archived_at", ("type", "workspace_v2")),
    "invites": ("invited_by", "expires_at", ("status", "snoozed")),
    "workspace_members": ("joined_via", "workspace_role", ("type", "workspace_member_v2")),
    "claude_code_usage": ("ide_version", "customer_type", ("terminal_type", "holodeck")),
    "usage_report": ("priority_boost", "service_tier", ("inference_geo", "mars")),
    "cost_report": ("invoice_id", "currency", ("cost_type", "quantum_usage")),
}
COLUMN = {
    "role": "role",
    "status": "status",
    "type": "type",
    "workspace_role": "role",
    "terminal_type": "terminal_type",
    "inference_geo": "inference_geo",
    "cost_type": "cost_type",
}
REMOVED_COLUMN = {
    "name": "name",
    "archived_at": "archived_at",
    "expires_at": "expires_at",
    "workspace_role": "role",
    "customer_type": "customer_type",
    "service_tier": "service_tier",
    "currency": "currency",
}


@pytest.mark.parametrize("table", sorted(DRIFT))
def test_drift_is_kept_nulled_and_warned(emu: Any, tmp_path: Path, table: str) -> None:
    added, removed, (enum_field, enum_value) = DRIFT[table]

    def mutate(path: str, record: dict[str, Any]) -> None:
        record[added] = {"seen": True, "n": 1}
        record.pop(removed, None)
        if enum_field in record:
            record[enum_field] = enum_value

    db = tmp_path / "drift.duckdb"
    with mutating_proxy(emu.base_url, mutate) as proxy:
        result = run_cli(
            "ingest",
            "--source-uri",
            f"anthropic://?api_key={emu.admin_key}&base_url={proxy}",
            "--source-table",
            table,
            "--dest-uri",
            f"duckdb:///{db}",
            "--interval-start",
            "2025-01-01",
            "--interval-end",
            "2025-01-03",
        )
    assert result.code == 0, result.output
    assert f"warning: the Admin API did not send {removed} in" in result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        extras = con.execute(f"select extra_fields from anthropic.{table}").fetchall()
        removed_values = con.execute(
            f"select distinct {REMOVED_COLUMN[removed]} from anthropic.{table}"
        ).fetchall()
        enums = con.execute(
            f"select distinct {COLUMN[enum_field]} from anthropic.{table}"
        ).fetchall()
    assert extras and all(json.loads(e)[added] == {"seen": True, "n": 1} for (e,) in extras)
    assert removed_values == [(None,)]
    assert enums == [(enum_value,)]
    figures.add("schema drift cases (added, removed, unseen enum)", 3)
    figures.add("rows compared", len(extras))
