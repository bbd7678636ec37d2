"""The emulator's application layer: requests in, outcomes out, no sockets.

Order of checks for `/v1`: scripted fault, route (404), method (405), credential (401),
`anthropic-version` (400), rate limit (429), random fault (500/529), then the handler and
its own validation (400/404).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

from anthropic_ingest.emulator import access, control, faults, routes
from anthropic_ingest.emulator.access import credential
from anthropic_ingest.emulator.config import EmulatorConfig
from anthropic_ingest.emulator.errors import ApiError, new_request_id, not_found
from anthropic_ingest.emulator.org import SyntheticOrg
from anthropic_ingest.emulator.params import Query
from anthropic_ingest.emulator.requestlog import RequestLog
from anthropic_ingest.emulator.responses import Outcome, error_outcome, json_outcome

log = logging.getLogger(__name__)
API_VERSIONS = access.API_VERSIONS
RUNTIME_SETTINGS = (
    "latency_ms",
    "rate_limit_rpm",
    "fault_rate",
    "rate_limit_retry_after",
    "api_keys_shape",
    "analytics_access",
    "analytics_actor_shape",
    "service_accounts_access",
    "rate_limits_access",
    "rate_limits_shape",
    "stale_cursor_every",
    "enterprise_rate_limit_rpm",
)
STALE = "The page token has expired; restart pagination from the first page."


@dataclass(frozen=True)
class HttpRequest:
    """A parsed HTTP request: method, request target, lower-cased headers, body."""

    method: str
    target: str
    headers: Mapping[str, str]
    body: bytes = b""


class EmulatorApp:
    """State of one emulator (org, scripts, log, limiter) and the request pipeline."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.org = SyntheticOrg.from_config(config)
        self.scripts = faults.ScriptBook()
        self.log = RequestLog(config.request_log_limit)
        self.limiter = faults.RateLimiter(config.rate_limit_rpm)
        self.enterprise_limiter = faults.RateLimiter(config.enterprise_rate_limit_rpm)
        self.chaos = faults.RandomFaults(config.fault_rate, config.seed)
        self._lock = threading.Lock()
        self._cursor_calls = 0  # analytics requests with a page token, for stale_cursor_every

    # -- controls --------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget scripts, the request log and the rate window; restart the fault RNG."""
        self.scripts.clear()
        self.log.clear()
        self.limiter.clear()
        self.enterprise_limiter.clear()
        self.chaos.reset()
        with self._lock:
            self._cursor_calls = 0

    def reseed(self, seed: int, users: int | None = None) -> None:
        """Serve a new synthetic org (same date range), then reset."""
        with self._lock:
            self.config = self.config.with_changes(seed=seed, users=users or self.config.users)
            self.org = SyntheticOrg.from_config(self.config)
            self.chaos = faults.RandomFaults(self.config.fault_rate, seed)
        self.reset()

    def configure(self, **settings: object) -> None:
        """Change any of RUNTIME_SETTINGS while running."""
        unknown = set(settings) - set(RUNTIME_SETTINGS)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        with self._lock:
            self.config = self.config.with_changes(**settings)
            if "rate_limit_rpm" in settings:
                self.limiter = faults.RateLimiter(self.config.rate_limit_rpm)
            if "enterprise_rate_limit_rpm" in settings:
                rpm = self.config.enterprise_rate_limit_rpm
                self.enterprise_limiter = faults.RateLimiter(rpm)
            if "fault_rate" in settings:
                self.chaos = faults.RandomFaults(self.config.fault_rate, self.config.seed)
            if "api_keys_shape" in settings:
                self.org = self.org.with_api_keys_shape(self.config.api_keys_shape)

    # -- pipeline --------------------------------------------------------------------------
    def handle(self, request: HttpRequest) -> Outcome:
        """Turn one HTTP request into an outcome; every outcome carries a request-id."""
        request_id = new_request_id()
        split = urlsplit(request.target)
        pairs = parse_qsl(split.query, keep_blank_values=True)
        try:
            if split.path == "/_emulator" or split.path.startswith("/_emulator/"):
                outcome = control.handle(self, request.method, split.path, request.body, request_id)
            else:
                outcome = self._handle_api(request, split.path, pairs, request_id)
        except Exception as exc:  # a bug must become a visible, logged 500, not a hang
            log.exception("emulator bug while serving %s %s", request.method, split.path)
            outcome = error_outcome(ApiError(500, f"emulator bug: {exc!r}"), request_id)
        outcome.headers.append(("request-id", request_id))
        return outcome

    def _handle_api(
        self, request: HttpRequest, path: str, pairs: list[tuple[str, str]], request_id: str
    ) -> Outcome:
        matched = routes.match(path)
        query = Query(pairs)
        paging = matched[0].paging if matched else None
        fault = self.scripts.take(path, lambda f: faults.applies(f, paging, query))
        if fault is not None and fault.kind in faults.REPLACING:
            outcome = faults.replacement(fault, request_id)
        else:
            outcome = self._serve(request, matched, query, request_id, fault)
        outcome.delay += self.config.latency_ms / 1000
        self.log.add(
            method=request.method,
            path=path,
            query=pairs,
            status=None if outcome.action == "drop" else outcome.status,
            auth=credential(request.headers)[0],
            fault=outcome.fault,
            request_id=request_id,
            secret=(self.config.admin_key, self.config.analytics_key),
            version=request.headers.get("anthropic-version"),
            beta=request.headers.get("anthropic-beta"),
        )
        return outcome

    def _serve(
        self,
        request: HttpRequest,
        matched: tuple[routes.Route, dict[str, str]] | None,
        query: Query,
        request_id: str,
        fault: faults.Fault | None,
    ) -> Outcome:
        try:
            outcome = self._respond(request, matched, query, fault)
        except ApiError as error:
            outcome = error_outcome(error, request_id)
            outcome.fault = error.fault
        if fault is not None:
            outcome.fault = fault.kind
            if fault.kind == "truncate":
                outcome.action = "truncate"
            elif fault.kind == "slow":
                outcome.delay += fault.ms / 1000
        return outcome

    def _respond(
        self,
        request: HttpRequest,
        matched: tuple[routes.Route, dict[str, str]] | None,
        query: Query,
        fault: faults.Fault | None,
    ) -> Outcome:
        if matched is None:
            raise not_found()
        if request.method != "GET":
            raise ApiError(405, f"{request.method} is not supported by this emulator (reads only)")
        route = matched[0]
        access.check(self.config, request.headers, route.family)
        org = self.org
        retry = self.limiter.admit()
        if retry is not None:
            message = f"Rate limit of {self.limiter.per_minute} requests per minute exceeded."
            # The real report endpoints answer 429 without retry-after (changes file, §1).
            waits = [("retry-after", str(retry))] if self.config.rate_limit_retry_after else []
            raise ApiError(429, message, headers=waits)
        if route.enterprise_limited and self.enterprise_limiter.admit() is not None:
            # §1: 60 requests/min per organization; the report endpoints send no retry-after.
            per_minute = self.enterprise_limiter.per_minute
            raise ApiError(
                429, f"Rate limit of {per_minute} requests per minute per organization exceeded."
            )
        chaos = self.chaos.roll()
        if chaos is not None:
            raise chaos
        params = matched[1]
        if route.paging in ("analytics", "engagement") and query.value("page") is not None:
            self._expire_cursor()
        config = self.config
        path = urlsplit(request.target).path
        now = datetime.now(UTC)
        call = routes.Call(org, query, params, request.headers, now, config, path)
        page = route.handler(call)
        if fault is not None:
            page = dict(page)
            faults.alter_page(fault, route.paging, page, query, path)
        return json_outcome(200, page, [("anthropic-organization-id", org.organization["id"])])

    def _expire_cursor(self) -> None:
        """410 for every Nth analytics or engagement request with a cursor."""
        every = self.config.stale_cursor_every
        if every is None:
            return
        with self._lock:
            self._cursor_calls += 1
            stale = self._cursor_calls % every == 0
        if stale:
            raise ApiError(410, STALE, fault="stale_cursor")
