"""Emulator, then `sync`, then `report`: the report shows exactly what the emulator served."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from anthropic_ingest.report import VIEWS, build_report, fmt
from tests.conftest import Destination, assert_no_secret, run_cli, source_uri
from tests.integration import expected

FIRST, LAST = date(2025, 1, 6), date(2025, 1, 26)
NOW = datetime(2025, 1, 27, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["duck", "pg"])
def synced(request: pytest.FixtureRequest, emulator: Any) -> Destination:
    dest: Destination = request.getfixturevalue(request.param)
    result = run_cli(
        "sync",
        "--source-uri",
        source_uri(emulator),
        "--dest-uri",
        dest.uri,
        "--dataset",
        dest.dataset,
        "--interval-start",
        FIRST.isoformat(),
        "--interval-end",
        LAST.isoformat(),
        "--progress",
        "log",
    )
    assert result.code == 0, result.output
    return dest


def _actor(record: dict[str, Any]) -> tuple[str, str]:
    actor = record["actor"]
    return actor["type"], actor.get("email_address") or actor["api_key_name"]


def test_report_figures_equal_what_the_emulator_served(synced: Destination, emulator: Any) -> None:
    org = emulator.org
    data = build_report(synced.uri, synced.dataset, FIRST, LAST, now=NOW)
    assert data.missing == []

    cc = expected.claude_code(org, FIRST, LAST)
    assert data.claude_code is not None
    totals = data.claude_code.totals
    assert totals.sessions == sum(r["core_metrics"]["num_sessions"] for r in cc)
    assert totals.commits == sum(r["core_metrics"]["commits_by_claude_code"] for r in cc)
    actors = {_actor(r) for r in cc}
    assert totals.active_people == len({a for t, a in actors if t == "user_actor"})
    assert totals.active_api_keys == len({a for t, a in actors if t == "api_actor"})
    cents = sum(
        (Decimal(str(m["estimated_cost"]["amount"])) for r in cc for m in r["model_breakdown"]),
        Decimal(0),
    )
    assert totals.estimated_cost_usd == cents / 100

    usage = expected.usage(org, FIRST, LAST)
    assert data.api_usage is not None
    assert data.api_usage.totals.total_input == sum(
        u["uncached_input_tokens"]
        + u["cache_read_input_tokens"]
        + u["cache_creation"]["ephemeral_5m_input_tokens"]
        + u["cache_creation"]["ephemeral_1h_input_tokens"]
        for u in usage
    )
    assert data.api_usage.totals.cached_input == sum(u["cache_read_input_tokens"] for u in usage)

    cost = expected.cost(org, FIRST, LAST)
    assert data.cost is not None
    assert data.cost.total_usd == sum((amount for *_, amount in cost), Decimal(0)) / 100

    assert data.org.users_by_role is not None
    assert {a.label: a.value for a in data.org.users_by_role} == Counter(
        u["role"] for u in org.users
    )
    # Every invite the API lists as pending is shown as pending, expired or not.
    pending = [i for i in org.list_invites() if i["status"] == "pending"]
    assert len(pending) >= 1
    assert data.org.pending_invites is not None
    assert len(data.org.pending_invites) == len(pending)
    late = [i for i in pending if datetime.fromisoformat(i["expires_at"]) <= NOW]
    assert sum(i.past_expiry for i in data.org.pending_invites) == len(late)


def test_sync_leaves_the_views_holding_the_same_figures(synced: Destination, emulator: Any) -> None:
    views = synced.query(
        "select table_name from information_schema.tables "
        "where table_schema = '{ds}' and table_type = 'VIEW'"
    )
    # the views whose source tables the sync loaded (the analytics ones need 2026 data)
    loaded = synced.tables()
    wanted = [view.name for view in VIEWS if all(s in loaded for s in view.sources)]
    assert sorted(v for (v,) in views) == sorted(wanted) and len(wanted) >= 3
    ((total,),) = synced.query("select sum(cost_usd) from {ds}.cost_daily_usd_by_workspace")
    served = sum((a for *_, a in expected.cost(emulator.org, FIRST, LAST)), Decimal(0)) / 100
    assert Decimal(total) == served


def test_cli_report_of_a_synced_destination(
    synced: Destination, emulator: Any, tmp_path: Any
) -> None:
    out = tmp_path / "report.html"
    args = ["--dest-uri", synced.uri, "--dataset", synced.dataset, "-o", str(out)]
    result = run_cli("report", *args, "--from", FIRST.isoformat(), "--to", LAST.isoformat())
    assert result.code == 0, result.output
    html = out.read_text(encoding="utf-8")
    total = sum((a for *_, a in expected.cost(emulator.org, FIRST, LAST)), Decimal(0)) / 100
    pending = [i for i in emulator.org.list_invites() if i["status"] == "pending"]
    assert f"<strong>{fmt.usd(total)}</strong> spent in this period" in html
    assert f"<strong>{len(pending)}</strong> pending invites" in html
    assert f"{FIRST} to {LAST}" in html
    assert_no_secret(emulator.admin_key, result.stdout, result.stderr, html)
