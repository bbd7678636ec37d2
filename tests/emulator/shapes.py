"""A small shape checker: does a response have the keys, JSON types and nulls of an example?

Paths name fields like `data[].results[].api_key_id`. Nulls are allowed only at paths listed
as nullable; a few fields are maps (free keys) or unions, declared per check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).parent / "examples"


def newest_example(name: str) -> Any:
    """The response of the newest snapshot in examples/<name>.json (first one on a tie)."""
    examples = json.loads((EXAMPLES / f"{name}.json").read_text())["examples"]
    newest = max(e["doc_snapshot_date"] for e in examples)
    return next(e["response"] for e in examples if e["doc_snapshot_date"] == newest)


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise TypeError(type(value))


@dataclass
class Shape:
    """Rules for one endpoint: nullable paths, map-valued paths, paths of union type."""

    nullable: set[str] = field(default_factory=set)
    maps: set[str] = field(default_factory=set)
    unions: dict[str, set[str]] = field(default_factory=dict)
    variants: dict[str, list[Any]] = field(default_factory=dict)  # documented alternatives

    def errors(self, actual: Any, example: Any, path: str = "") -> list[str]:
        """Every difference between `actual` and the shape of `example`."""
        where = path or "$"
        if actual is None:
            return [] if path in self.nullable else [f"{where}: null where the API never is"]
        if path in self.unions:
            ok = kind(actual) in self.unions[path]
            return [] if ok else [f"{where}: {kind(actual)} not in {sorted(self.unions[path])}"]
        if path in self.variants:
            outcomes = [self._plain_errors(actual, v, path) for v in self.variants[path]]
            return min(outcomes, key=len)
        return self._plain_errors(actual, example, path)

    def _plain_errors(self, actual: Any, example: Any, path: str) -> list[str]:
        where = path or "$"
        if example is None:
            return [f"{where}: example is null, cannot check {kind(actual)}"]
        if kind(actual) != kind(example):
            return [f"{where}: {kind(actual)} where the example has {kind(example)}"]
        if isinstance(example, dict):
            return self._object_errors(actual, example, path)
        if isinstance(example, list) and example:
            return [e for item in actual for e in self.errors(item, example[0], f"{path}[]")]
        return []

    def _object_errors(
        self, actual: dict[str, Any], example: dict[str, Any], path: str
    ) -> list[str]:
        if path in self.maps:
            model = next(iter(example.values()))
            return [e for k, v in actual.items() for e in self.errors(v, model, f"{path}.*")]
        problems = []
        for key in sorted(set(example) - set(actual)):
            problems.append(f"{path or '$'}: missing key {key!r}")
        for key in sorted(set(actual) - set(example)):
            problems.append(f"{path or '$'}: extra key {key!r}")
        for key in sorted(set(example) & set(actual)):
            child = f"{path}.{key}" if path else key
            problems.extend(self.errors(actual[key], example[key], child))
        return problems


def _prefixed(prefix: str, names: set[str]) -> set[str]:
    return {f"{prefix}{n}" for n in names}


PAGE_A = {"first_id", "last_id"}
API_KEY_NULLABLE = {"created_by", "partial_key_hint", "workspace_id", "expires_at", "principal"}
WORKSPACE_NULLABLE = {"archived_at", "external_key_id"}
WORKSPACE_UNIONS = {"data_residency.allowed_inference_geos": {"string", "array"}}
USAGE_DIMENSIONS = {
    "api_key_id",
    "workspace_id",
    "model",
    "service_tier",
    "context_window",
    "inference_geo",
    "account_id",
    "service_account_id",
}
COST_NULLABLE = {
    "workspace_id",
    "description",
    "cost_type",
    "context_window",
    "model",
    "service_tier",
    "token_type",
    "inference_geo",
}

SHAPES: dict[str, Shape] = {
    "organizations_me": Shape(),
    "users_list": Shape(PAGE_A),
    "users_get": Shape(),
    "invites_list": Shape(PAGE_A | {"data[].accepted_at"}),
    "invites_get": Shape({"accepted_at"}),
    "workspaces_list": Shape(
        PAGE_A | _prefixed("data[].", WORKSPACE_NULLABLE),
        maps={"data[].tags"},
        unions={f"data[].{k}": v for k, v in WORKSPACE_UNIONS.items()},
    ),
    "workspaces_get": Shape(WORKSPACE_NULLABLE, maps={"tags"}, unions=WORKSPACE_UNIONS),
    "workspace_members_list": Shape(PAGE_A),
    "workspace_members_get": Shape(),
    "api_keys_list": Shape(PAGE_A | _prefixed("data[].", API_KEY_NULLABLE)),
    "api_keys_get": Shape(API_KEY_NULLABLE),
    "usage_report_messages": Shape(
        {"next_page"} | _prefixed("data[].results[].", USAGE_DIMENSIONS)
    ),
    "cost_report": Shape({"next_page"} | _prefixed("data[].results[].", COST_NULLABLE)),
    "usage_report_claude_code": Shape(
        {"next_page", "data[].subscription_type"},
        maps={"data[].tool_actions"},
        # §10: an actor is a user (by e-mail) or an API key (by key name).
        variants={
            "data[].actor": [
                {"type": "user_actor", "email_address": "user@emaildomain.com"},
                {"type": "api_actor", "api_key_name": "Developer Key"},
            ]
        },
    ),
    "errors": Shape(),
}


def shape_errors(name: str, actual: Any) -> list[str]:
    """Differences between a response and the newest official example `name`."""
    return SHAPES[name].errors(actual, newest_example(name))


# API keys since the SDK types of 2026-08-26 (changes file, table 6): no official example
# response shows them, so the newest official example is turned into them field by field.
API_KEY_VARIANTS: dict[str, list[Any]] = {
    "scope": [{"type": "workspace", "workspace_id": "wrkspc_x"}, {"type": "organization"}],
    "principal": [
        {"type": "user_actor", "user_id": "user_x"},
        {"type": "service_account_actor", "service_account_id": "svac_x"},
    ],
}


def api_key_example(shape: str) -> dict[str, Any]:
    """One API key in `shape`: "august" is the newest official example as published."""
    august = dict(newest_example("api_keys_get"))
    if shape == "august":
        return august
    key = {k: v for k, v in august.items() if k != "principal"}
    key["scope"] = API_KEY_VARIANTS["scope"][0]
    key["principal"] = API_KEY_VARIANTS["principal"][0]
    if shape == "newest":
        del key["workspace_id"]
    return key


def api_key_errors(shape: str, body: Any, *, listed: bool) -> list[str]:
    """Differences between an api_keys answer (a list page or one key) and `shape`."""
    nullable = API_KEY_NULLABLE - ({"workspace_id"} if shape == "newest" else set())
    variants = {} if shape == "august" else API_KEY_VARIANTS
    if not listed:
        problems = Shape(set(nullable), variants=variants).errors(body, api_key_example(shape))
        return problems + (_tag_errors(body, "") if variants else [])
    page = {**newest_example("api_keys_list"), "data": [api_key_example(shape)]}
    rules = Shape(
        PAGE_A | _prefixed("data[].", nullable),
        variants={f"data[].{k}": v for k, v in variants.items()},
    )
    tags = [e for key in body.get("data", []) for e in _tag_errors(key, "data[].")]
    return rules.errors(body, page) + (tags if variants else [])


def _tag_errors(key: Any, prefix: str) -> list[str]:
    """`scope` and `principal` are tagged unions: their `type` picks the fields they hold."""
    problems = []
    for name, options in API_KEY_VARIANTS.items():
        value = key.get(name) if isinstance(key, dict) else None
        if not isinstance(value, dict):
            continue
        fields = {o["type"]: set(o) for o in options}
        if value.get("type") not in fields:
            problems.append(f"{prefix}{name}.type: {value.get('type')!r} is not a known type")
        elif set(value) != fields[value["type"]]:
            problems.append(f"{prefix}{name}: {sorted(value)} for type {value['type']!r}")
    return problems
