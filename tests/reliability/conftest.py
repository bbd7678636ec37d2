from __future__ import annotations

import pytest

from tests.reliability import figures


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if figures.enabled():
        figures.write(passed=exitstatus == 0)
