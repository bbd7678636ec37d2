"""The request log says what a client sent, and never holds the admin key."""

from __future__ import annotations

import json

import httpx

from anthropic_ingest.emulator import Emulator


def test_log_records_requests_precisely(api: httpx.Client, live: Emulator) -> None:
    api.get("/v1/organizations/users", params={"limit": 5, "beta": "true"})
    api.get(
        "/v1/organizations/usage_report/messages",
        params={
            "starting_at": "2025-02-03T00:00:00Z",
            "ending_at": "2025-02-04T00:00:00Z",
            "group_by[]": ["model", "workspace_id"],
        },
    )
    first, second = live.requests()
    assert (first["method"], first["path"], first["status"]) == (
        "GET",
        "/v1/organizations/users",
        200,
    )
    assert first["query"] == [["limit", "5"], ["beta", "true"]]
    assert second["query"][-2:] == [["group_by[]", "model"], ["group_by[]", "workspace_id"]]
    assert first["auth"] == "x-api-key" and first["request_id"].startswith("req_")


def test_log_tells_auth_kinds_apart(bare: httpx.Client, live: Emulator) -> None:
    version = {"anthropic-version": "2023-06-01"}
    bare.get(
        "/v1/organizations/me", headers={"authorization": f"Bearer {live.admin_key}", **version}
    )
    bare.get("/v1/organizations/me", headers=version)
    bare.get("/v1/organizations/me", headers={"x-api-key": "wrong", **version})
    assert [(e["auth"], e["status"]) for e in live.requests()] == [
        ("bearer", 200),
        (None, 401),
        ("x-api-key", 401),
    ]


def test_log_never_holds_the_key(bare: httpx.Client, live: Emulator) -> None:
    key = live.admin_key
    bare.get("/v1/organizations/me", headers={"x-api-key": key, "anthropic-version": "2023-06-01"})
    bare.get(
        "/v1/organizations/users",
        params={"api_key": key, "note": f"x{key}y"},
        headers={"authorization": f"Bearer {key}"},
    )
    bare.get(f"/v1/organizations/users/{key}", headers={"x-api-key": key})
    entries = live.requests()
    assert len(entries) == 3
    assert key not in json.dumps(entries)
    assert key not in bare.get("/_emulator/requests").text
    assert entries[1]["query"] == [["api_key", "***"], ["note", "***"]]
