"""Walking every paginated endpoint returns every object exactly once, at several page sizes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from anthropic_ingest.emulator import Emulator, SyntheticOrg

ORG = "/v1/organizations"
SIZES = (1, 7, 1000)


def walk_forward(api: httpx.Client, path: str, params: dict[str, Any], limit: int) -> list[Any]:
    pages, after = [], None
    while True:
        cursor: dict[str, str] = {"after_id": after} if after else {}
        page = api.get(path, params={**params, "limit": limit, **cursor}).json()
        assert len(page["data"]) <= limit
        pages.append(page)
        if not page["has_more"]:
            return pages
        after = page["last_id"]


def _ids(pages: list[Any], key: str) -> list[str]:
    return [item[key] for page in pages for item in page["data"]]


LISTS: list[tuple[str, dict[str, Any], Callable[[SyntheticOrg], list[Any]]]] = [
    ("users", {}, lambda o: list(o.users)),
    ("invites", {}, lambda o: o.list_invites()),
    ("workspaces", {}, lambda o: o.list_workspaces()),
    ("workspaces", {"include_archived": "true"}, lambda o: o.list_workspaces(True)),
    ("api_keys", {}, lambda o: list(o.api_keys)),
    ("api_keys", {"status": "active"}, lambda o: o.list_api_keys(status="active")),
]


@pytest.mark.parametrize("limit", SIZES)
@pytest.mark.parametrize(("name", "params", "expected"), LISTS)
def test_id_cursor_lists(
    api: httpx.Client, live: Emulator, name: str, params: Any, expected: Any, limit: int
) -> None:
    pages = walk_forward(api, f"{ORG}/{name}", params, limit)
    want = [item["id"] for item in expected(live.org)]
    assert len(want) > 1
    assert _ids(pages, "id") == want  # each object once, in the documented order
    for page in pages:
        assert page["first_id"] == page["data"][0]["id"]
        assert page["last_id"] == page["data"][-1]["id"]
    assert len(pages) == -(-len(want) // limit)


@pytest.mark.parametrize("limit", SIZES)
def test_members_of_every_workspace(api: httpx.Client, live: Emulator, limit: int) -> None:
    org = live.org
    for ws in [*org.list_workspaces(True), org.default_workspace]:
        pages = walk_forward(api, f"{ORG}/workspaces/{ws['id']}/members", {}, limit)
        want = [m["user_id"] for m in org.members(ws["id"]) or ()]
        assert _ids(pages, "user_id") == want
        assert len(set(want)) == len(want) > 0


@pytest.mark.parametrize("limit", (1, 3))
def test_before_id_walks_backwards(api: httpx.Client, live: Emulator, limit: int) -> None:
    want = [u["id"] for u in live.org.users]
    collected, before = [], want[-1]
    collected.append(before)
    while True:
        page = api.get(f"{ORG}/users", params={"limit": limit, "before_id": before}).json()
        collected = _ids([page], "id") + collected
        if not page["has_more"]:
            break
        before = page["first_id"]
    assert collected == want


def test_empty_page_has_null_cursors(api: httpx.Client, live: Emulator) -> None:
    last = live.org.users[-1]["id"]
    page = api.get(f"{ORG}/users", params={"after_id": last}).json()
    assert page == {"data": [], "has_more": False, "first_id": None, "last_id": None}


def walk_reports(api: httpx.Client, path: str, params: dict[str, Any]) -> list[Any]:
    """Follow next_page, keeping every other parameter the same; return all data items."""
    items, page, tokens = [], None, set()
    while True:
        response = api.get(path, params={**params, **({"page": page} if page else {})})
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["data"])
        if not body["has_more"]:
            assert body["next_page"] is None
            return items
        page = body["next_page"]
        assert page not in tokens
        tokens.add(page)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


BUCKET_CASES = [
    ("1d", "2025-01-01T00:00:00Z", "2025-02-15T00:00:00Z", (1, 7, 31)),
    ("1h", "2025-02-03T00:00:00Z", "2025-02-05T00:00:00Z", (1, 7, 168)),
    ("1m", "2025-02-03T09:00:00Z", "2025-02-03T12:00:00Z", (1, 7, 1440)),
]


@pytest.mark.parametrize(("width", "start", "end", "limits"), BUCKET_CASES)
def test_usage_report_every_width(
    api: httpx.Client, live: Emulator, width: str, start: str, end: str, limits: Any
) -> None:
    group_by = ["api_key_id", "workspace_id", "model"]
    want = live.org.usage_report(_moment(start), _moment(end), width, group_by)
    assert any(bucket["results"] for bucket in want)
    for limit in limits:
        params = {
            "starting_at": start,
            "ending_at": end,
            "bucket_width": width,
            "limit": limit,
            "group_by[]": group_by,
        }
        got = walk_reports(api, f"{ORG}/usage_report/messages", params)
        assert got == want, f"limit {limit}"


@pytest.mark.parametrize("limit", (1, 7, 31))
def test_cost_report_pages(api: httpx.Client, live: Emulator, limit: int) -> None:
    params = {
        "starting_at": "2025-01-01T00:00:00Z",
        "ending_at": "2025-02-20T00:00:00Z",
        "limit": limit,
        "group_by[]": ["workspace_id", "description"],
    }
    got = walk_reports(api, f"{ORG}/cost_report", params)
    assert [b["starting_at"][:10] for b in got] == [
        date.fromordinal(date(2025, 1, 1).toordinal() + i).isoformat() for i in range(50)
    ]
    for bucket in got:
        day = date.fromisoformat(bucket["starting_at"][:10])
        assert bucket["results"] == live.org.cost_results(day, ("workspace_id", "description"))


@pytest.mark.parametrize("limit", SIZES)
def test_claude_code_records(api: httpx.Client, live: Emulator, limit: int) -> None:
    day = date(2025, 2, 4)
    want = live.org.claude_code_records(day)
    assert len(want) > 7
    params = {"starting_at": day.isoformat(), "limit": limit}
    got = walk_reports(api, f"{ORG}/usage_report/claude_code", params)
    assert len(got) == len(want)
    assert [r["actor"] for r in got] == [r["actor"] for r in want]
    keys = [(str(r["actor"]), r["terminal_type"], r["is_remote"]) for r in got]
    assert len(set(keys)) == len(keys)


def test_report_token_encodes_the_next_bucket(api: httpx.Client) -> None:
    params = {"starting_at": "2025-05-07T00:00:00Z", "ending_at": "2025-05-20T00:00:00Z"}
    body = api.get(f"{ORG}/usage_report/messages", params=params).json()
    assert len(body["data"]) == 7  # default limit of 1d buckets
    assert body["next_page"] == "page_MjAyNS0wNS0xNFQwMDowMDowMFo="  # as in the official docs
