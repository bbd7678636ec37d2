"""The API changes over time: new fields are kept, vanished fields become null with a
warning, and enum values we have not seen load as they are. Never a crash."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest

from anthropic_ingest.schema import Column
from anthropic_ingest.table_spec import TableSpec
from tests.conftest import run_cli
from tests.reliability import figures
from tests.reliability.enterprise import (
    ENTERPRISE,
    spec_for_path,
    sync_args,
)
from tests.reliability.proxy import mutating_proxy, replace_text

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


ADDED, UNSEEN = "drift_probe", "unseen_value_2027"
# Text columns that hold one of a few values the API documents (`type`, `source_type`,
# `share_status`, ...): a value never seen before must load as it is.
ENUM_LIKE = re.compile(r"(^|_)(type|status)$")


def columns_of(spec: TableSpec, field: str) -> list[Column]:
    """The columns read from a top-level API field (the field itself or inside it)."""
    return [c for c in spec.columns if c.source == field or c.source.startswith(f"{field}.")]


def removable(spec: TableSpec) -> str | None:
    """The first field the API documents as always sent whose columns are not in the key
    (a record without its key cannot load; that is not drift but a broken record)."""
    for field in sorted(spec.expected_fields):
        if not {c.name for c in columns_of(spec, field)} & set(spec.key):
            return field
    return None


def enum_like(spec: TableSpec) -> list[Column]:
    return [
        c
        for c in spec.columns
        if c.type == "text" and c.name not in spec.key and ENUM_LIKE.search(c.name)
    ]


def test_enterprise_drift_is_kept_nulled_and_warned(ent: Any, tmp_path: Path) -> None:
    """Every Enterprise table at once: a new field in every record, the first removable
    always-sent field gone, and values never seen in its enum-like columns."""
    changed: dict[str, set[str]] = {}  # table -> enum-like columns given an unseen value

    def mutate(path: str, record: dict[str, Any]) -> None:
        spec = spec_for_path(path)
        if spec is None:
            return
        record[ADDED] = {"seen": True, "n": 1}
        removed = removable(spec)
        if removed is not None:
            record.pop(removed, None)
        for column in enum_like(spec):
            if replace_text(record, column.source, UNSEEN):
                changed.setdefault(spec.name, set()).add(column.name)

    db = tmp_path / "drift.duckdb"
    with mutating_proxy(ent.base_url, mutate) as proxy:
        result = run_cli(*sync_args(ent, proxy, f"duckdb:///{db}"))
    assert result.code == 0, result.output
    assert changed, "no Enterprise record had an enum-like field"
    with duckdb.connect(str(db), read_only=True) as con:
        for table, spec in ENTERPRISE.items():
            check_table(con, spec, result.stderr, changed.get(table, set()))


def check_table(con: Any, spec: TableSpec, stderr: str, enums: set[str]) -> None:
    extras = con.execute(f"select extra_fields from anthropic.{spec.name}").fetchall()
    assert extras and all(json.loads(e)[ADDED] == {"seen": True, "n": 1} for (e,) in extras)
    removed = removable(spec)
    if removed is not None:
        assert f"warning: the Admin API did not send {removed} in" in stderr, spec.name
        for column in columns_of(spec, removed):
            values = con.execute(f"select distinct {column.name} from anthropic.{spec.name}")
            assert values.fetchall() == [(None,)], (spec.name, column.name)
    for name in sorted(enums):
        values = con.execute(f"select distinct {name} from anthropic.{spec.name}").fetchall()
        assert values == [(UNSEEN,)], (spec.name, name)
    figures.add("schema drift cases (added, removed, unseen enum)", 1 + bool(removed) + len(enums))
    figures.add("rows compared", len(extras))
