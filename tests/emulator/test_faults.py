"""Scripted faults, random faults, latency and the rate limit behave as documented."""

from __future__ import annotations

import json
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from anthropic_ingest.emulator import Emulator

USERS = "/v1/organizations/users"
USAGE = "/v1/organizations/usage_report/messages"
CODE = "/v1/organizations/usage_report/claude_code"
WEEK = {"starting_at": "2025-02-03T00:00:00Z", "ending_at": "2025-02-17T00:00:00Z"}


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (429, "rate_limit_error"),
        (500, "api_error"),
        (502, "api_error"),
        (503, "api_error"),
        (504, "timeout_error"),
        (529, "overloaded_error"),
        (401, "authentication_error"),
        (403, "permission_error"),
        (404, "not_found_error"),
        (410, "invalid_request_error"),
    ],
)
def test_status_faults(api: httpx.Client, live: Emulator, status: int, error_type: str) -> None:
    live.script(USERS, [{"kind": "status", "status": status}])
    first, second = api.get(USERS), api.get(USERS)
    assert first.status_code == status
    body = first.json()
    assert body["error"]["type"] == error_type
    assert body["request_id"] == first.headers["request-id"]
    assert second.status_code == 200


def test_status_fault_headers_and_order(api: httpx.Client, live: Emulator) -> None:
    live.script(
        USERS,
        [
            {"kind": "status", "status": 429, "retry_after": 0},
            {"kind": "status", "status": 529, "should_retry": False, "retry_after_ms": 250},
        ],
    )
    limited, overloaded, normal = api.get(USERS), api.get(USERS), api.get(USERS)
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "0")
    assert overloaded.status_code == 529
    assert overloaded.headers["x-should-retry"] == "false"
    assert overloaded.headers["retry-after-ms"] == "250"
    assert normal.status_code == 200
    assert [e["fault"] for e in live.requests()] == ["status", "status", None]


def test_scripts_match_their_path_only(api: httpx.Client, live: Emulator) -> None:
    live.script(USERS, [{"kind": "status", "status": 500}])
    assert api.get("/v1/organizations/me").status_code == 200
    assert api.get(USERS).status_code == 500


def test_prefix_scripts_and_counts(api: httpx.Client, live: Emulator) -> None:
    live.script("/v1/organizations/", [{"kind": "status", "status": 503, "count": 2}], prefix=True)
    statuses = [api.get(p).status_code for p in ("/v1/organizations/me", USERS, USERS)]
    assert statuses == [503, 503, 200]
    assert live.pending_scripts() == []


def _raw_get(emu: Emulator, path: str) -> bytes:
    """Send one request on a raw socket and read until the server closes."""
    address = urlsplit(emu.base_url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as sock:
        request = (
            f"GET {path} HTTP/1.1\r\nHost: x\r\nx-api-key: {emu.admin_key}\r\n"
            "anthropic-version: 2023-06-01\r\n\r\n"
        )
        sock.sendall(request.encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_drop_closes_without_an_answer(live: Emulator, api: httpx.Client) -> None:
    live.script(USERS, [{"kind": "drop"}, {"kind": "drop"}])
    assert _raw_get(live, USERS) == b""
    with pytest.raises(httpx.RemoteProtocolError):
        api.get(USERS)
    assert api.get(USERS).status_code == 200
    assert [e["status"] for e in live.requests()][:2] == [None, None]


def test_truncate_sends_part_of_the_declared_body(live: Emulator, api: httpx.Client) -> None:
    live.script(USERS, [{"kind": "truncate"}, {"kind": "truncate"}])
    raw = _raw_get(live, USERS)
    head, _, body = raw.partition(b"\r\n\r\n")
    declared = int(
        next(
            line.split(b":")[1]
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
    )
    assert 0 < len(body) < declared
    with pytest.raises(httpx.RemoteProtocolError):
        api.get(USERS)


def test_html_and_non_json(api: httpx.Client, live: Emulator) -> None:
    live.script(USERS, [{"kind": "html"}, {"kind": "non_json"}])
    html = api.get(USERS)
    assert html.status_code == 502
    assert html.headers["content-type"].startswith("text/html")
    assert html.text.startswith("<html>")
    garbage = api.get(USERS)
    assert garbage.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(garbage.content)


def test_slow_trips_a_read_timeout(live: Emulator) -> None:
    live.script(USERS, [{"kind": "slow", "ms": 600}, {"kind": "slow", "ms": 300}])
    with httpx.Client(
        base_url=live.base_url,
        timeout=0.2,
        headers={"x-api-key": live.admin_key, "anthropic-version": "2023-06-01"},
    ) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.get(USERS)
        started = time.perf_counter()
        response = client.get(USERS, timeout=5)
    assert response.status_code == 200
    assert time.perf_counter() - started >= 0.3


def test_repeat_cursor_on_reports(api: httpx.Client, live: Emulator) -> None:
    first = api.get(USAGE, params=WEEK).json()
    live.script(USAGE, [{"kind": "repeat_cursor"}])
    again = api.get(USAGE, params={**WEEK, "page": first["next_page"]}).json()
    assert again["has_more"] is True and again["next_page"] == first["next_page"]
    live.script(CODE, [{"kind": "repeat_cursor"}])
    day: dict[str, str | int] = {"starting_at": "2025-02-04", "limit": 2}
    page = api.get(CODE, params=day).json()
    repeated = api.get(CODE, params={**day, "page": page["next_page"]}).json()
    assert repeated["data"] == page["data"]  # the token points back at the same page


def test_repeat_cursor_on_lists_waits_for_a_cursor(api: httpx.Client, live: Emulator) -> None:
    live.script(USERS, [{"kind": "repeat_cursor"}])
    first = api.get(USERS, params={"limit": 2}).json()
    assert first["has_more"] and first["last_id"] == first["data"][-1]["id"]
    second = api.get(USERS, params={"limit": 2, "after_id": first["last_id"]}).json()
    assert second["last_id"] == first["last_id"] and second["has_more"] is True


def test_has_more_without_cursor(api: httpx.Client, live: Emulator) -> None:
    live.script(USERS, [{"kind": "has_more_no_cursor"}])
    live.script(USAGE, [{"kind": "has_more_no_cursor"}])
    page = api.get(USERS, params={"limit": 1000}).json()
    assert page["has_more"] is True and page["last_id"] is None
    report = api.get(USAGE, params={**WEEK, "limit": 31}).json()
    assert report["has_more"] is True and report["next_page"] is None


def test_rate_limit_window(api: httpx.Client, live: Emulator) -> None:
    live.configure(rate_limit_rpm=3)
    statuses = [api.get("/v1/organizations/me") for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    limited = statuses[-1]
    assert limited.json()["error"]["type"] == "rate_limit_error"
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    live.reset()  # clears the window
    assert api.get("/v1/organizations/me").status_code == 200


def test_random_faults_are_seeded(api: httpx.Client, live: Emulator) -> None:
    live.configure(fault_rate=0.5)
    first = [api.get("/v1/organizations/me").status_code for _ in range(30)]
    live.reset()
    second = [api.get("/v1/organizations/me").status_code for _ in range(30)]
    assert first == second
    assert set(first) == {200, 500, 529}
    assert {e["fault"] for e in live.requests() if e["status"] != 200} == {"random"}


def test_latency(api: httpx.Client, live: Emulator) -> None:
    live.configure(latency_ms=150)
    started = time.perf_counter()
    api.get("/v1/organizations/me")
    assert time.perf_counter() - started >= 0.15


def test_bad_fault_specs_are_rejected(live: Emulator) -> None:
    with pytest.raises(ValueError, match="kind"):
        live.script(USERS, [{"kind": "explode"}])
    with pytest.raises(ValueError, match="status"):
        live.script(USERS, [{"kind": "status"}])
    with pytest.raises(ValueError, match="ms must be"):
        live.script(USERS, [{"kind": "slow", "ms": -5}])
    with pytest.raises(ValueError, match="unknown fault field"):
        live.script(USERS, [{"kind": "drop", "statsu": 500}])


def _control(client: httpx.Client, method: str, route: str, body: Any = None) -> Any:
    response = client.request(method, f"/_emulator/{route}", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_control_routes_over_http(bare: httpx.Client, live: Emulator) -> None:
    assert _control(bare, "GET", "health") == {"status": "ok"}
    script = {"path": USERS, "responses": [{"kind": "status", "status": 500}]}
    assert _control(bare, "POST", "scripts", script) == {"queued": 1}
    assert _control(bare, "GET", "scripts")["data"][0]["path"] == USERS
    headers = {"x-api-key": live.admin_key, "anthropic-version": "2023-06-01"}
    assert bare.get(USERS, headers=headers).status_code == 500
    assert len(_control(bare, "GET", "requests")["data"]) == 1
    _control(bare, "POST", "settings", {"latency_ms": 0, "rate_limit_rpm": 100})
    assert _control(bare, "GET", "config")["rate_limit_rpm"] == 100
    _control(bare, "DELETE", "requests")
    assert _control(bare, "GET", "requests")["data"] == []
    bad = bare.post("/_emulator/scripts", json={"path": USERS, "responses": [{"kind": "?"}]})
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "invalid_request_error"
    assert bare.get("/_emulator/nothing").status_code == 404


def test_reseed_and_reset(live: Emulator, api: httpx.Client) -> None:
    before = live.org.organization["id"]
    try:
        live.reseed(99, users=6)
        me = api.get("/v1/organizations/me").json()
        assert me["id"] == live.org.organization["id"] != before
        assert len(api.get(USERS, params={"limit": 1000}).json()["data"]) == 6
    finally:
        live.reseed(7, users=12)
    assert live.org.organization["id"] == before
    assert live.requests() == []
