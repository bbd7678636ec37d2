"""Every endpoint answers with the keys, types and nulls of the newest official example."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from anthropic_ingest.emulator import Emulator
from tests.emulator.shapes import api_key_errors, api_key_example, newest_example, shape_errors

ORG = "/v1/organizations"
# Every dimension but speed, in two requests: the API refuses more than five at once.
DIMENSIONS_A = ["api_key_id", "workspace_id", "model", "service_tier", "context_window"]
DIMENSIONS_B = ["inference_geo", "account_id", "service_account_id", "model"]
RANGE = {"starting_at": "2025-02-01T00:00:00Z", "ending_at": "2025-02-15T00:00:00Z"}


def _first(emu: Emulator, kind: str) -> str:
    org = emu.org
    return {
        "user": org.users[0]["id"],
        "invite": org.invites[0]["id"],
        "workspace": org.workspaces[0]["id"],
        "api_key": org.api_keys[0]["id"],
    }[kind]


def _requests(emu: Emulator) -> list[tuple[str, str, dict[str, Any]]]:
    ws = _first(emu, "workspace")
    member = emu.org.members(ws)[0]["user_id"]  # type: ignore[index]
    return [
        ("organizations_me", f"{ORG}/me", {}),
        ("users_list", f"{ORG}/users", {"limit": 1000}),
        ("users_get", f"{ORG}/users/{_first(emu, 'user')}", {}),
        ("invites_list", f"{ORG}/invites", {"limit": 1000}),
        ("invites_get", f"{ORG}/invites/{_first(emu, 'invite')}", {}),
        ("workspaces_list", f"{ORG}/workspaces", {"limit": 1000, "include_archived": "true"}),
        ("workspaces_get", f"{ORG}/workspaces/{ws}", {}),
        ("workspaces_get", f"{ORG}/workspaces/{emu.org.default_workspace['id']}", {}),
        ("workspace_members_list", f"{ORG}/workspaces/{ws}/members", {"limit": 1000}),
        ("workspace_members_get", f"{ORG}/workspaces/{ws}/members/{member}", {}),
        ("usage_report_messages", f"{ORG}/usage_report/messages", RANGE),
        (
            "usage_report_messages",
            f"{ORG}/usage_report/messages",
            {**RANGE, "group_by[]": DIMENSIONS_A},
        ),
        (
            "usage_report_messages",
            f"{ORG}/usage_report/messages",
            {**RANGE, "group_by[]": DIMENSIONS_B},
        ),
        (
            "usage_report_messages",
            f"{ORG}/usage_report/messages",
            {
                "starting_at": "2025-02-03T09:00:00Z",
                "ending_at": "2025-02-03T10:00:00Z",
                "bucket_width": "1m",
                "group_by[]": ["model", "api_key_id"],
            },
        ),
        ("cost_report", f"{ORG}/cost_report", RANGE),
        (
            "cost_report",
            f"{ORG}/cost_report",
            {**RANGE, "group_by[]": ["workspace_id", "description"]},
        ),
        (
            "usage_report_claude_code",
            f"{ORG}/usage_report/claude_code",
            {"starting_at": "2025-02-03", "limit": 1000},
        ),
        ("errors", f"{ORG}/users/user_01doesNotExist", {}),
    ]


def test_every_endpoint_matches_the_newest_official_example(
    api: httpx.Client, live: Emulator
) -> None:
    problems = {}
    for name, path, params in _requests(live):
        body = api.get(path, params=params).json()
        found = shape_errors(name, body)
        if found:
            problems[f"{name} {path} {params}"] = found[:5]
    assert problems == {}


@pytest.mark.parametrize("shape", ["current", "newest", "august"])
def test_api_keys_in_each_shape(api: httpx.Client, live: Emulator, shape: str) -> None:
    # "august" is the newest official example itself; the others are derived from it.
    live.configure(api_keys_shape=shape)
    listed = api.get(f"{ORG}/api_keys", params={"limit": 1000}).json()
    assert api_key_errors(shape, listed, listed=True) == []
    one = api.get(f"{ORG}/api_keys/{listed['data'][0]['id']}").json()
    assert api_key_errors(shape, one, listed=False) == []
    if shape == "august":
        assert shape_errors("api_keys_list", listed) == []
        assert shape_errors("api_keys_get", one) == []


def test_list_pages_hold_objects(api: httpx.Client) -> None:
    # Guard against a vacuous pass: the shape check above only sees elements that exist.
    for path in ("users", "invites", "workspaces", "api_keys"):
        assert api.get(f"{ORG}/{path}").json()["data"], path


@pytest.mark.parametrize(
    ("name", "mutate", "expected"),
    [
        ("users_get", lambda r: r.pop("email"), "missing key 'email'"),
        ("users_get", lambda r: r.update(last_login_at=None), "extra key 'last_login_at'"),
        ("users_get", lambda r: r.update(name=None), "name: null"),
        ("api_keys_get", lambda r: r.update(created_at=1730332707), "created_at: number"),
        (
            "usage_report_claude_code",
            lambda r: r["data"][0]["core_metrics"].update(num_sessions="15"),
            "num_sessions: string",
        ),
        (
            "cost_report",
            lambda r: r["data"][0]["results"][0].update(amount=123.78912),
            "amount: number",
        ),
    ],
)
def test_shape_checker_catches_drift(name: str, mutate: Any, expected: str) -> None:
    response = copy.deepcopy(newest_example(name))
    assert shape_errors(name, response) == []
    mutate(response)
    assert any(expected in problem for problem in shape_errors(name, response))


@pytest.mark.parametrize(
    ("shape", "mutate", "expected"),
    [
        ("current", lambda r: r.pop("scope"), "missing key 'scope'"),
        ("current", lambda r: r.pop("workspace_id"), "missing key 'workspace_id'"),
        ("newest", lambda r: r.update(workspace_id=None), "extra key 'workspace_id'"),
        ("current", lambda r: r.update(principal={"id": "u", "type": "user"}), "principal"),
        ("current", lambda r: r.update(scope={"type": "workspace"}), "scope"),
        ("august", lambda r: r.update(scope={"type": "organization"}), "extra key 'scope'"),
    ],
)
def test_api_key_shape_checker_catches_drift(shape: str, mutate: Any, expected: str) -> None:
    key = copy.deepcopy(api_key_example(shape))
    assert api_key_errors(shape, key, listed=False) == []
    mutate(key)
    assert any(expected in problem for problem in api_key_errors(shape, key, listed=False))
