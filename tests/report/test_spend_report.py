"""The report's "Who spends what" section: exact figures on each database, the same as the
views for a whole month, and a note instead of a failure without the analytics tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from anthropic_ingest.report import build_report, create_views, fmt, render_html
from anthropic_ingest.report.html_who import NEEDS_ANALYTICS, PROJECTION_RULE
from tests.report import expected_spend as xs
from tests.report import synth
from tests.report.conftest import Loaded, load_duckdb
from tests.report.test_spend_views import query

AUGUST, THROUGH = date(2025, 8, 1), synth.LAST  # the range ends on Aug 17


def _august(rows: list[dict], last: date = THROUGH) -> list[dict]:
    return [r for r in rows if AUGUST <= r["bucket"].date() <= last]


def test_month_to_date_by_person_key_workspace_and_product(
    loaded: Loaded, rows: synth.Rows
) -> None:
    data = build_report(loaded.uri, loaded.dataset, synth.FIRST, synth.LAST, now=synth.NOW)
    spend = data.spend
    assert spend is not None
    cost = _august(rows["analytics_cost"])
    total = xs.usd(sum((r["amount_cents"] for r in cost), Decimal(0)))
    m = spend.month
    assert (m.month_start, m.through, m.days_elapsed, m.days_in_month) == (AUGUST, THROUGH, 17, 31)
    assert m.spend_usd == total and m.projected_usd == total * 31 / 17
    people = [r for r in cost if r["actor_type"] == "user"]
    billed = xs.sums(people, lambda r: xs.user(r)[2] or xs.user(r)[1])
    assert {u.label: u.billed_usd for u in spend.by_user} == billed
    assert spend.not_people_usd == total - sum(billed.values(), Decimal(0))
    assert {k.label: k.billed_usd for k in spend.by_api_key} == xs.sums(cost, xs.key_name)
    workspaces = xs.sums(cost, lambda r: xs.workspace_name(r["workspace_id"]))
    assert {w.label: w.billed_usd for w in spend.by_workspace} == workspaces
    products = {"claude_code": "Claude Code", "chat": "Chat (claude.ai)",
                None: "API and code execution (no product)"}  # fmt: skip
    assert {p.label: p.billed_usd for p in spend.by_product} == xs.sums(
        cost, lambda r: products[r["product"]]
    )
    cc = {e: v for (month, e), v in xs.claude_code(_month_rows(rows)).items() if month == AUGUST}
    assert {p.email.lower(): (p.estimated_usd, p.billed_usd) for p in spend.claude_code} == cc
    r = spend.reconciliation
    assert r is not None and (r.first, r.last, r.days) == (AUGUST, THROUGH, 17)
    expected = [v for d, v in xs.reconciliation(rows).items() if AUGUST <= d <= THROUGH]
    assert r.cost_report_usd == sum((v[0] for v in expected), Decimal(0))
    assert r.analytics_usd == total and r.days_differing == sum(1 for v in expected if v[2])


def _month_rows(rows: synth.Rows) -> synth.Rows:
    """The rows of Aug 1..17 only, for the per-developer comparison."""
    cc = [r for r in rows["claude_code_usage"] if AUGUST <= r["date"].date() <= THROUGH]
    return {**rows, "claude_code_usage": cc, "analytics_cost": _august(rows["analytics_cost"])}


def test_a_whole_month_equals_the_views(loaded: Loaded) -> None:
    create_views(loaded.pipeline)
    data = build_report(loaded.uri, loaded.dataset, AUGUST, date(2025, 8, 31), now=synth.NOW)
    assert data.spend is not None and data.spend.month.through == date(2025, 8, 18)
    got = query(
        loaded,
        "SELECT COALESCE(user_name, user_email), amount_usd, list_amount_usd "
        "FROM {cost_monthly_by_user} WHERE month = CAST('2025-08-01' AS DATE)",
    )
    assert {(u.label, u.billed_usd, u.list_usd) for u in data.spend.by_user} == set(got)


def test_the_section_on_the_page(loaded: Loaded) -> None:
    data = build_report(loaded.uri, loaded.dataset, synth.FIRST, synth.LAST, now=synth.NOW)
    html = render_html(data)
    assert data.spend is not None and data.spend.reconciliation is not None
    assert '<section id="who-spends-what"><h2>Who spends what</h2>' in html
    assert PROJECTION_RULE in html and NEEDS_ANALYTICS not in html
    assert f"<strong>{fmt.usd(data.spend.month.spend_usd)}</strong>" in html
    assert "Claude Code cost per developer, month to date" in html
    assert "<td>Ada Lovelace</td><td>ada@example.com</td>" in html
    assert "<strong>Reconciliation</strong>, 2025-08-01 to 2025-08-17" in html
    assert "17 of 17 days differ" in html


def test_without_the_analytics_tables_the_section_says_what_it_needs(
    rows: synth.Rows, tmp_path: Path
) -> None:
    tables = [t for t in rows if t not in ("analytics_cost", "analytics_usage")]
    loaded = load_duckdb(rows, tmp_path, tables)
    data = build_report(loaded.uri, loaded.dataset, synth.FIRST, synth.LAST, now=synth.NOW)
    assert data.spend is None and data.missing == [] and data.cost is not None
    html = render_html(data)
    assert '<section id="who-spends-what">' in html and NEEDS_ANALYTICS in html
    assert "What is missing" not in html
    # views needing the analytics tables are not created; the others are
    assert "cost_reconciliation_daily" not in create_views(loaded.pipeline)


def test_analytics_cost_of_an_older_version_is_listed_as_missing(
    rows: synth.Rows, tmp_path: Path
) -> None:
    loaded = load_duckdb(rows, tmp_path, ["cost_report", "users"])
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE anthropic.analytics_cost (bucket TIMESTAMPTZ, actor_id TEXT)")
    data = build_report(loaded.uri, loaded.dataset, synth.FIRST, synth.LAST, now=synth.NOW)
    (old,) = [m for m in data.missing if m.table == "analytics_cost"]
    assert old.reason.startswith("lacks column(s) bucket_end, actor_type")
    assert data.spend is None and NEEDS_ANALYTICS in render_html(data)
