"""Enterprise data agrees with itself and with the Admin endpoints of the same org."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from anthropic_ingest.emulator import Emulator, running_emulator
from tests.emulator.enterprise_helpers import (
    ANALYTICS,
    CONFIG,
    DAY,
    LATEST,
    ORG,
    SPEND_BETA,
    TODAY,
    admin_headers,
    analytics_headers,
    days,
    fetch_all,
)

Row = dict[str, Any]
ANALYTICS_BETA = {"anthropic-beta": "analytics-usage-cost-2026-08-24"}


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with running_emulator(CONFIG) as served:
        yield served


@pytest.fixture(scope="module")
def ent(emu: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emu.base_url, headers=analytics_headers(emu), timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def admin(emu: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emu.base_url, headers=admin_headers(emu), timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def members(admin: httpx.Client) -> dict[str, Row]:
    users = admin.get(f"{ORG}/users", params={"limit": "1000"}).json()["data"]
    return {u["id"]: u for u in users}


def _users_on(ent: httpx.Client, day: Any, **extra: str) -> list[Row]:
    return fetch_all(ent, f"{ANALYTICS}/users", {"date": str(day), **extra})


def test_activity_rows_belong_to_members(ent: httpx.Client, members: dict[str, Row]) -> None:
    rows = _users_on(ent, DAY)
    assert rows
    for row in rows:
        user = row["user"]
        assert user["type"] == "user" and members[user["id"]]["email"] == user["email_address"]
        core = row["claude_code_metrics"]["core_metrics"]
        assert set(core) == {
            "commit_count",
            "pull_request_count",
            "lines_of_code",
            "distinct_session_count",
            "artifacts_created_count",
        }
        assert isinstance(row["web_search_count"], int) and row["last_activity_date"] == str(DAY)
    assert len({r["user"]["id"] for r in rows}) == len(rows)


def test_some_members_have_been_idle_for_30_days(
    ent: httpx.Client, members: dict[str, Row]
) -> None:
    window = {"starting_date": str(LATEST - timedelta(days=29)), "ending_date": str(TODAY)}
    active = {r["user"]["id"] for r in fetch_all(ent, f"{ANALYTICS}/users", window)}
    assert active < set(members) and len(set(members) - active) >= 1


def test_summaries_count_the_users_endpoint(ent: httpx.Client, members: dict[str, Row]) -> None:
    first = DAY - timedelta(days=29)
    daily = {day: {r["user"]["id"] for r in _users_on(ent, day)} for day in days(first, 30)}
    summary = ent.get(
        f"{ANALYTICS}/summaries",
        params={"starting_date": str(first), "ending_date": str(DAY + timedelta(days=1))},
    ).json()["data"]
    by_day = {row["starting_at"][:10]: row for row in summary}
    row = by_day[str(DAY)]
    assert row["daily_active_user_count"] == len(daily[DAY])
    week = set().union(*(daily[d] for d in days(DAY - timedelta(days=6), 7)))
    assert row["weekly_active_user_count"] == len(week)
    assert row["monthly_active_user_count"] == len(set().union(*daily.values()))
    assert row["assigned_seat_count"] == len(members)
    for day in days(first, 30):
        assert by_day[str(day)]["daily_active_user_count"] == len(daily[day])


def test_pending_invites_match_the_invites_list(ent: httpx.Client, admin: httpx.Client) -> None:
    pending = admin.get(f"{ORG}/invites", params={"statuses[]": "pending", "limit": "1000"}).json()[
        "data"
    ]
    summary = ent.get(
        f"{ANALYTICS}/summaries",
        params={"starting_date": str(DAY), "ending_date": str(DAY + timedelta(days=1))},
    ).json()["data"]
    sent = [i for i in pending if i["invited_at"][:10] <= str(DAY)]
    assert summary[0]["pending_invite_count"] == len(sent)


def test_claude_code_metrics_are_the_claude_code_report(
    ent: httpx.Client, admin: httpx.Client
) -> None:
    records = fetch_all(
        admin, f"{ORG}/usage_report/claude_code", {"starting_at": str(DAY), "limit": "1000"}
    )
    commits: Counter[str] = Counter()
    sessions: Counter[str] = Counter()
    for record in records:
        if record["actor"]["type"] == "user_actor":
            commits[record["actor"]["email_address"]] += record["core_metrics"][
                "commits_by_claude_code"
            ]
            sessions[record["actor"]["email_address"]] += record["core_metrics"]["num_sessions"]
    rows = {r["user"]["email_address"]: r for r in _users_on(ent, DAY)}
    assert set(sessions) <= set(rows)
    for email, row in rows.items():
        core = row["claude_code_metrics"]["core_metrics"]
        assert core["commit_count"] == commits[email]
        assert core["distinct_session_count"] == sessions[email]


def test_per_user_cost_is_attributed_to_members(ent: httpx.Client, members: dict[str, Row]) -> None:
    params = {
        "starting_at": f"{DAY}T00:00:00Z",
        "ending_at": f"{DAY + timedelta(days=1)}T00:00:00Z",
        "time_bucket_width": "1d",
        "group_by[]": ["actor", "product"],
    }
    body = ent.get(f"{ANALYTICS}/cost", params=params, headers=ANALYTICS_BETA).json()
    assert body["data_refreshed_at"]
    users = [
        r
        for r in body["data"]
        if r["group"]["actor"] and r["group"]["actor"]["type"] == "user_actor"
    ]
    assert any(r["group"]["product"] == "claude_code" for r in users)
    for row in users:
        assert row["group"]["actor"]["user_id"] in members


def test_rbac_members_are_users(
    ent: httpx.Client, admin: httpx.Client, members: dict[str, Row]
) -> None:
    groups = fetch_all(ent, f"{ORG}/rbac_groups", {"limit": "2"})
    assert len(groups) >= 3 and all(g["id"].startswith("rbac_group_01") for g in groups)
    page = ent.get(f"{ORG}/rbac_groups", params={"limit": "2"}).json()
    assert page["has_more"] is True and page["next_page"]
    invites = admin.get(
        f"{ORG}/invites", params={"limit": "1000", "statuses[]": ["pending", "accepted", "expired"]}
    ).json()["data"]
    assert {g for i in invites for g in i["rbac_group_ids"]} <= {g["id"] for g in groups}
    for group in groups:
        rows = fetch_all(ent, f"{ORG}/rbac_groups/{group['id']}/members", {"limit": "3"})
        for row in rows:
            assert row["type"] == "rbac_group_member" and row["group_id"] == group["id"]
            assert members[row["user_id"]]["email"] == row["email"]
    assert ent.get(f"{ORG}/rbac_groups/rbac_group_01nope/members").status_code == 404


def test_group_rows_count_their_members(ent: httpx.Client) -> None:
    rows = _users_on(ent, DAY)
    grouped = _users_on(ent, DAY, **{"group_by[]": "rbac_group_id"})
    assert all(r["user"] is None for r in grouped)
    for row in grouped:
        if row["rbac_group_id"] is None:
            continue
        filtered = _users_on(ent, DAY, **{"filter[]": f"rbac_group_id:{row['rbac_group_id']}"})
        assert row["distinct_user_count"] == len(filtered)
        assert row["web_search_count"] == sum(r["web_search_count"] for r in filtered)
    assert sum(r["distinct_user_count"] for r in grouped) >= len(rows)


def test_entities_add_up(ent: httpx.Client) -> None:
    day = {"date": str(DAY)}
    users = _users_on(ent, DAY)
    made = sum(
        r["chat_metrics"]["artifacts_created_count"]
        + r["claude_code_metrics"]["core_metrics"]["artifacts_created_count"]
        for r in users
    )
    artifacts = fetch_all(ent, f"{ANALYTICS}/artifacts", day)
    assert sum(a["artifacts_created_count"] for a in artifacts) == made
    skills = fetch_all(ent, f"{ANALYTICS}/skills", day)
    by_product = fetch_all(ent, f"{ANALYTICS}/skills", {**day, "group_by[]": "product"})
    assert sum(s["invocation_count"] for s in skills) == sum(
        s["invocation_count"] for s in by_product
    )
    for skill in skills:
        for field in ("estimated_overage_spend", "attributed_list_price"):
            assert isinstance(skill[field], str) and Decimal(skill[field]) >= 0
        assert skill["currency"] == "USD"
    assert any(Decimal(s["estimated_overage_spend"]) > 0 for s in skills)
    plugins = fetch_all(ent, f"{ANALYTICS}/plugins", {**day, "group_by[]": "product"})
    assert {p["product"] for p in plugins} <= {"cowork", "claude_code"}
    for project in fetch_all(ent, f"{ANALYTICS}/apps/chat/projects", day):
        assert project["project_id"].startswith("claude_proj_")
        used = _users_on(ent, DAY, **{"filter[]": f"project_id:{project['project_id']}"})
        assert project["distinct_user_count"] == len(used)


def test_a_rollup_sums_its_days(ent: httpx.Client) -> None:
    window = days(DAY - timedelta(days=6), 7)
    params = {"starting_date": str(window[0]), "ending_date": str(window[-1] + timedelta(days=1))}
    rollup = {r["user"]["id"]: r for r in fetch_all(ent, f"{ANALYTICS}/users", params)}
    totals: Counter[str] = Counter()
    last: dict[str, str] = {}
    for day in window:
        for row in _users_on(ent, day):
            totals[row["user"]["id"]] += row["chat_metrics"]["message_count"]
            last[row["user"]["id"]] = str(day)
    assert {u: r["chat_metrics"]["message_count"] for u, r in rollup.items()} == dict(totals)
    assert {u: r["last_activity_date"] for u, r in rollup.items()} == last


def test_effective_spend_limits(ent: httpx.Client, members: dict[str, Row]) -> None:
    assert ent.get(f"{ORG}/spend_limits/effective").status_code == 400  # no beta header
    rows: list[Row] = []
    page: str | None = None
    while True:
        sent = {"limit": "4", **({"page": page} if page else {})}
        body = ent.get(f"{ORG}/spend_limits/effective", params=sent, headers=SPEND_BETA).json()
        assert body["has_more"] is (body["next_page"] is not None)
        rows.extend(body["data"])
        page = body["next_page"]
        if page is None:
            break
    assert {r["actor"]["user_id"] for r in rows} == set(members)
    over = 0
    for row in rows:
        spend = row["period_to_date_spend"]
        assert len(spend.partition(".")[2]) <= 3
        assert row["period"] in ("daily", "weekly", "monthly") and row["currency"] == "USD"
        assert row["scope"] == {"type": "user", "user_id": row["actor"]["user_id"]}
        if row["amount"] is not None and Decimal(spend) > Decimal(row["amount"]) * Decimal("0.8"):
            over += 1
    assert over >= 1
    monthly = [r for r in rows if r["period"] == "monthly"]
    assert len(monthly) == len(members)
    filtered = ent.get(
        f"{ORG}/spend_limits/effective",
        params={"period[]": "daily", "limit": "1000"},
        headers=SPEND_BETA,
    ).json()["data"]
    assert filtered and {r["period"] for r in filtered} == {"daily"}


def test_monthly_spend_is_the_analytics_cost(ent: httpx.Client) -> None:
    start = TODAY.replace(day=1)
    params = {
        "starting_at": f"{start}T00:00:00Z",
        "ending_at": f"{TODAY + timedelta(days=1)}T00:00:00Z",
        "time_bucket_width": "1d",
        "group_by[]": "actor",
    }
    cost: list[Row] = []
    page: str | None = None
    while True:
        sent = {**params, **({"page": page} if page else {})}
        body = ent.get(f"{ANALYTICS}/cost", params=sent, headers=ANALYTICS_BETA).json()
        cost.extend(body["data"])
        page = body["next_page"]
        if page is None:
            break
    spent: dict[str, Decimal] = {}
    for row in cost:
        actor = row["group"]["actor"]
        if actor and actor["type"] == "user_actor":
            prior = spent.get(actor["user_id"], Decimal(0))
            spent[actor["user_id"]] = prior + Decimal(row["cost"]["amount"])
    limits = ent.get(
        f"{ORG}/spend_limits/effective",
        params={"period[]": "monthly", "limit": "1000"},
        headers=SPEND_BETA,
    ).json()["data"]
    for row in limits:
        expected = spent.get(row["actor"]["user_id"], Decimal(0)).quantize(Decimal("0.001"))
        assert Decimal(row["period_to_date_spend"]) == expected


def test_same_seed_same_bodies(ent: httpx.Client) -> None:
    with running_emulator(CONFIG) as other:
        headers = analytics_headers(other)
        with httpx.Client(base_url=other.base_url, headers=headers, timeout=60) as twin:
            for path in ("users", "skills", "connectors", "artifacts"):
                url = f"{ANALYTICS}/{path}"
                assert (
                    twin.get(url, params={"date": str(DAY)}).content
                    == ent.get(url, params={"date": str(DAY)}).content
                )
