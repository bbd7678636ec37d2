"""What the application layer hands the HTTP layer: a status, headers, a body and an action."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from anthropic_ingest.emulator import jsonenc
from anthropic_ingest.emulator.errors import ApiError, error_body

JSON = "application/json"


@dataclass
class Outcome:
    """A response to send, or a socket-level misbehaviour to perform instead.

    `action` is "respond", "drop" (close without answering) or "truncate" (declare the full
    Content-Length, send part of the body, close). `delay` is seconds to wait first.
    """

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str = JSON
    action: str = "respond"
    delay: float = 0.0
    fault: str | None = None  # the scripted or random fault behind this outcome, for the log


def json_outcome(
    status: int, payload: Any, headers: list[tuple[str, str]] | None = None
) -> Outcome:
    """A JSON response."""
    return Outcome(status, jsonenc.encode(payload), list(headers or []))


def error_outcome(error: ApiError, request_id: str) -> Outcome:
    """The API's JSON error response for `error`."""
    return json_outcome(error.status, error_body(error, request_id), error.headers)
