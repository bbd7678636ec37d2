"""A local, strict, deterministic fake of the Anthropic Admin API (read endpoints).

    from anthropic_ingest.emulator import EmulatorConfig, running_emulator

    with running_emulator(EmulatorConfig(seed=7, users=12)) as emu:
        emu.base_url, emu.admin_key, emu.org
        emu.script("/v1/organizations/users", [{"kind": "status", "status": 429}])

The synthetic org (`SyntheticOrg`) is independent of the HTTP layer, so tests can compute the
expected data directly. See docs/emulator.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from anthropic_ingest.emulator.config import (
    DEFAULT_ADMIN_KEY,
    DEFAULT_ANALYTICS_KEY,
    EmulatorConfig,
)

if TYPE_CHECKING:
    from anthropic_ingest.emulator.faults import KINDS as FAULT_KINDS
    from anthropic_ingest.emulator.org import SyntheticOrg
    from anthropic_ingest.emulator.remote import RemoteEmulator, spawned_emulator
    from anthropic_ingest.emulator.runner import (
        Emulator,
        running_emulator,
        serve,
        start_emulator,
    )

# The rest is imported on first use (PEP 562): the CLI reads the config's defaults for its
# help, and the HTTP layer and the synthetic org cost about 80 ms to import.
_LAZY = {
    "FAULT_KINDS": ("faults", "KINDS"),
    "SyntheticOrg": ("org", "SyntheticOrg"),
    "RemoteEmulator": ("remote", "RemoteEmulator"),
    "spawned_emulator": ("remote", "spawned_emulator"),
    "Emulator": ("runner", "Emulator"),
    "running_emulator": ("runner", "running_emulator"),
    "serve": ("runner", "serve"),
    "start_emulator": ("runner", "start_emulator"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "DEFAULT_ADMIN_KEY",
    "DEFAULT_ANALYTICS_KEY",
    "FAULT_KINDS",
    "Emulator",
    "EmulatorConfig",
    "RemoteEmulator",
    "SyntheticOrg",
    "running_emulator",
    "serve",
    "spawned_emulator",
    "start_emulator",
]
