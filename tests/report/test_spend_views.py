"""The "who spends what" views on DuckDB, PostgreSQL and MariaDB: exact figures from the
synthetic rows, the same in UTC and in America/Los_Angeles, and the documented one-SELECT
answer to "cost per developer last month"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from anthropic_ingest.report import create_views
from anthropic_ingest.report.connect import open_reader
from anthropic_ingest.report.views_spend import SPEND_VIEWS
from tests.conftest import ROOT
from tests.report import expected_spend as xs
from tests.report import synth
from tests.report.conftest import Loaded
from tests.report.test_time_zones import LOS_ANGELES

AUGUST = date(2025, 8, 1)


def query(loaded: Loaded, text: str, zone: str = "UTC") -> list[tuple[Any, ...]]:
    """Run `text` with {view} names qualified, in a read-only session set to `zone`."""
    with open_reader(loaded.uri, loaded.dataset, zone) as reader:
        names = {v.name: reader.table(v.name) for v in SPEND_VIEWS}
        return [tuple(r) for r in reader.query(text.format(**names))]


@pytest.fixture
def views(loaded: Loaded) -> Loaded:
    created = create_views(loaded.pipeline)
    assert [v.name for v in SPEND_VIEWS] == created[-len(SPEND_VIEWS) :]
    return loaded


def test_rows_are_resolved_to_people_service_accounts_and_keys(
    views: Loaded, rows: synth.Rows
) -> None:
    got = query(
        views,
        "SELECT actor_name, api_key_name, workspace_name, SUM(amount_usd), SUM(list_amount_usd) "
        "FROM {analytics_cost_named} GROUP BY actor_name, api_key_name, workspace_name",
    )
    cost = rows["analytics_cost"]
    key = lambda r: (xs.actor_name(r), xs.key_name(r), xs.workspace_name(r["workspace_id"]))  # noqa: E731
    billed, listed = xs.sums(cost, key), xs.sums(cost, key, "list_amount_cents")
    assert {(g[0], g[1], g[2]): (g[3], g[4]) for g in got} == {
        k: (billed[k], listed[k]) for k in billed
    }
    names = {r[0] for r in got}
    # by ID, by email in another case, an unknown user by email, service accounts, a key
    assert {"Ada Lovelace", "Bob Builder", "Cyd Charisse", "gone@example.com"} <= names
    assert {"deploy-bot", "svac_unknown", "ci-bot", "No actor"} <= names
    usage = query(
        views,
        "SELECT actor_name, SUM(total_tokens) FROM {analytics_usage_named} GROUP BY actor_name",
    )
    tokens: dict[str, int] = {}
    for r in rows["analytics_usage"]:
        tokens[xs.actor_name(r)] = tokens.get(xs.actor_name(r), 0) + r["total_tokens"]
    assert {n: int(t) for n, t in usage} == tokens


def test_monthly_cost_per_user_key_workspace_and_product(views: Loaded, rows: synth.Rows) -> None:
    cost = rows["analytics_cost"]
    people = [r for r in cost if r["actor_type"] == "user"]
    by_user = query(
        views,
        "SELECT month, user_id, user_email, user_name, amount_usd, list_amount_usd "
        "FROM {cost_monthly_by_user}",
    )
    billed = xs.sums(people, lambda r: (xs.month(r), *xs.user(r)))
    listed = xs.sums(people, lambda r: (xs.month(r), *xs.user(r)), "list_amount_cents")
    assert {tuple(r[:4]): tuple(r[4:]) for r in by_user} == {
        k: (billed[k], listed[k]) for k in billed
    }
    assert all(isinstance(v, Decimal) for r in by_user for v in r[4:])
    for view, key in (
        ("cost_monthly_by_api_key", lambda r: (xs.month(r), xs.key_name(r))),
        (
            "cost_monthly_by_workspace",
            lambda r: (xs.month(r), xs.workspace_name(r["workspace_id"])),
        ),
        ("cost_monthly_by_product", lambda r: (xs.month(r), r["product"])),
    ):
        label = {"cost_monthly_by_api_key": "api_key_name",
                 "cost_monthly_by_workspace": "workspace_name"}.get(view, "product")  # fmt: skip
        got = query(views, f"SELECT month, {label}, amount_usd FROM {{{view}}}")
        assert {(m, n): a for m, n, a in got} == xs.sums(cost, key), view
    (several,) = query(
        views, "SELECT DISTINCT workspace_name FROM {cost_monthly_by_api_key} "
        "WHERE api_key_id = 'apikey_nb'",
    )  # fmt: skip
    assert several == ("Several workspaces",)


def test_claude_code_estimated_and_billed_per_developer(views: Loaded, rows: synth.Rows) -> None:
    got = query(
        views,
        "SELECT month, user_email, estimated_cost_usd, billed_usd "
        "FROM {claude_code_cost_monthly_by_user}",
    )
    assert {(m, e.lower()): (est, billed) for m, e, est, billed in got} == xs.claude_code(rows)


def test_daily_reconciliation(views: Loaded, rows: synth.Rows) -> None:
    got = query(
        views,
        "SELECT date, cost_report_usd, analytics_cost_usd, difference_usd "
        "FROM {cost_reconciliation_daily}",
    )
    assert {d: tuple(v) for d, *v in got} == xs.reconciliation(rows)


def _instants(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows with zoned timestamps shown in UTC: a session shows the same instant in its zone."""

    def one(v: Any) -> Any:
        return v.astimezone(UTC) if isinstance(v, datetime) and v.tzinfo else v

    return sorted((tuple(one(v) for v in r) for r in rows), key=repr)


def test_the_same_rows_in_los_angeles(views: Loaded) -> None:
    """Days and months are UTC ones: in Los Angeles the midnight buckets would fall on the
    day (and the month) before if a view cast them in the session's zone."""
    for view in SPEND_VIEWS:
        text = f"SELECT * FROM {{{view.name}}}"
        utc = _instants(query(views, text))
        assert utc, view.name
        assert _instants(query(views, text, LOS_ANGELES[views.kind])) == utc, view.name


def _documented_query() -> str:
    doc = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    block = doc.split("<!-- last-month-query -->\n```sql\n", 1)[1].split("```", 1)[0]
    return block.strip().rstrip(";")


def test_cost_per_developer_last_month_is_one_select(views: Loaded, rows: synth.Rows) -> None:
    """The documented query, run with "last month" moved to August 2025 (the synthetic data)."""
    text = _documented_query()
    assert text.upper().count("SELECT") == 1 and "months_ago = 1" in text
    now = datetime.now(UTC)
    ago = (now.year - AUGUST.year) * 12 + now.month - AUGUST.month
    got = query(views, text.replace("cost_monthly_by_user", "{cost_monthly_by_user}")
                .replace("months_ago = 1", f"months_ago = {ago}"))  # fmt: skip
    people = [
        r for r in rows["analytics_cost"] if r["actor_type"] == "user" and xs.month(r) == AUGUST
    ]
    billed = xs.sums(people, lambda r: xs.user(r)[1:])
    assert [(e, n, a) for n, e, a, *_ in got] == sorted(
        ((e, n, a) for (e, n), a in billed.items()), key=lambda t: -t[2]
    )
