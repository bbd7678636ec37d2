"""Each malformed request gets the documented status and error type, in the real body shape."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from anthropic_ingest.emulator import Emulator
from tests.emulator.conftest import VERSION

ORG = "/v1/organizations"
USAGE, COST, CODE = (
    f"{ORG}/usage_report/messages",
    f"{ORG}/cost_report",
    f"{ORG}/usage_report/claude_code",
)
DAY = {"starting_at": "2025-02-03T00:00:00Z", "ending_at": "2025-02-04T00:00:00Z"}
INVALID = (400, "invalid_request_error")

CASES: list[tuple[str, str, dict[str, Any], tuple[int, str]]] = [
    ("limit 0", f"{ORG}/users", {"limit": 0}, INVALID),
    ("limit 1001", f"{ORG}/users", {"limit": 1001}, INVALID),
    ("limit not a number", f"{ORG}/api_keys", {"limit": "ten"}, INVALID),
    ("after_id and before_id", f"{ORG}/users", {"after_id": "a", "before_id": "b"}, INVALID),
    ("unknown api key status", f"{ORG}/api_keys", {"status": "disabled"}, INVALID),
    ("include_archived not a boolean", f"{ORG}/workspaces", {"include_archived": "yes"}, INVALID),
    ("unknown invite status", f"{ORG}/invites", {"statuses[]": "cancelled"}, INVALID),
    ("unknown user role", f"{ORG}/users", {"roles[]": "member"}, INVALID),
    ("usage 1d limit 32", USAGE, {**DAY, "limit": 32}, INVALID),
    ("usage 1h limit 169", USAGE, {**DAY, "bucket_width": "1h", "limit": 169}, INVALID),
    ("usage 1m limit 1441", USAGE, {**DAY, "bucket_width": "1m", "limit": 1441}, INVALID),
    ("usage unknown width", USAGE, {**DAY, "bucket_width": "5m"}, INVALID),
    ("usage starting_at missing", USAGE, {"ending_at": "2025-02-04T00:00:00Z"}, INVALID),
    ("usage date-only start", USAGE, {**DAY, "starting_at": "2025-02-03"}, INVALID),
    ("usage start without zone", USAGE, {**DAY, "starting_at": "2025-02-03T00:00:00"}, INVALID),
    ("usage garbage end", USAGE, {**DAY, "ending_at": "tomorrow"}, INVALID),
    ("usage unknown group_by", USAGE, {**DAY, "group_by[]": "description"}, INVALID),
    ("usage unknown tier", USAGE, {**DAY, "service_tiers[]": "scale"}, INVALID),
    ("usage unknown context window", USAGE, {**DAY, "context_window[]": "1M"}, INVALID),
    ("usage unknown geo", USAGE, {**DAY, "inference_geos[]": "eu"}, INVALID),
    ("usage speed without beta", USAGE, {**DAY, "group_by[]": "speed"}, INVALID),
    ("usage garbage page", USAGE, {**DAY, "page": "page_bm9wZQ=="}, INVALID),
    ("usage foreign page", USAGE, {**DAY, "page": "page_MjAyNS0wNS0xNFQwMDowMDowMFo="}, INVALID),
    (
        "usage end before start",
        USAGE,
        {"starting_at": "2025-02-04T00:00:00Z", "ending_at": "2025-02-03T00:00:00Z"},
        INVALID,
    ),
    ("cost 1h buckets", COST, {**DAY, "bucket_width": "1h"}, INVALID),
    ("cost limit 32", COST, {**DAY, "limit": 32}, INVALID),
    ("cost unknown group_by", COST, {**DAY, "group_by[]": "model"}, INVALID),
    ("claude_code datetime", CODE, {"starting_at": "2025-02-03T00:00:00Z"}, INVALID),
    ("claude_code missing date", CODE, {}, INVALID),
    ("claude_code limit 1001", CODE, {"starting_at": "2025-02-03", "limit": 1001}, INVALID),
    ("claude_code garbage page", CODE, {"starting_at": "2025-02-03", "page": "xyz"}, INVALID),
    ("unknown path", f"{ORG}/members", {}, (404, "not_found_error")),
    ("path without organizations", "/v1/users", {}, (404, "not_found_error")),
    ("unknown user", f"{ORG}/users/user_01nope", {}, (404, "not_found_error")),
    ("unknown invite", f"{ORG}/invites/invite_01nope", {}, (404, "not_found_error")),
    ("unknown api key", f"{ORG}/api_keys/apikey_01nope", {}, (404, "not_found_error")),
    ("unknown workspace", f"{ORG}/workspaces/wrkspc_01nope", {}, (404, "not_found_error")),
    (
        "members of unknown workspace",
        f"{ORG}/workspaces/wrkspc_01nope/members",
        {},
        (404, "not_found_error"),
    ),
    ("user id as workspace id", "USER_AS_WORKSPACE", {}, (404, "not_found_error")),
    ("non-member", "NON_MEMBER", {}, (404, "not_found_error")),
]


def _resolve(path: str, emu: Emulator) -> str:
    org = emu.org
    if path == "USER_AS_WORKSPACE":
        return f"{ORG}/workspaces/{org.users[0]['id']}"
    if path == "NON_MEMBER":
        for ws in org.list_workspaces():
            members = {m["user_id"] for m in org.members(ws["id"]) or ()}
            outsiders = [u["id"] for u in org.users if u["id"] not in members]
            if outsiders:
                return f"{ORG}/workspaces/{ws['id']}/members/{outsiders[0]}"
        raise AssertionError("every user is in every workspace")
    return path


@pytest.mark.parametrize(
    ("path", "params", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rejected(
    api: httpx.Client, live: Emulator, path: str, params: Any, expected: tuple[int, str]
) -> None:
    response = api.get(_resolve(path, live), params=params)
    body = response.json()
    assert (response.status_code, body["error"]["type"]) == expected, body
    assert body["type"] == "error"
    assert body["request_id"] == response.headers["request-id"]
    assert body["request_id"].startswith("req_011")
    assert body["error"]["message"]


def test_range_without_a_complete_bucket(api: httpx.Client) -> None:
    params = {"starting_at": "2025-02-03T00:00:00Z", "ending_at": "2025-02-03T23:59:59Z"}
    for path in (COST, USAGE):
        response = api.get(path, params=params)
        assert response.status_code == 400
        assert response.headers["x-should-retry"] == "false"
        message = response.json()["error"]["message"]
        assert message == "Invalid date range: ending date must be after starting date"


AUTH_CASES: list[tuple[str, dict[str, str], tuple[int, str | None]]] = [
    ("no credential", dict(VERSION), (401, "authentication_error")),
    (
        "wrong x-api-key",
        {"x-api-key": "sk-ant-admin01-wrong", **VERSION},
        (401, "authentication_error"),
    ),
    (
        "wrong bearer",
        {"authorization": "Bearer sk-ant-admin01-wrong", **VERSION},
        (401, "authentication_error"),
    ),
    (
        "basic auth",
        {"authorization": "Basic dXNlcjpwYXNz", **VERSION},
        (401, "authentication_error"),
    ),
    ("good key, no version", {"x-api-key": "KEY"}, (400, "invalid_request_error")),
    (
        "good key, bad version",
        {"x-api-key": "KEY", "anthropic-version": "2024-01-01"},
        (400, "invalid_request_error"),
    ),
    ("good x-api-key", {"x-api-key": "KEY", **VERSION}, (200, None)),
    ("good bearer", {"authorization": "Bearer KEY", **VERSION}, (200, None)),
]


@pytest.mark.parametrize(
    ("headers", "expected"), [c[1:] for c in AUTH_CASES], ids=[c[0] for c in AUTH_CASES]
)
def test_credentials_and_version(
    bare: httpx.Client, live: Emulator, headers: dict[str, str], expected: tuple[int, str | None]
) -> None:
    sent = {k: v.replace("KEY", live.admin_key) for k, v in headers.items()}
    response = bare.get(f"{ORG}/me", headers=sent)
    status, error_type = expected
    assert response.status_code == status
    assert response.headers["request-id"].startswith("req_")
    if error_type:
        assert response.json()["error"]["type"] == error_type
    else:
        assert response.json()["id"] == live.org.organization["id"]
        assert response.headers["anthropic-organization-id"] == live.org.organization["id"]


def test_write_methods_are_not_emulated(api: httpx.Client) -> None:
    response = api.post(f"{ORG}/invites", json={"email": "x@example.com", "role": "user"})
    assert response.status_code == 405
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_default_workspace_hidden_from_list_but_readable(api: httpx.Client, live: Emulator) -> None:
    default = live.org.default_workspace
    listed = api.get(f"{ORG}/workspaces", params={"limit": 1000, "include_archived": "true"})
    assert default["id"] not in {w["id"] for w in listed.json()["data"]}
    got = api.get(f"{ORG}/workspaces/{default['id']}").json()
    assert got["name"] == "Default" and got["id"].startswith("wrkspc_01")


def test_archived_listed_only_on_request(api: httpx.Client, live: Emulator) -> None:
    plain = api.get(f"{ORG}/workspaces", params={"limit": 1000}).json()["data"]
    every = api.get(f"{ORG}/workspaces", params={"limit": 1000, "include_archived": "true"})
    archived = [w for w in every.json()["data"] if w["archived_at"]]
    assert archived and not any(w["archived_at"] for w in plain)
    one = api.get(f"{ORG}/workspaces/{archived[0]['id']}").json()
    assert one["archived_at"] == archived[0]["archived_at"]


def test_unknown_params_and_bare_arrays_are_accepted(api: httpx.Client) -> None:
    base = {**DAY, "group_by[]": ["model", "workspace_id"]}
    reference = api.get(USAGE, params=base).content
    noisy = api.get(USAGE, params={**base, "beta": "true", "utm": "x"}).content
    bare = api.get(USAGE, params={**DAY, "group_by": ["model", "workspace_id"]}).content
    assert reference == noisy == bare
    assert b'"model":"claude' in reference


def test_speed_with_the_fast_mode_beta(api: httpx.Client) -> None:
    headers = {"anthropic-beta": "fast-mode-2026-02-01"}
    response = api.get(USAGE, params={**DAY, "group_by[]": "speed"}, headers=headers)
    assert response.status_code == 200
    rows = [r for b in response.json()["data"] for r in b["results"]]
    assert {r["speed"] for r in rows} <= {"standard", "fast"} and rows
    plain = api.get(USAGE, params=DAY).json()["data"][0]["results"][0]
    assert "speed" not in plain


def test_claude_code_ignores_ending_at(api: httpx.Client) -> None:
    day = {"starting_at": "2025-02-03"}
    plain = api.get(CODE, params=day).content
    assert api.get(CODE, params={**day, "ending_at": "2025-02-10"}).content == plain


def test_api_key_filters(api: httpx.Client, live: Emulator) -> None:
    org = live.org
    default_id = org.default_workspace["id"]
    creator = next(
        k["created_by"]["id"]
        for k in org.api_keys
        if k["created_by"] and k["created_by"]["type"] == "user"
    )
    for params, want in [
        ({"status": "expired"}, org.list_api_keys(status="expired")),
        ({"workspace_id": default_id}, org.list_api_keys(workspace_id=default_id)),
        ({"created_by_user_id": creator}, org.list_api_keys(created_by_user_id=creator)),
    ]:
        got = api.get(f"{ORG}/api_keys", params={**params, "limit": 1000}).json()["data"]
        assert got == want and got, params
    in_default = org.list_api_keys(workspace_id=default_id)
    assert all(k["workspace_id"] is None for k in in_default)
