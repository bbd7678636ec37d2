"""The synthetic org looks like a real one: ID formats, mixes of states, hostile strings."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from anthropic_ingest.emulator import SyntheticOrg

ID = {
    "user": re.compile(r"^user_01[1-9A-HJ-NP-Za-km-z]{22}$"),
    "invite": re.compile(r"^invite_01[1-9A-HJ-NP-Za-km-z]{22}$"),
    "workspace": re.compile(r"^wrkspc_01[1-9A-HJ-NP-Za-km-z]{22}$"),
    "api_key": re.compile(r"^apikey_01[1-9A-HJ-NP-Za-km-z]{22}$"),
}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


@pytest.fixture(scope="module")
def org() -> SyntheticOrg:
    return SyntheticOrg(7, 12, date(2025, 1, 1), date(2025, 3, 31))


@pytest.mark.parametrize("users", [1, 5, 12, 60])
def test_ids_and_timestamps(users: int) -> None:
    org = SyntheticOrg(3, users, date(2025, 1, 1), date(2025, 1, 31))
    assert UUID.match(org.organization["id"])
    objects = [*org.users, *org.invites, *org.workspaces, org.default_workspace, *org.api_keys]
    for obj in objects:
        assert ID[obj["type"]].match(obj["id"]), obj["id"]
    assert len({o["id"] for o in objects}) == len(objects)
    assert len(org.users) == users
    assert len({u["email"] for u in org.users}) == users
    for user in org.users:
        assert TIMESTAMP.match(user["added_at"])


@pytest.mark.parametrize("users", [5, 25])
def test_every_state_is_represented(users: int) -> None:
    org = SyntheticOrg(42, users)
    assert {k["status"] for k in org.api_keys} == {"active", "inactive", "archived", "expired"}
    assert {i["status"] for i in org.invites} == {"pending", "accepted", "expired", "deleted"}
    assert {u["role"] for u in org.users} >= {"admin", "developer", "user", "billing"}
    creators = Counter(k["created_by"]["type"] if k["created_by"] else None for k in org.api_keys)
    assert set(creators) == {"user", "service_account", None}
    assert any(k["workspace_id"] is None for k in org.api_keys)  # keys of the Default Workspace
    assert len({k["workspace_id"] for k in org.api_keys}) >= 3
    assert sum(1 for w in org.workspaces if w["archived_at"]) == 1
    assert org.default_workspace["name"] == "Default"
    assert all(i["accepted_at"] for i in org.invites if i["status"] == "accepted")
    assert not any(i["accepted_at"] for i in org.invites if i["status"] != "accepted")


def test_list_orders_are_newest_first(org: SyntheticOrg) -> None:
    for items, stamp in [
        (org.users, "added_at"),
        (org.invites, "invited_at"),
        (org.workspaces, "created_at"),
        (org.api_keys, "created_at"),
    ]:
        stamps = [item[stamp] for item in items]
        assert stamps == sorted(stamps, reverse=True)


def test_workspaces_need_several_small_pages(org: SyntheticOrg) -> None:
    for ws in org.list_workspaces():
        members = org.members(ws["id"]) or ()
        assert len(members) >= 3, ws["name"]
        roles = {m["workspace_role"] for m in members}
        assert roles <= {
            "workspace_user",
            "workspace_developer",
            "workspace_admin",
            "workspace_billing",
            "workspace_restricted_developer",
        }


def test_hostile_strings_are_present(org: SyntheticOrg) -> None:
    texts = [
        org.organization["name"],
        *(u["name"] for u in org.users),
        *(w["name"] for w in org.workspaces),
        *(k["name"] for k in org.api_keys),
    ]
    emails = [u["email"] for u in org.users] + [i["email"] for i in org.invites]
    assert any("'" in t for t in texts)
    assert any(not t.isascii() for t in texts)
    assert any("'" in e for e in emails)
    assert any(re.search(r"[\u3040-\u9fff]", t) for t in texts)  # CJK


def test_claude_code_activity_is_realistic() -> None:
    org = SyntheticOrg(42, 200, date(2025, 2, 1), date(2025, 2, 28))
    weekday: list[float] = []
    weekend: list[float] = []
    for offset in range(28):
        day = date(2025, 2, 1) + timedelta(days=offset)
        records = org.claude_code_records(day)
        users = {r["actor"].get("email_address") for r in records} - {None}
        (weekday if day.weekday() < 5 else weekend).append(len(users) / 200)
    assert 0.6 <= sum(weekday) / len(weekday) <= 0.8
    assert sum(weekend) / len(weekend) < 0.3


def test_claude_code_record_variety(org: SyntheticOrg) -> None:
    records = [r for d in range(1, 29) for r in org.claude_code_records(date(2025, 2, d))]
    kinds = Counter(r["actor"]["type"] for r in records)
    assert kinds["user_actor"] and kinds["api_actor"]
    split = Counter((str(r["actor"]), r["terminal_type"], r["date"]) for r in records)
    assert any(n == 2 for n in split.values())  # local and remote rows of one actor+terminal
    assert any(len(r["tool_actions"]) < 4 for r in records)
    assert any(len(r["model_breakdown"]) > 1 for r in records)
    for r in records:
        assert (r["subscription_type"] is None) == (r["customer_type"] == "api")
        assert r["organization_id"] == org.organization["id"]


def test_usage_has_console_and_default_workspace_rows(org: SyntheticOrg) -> None:
    start = datetime(2025, 2, 3, tzinfo=UTC)
    rows = [
        r
        for d in range(5)
        for r in org.usage_results(
            start + timedelta(days=d), "1d", ("api_key_id", "workspace_id", "account_id")
        )
    ]
    assert any(r["api_key_id"] is None and r["account_id"] is None for r in rows)  # Console
    assert any(r["workspace_id"] is None and r["api_key_id"] for r in rows)  # Default WS key
    assert any(r["account_id"] for r in rows)
    assert all(r["model"] is None for r in rows)  # not grouped by model


def test_ten_thousand_users_stay_cheap() -> None:
    started = time.perf_counter()
    org = SyntheticOrg(42, 10_000, date(2025, 1, 1), date(2025, 12, 31))
    day = date(2025, 12, 31)
    records = org.claude_code_records(day)
    rows = org.usage_results(datetime(2025, 12, 31, tzinfo=UTC), "1d", ("api_key_id", "model"))
    cost = org.cost_results(day, ("workspace_id", "description"))
    elapsed = time.perf_counter() - started
    assert len(org.users) == 10_000 and 5_000 < len(records) < 12_000
    assert len(rows) > 300 and len(cost) > 300
    assert elapsed < 10, elapsed
