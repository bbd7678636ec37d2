"""Deterministic synthetic rows for every declared table, and loading them with dlt.

Rows are plain dicts keyed by the declared column names; `arrow_table` turns them into
Arrow tables typed from `TableSpec.columns`, so the destination gets exactly the declared
types. The expected figures in the tests are computed from these dicts in Python.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import dlt
import pyarrow as pa

from anthropic_ingest.tables import TABLES
from anthropic_ingest.transforms import KNOWN_TOOLS
from tests.report import synth_spend

Rows = dict[str, list[dict[str, Any]]]

# The report's range; the data also holds one day on each side that the range excludes.
FIRST, LAST = date(2025, 7, 28), date(2025, 8, 17)
NOW = datetime(2025, 8, 18, 9, 30, tzinfo=UTC)
ORG_ID = "5b1c2d3e-0000-4000-8000-00000000a11c"

USERS = [
    ("user_01ada", "ada@example.com", "Ada Lovelace", "admin"),
    ("user_02bob", "bob@example.com", "Bob Builder", "developer"),
    ("user_03cyd", "cyd@example.com", "Cyd Charisse", "developer"),
    ("user_04dee", "dee@example.com", "Dee Dee", "claude_code_user"),
    ("user_05eve", "eve@example.com", "Eve Online", "user"),
    ("user_06fay", "fay@example.com", "Fay Wray", "billing"),
]
WORKSPACES = [
    ("wrkspc_eng", "Engineering", None),
    ("wrkspc_ds", "Data <Science> & 'ML'", None),
    ("wrkspc_old", "Legacy", datetime(2025, 3, 1, tzinfo=UTC)),
]
# id, name, status, workspace, expires_at
API_KEYS = [
    ("apikey_ci", "ci-bot", "active", "wrkspc_eng", None),
    ("apikey_nb", "notebooks", "active", "wrkspc_ds", NOW + timedelta(days=40)),
    ("apikey_def", "default-key", "active", None, None),
    ("apikey_gone", "expired-key", "active", "wrkspc_eng", NOW - timedelta(days=1)),
    ("apikey_off", "old-key", "inactive", "wrkspc_old", None),
    ("apikey_arch", "archived-key", "archived", "wrkspc_old", None),
]
# email, role, status, expires_at
INVITES = [
    ("soon@example.com", "developer", "pending", NOW + timedelta(days=3)),
    ("later@example.com", "user", "pending", NOW + timedelta(days=15)),
    ("lapsed@example.com", "user", "pending", NOW - timedelta(hours=2)),
    ("done@example.com", "admin", "accepted", NOW - timedelta(days=5)),
    ("old@example.com", "user", "expired", NOW - timedelta(days=30)),
]
TERMINALS = ("vscode", "iTerm.app", "tmux")
CC_MODELS = ("claude-sonnet-4-5", "claude-opus-4-1")
API_MODELS = ("claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1")
# (api_key_id, workspace_id): Console usage has no key; the Default workspace no ID.
USAGE_KEYS: list[tuple[str | None, str | None]] = [
    ("apikey_ci", "wrkspc_eng"),
    ("apikey_nb", "wrkspc_ds"),
    ("apikey_def", None),
    (None, None),
    (None, "wrkspc_eng"),
]


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def all_days() -> list[date]:
    start = FIRST - timedelta(days=1)
    return [start + timedelta(days=i) for i in range((LAST - FIRST).days + 3)]


def cents(rng: random.Random) -> Decimal:
    """A cents amount with up to 12 fractional digits, as the API sends them."""
    return Decimal(rng.randint(0, 90_000)) / 100 + Decimal(rng.randint(0, 10**9)) / 10**12


def make_rows(seed: int = 7) -> Rows:
    """Every table's rows; the same seed gives the same rows."""
    rng = random.Random(seed)
    cc, by_model = _claude_code(rng)
    return {
        "organization": [{"id": ORG_ID, "name": "Acme Robotics", "type": "organization"}],
        "users": _users(),
        "workspaces": _workspaces(),
        "api_keys": _api_keys(),
        "invites": _invites(),
        "workspace_members": _members(),
        "claude_code_usage": cc,
        "claude_code_usage_by_model": by_model,
        "usage_report": _usage(rng),
        "cost_report": _cost(rng),
        # their own random stream, so adding them left the rows above as they were
        **synth_spend.analytics(random.Random(seed + 1), all_days()),
        "service_accounts": synth_spend.service_accounts(),
        "rate_limits": synth_spend.rate_limits(),
    }


def _users() -> list[dict[str, Any]]:
    return [
        {"id": i, "email": e, "name": n, "role": r, "type": "user",
         "created_at": datetime(2024, 5, k + 1, tzinfo=UTC)}
        for k, (i, e, n, r) in enumerate(USERS)
    ]  # fmt: skip


def _workspaces() -> list[dict[str, Any]]:
    return [
        {"id": i, "name": n, "archived_at": a, "type": "workspace",
         "created_at": datetime(2024, 1, 1, tzinfo=UTC)}
        for i, n, a in WORKSPACES
    ]  # fmt: skip


def _api_keys() -> list[dict[str, Any]]:
    return [
        {"id": i, "name": n, "status": s, "workspace_id": w, "expires_at": x, "type": "api_key",
         "created_at": datetime(2025, 1, k + 1, tzinfo=UTC), "created_by_type": "user",
         "created_by_id": "user_01ada", "created_by_user_id": "user_01ada"}
        for k, (i, n, s, w, x) in enumerate(API_KEYS)
    ]  # fmt: skip


def _invites() -> list[dict[str, Any]]:
    return [
        {"id": f"invite_{k}", "email": e, "role": r, "status": s, "expires_at": x,
         "created_at": x - timedelta(days=21), "type": "invite", "rbac_group_ids": "[]"}
        for k, (e, r, s, x) in enumerate(INVITES)
    ]  # fmt: skip


def _members() -> list[dict[str, Any]]:
    pairs = [("wrkspc_eng", u) for u, *_ in USERS[:4]] + [("wrkspc_ds", USERS[2][0])]
    return [
        {"workspace_id": w, "user_id": u, "role": "workspace_developer",
         "type": "workspace_member"}
        for w, u in pairs
    ]  # fmt: skip


def _claude_code(rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    actors = [("user_actor", e) for _, e, *_ in USERS[:5]] + [("api_actor", "ci-bot")]
    rows: list[dict[str, Any]] = []
    models: list[dict[str, Any]] = []
    for day in all_days():
        for actor_type, actor_id in actors:
            if rng.random() < 0.25:
                continue
            places = rng.sample(
                [(t, r) for t in TERMINALS for r in (False, True)], rng.randint(1, 2)
            )
            for terminal, remote in places:
                row, parts = _cc_row(rng, day, actor_type, actor_id, terminal, remote)
                rows.append(row)
                models += parts
    return rows, models


def _cc_row(
    rng: random.Random, day: date, actor_type: str, actor_id: str, terminal: str, remote: bool
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    key: dict[str, Any] = {"date": midnight(day), "actor_type": actor_type, "actor_id": actor_id,
           "terminal_type": terminal, "is_remote": remote}  # fmt: skip
    parts = []
    for model in rng.sample(CC_MODELS, rng.randint(1, 2)):
        parts.append({**key, "model": model, "input_tokens": rng.randint(0, 90_000),
                      "output_tokens": rng.randint(0, 20_000),
                      "cache_read_tokens": rng.randint(0, 50_000),
                      "cache_creation_tokens": rng.randint(0, 9_000),
                      "estimated_cost_cents": cents(rng), "currency": "USD"})  # fmt: skip
    row: dict[str, Any] = {**key, "organization_id": ORG_ID, "customer_type": "api",
           "num_sessions": rng.randint(1, 12), "lines_added": rng.randint(0, 900),
           "lines_removed": rng.randint(0, 300), "commits_by_claude_code": rng.randint(0, 6),
           "pull_requests_by_claude_code": rng.randint(0, 2),
           "models_used": ",".join(p["model"] for p in parts)}  # fmt: skip
    for tool in KNOWN_TOOLS:
        row[f"{tool}_accepted"] = rng.randint(0, 30)
        row[f"{tool}_rejected"] = rng.randint(0, 6)
    for total, part in (("input", "input"), ("output", "output"), ("cache_read", "cache_read"),
                        ("cache_creation", "cache_creation")):  # fmt: skip
        row[f"total_{total}_tokens"] = sum(p[f"{part}_tokens"] for p in parts)
    row["total_estimated_cost_cents"] = sum(p["estimated_cost_cents"] for p in parts)
    return row, parts


def _usage(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for day in all_days():
        for key_id, ws in USAGE_KEYS:
            for model in rng.sample(API_MODELS, 2):
                rows.append(
                    {"bucket": midnight(day), "bucket_end": midnight(day + timedelta(days=1)),
                     "api_key_id": key_id, "workspace_id": ws, "model": model,
                     "service_tier": "standard", "context_window": "0-200k",
                     "inference_geo": "global",
                     "input_tokens": rng.randint(0, 500_000),
                     "output_tokens": rng.randint(0, 100_000),
                     "input_cached_tokens": rng.randint(0, 800_000),
                     "cache_creation_ephemeral_5m_input_tokens": rng.randint(0, 60_000),
                     "cache_creation_ephemeral_1h_input_tokens": rng.randint(0, 30_000),
                     "server_tool_search_count": rng.randint(0, 5)}
                )  # fmt: skip
    return rows


def _cost(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    kinds: list[tuple[str | None, str, str]] = [
        (m, "tokens", t) for m in API_MODELS for t in ("Input Tokens", "Output Tokens")
    ]
    kinds.append((None, "web_search", "Web Search Usage"))
    for day in all_days():
        for ws in ("wrkspc_eng", "wrkspc_ds", None):
            for model, cost_type, what in rng.sample(kinds, 4):
                amount = cents(rng)
                rows.append(
                    {"bucket": midnight(day), "bucket_end": midnight(day + timedelta(days=1)),
                     "workspace_id": ws, "description": f"{model or ''} {what}".strip(),
                     "amount_cents": amount, "amount_usd": amount / 100, "currency": "USD",
                     "cost_type": cost_type, "model": model}
                )  # fmt: skip
    return rows


def arrow_table(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    """An Arrow table with every declared column of `table`, typed as declared."""
    spec = TABLES[table]
    return pa.table(
        {c.name: pa.array([r.get(c.name) for r in rows], type=c.arrow_type) for c in spec.columns}
    )


def pipeline(destination: Any, dataset: str, workdir: Path) -> dlt.Pipeline:
    """A dlt pipeline into `dataset`, keeping its working files under `workdir`."""
    return dlt.pipeline(
        pipeline_name=f"report_{dataset}",
        destination=destination,
        dataset_name=dataset,
        pipelines_dir=str(workdir / "dlt"),
    )


def run(pipe: dlt.Pipeline, rows: Rows, tables: list[str] | None = None) -> None:
    """Load the chosen tables (all by default), replacing what they held."""
    resources = [
        dlt.resource(arrow_table(name, rows[name]), name=name, write_disposition="replace")
        for name in (tables if tables is not None else list(rows))
    ]
    pipe.run(resources)
