"""The engagement endpoints refuse what §5.1 of the changes file forbids."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from anthropic_ingest.emulator import Emulator, SyntheticOrg, running_emulator
from anthropic_ingest.emulator import endpoints_enterprise as enterprise_ep
from anthropic_ingest.emulator.errors import ApiError
from anthropic_ingest.emulator.params import Query
from anthropic_ingest.emulator.routes import Call
from tests.emulator.enterprise_helpers import (
    ANALYTICS,
    CONFIG,
    DAY,
    ENGAGEMENT,
    LATEST,
    TODAY,
    analytics_headers,
    error,
    fetch_all,
    restore,
)


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with running_emulator(CONFIG) as served:
        yield served


@pytest.fixture
def client(emu: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emu.base_url, headers=analytics_headers(emu), timeout=30) as http:
        for _ in restore(emu):
            yield http


@pytest.mark.parametrize("endpoint", ENGAGEMENT)
def test_date_and_starting_date_exclude_each_other(client: httpx.Client, endpoint: str) -> None:
    path = f"{ANALYTICS}/{endpoint}"
    both = {"date": str(DAY), "starting_date": str(DAY)}
    assert "date" in error(client.get(path, params=both), 400)
    assert "required" in error(client.get(path), 400)
    assert client.get(path, params={"date": str(DAY)}).status_code == 200
    week = {"starting_date": str(DAY), "ending_date": str(DAY + timedelta(days=7))}
    assert client.get(path, params=week).status_code == 200


@pytest.mark.parametrize("name", ["date", "starting_date"])
def test_days_before_2026_and_too_recent_days_are_refused(client: httpx.Client, name: str) -> None:
    path = f"{ANALYTICS}/users"
    assert "2026-01-01" in error(client.get(path, params={name: "2025-12-31"}), 400)
    too_recent = LATEST + timedelta(days=1)
    message = error(client.get(path, params={name: str(too_recent)}), 400)
    expected = f"{name} {too_recent} is not available yet; the latest available date is {LATEST}"
    assert message == expected
    assert client.get(path, params={name: str(LATEST)}).status_code == 200
    assert error(client.get(path, params={name: f"{DAY}T00:00:00Z"}), 400).startswith(name)


def test_the_range_rules(client: httpx.Client) -> None:
    path = f"{ANALYTICS}/users"
    start = str(DAY)
    tomorrow = str(TODAY + timedelta(days=1))
    assert "today" in error(
        client.get(path, params={"starting_date": start, "ending_date": tomorrow}), 400
    )
    assert "exclusive" in error(
        client.get(path, params={"starting_date": start, "ending_date": start}), 400
    )
    error(client.get(path, params={"date": start, "ending_date": str(TODAY)}), 400)
    assert (
        client.get(path, params={"starting_date": start, "ending_date": str(TODAY)}).status_code
        == 200
    )


def test_a_rollup_spans_at_most_366_days() -> None:
    # Before 2027 no such request can be sent (ending_date is at most today), so the rule is
    # checked on the window function with a clock in mid-2027.
    now = datetime(2027, 6, 1, 12, tzinfo=UTC)
    call = Call(SyntheticOrg(users=3), Query([]), {}, {}, now, CONFIG, "/x")

    def span(end: str) -> tuple[date, date]:
        query = Query([("starting_date", "2026-01-01"), ("ending_date", end)])
        return enterprise_ep.window(query, call, None, single=True)

    assert span("2027-01-02") == (date(2026, 1, 1), date(2027, 1, 2))
    with pytest.raises(ApiError, match="366"):
        span("2027-01-03")


def test_filters_are_checked(client: httpx.Client) -> None:
    path = f"{ANALYTICS}/skills"
    day = {"date": str(DAY)}
    message = error(client.get(path, params={**day, "filter[]": "connector_name:slack"}), 400)
    assert "connector_name" in message and "unsupported" in message
    assert "dimension:value" in error(client.get(path, params={**day, "filter[]": "product"}), 400)
    many = [("filter[]", f"user_id:user_{i}") for i in range(101)]
    assert "100" in error(client.get(path, params=[*day.items(), *many]), 400)
    assert client.get(path, params=[*day.items(), *many[:100]]).status_code == 200
    error(
        client.get(
            f"{ANALYTICS}/summaries", params={"starting_date": str(DAY), "filter[]": "user_id:x"}
        ),
        400,
    )


@pytest.mark.parametrize(
    ("endpoint", "refused"),
    [
        ("users", "product"),
        ("apps/chat/projects", "product"),
        ("skills", "model"),
        ("artifacts", "actor"),
    ],
)
def test_group_by_is_checked_per_endpoint(
    client: httpx.Client, endpoint: str, refused: str
) -> None:
    response = client.get(
        f"{ANALYTICS}/{endpoint}", params={"date": str(DAY), "group_by[]": refused}
    )
    assert refused in error(response, 400)


def test_limit_and_order_are_checked(client: httpx.Client) -> None:
    path, day = f"{ANALYTICS}/users", {"date": str(DAY)}
    for bad in ("0", "1001", "ten"):
        assert "limit" in error(client.get(path, params={**day, "limit": bad}), 400)
    assert len(client.get(path, params={**day, "limit": "1000"}).json()["data"]) > 1
    assert "order_by" in error(client.get(path, params={**day, "order_by": "model"}), 400)
    assert "order" in error(client.get(path, params={**day, "order": "up"}), 400)
    artifacts = f"{ANALYTICS}/artifacts"
    error(client.get(artifacts, params={**day, "order_by": "artifacts_created_count"}), 400)


def test_default_order_and_ranking(client: httpx.Client) -> None:
    path, day = f"{ANALYTICS}/users", {"date": str(DAY)}
    rows = client.get(path, params=day).json()["data"]
    emails = [r["user"]["email_address"] for r in rows]
    assert emails == sorted(emails)
    ranked = client.get(path, params={**day, "order_by": "web_search_count"}).json()["data"]
    counts = [r["web_search_count"] for r in ranked]
    assert counts == sorted(counts, reverse=True)
    up = client.get(path, params={**day, "order_by": "web_search_count", "order": "asc"}).json()
    assert [r["web_search_count"] for r in up["data"]] == sorted(counts)
    names = [
        r["connector_name"]
        for r in client.get(f"{ANALYTICS}/connectors", params=day).json()["data"]
    ]
    assert names == sorted(names)


def test_page_tokens_are_bound_to_their_parameters(client: httpx.Client) -> None:
    path = f"{ANALYTICS}/users"
    first = client.get(path, params={"date": str(DAY), "limit": "3"}).json()
    token = first["next_page"]
    assert token and len(first["data"]) == 3 and set(first) == {"data", "next_page"}
    changed = client.get(path, params={"date": str(DAY), "limit": "4", "page": token})
    assert "other query parameters" in error(changed, 400)
    moved = client.get(
        path, params={"date": str(DAY - timedelta(days=1)), "limit": "3", "page": token}
    )
    error(moved, 400)
    assert "invalid" in error(
        client.get(path, params={"date": str(DAY), "limit": "3", "page": "x"}), 400
    )
    all_rows = fetch_all(client, path, {"date": str(DAY), "limit": "3"})
    assert all_rows == client.get(path, params={"date": str(DAY)}).json()["data"]


def test_a_rollup_keeps_its_default_end_on_later_pages(client: httpx.Client) -> None:
    params = {"starting_date": str(DAY - timedelta(days=6)), "limit": "2"}
    rows = fetch_all(client, f"{ANALYTICS}/users", params)
    assert (
        rows == client.get(f"{ANALYTICS}/users", params={**params, "limit": "1000"}).json()["data"]
    )


def test_stale_cursors_answer_410(emu: Emulator, client: httpx.Client) -> None:
    path = f"{ANALYTICS}/connectors"
    params = {"starting_date": str(DAY - timedelta(days=20)), "limit": "1", "group_by[]": "user_id"}
    token = client.get(path, params=params).json()["next_page"]
    assert token
    emu.configure(stale_cursor_every=1)
    response = client.get(path, params={**params, "page": token})
    assert "restart" in error(response, 410)
    assert client.get(path, params=params).status_code == 200  # a first page is always served
    emu.configure(stale_cursor_every=None)
    emu.script(path, [{"kind": "stale_cursor"}])
    assert client.get(path, params=params).status_code == 200
    error(client.get(path, params={**params, "page": token}), 410)
    assert client.get(path, params={**params, "page": token}).status_code == 200


def test_summaries_come_in_one_page(client: httpx.Client) -> None:
    path = f"{ANALYTICS}/summaries"
    first = LATEST - timedelta(days=40)
    body = client.get(path, params={"starting_date": str(first)}).json()
    assert body["next_page"] is None
    assert [r["starting_at"][:10] for r in body["data"]] == [
        str(first + timedelta(days=i)) for i in range((LATEST - first).days + 1)
    ]
    assert body["data"][0]["ending_at"] == f"{first + timedelta(days=1)}T00:00:00Z"
    error(client.get(path, params={"date": str(DAY)}), 400)
    error(client.get(path), 400)
    error(client.get(path, params={"starting_date": str(DAY), "group_by[]": "rbac_group_id"}), 400)


def test_cursor_faults_on_the_lists_that_say_has_more(emu: Emulator, client: httpx.Client) -> None:
    path = "/v1/organizations/rbac_groups"
    last = client.get(path).json()
    assert last["has_more"] is False and last["next_page"] is None
    emu.script(path, [{"kind": "has_more_no_cursor"}, {"kind": "repeat_cursor"}])
    broken = client.get(path).json()
    assert broken["has_more"] is True and broken["next_page"] is None
    looping = client.get(path).json()
    assert looping["has_more"] is True and looping["next_page"]
    again = client.get(path, params={"page": looping["next_page"]}).json()
    assert again["data"] == last["data"]
