"""The Usage and Cost Analytics endpoints refuse what §4 of the changes file forbids."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from anthropic_ingest.emulator import Emulator, running_emulator
from tests.emulator.analytics_helpers import (
    BETA_NAME,
    CONFIG,
    ORG,
    TODAY,
    WEEK,
    fetch_all,
    headers,
    iso,
    restore,
    week,
)

KINDS = ("usage", "cost")


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with running_emulator(CONFIG) as served:
        yield served


@pytest.fixture
def client(emu: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emu.base_url, headers=headers(emu), timeout=30) as http:
        yield from _with_restore(emu, http)


def _with_restore(emu: Emulator, http: httpx.Client) -> Iterator[httpx.Client]:
    for _ in restore(emu):
        yield http


def _error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["type"] == "error"
    return str(body["error"]["message"])


@pytest.mark.parametrize("kind", KINDS)
def test_the_beta_header_is_required(emu: Emulator, client: httpx.Client, kind: str) -> None:
    path = f"{ORG}/analytics/{kind}"
    missing = client.get(path, params=week(), headers={"anthropic-beta": ""})
    message = _error(missing, 400)
    assert "anthropic-beta" in message and BETA_NAME in message
    assert missing.json()["error"]["type"] == "invalid_request_error"
    other = client.get(path, params=week(), headers={"anthropic-beta": "fast-mode-2026-02-01"})
    assert other.status_code == 400
    listed = f"fast-mode-2026-02-01, {BETA_NAME}"
    assert client.get(path, params=week(), headers={"anthropic-beta": listed}).status_code == 200
    with httpx.Client(base_url=emu.base_url, headers=headers(emu, beta=False)) as plain:
        assert plain.get(path, params=week()).status_code == 400


@pytest.mark.parametrize("kind", KINDS)
def test_common_checks_apply(emu: Emulator, client: httpx.Client, kind: str) -> None:
    path = f"{ORG}/analytics/{kind}"
    no_key = {"anthropic-version": "2023-06-01", "anthropic-beta": BETA_NAME}
    with httpx.Client(base_url=emu.base_url, headers=no_key) as anonymous:
        assert anonymous.get(path, params=week()).status_code == 401
    unversioned = client.get(path, params=week(), headers={"anthropic-version": "2026-10-21"})
    assert "anthropic-version" in _error(unversioned, 400)
    emu.script(path, [{"kind": "status", "status": 529}])
    assert client.get(path, params=week()).status_code == 529
    emu.configure(rate_limit_rpm=1)
    assert client.get(path, params=week()).status_code == 200
    assert client.get(path, params=week()).status_code == 429


@pytest.mark.parametrize("kind", KINDS)
def test_starting_at_is_required_and_bounded(client: httpx.Client, kind: str) -> None:
    path = f"{ORG}/analytics/{kind}"
    assert "starting_at" in _error(client.get(path, params={"time_bucket_width": "1d"}), 400)
    as_date = {"starting_at": WEEK[0].isoformat(), "time_bucket_width": "1d"}
    assert "starting_at" in _error(client.get(path, params=as_date), 400)
    before = {"starting_at": "2025-12-31T00:00:00Z", "time_bucket_width": "1d"}
    assert "2026-01-01" in _error(client.get(path, params=before), 400)
    old = TODAY - timedelta(days=366)
    message = _error(
        client.get(path, params={"starting_at": iso(old), "time_bucket_width": "1d"}), 400
    )
    assert ("2026-01-01" if old < date(2026, 1, 1) else "365") in message


def test_the_first_allowed_instant_is_served(client: httpx.Client) -> None:
    if datetime.now(UTC) - timedelta(days=365) > datetime(2026, 1, 1, tzinfo=UTC):
        pytest.skip("2026-01-01 has left the 365-day look-back")
    rows = fetch_all(
        client,
        "usage",
        {
            "starting_at": "2026-01-01T00:00:00Z",
            "ending_at": "2026-01-02T00:00:00Z",
            "time_bucket_width": "1d",
        },
    )
    assert rows and {r["starting_at"] for r in rows} == {"2026-01-01T00:00:00Z"}


@pytest.mark.parametrize("kind", KINDS)
def test_the_range_is_at_most_31_days(client: httpx.Client, kind: str) -> None:
    path = f"{ORG}/analytics/{kind}"
    start = datetime.combine(WEEK[0], datetime.min.time(), UTC)
    params: dict[str, Any] = {"starting_at": iso(WEEK[0]), "time_bucket_width": "1d", "limit": 1000}
    longest = {**params, "ending_at": iso(WEEK[0] + timedelta(days=31))}
    assert client.get(path, params=longest).status_code == 200
    too_long = {**params, "ending_at": f"{WEEK[0] + timedelta(days=31)}T00:00:01Z"}
    assert "31 days" in _error(client.get(path, params=too_long), 400)
    backwards = {**params, "ending_at": iso(WEEK[0])}
    assert "ending_at" in _error(client.get(path, params=backwards), 400)
    defaulted = fetch_all(client, kind, params)  # ending_at: min(now, start + 31 days)
    default_end = min(datetime.now(UTC), start + timedelta(days=31))
    assert max(r["ending_at"] for r in defaulted) <= default_end.strftime("%Y-%m-%dT%H:%M:%SZ")
    if start + timedelta(days=31) < datetime.now(UTC):
        expected_last = (start + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert max(r["starting_at"] for r in defaulted) == expected_last


def test_bucket_widths(client: httpx.Client) -> None:
    usage, cost = f"{ORG}/analytics/usage", f"{ORG}/analytics/cost"
    no_width = {k: v for k, v in week().items() if k != "time_bucket_width"}
    assert "time_bucket_width" in _error(client.get(usage, params=no_width), 400)
    assert "time_bucket_width" in _error(
        client.get(usage, params=week(time_bucket_width="1m")), 400
    )
    assert "time_bucket_width" in _error(client.get(cost, params=week(time_bucket_width="1h")), 400)
    day = {"starting_at": iso(WEEK[2]), "ending_at": iso(WEEK[3]), "group_by[]": ["model"]}
    hours = fetch_all(client, "usage", {**day, "time_bucket_width": "1h", "limit": 1000})
    daily = fetch_all(client, "usage", {**day, "time_bucket_width": "1d"})
    assert len({r["starting_at"] for r in hours}) > 1
    for row in daily:
        same = [h for h in hours if h["group"] == row["group"]]
        assert sum(h["usage"]["output_tokens"] for h in same) == row["usage"]["output_tokens"]
        assert sum(h["usage"]["requests"] for h in same) == row["usage"]["requests"]


def test_group_by_values_are_checked(client: httpx.Client) -> None:
    usage, cost = f"{ORG}/analytics/usage", f"{ORG}/analytics/cost"
    assert "group_by" in _error(
        client.get(usage, params=week(**{"group_by[]": ["cost_type"]})), 400
    )
    assert client.get(cost, params=week(**{"group_by[]": ["nonsense"]})).status_code == 400
    assert (
        client.get(cost, params=week(**{"group_by[]": ["cost_type", "actor_type"]})).status_code
        == 200
    )


@pytest.mark.parametrize("limit", ["0", "1001", "ten", "-1"])
def test_limit_is_checked(client: httpx.Client, limit: str) -> None:
    assert "limit" in _error(client.get(f"{ORG}/analytics/cost", params=week(limit=limit)), 400)


def test_default_page_size_is_100(client: httpx.Client) -> None:
    params = week(**{"group_by[]": ["actor", "model", "cost_type", "token_type"]})
    body = client.get(f"{ORG}/analytics/cost", params=params).json()
    assert len(body["data"]) == 100 and body["has_more"] is True
    assert len(fetch_all(client, "cost", {**params, "limit": 1000})) > 100


@pytest.mark.parametrize("kind", KINDS)
def test_pages_add_up_to_the_whole(client: httpx.Client, kind: str) -> None:
    params = week(**{"group_by[]": ["actor", "model", "workspace_id"]})
    whole = fetch_all(client, kind, {**params, "limit": 1000})
    paged = fetch_all(client, kind, {**params, "limit": 7})
    assert paged == whole
    starts = [r["starting_at"] for r in whole]
    assert starts == sorted(starts)


def test_a_cursor_belongs_to_its_parameters(client: httpx.Client) -> None:
    path = f"{ORG}/analytics/usage"
    params = week(**{"group_by[]": ["actor"]}, limit=3)
    token = client.get(path, params=params).json()["next_page"]
    assert client.get(path, params={**params, "page": token}).status_code == 200
    changed = [
        {**params, "limit": 4},
        {**params, "group_by[]": ["model"]},
        {**params, "ending_at": iso(WEEK[-1])},
        {**params, "time_bucket_width": "1h"},
    ]
    for other in changed:
        message = _error(client.get(path, params={**other, "page": token}), 400)
        assert "page" in message
    assert client.get(path, params={**params, "page": "garbage!"}).status_code == 400
    cost_page = {**params, "page": token}
    assert client.get(f"{ORG}/analytics/cost", params=cost_page).status_code == 400


@pytest.mark.parametrize("kind", KINDS)
def test_stale_cursor_switch_answers_410(emu: Emulator, client: httpx.Client, kind: str) -> None:
    path = f"{ORG}/analytics/{kind}"
    params = week(**{"group_by[]": ["actor"]}, limit=2)
    emu.configure(stale_cursor_every=2)
    first = client.get(path, params=params).json()
    second = client.get(path, params={**params, "page": first["next_page"]})
    assert second.status_code == 200
    third = client.get(path, params={**params, "page": second.json()["next_page"]})
    assert third.status_code == 410 and third.json()["type"] == "error"
    assert client.get(path, params=params).json() == first  # page 1 is always served
    emu.configure(stale_cursor_every=1)
    assert client.get(path, params={**params, "page": first["next_page"]}).status_code == 410
    emu.configure(stale_cursor_every=None)
    assert client.get(path, params={**params, "page": first["next_page"]}).status_code == 200


def test_stale_cursor_fault_waits_for_a_cursor(emu: Emulator, client: httpx.Client) -> None:
    path = f"{ORG}/analytics/cost"
    params = week(limit=2)
    emu.script(path, [{"kind": "stale_cursor"}])
    first = client.get(path, params=params)
    assert first.status_code == 200 and emu.pending_scripts()
    stale = client.get(path, params={**params, "page": first.json()["next_page"]})
    assert stale.status_code == 410
    assert [e["fault"] for e in emu.requests()] == [None, "stale_cursor"]
    assert client.get(path, params={**params, "page": first.json()["next_page"]}).status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_cursor_faults_on_analytics(emu: Emulator, client: httpx.Client, kind: str) -> None:
    path = f"{ORG}/analytics/{kind}"
    params = week(limit=2)
    emu.script(path, [{"kind": "repeat_cursor"}, {"kind": "has_more_no_cursor"}])
    repeated = client.get(path, params=params).json()
    assert repeated["has_more"] is True
    again = client.get(path, params={**params, "page": repeated["next_page"]}).json()
    assert again["has_more"] is True and again["next_page"] is None
    assert (
        client.get(path, params={**params, "page": repeated["next_page"]}).json()["data"]
        == (repeated["data"])
    )


@pytest.mark.parametrize("kind", KINDS)
def test_plan_switch(emu: Emulator, client: httpx.Client, kind: str) -> None:
    path = f"{ORG}/analytics/{kind}"
    emu.configure(analytics_access="forbidden")
    forbidden = client.get(path, params=week())
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["type"] == "permission_error"
    emu.configure(analytics_access="not_found")
    missing = client.get(path, params=week())
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "not_found_error"
    assert client.get(f"{ORG}/cost_report", params={"starting_at": iso(WEEK[0])}).status_code == 200
    emu.configure(analytics_access="full")
    assert client.get(path, params=week()).status_code == 200


def test_unemulated_parameters_are_refused(client: httpx.Client) -> None:
    for extra in ({"order_by": "amount"}, {"models[]": "claude-opus-4-6"}, {"order": "asc"}):
        name = next(iter(extra)).rstrip("[]")
        assert name in _error(client.get(f"{ORG}/analytics/cost", params=week(**extra)), 400)
    assert (
        client.get(f"{ORG}/analytics/cost", params=week(exclude_deleted_users="yes")).status_code
        == 400
    )
    assert (
        client.get(f"{ORG}/analytics/cost", params=week(exclude_deleted_users="true")).status_code
        == 200
    )
