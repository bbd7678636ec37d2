"""API keys in the "current", "newest" and "august" shapes (changes file, table 6), and their
agreement with the usage report in each shape."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from anthropic_ingest.emulator import Emulator, EmulatorConfig, spawned_emulator
from tests.emulator.conftest import VERSION

ORG = "/v1/organizations"
SHAPES = ["current", "newest", "august"]
ACTOR_FIELDS = {"user_actor": "user_id", "service_account_actor": "service_account_id"}


def _keys(api: httpx.Client, **params: str) -> list[dict[str, Any]]:
    response = api.get(f"{ORG}/api_keys", params={**params, "limit": 1000})
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


def _listed_workspaces(api: httpx.Client) -> set[str]:
    page = api.get(f"{ORG}/workspaces", params={"limit": 1000, "include_archived": "true"})
    return {w["id"] for w in page.json()["data"]}


def _scope_workspace(key: dict[str, Any]) -> str | None:
    scope = key["scope"]
    return scope["workspace_id"] if scope["type"] == "workspace" else None


def _check_union_fields(key: dict[str, Any]) -> None:
    principal, scope = key["principal"], key["scope"]
    if principal is not None:
        field = ACTOR_FIELDS[principal["type"]]
        assert set(principal) == {"type", field} and principal[field], key
    assert scope["type"] in ("workspace", "organization"), key
    if scope["type"] == "organization":
        assert set(scope) == {"type"} and principal is not None, key  # principal-bound only
    else:
        assert set(scope) == {"type", "workspace_id"} and scope["workspace_id"], key


def test_current_shape_is_the_default(api: httpx.Client, live: Emulator) -> None:
    assert live.config.api_keys_shape == "current"
    keys = _keys(api)
    default_id = live.org.default_workspace["id"]
    assert default_id not in _listed_workspaces(api)
    for key in keys:
        _check_union_fields(key)
        ws = _scope_workspace(key)
        assert key["workspace_id"] == (None if ws in (None, default_id) else ws), key
    kinds = {(k["scope"]["type"], _scope_workspace(k) == default_id) for k in keys}
    assert kinds == {("workspace", True), ("workspace", False), ("organization", False)}
    principals = {k["principal"]["type"] if k["principal"] else None for k in keys}
    assert principals == {"user_actor", "service_account_actor", None}
    org_keys = [k for k in keys if k["scope"]["type"] == "organization"]
    assert all(k["principal"]["type"] == "user_actor" for k in org_keys)  # a personal key


def test_newest_shape_has_no_workspace_id(api: httpx.Client, live: Emulator) -> None:
    live.configure(api_keys_shape="newest")
    keys = _keys(api)
    assert keys and all("workspace_id" not in k for k in keys)
    for key in keys:
        _check_union_fields(key)
    scoped = {_scope_workspace(k) for k in keys}
    assert live.org.default_workspace["id"] in scoped
    assert scoped - {None, live.org.default_workspace["id"]} <= _listed_workspaces(api)


def test_august_shape_is_the_august_reference(api: httpx.Client, live: Emulator) -> None:
    live.configure(api_keys_shape="august")
    keys = _keys(api)
    assert keys and all("scope" not in k and "workspace_id" in k for k in keys)
    for key in keys:
        principal = key["principal"]
        if principal is not None:
            assert set(principal) == {"id", "type"}, key
            assert principal["type"] in ("user", "service_account"), key
    assert {k["principal"]["type"] for k in keys if k["principal"]} == {"user", "service_account"}
    assert any(k["workspace_id"] is None for k in keys)
    assert {k["workspace_id"] for k in keys} - {None} <= _listed_workspaces(api)


@pytest.mark.parametrize("shape", SHAPES)
def test_shapes_describe_the_same_keys(api: httpx.Client, live: Emulator, shape: str) -> None:
    current = {k["id"]: k for k in _keys(api)}
    live.configure(api_keys_shape=shape)
    keys = _keys(api)
    assert [k["id"] for k in keys] == list(current)
    for key in keys:
        before = current[key["id"]]
        for field in ("name", "status", "created_at", "created_by", "expires_at"):
            assert key[field] == before[field]
        if "workspace_id" in key:
            assert key["workspace_id"] == before["workspace_id"]
        if shape == "august" and key["principal"] is not None:
            field = ACTOR_FIELDS[before["principal"]["type"]]
            assert key["principal"]["id"] == before["principal"][field]
        assert api.get(f"{ORG}/api_keys/{key['id']}").json() == key  # GET uses the shape too
    assert keys == list(live.org.api_keys)


def _reported_workspace(key: dict[str, Any], shape: str, default_id: str) -> str | None:
    """Where the reports put a key's traffic, read from the key as a client must read it."""
    if shape == "august":
        return key["workspace_id"]
    ws = _scope_workspace(key)
    return None if ws == default_id else ws


def _usage_rows(api: httpx.Client) -> list[dict[str, Any]]:
    params: dict[str, Any] = {
        "starting_at": "2025-01-01T00:00:00Z",
        "ending_at": "2025-04-01T00:00:00Z",
        "group_by[]": ["api_key_id", "workspace_id"],
        "limit": 31,
    }
    rows: list[dict[str, Any]] = []
    while True:
        page = api.get(f"{ORG}/usage_report/messages", params=params).json()
        rows += [row for bucket in page["data"] for row in bucket["results"]]
        if not page["has_more"]:
            return rows
        params["page"] = page["next_page"]


@pytest.mark.parametrize("shape", SHAPES)
def test_usage_report_agrees_with_the_keys(api: httpx.Client, live: Emulator, shape: str) -> None:
    live.configure(api_keys_shape=shape)
    default_id = live.org.default_workspace["id"]
    keys = {k["id"]: k for k in _keys(api)}
    where = {key_id: _reported_workspace(k, shape, default_id) for key_id, k in keys.items()}
    rows = [r for r in _usage_rows(api) if r["api_key_id"] is not None]
    assert {r["api_key_id"] for r in rows} <= set(keys)
    for row in rows:
        assert row["workspace_id"] == where[row["api_key_id"]], row
    assert default_id not in {r["workspace_id"] for r in rows}
    used = {r["api_key_id"] for r in rows}
    assert any(where[k] is None for k in used) and any(where[k] is not None for k in used)
    if shape != "august":
        in_default = {k for k in used if _scope_workspace(keys[k]) == default_id}
        assert in_default, "a Default-workspace key should have usage, reported as null"


@pytest.mark.parametrize("shape", SHAPES)
def test_workspace_filter(api: httpx.Client, live: Emulator, shape: str) -> None:
    live.configure(api_keys_shape="current")
    every = _keys(api)
    live.configure(api_keys_shape=shape)
    default_id = live.org.default_workspace["id"]
    for ws in {w for w in map(_scope_workspace, every) if w is not None}:
        want = [k["id"] for k in every if _scope_workspace(k) == ws]
        assert [k["id"] for k in _keys(api, workspace_id=ws)] == want, ws
    default_keys = _keys(api, workspace_id=default_id)
    org_scoped = {k["id"] for k in every if k["scope"]["type"] == "organization"}
    assert default_keys and not org_scoped & {k["id"] for k in default_keys}


def test_shape_over_the_control_api(bare: httpx.Client, live: Emulator) -> None:
    assert bare.post("/_emulator/settings", json={"api_keys_shape": "newest"}).status_code == 200
    assert bare.get("/_emulator/config").json()["api_keys_shape"] == "newest"
    headers = {"x-api-key": live.admin_key, **VERSION}
    keys = bare.get(f"{ORG}/api_keys", headers=headers).json()["data"]
    assert keys and all("workspace_id" not in k and "scope" in k for k in keys)
    refused = bare.post("/_emulator/settings", json={"api_keys_shape": "2026-10-21"})
    assert refused.status_code == 400
    assert "api_keys_shape" in refused.json()["error"]["message"]


def test_cli_flags_shape_and_retry_after() -> None:
    config = EmulatorConfig(
        seed=5,
        users=6,
        start_date=date(2025, 1, 1),
        end_date=date(2025, 1, 10),
        api_keys_shape="august",
        rate_limit_retry_after=False,
        rate_limit_rpm=2,
    )
    # spawned_emulator runs `anthropic-ingest emulator --api-keys-shape august --no-retry-after`
    with spawned_emulator(config) as emu:
        headers = {"x-api-key": emu.admin_key, **VERSION}
        with httpx.Client(base_url=emu.base_url, headers=headers) as client:
            keys = client.get(f"{ORG}/api_keys", params={"limit": 1000}).json()["data"]
            assert keys == list(emu.org.api_keys)
            assert keys and all("scope" not in k for k in keys)
            assert client.get(f"{ORG}/me").status_code == 200
            limited = client.get(f"{ORG}/me")
            assert limited.status_code == 429 and "retry-after" not in limited.headers
            emu.configure(api_keys_shape="newest", rate_limit_rpm=None)
            keys = client.get(f"{ORG}/api_keys", params={"limit": 1000}).json()["data"]
            assert keys == list(emu.org.api_keys)
            assert all("workspace_id" not in k for k in keys)
