"""Fixtures of the emulator tests: one emulator per session over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from anthropic_ingest.emulator import Emulator, EmulatorConfig, running_emulator
from anthropic_ingest.emulator.app import RUNTIME_SETTINGS

START, END = date(2025, 1, 1), date(2025, 3, 31)
CONFIG = EmulatorConfig(seed=7, users=12, start_date=START, end_date=END)
VERSION = {"anthropic-version": "2023-06-01"}


def auth_headers(emu: Emulator) -> dict[str, str]:
    return {"x-api-key": emu.admin_key, **VERSION}


@pytest.fixture(scope="session")
def served() -> Iterator[Emulator]:
    with running_emulator(CONFIG) as emu:
        yield emu


@pytest.fixture
def live(served: Emulator) -> Iterator[Emulator]:
    """The session emulator with scripts, log, rate window and settings reset around a test."""
    served.reset()
    yield served
    served.configure(**{name: getattr(CONFIG, name) for name in RUNTIME_SETTINGS})
    served.reset()


@pytest.fixture
def api(live: Emulator) -> Iterator[httpx.Client]:
    """A keep-alive client that sends the admin key and the API version."""
    with httpx.Client(base_url=live.base_url, headers=auth_headers(live), timeout=10) as client:
        yield client


@pytest.fixture
def bare(live: Emulator) -> Iterator[httpx.Client]:
    """A client that sends no credential and no version header."""
    with httpx.Client(base_url=live.base_url, timeout=10) as client:
        yield client
