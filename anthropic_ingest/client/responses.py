"""Decide what an HTTP answer means: success, retry, or which typed error.

This is the only place that turns statuses into exceptions.
"""

from __future__ import annotations

import email.utils
import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from anthropic_ingest import errors
from anthropic_ingest.client import bodies
from anthropic_ingest.client.bodies import collector_paused

RETRIABLE_STATUSES = frozenset({408, 409, 429}) | frozenset(range(500, 600))


@dataclass(frozen=True)
class Verdict:
    """What to do with a response: retry it (after `wait` seconds, if the server said) or not."""

    retry: bool
    wait: float | None = None


def parse_json(response: httpx.Response) -> Any:
    """Parse a body as JSON keeping every non-integer number exact (as Decimal)."""
    try:
        with collector_paused():
            return json.loads(response.content, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _not_json(response, exc) from None


def parse_page(response: httpx.Response) -> dict[str, Any]:
    """Parse a page body: its cursor fields, its records left raw (`bodies.RawRecords`)."""
    try:
        return bodies.parse_page(response.content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _not_json(response, exc) from None


def _not_json(response: httpx.Response, exc: Exception) -> errors.ProtocolError:
    return errors.ProtocolError(
        f"the Admin API sent a body that is not JSON (HTTP {response.status_code}, "
        f"{_request_ref(response)}): {exc}",
        status=response.status_code,
        request_id=_request_id(response),
    )


def verdict(response: httpx.Response) -> Verdict:
    """Classify a non-2xx response: retriable or final, and how long the server asks to wait."""
    should_retry = response.headers.get("x-should-retry")
    if should_retry == "true":
        retry = True
    elif should_retry == "false":
        retry = False
    else:
        retry = response.status_code in RETRIABLE_STATUSES
    return Verdict(retry=retry, wait=retry_after_seconds(response))


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The wait the server asked for, from `retry-after-ms` or `retry-after` (seconds or date)."""
    ms = response.headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


def error_for(response: httpx.Response, *, attempts: int) -> errors.ApiError:
    """Build the typed, actionable error for a final non-2xx response."""
    status = response.status_code
    error_type, api_message = _error_body(response)
    ref = _request_ref(response)
    path = response.request.url.path

    def make(cls: type[errors.ApiError], message: str) -> errors.ApiError:
        return cls(message, status=status, error_type=error_type, request_id=_request_id(response))

    if status == 401:
        return make(
            errors.AuthenticationError,
            "Admin API key rejected (401): check the key; Admin keys start with "
            "sk-ant-admin and are created in Console > Settings > Admin keys. Pass it as "
            "api_key= in the source URI or set ANTHROPIC_ADMIN_API_KEY.",
        )
    if status == 403:
        return make(
            errors.PermissionDeniedError,
            f"the key lacks permission for {path} (403): an Admin API key from an organization "
            f"admin is required ({api_message or 'permission denied'}).",
        )
    if status == 400 and "anthropic-version" in (api_message or "").lower():
        sent = response.request.headers.get("anthropic-version", "none")
        return make(
            errors.InvalidRequestError,
            f"the Admin API refused the API version this tool sends (anthropic-version: {sent}) "
            f"on {path}: {api_message}. This release pins that version on purpose (see "
            f"docs/coverage.md); check for a newer anthropic-ingest ({ref})",
        )
    if status == 400:
        return make(
            errors.InvalidRequestError,
            f"the Admin API refused the request to {path} (400): "
            f"{api_message or 'invalid request'} ({ref})",
        )
    if status == 404:
        return make(
            errors.NotFoundError,
            f"{path} was not found (404): check base_url in the source URI points at the "
            f"Anthropic API root ({ref})",
        )
    tries = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
    detail = f": {api_message}" if api_message else ""
    if status == 429:
        return make(
            errors.RateLimitedError,
            f"the Admin API kept rate-limiting requests to {path} (429) {tries}; lower "
            f"concurrency= or set requests_per_minute= in the source URI ({ref})",
        )
    if status >= 500:
        return make(
            errors.ServerError,
            f"the Admin API failed on {path} (HTTP {status}{detail}) {tries}; try again "
            f"later ({ref})",
        )
    return make(
        errors.ApiError, f"the Admin API answered HTTP {status} on {path}{detail} {tries} ({ref})"
    )


def _error_body(response: httpx.Response) -> tuple[str | None, str | None]:
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None, None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        err = body["error"]
        etype = err.get("type") if isinstance(err.get("type"), str) else None
        message = err.get("message") if isinstance(err.get("message"), str) else None
        return etype, message
    return None, None


def _request_id(response: httpx.Response) -> str | None:
    return response.headers.get("request-id")


def _request_ref(response: httpx.Response) -> str:
    rid = _request_id(response)
    return f"request-id {rid}" if rid else "no request-id"
