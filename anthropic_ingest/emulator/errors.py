"""API errors in the Admin API's body shape, and the status-to-type table they share."""

from __future__ import annotations

import secrets
from typing import Any

from anthropic_ingest.emulator.hashing import BASE58

# error.type for each HTTP status, as documented in the API reference (§1.5).
ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    408: "timeout_error",
    409: "conflict_error",
    410: "invalid_request_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    502: "api_error",
    503: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}

DEFAULT_MESSAGES: dict[int, str] = {
    400: "Invalid request",
    401: "Authentication error",
    402: "Billing error",
    403: "Permission denied",
    404: "The requested resource could not be found.",
    405: "Method not allowed",
    408: "Request timeout",
    409: "Conflict",
    410: "The page token has expired; restart pagination.",
    413: "Request too large",
    429: "Rate limited",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Request timeout",
    529: "Overloaded",
}


def error_type_for(status: int) -> str:
    """The documented error.type for an HTTP status (api_error for unlisted 5xx)."""
    if status in ERROR_TYPES:
        return ERROR_TYPES[status]
    return "api_error" if status >= 500 else "invalid_request_error"


class ApiError(Exception):
    """An error response: status, error type, message and any extra response headers."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        error_type: str | None = None,
        headers: list[tuple[str, str]] | None = None,
        fault: str | None = None,
    ) -> None:
        self.status = status
        self.fault = fault  # set when injected on purpose, for the request log
        self.error_type = error_type or error_type_for(status)
        self.message = message or DEFAULT_MESSAGES.get(status, "Error")
        self.headers = list(headers or [])
        super().__init__(f"{status} {self.error_type}: {self.message}")


def invalid_request(message: str, *, should_retry: bool | None = None) -> ApiError:
    """A 400 invalid_request_error, optionally with an `x-should-retry` header."""
    headers = []
    if should_retry is not None:
        headers.append(("x-should-retry", "true" if should_retry else "false"))
    return ApiError(400, message, headers=headers)


def not_found(message: str | None = None) -> ApiError:
    """A 404 not_found_error."""
    return ApiError(404, message)


def error_body(error: ApiError, request_id: str) -> dict[str, Any]:
    """The JSON body the API sends for an error."""
    return {
        "type": "error",
        "error": {"type": error.error_type, "message": error.message},
        "request_id": request_id,
    }


def new_request_id() -> str:
    """A fresh request id in the API's `req_011…` format (random: ids are per request)."""
    return "req_011" + "".join(secrets.choice(BASE58) for _ in range(21))
