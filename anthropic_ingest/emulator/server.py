"""The HTTP layer: a threaded HTTP/1.1 keep-alive server that carries out outcomes.

Each response is written with a single send (status line, headers and body together), with
Nagle's algorithm off, so keep-alive clients never wait on delayed ACKs. The socket-level
faults live here: `drop` closes without answering; `truncate` declares the full
Content-Length, sends part of the body and closes.
"""

from __future__ import annotations

import socket
import threading
import time
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from anthropic_ingest.emulator.app import EmulatorApp, HttpRequest
from anthropic_ingest.emulator.responses import Outcome

_REASONS = {s.value: s.phrase for s in HTTPStatus}
_REASONS[529] = "Overloaded"


class EmulatorHTTPServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer bound to one EmulatorApp, tracking its open connections."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # bursts of new connections from concurrent clients

    def __init__(self, address: tuple[str, int], app: EmulatorApp) -> None:
        self.app = app
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, conn: socket.socket, open_: bool) -> None:
        with self._conn_lock:
            (self._connections.add if open_ else self._connections.discard)(conn)

    def close_connections(self) -> None:
        """Cut every open keep-alive connection (their threads then end)."""
        with self._conn_lock:
            conns = list(self._connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                continue  # already closed by the peer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: EmulatorHTTPServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: object) -> None:
        """Silence the default per-request stderr line; the app keeps its own log."""

    def _dispatch(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        request = HttpRequest(self.command, self.path, headers, body)
        outcome = self.server.app.handle(request)
        if outcome.delay > 0:
            time.sleep(outcome.delay)
        if outcome.action == "drop":
            self.close_connection = True
            return
        self._write(outcome)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _dispatch

    def _write(self, outcome: Outcome) -> None:
        truncated = outcome.action == "truncate"
        if truncated:
            self.close_connection = True
        lines = [
            f"HTTP/1.1 {outcome.status} {_REASONS.get(outcome.status, 'Unknown')}",
            f"content-type: {outcome.content_type}",
            f"content-length: {len(outcome.body)}",
            f"date: {formatdate(usegmt=True)}",
            *(f"{name}: {value}" for name, value in outcome.headers),
        ]
        if self.close_connection:
            lines.append("connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        body = outcome.body[: len(outcome.body) // 2] if truncated else outcome.body
        self.wfile.write(head + body)
