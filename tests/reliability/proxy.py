"""A small HTTP proxy in front of the emulator that rewrites records, to play a changed API."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

Mutate = Callable[[str, dict[str, Any]], None]


def records(path: str, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every record of a response: list items, report results, or the object itself."""
    data = body.get("data")
    if not isinstance(data, list):
        yield body
        return
    for item in data:
        if "results" in item:
            yield from item["results"]
        else:
            yield item


def replace_text(record: dict[str, Any], path: str, value: str) -> bool:
    """Put `value` at the dotted `path` where the record has text there; whether it did."""
    *parents, last = path.split(".")
    node: Any = record
    for step in parents:
        node = node.get(step)
        if not isinstance(node, dict):
            return False
    if not isinstance(node.get(last), str):
        return False
    node[last] = value
    return True


@contextmanager
def mutating_proxy(upstream: str, mutate: Mutate) -> Iterator[str]:
    client = httpx.Client(base_url=upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower()
                in ("x-api-key", "anthropic-version", "anthropic-beta", "authorization")
            }
            answer = client.get(self.path, headers=headers)
            content = answer.content
            if answer.status_code == 200:
                body = json.loads(content)
                for record in records(self.path, body):
                    mutate(self.path.split("?")[0], record)
                content = json.dumps(body).encode()
            self.send_response(answer.status_code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        client.close()
