"""A recording proxy in front of the emulator that can then replay what it recorded.

The emulator builds every Claude Code record and usage row on demand, in one Python
process; on this 2-core machine it serves about 15,000 Claude Code records a second, which
is slower than the tool it serves. To measure the tool's own throughput, a run first goes
through this proxy in `record` mode (the emulator answers and the proxy keeps each answer,
keyed by path and query string); the measured run then goes to the proxy in `replay` mode,
which sends the recorded bytes back without computing anything. A request that was not
recorded gets a 404, so a replayed run can never silently load different data.

The server runs on a thread of the benchmark's own process: the tool under test runs in a
child process, so the two never share an interpreter lock.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

KEPT_HEADERS = ("content-type", "request-id", "anthropic-organization-id", "retry-after")


@dataclass(frozen=True)
class Answer:
    """One recorded response."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass
class Tape:
    """Recorded answers by request target, and what the server saw."""

    answers: dict[str, Answer] = field(default_factory=dict)
    upstream: httpx.Client | None = None
    fill: bool = False  # with an upstream: answer from the recording when it has the answer
    served: int = 0
    missed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, target: str, headers: dict[str, str]) -> Answer | None:
        if self.upstream is None:
            found = self.answers.get(target)
            with self.lock:
                self.served += found is not None
                self.missed += found is None
            return found
        if self.fill and target in self.answers:
            with self.lock:
                self.served += 1
            return self.answers[target]
        response = self.upstream.get(target, headers=headers)
        kept = tuple((k, response.headers[k]) for k in KEPT_HEADERS if k in response.headers)
        recorded = Answer(response.status_code, kept, response.content)
        with self.lock:
            self.answers[target] = recorded
            self.served += 1
        return recorded


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        forwarded = {
            k: v
            for k, v in self.headers.items()
            if k.lower() in ("x-api-key", "anthropic-version", "anthropic-beta")
        }
        found = self.server.tape.answer(self.path, forwarded)
        answer = found or Answer(404, (("content-type", "application/json"),), b'{"error":1}')
        head = [f"HTTP/1.1 {answer.status} -\r\n"]
        head += [f"{k}: {v}\r\n" for k, v in answer.headers]
        head.append(f"content-length: {len(answer.body)}\r\n\r\n")
        self.wfile.write("".join(head).encode("latin-1") + answer.body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, tape: Tape) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.tape = tape


@dataclass
class ReplayProxy:
    """Base URL and controls of a running proxy."""

    base_url: str
    tape: Tape

    def record_from(self, upstream_base_url: str) -> None:
        """Forward every request to `upstream_base_url` and keep its answer."""
        self.tape.upstream = httpx.Client(base_url=upstream_base_url, timeout=120.0)

    def replay(self) -> None:
        """From now on, answer only from the recording."""
        if self.tape.upstream is not None:
            self.tape.upstream.close()
        self.tape.upstream = None
        self.tape.fill = False
        self.tape.served = self.tape.missed = 0

    def fill_from(self, upstream_base_url: str) -> None:
        """Answer from the recording, and forward (and keep) only what it does not hold."""
        self.replay()
        self.tape.upstream = httpx.Client(base_url=upstream_base_url, timeout=120.0)
        self.tape.fill = True

    @property
    def recorded_bytes(self) -> int:
        return sum(len(a.body) for a in self.tape.answers.values())


@contextmanager
def replay_proxy() -> Iterator[ReplayProxy]:
    """Serve a proxy on a free port of 127.0.0.1 for the block's duration."""
    tape = Tape()
    server = _Server(tape)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ReplayProxy(f"http://127.0.0.1:{server.server_address[1]}", tape)
    finally:
        server.shutdown()
        server.server_close()
        if tape.upstream is not None:
            tape.upstream.close()
