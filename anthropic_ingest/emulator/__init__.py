"""A local, strict, deterministic fake of the Anthropic Admin API (read endpoints).

    from anthropic_ingest.emulator import EmulatorConfig, running_emulator

    with running_emulator(EmulatorConfig(seed=7, users=12)) as emu:
        emu.base_url, emu.admin_key, emu.org
        emu.script("/v1/organizations/users", [{"kind": "status", "status": 429}])

The synthetic org (`SyntheticOrg`) is independent of the HTTP layer, so tests can compute the
expected data directly. See docs/emulator.md.
"""

from __future__ import annotations

from anthropic_ingest.emulator.config import (
    DEFAULT_ADMIN_KEY,
    DEFAULT_ANALYTICS_KEY,
    EmulatorConfig,
)
from anthropic_ingest.emulator.faults import KINDS as FAULT_KINDS
from anthropic_ingest.emulator.org import SyntheticOrg
from anthropic_ingest.emulator.remote import RemoteEmulator, spawned_emulator
from anthropic_ingest.emulator.runner import Emulator, running_emulator, serve, start_emulator

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
