"""docs/emulator.md keeps up with the code: routes, fault kinds, options, endpoints."""

from __future__ import annotations

import re
from pathlib import Path

from anthropic_ingest.cli.emulator_cmd import emulator
from anthropic_ingest.emulator import DEFAULT_ADMIN_KEY, FAULT_KINDS
from anthropic_ingest.emulator.app import RUNTIME_SETTINGS
from anthropic_ingest.emulator.config import API_KEYS_SHAPES
from anthropic_ingest.emulator.control import ACTIONS
from anthropic_ingest.emulator.routes import ROUTES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "emulator.md").read_text()


def test_every_control_route_is_documented_with_an_example() -> None:
    for path, methods in ACTIONS.items():
        for method in methods:
            assert f"{method} {path}" in DOC, f"{method} {path}"
        assert f"$E{path}" in DOC, f"no curl example for {path}"


def test_every_fault_kind_is_documented() -> None:
    for kind in FAULT_KINDS:
        assert f"| `{kind}` |" in DOC, kind


def test_every_cli_option_is_documented() -> None:
    options = re.findall(r'"(--[a-z-]+)"', Path(emulator.__code__.co_filename).read_text())
    assert len(options) == 21
    for option in options:
        assert option in DOC, option


def test_every_endpoint_is_documented() -> None:
    for route in ROUTES:
        first = route.pattern.pattern.split("/")[3].split("$")[0]
        assert f"`/{first}" in DOC, first
    assert DEFAULT_ADMIN_KEY in DOC


def test_every_runtime_setting_and_key_shape_is_documented() -> None:
    for name in RUNTIME_SETTINGS:
        assert f'"{name}"' in DOC and f"{name}=" in DOC, name
    for shape in API_KEYS_SHAPES:
        assert f"| `{shape}`" in DOC, shape
    assert "Cannot specify more than 5 group_by[] dimensions." in DOC
