"""The log of `/v1` requests, so tests can assert exactly what a client sent.

It records the method, path, parsed query, status, which credential style was used, the
`anthropic-version` and `anthropic-beta` headers sent and any fault; never a credential, and
any value holding the admin key or the Analytics key is masked.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import UTC, datetime
from typing import Any

MASK = "***"


class RequestLog:
    """A bounded, thread-safe list of request entries (oldest dropped first)."""

    def __init__(self, limit: int) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=limit)
        self._seq = 0

    def add(
        self,
        *,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        status: int | None,
        auth: str | None,
        fault: str | None,
        request_id: str,
        secret: str | tuple[str, ...],
        version: str | None = None,
        beta: str | None = None,
    ) -> None:
        secrets = (secret,) if isinstance(secret, str) else secret

        def leaks(value: str) -> bool:
            return any(s in value for s in secrets)

        pairs = [[k, MASK if leaks(v) else v] for k, v in query]
        version, beta = (None if v is None or leaks(v) else v for v in (version, beta))
        with self._lock:
            self._seq += 1
            self._entries.append(
                {
                    "seq": self._seq,
                    "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                    "method": method,
                    "path": MASK if leaks(path) else path,
                    "query": pairs,
                    "status": status,
                    "auth": auth,
                    "fault": fault,
                    "request_id": request_id,
                    "version": version,
                    "beta": beta,
                }
            )

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
