from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from anthropic_ingest.emulator import running_emulator
from tests.reliability import figures
from tests.reliability.enterprise import enterprise_config


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if figures.enabled():
        figures.write(passed=exitstatus == 0)


@pytest.fixture(scope="session")
def enterprise_emulator() -> Iterator[Any]:
    """A Claude Enterprise organization (Analytics key), shared by the reliability suites."""
    with running_emulator(enterprise_config()) as emu:
        yield emu


@pytest.fixture
def ent(enterprise_emulator: Any) -> Iterator[Any]:
    """The Enterprise emulator with scripts, log and rate window cleared around each test."""
    enterprise_emulator.reset()
    yield enterprise_emulator
    enterprise_emulator.reset()
