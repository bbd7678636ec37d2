"""Service accounts and rate limits: the official examples' shapes, style-C paging, switches."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from anthropic_ingest.emulator import Emulator
from tests.emulator.conftest import START
from tests.emulator.shapes import Shape, newest_example

ORG = "/v1/organizations"
ACCOUNT_NULLABLE = {
    "next_page",
    "data[].description",
    "data[].created_by_actor_id",
    "data[].updated_by_actor_id",
    "data[].archived_at",
    "data[].archived_by_actor_id",
}
GROUP_TYPES = {"model_group", "batch", "files", "skills", "token_count", "web_search"}


def _all_pages(api: httpx.Client, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    page: str | None = None
    for _ in range(1000):
        body = api.get(path, params={**params, **({"page": page} if page else {})}).json()
        assert set(body) == {"data", "next_page"}, body
        rows.extend(body["data"])
        page = body["next_page"]
        if page is None:
            return rows
    raise AssertionError("pagination never ended")


def test_service_accounts_have_the_example_shape(api: httpx.Client) -> None:
    body = api.get(f"{ORG}/service_accounts", params={"include_archived": "true"}).json()
    problems = Shape(ACCOUNT_NULLABLE).errors(body, newest_example("service_accounts_list"))
    assert problems == []
    assert {a["organization_role"] for a in body["data"]} <= {"admin", "developer"}
    assert all(
        a["id"].startswith("svac_01") and a["type"] == "service_account" for a in body["data"]
    )


def test_archived_service_accounts_only_on_request(live: Emulator, api: httpx.Client) -> None:
    listed = _all_pages(api, f"{ORG}/service_accounts", {})
    everything = _all_pages(api, f"{ORG}/service_accounts", {"include_archived": "true"})
    archived = [a for a in everything if a["archived_at"] is not None]
    assert archived and all(a["archived_by_actor_id"] for a in archived)
    assert listed == [a for a in everything if a["archived_at"] is None]
    assert everything == list(live.org.service_accounts)
    order = [(a["created_at"], a["id"]) for a in everything]
    assert order == sorted(order, reverse=True)  # newest first
    assert api.get(f"{ORG}/service_accounts", params={"include_archived": "yes"}).status_code == 400


def test_service_accounts_are_those_keys_and_usage_name(live: Emulator, api: httpx.Client) -> None:
    listed = {a["id"] for a in _all_pages(api, f"{ORG}/service_accounts", {})}
    principals = {
        k["principal"]["service_account_id"]
        for k in live.org.api_keys
        if k["principal"] and k["principal"]["type"] == "service_account_actor"
    }
    params = {
        "starting_at": f"{START}T00:00:00Z",
        "ending_at": "2025-01-08T00:00:00Z",
        "group_by[]": ["service_account_id"],
    }
    usage = api.get(f"{ORG}/usage_report/messages", params=params).json()
    used = {r["service_account_id"] for b in usage["data"] for r in b["results"]} - {None}
    assert principals and used
    assert principals | used <= listed


def test_service_account_paging(api: httpx.Client) -> None:
    path = f"{ORG}/service_accounts"
    whole = _all_pages(api, path, {"include_archived": "true"})
    assert _all_pages(api, path, {"include_archived": "true", "limit": 1}) == whole
    first = api.get(path, params={"include_archived": "true", "limit": 1}).json()
    changed = {"include_archived": "false", "limit": 1, "page": first["next_page"]}
    assert api.get(path, params=changed).status_code == 400
    assert api.get(path, params={"limit": 1, "page": "nonsense"}).status_code == 400
    for limit in ("0", "1001", "x"):
        assert api.get(path, params={"limit": limit}).status_code == 400


def test_rate_limits_have_the_example_shape(api: httpx.Client) -> None:
    body = api.get(f"{ORG}/rate_limits").json()
    assert body["next_page"] is None  # without limit, everything in one page
    shape = Shape({"next_page", "data[].models"})
    assert shape.errors(body, newest_example("rate_limits_list")) == []
    assert {r["group_type"] for r in body["data"]} == GROUP_TYPES
    for limit in body["data"]:
        assert (limit["models"] is not None) == (limit["group_type"] == "model_group")
        assert limit["limits"] and all(v["value"] > 0 for v in limit["limits"])


def test_rate_limits_in_the_ga_shape(live: Emulator, api: httpx.Client) -> None:
    older = api.get(f"{ORG}/rate_limits").json()["data"]
    live.configure(rate_limits_shape="group")
    newer = api.get(f"{ORG}/rate_limits").json()["data"]
    assert [r["id"] for r in newer] == [r["id"] for r in older]
    for old, new in zip(older, newer, strict=True):
        assert "group_type" not in new and set(new["group"]) == {"id", "display_name", "type"}
        assert new["group"]["id"].startswith("rlg_") and new["group"]["type"] == old["group_type"]
        assert {k: v for k, v in new.items() if k != "group"} == {
            k: v for k, v in old.items() if k != "group_type"
        }


def test_rate_limit_filters_and_paging(live: Emulator, api: httpx.Client) -> None:
    path = f"{ORG}/rate_limits"
    everything = api.get(path).json()["data"]
    batch = api.get(path, params={"group_type": "batch"}).json()["data"]
    assert [r["group_type"] for r in batch] == ["batch"]
    assert api.get(path, params={"group_type": "tokens"}).status_code == 400
    model = live.org.rate_limits[1]["models"][0]
    by_model = api.get(path, params={"model": model}).json()["data"]
    assert len(by_model) == 1 and model in by_model[0]["models"]
    unknown = api.get(path, params={"model": "claude-nonexistent-9"})
    assert unknown.status_code == 404 and unknown.json()["error"]["type"] == "not_found_error"
    assert _all_pages(api, path, {"limit": 2}) == everything
    page = api.get(path, params={"limit": 2}).json()
    assert len(page["data"]) == 2 and page["next_page"]
    assert api.get(path, params={"limit": 3, "page": page["next_page"]}).status_code == 400


@pytest.mark.parametrize(
    ("setting", "path"),
    [("service_accounts_access", "/service_accounts"), ("rate_limits_access", "/rate_limits")],
)
def test_access_switches(live: Emulator, api: httpx.Client, setting: str, path: str) -> None:
    live.configure(**{setting: "forbidden"})
    forbidden = api.get(f"{ORG}{path}")
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["type"] == "permission_error"
    live.configure(**{setting: "not_found"})
    assert api.get(f"{ORG}{path}").status_code == 404
    assert api.get(f"{ORG}/users").status_code == 200
    live.configure(**{setting: "full"})
    assert api.get(f"{ORG}{path}").status_code == 200


def test_list_cursor_faults(live: Emulator, api: httpx.Client) -> None:
    path = f"{ORG}/service_accounts"
    params: dict[str, Any] = {"include_archived": "true", "limit": 1}
    live.script(path, [{"kind": "repeat_cursor"}, {"kind": "stale_cursor"}])
    repeated = api.get(path, params=params).json()
    assert set(repeated) == {"data", "next_page"} and repeated["next_page"]
    stale = api.get(path, params={**params, "page": repeated["next_page"]})
    assert stale.status_code == 410
    again = api.get(path, params={**params, "page": repeated["next_page"]}).json()
    assert again["data"] == repeated["data"]  # the token pointed back at the first page


def test_settings_over_http(bare: httpx.Client) -> None:
    settings = {
        "analytics_access": "forbidden",
        "analytics_actor_shape": "tagged",
        "service_accounts_access": "not_found",
        "rate_limits_access": "forbidden",
        "rate_limits_shape": "group",
        "stale_cursor_every": 3,
    }
    assert bare.post("/_emulator/settings", json=settings).status_code == 200
    config = bare.get("/_emulator/config").json()
    assert {k: config[k] for k in settings} == settings
    for bad in (
        {"analytics_access": "maybe"},
        {"stale_cursor_every": 0},
        {"rate_limits_shape": "x"},
    ):
        refused = bare.post("/_emulator/settings", json=bad)
        assert refused.status_code == 400 and next(iter(bad)) in refused.json()["error"]["message"]
