"""A list several tables need is read once per run (`AdminClient.shared`)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from anthropic_ingest.client import AdminClient, ClientSettings


def client() -> AdminClient:
    return AdminClient(ClientSettings(api_key="sk-ant-admin01-test", base_url="http://127.0.0.1:9"))


def test_callers_at_once_share_one_read() -> None:
    reads: list[int] = []

    def read() -> list[Any]:
        reads.append(1)
        time.sleep(0.05)  # the others arrive while it is read
        return [{"id": "wrkspc_1"}]

    got: list[list[Any]] = []
    with client() as api:
        threads = [
            threading.Thread(target=lambda: got.append(api.shared("workspaces", read)))
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert api.shared("other", lambda: ["x"]) == ["x"]
    assert len(reads) == 1
    assert got == [[{"id": "wrkspc_1"}]] * 4


def test_a_failed_read_is_not_kept() -> None:
    attempts: list[int] = []

    def read() -> list[Any]:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("refused")
        return ["ok"]

    with client() as api:
        with pytest.raises(RuntimeError, match="refused"):
            api.shared("workspaces", read)
        assert api.shared("workspaces", read) == ["ok"]
        assert api.shared("workspaces", read) == ["ok"]
    assert len(attempts) == 2
