"""The HTTP session: one pooled client per run, retries with backoff, typed errors."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from anthropic_ingest import __version__, errors
from anthropic_ingest.client import responses
from anthropic_ingest.client.limiter import AdaptiveLimiter, WaitHook

ANTHROPIC_VERSION = "2023-06-01"
DEFAULT_BASE_URL = "https://api.anthropic.com"

Params = Sequence[tuple[str, str]]


@dataclass
class ClientSettings:
    """How the client talks to the API. Every field is a source-URI option."""

    api_key: str
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 60.0
    max_retries: int = 6
    retry_budget_seconds: float = 300.0
    concurrency: int = 4
    max_concurrency: int = 16
    requests_per_minute: float | None = None
    backoff_base: float = 0.5
    backoff_max: float = 30.0


@dataclass
class RequestStats:
    """Counters for the run summary and the benchmarks."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    # 429s that said how long to wait (retry-after or retry-after-ms); real ones often do not.
    rate_limited_with_wait: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(
        self,
        *,
        requests: int = 0,
        retries: int = 0,
        rate_limited: int = 0,
        rate_limited_with_wait: int = 0,
    ) -> None:
        with self._lock:
            self.requests += requests
            self.retries += retries
            self.rate_limited += rate_limited
            self.rate_limited_with_wait += rate_limited_with_wait


@dataclass
class _Shared:
    """One list a run reads once (`AdminClient.shared`)."""

    value: list[Any] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class AdminClient:
    """A thread-safe Admin API client. Use one per run and close it (or use `with`).

    `on_wait(seconds, reason)`, when given, hears of every wait before a request is sent
    again: the pause after a 429 (reason `limiter.RATE_LIMITED`) and each retry's backoff
    ("server error 529")."""

    def __init__(self, settings: ClientSettings, on_wait: WaitHook | None = None) -> None:
        self.settings = settings
        self.stats = RequestStats()
        self._on_wait = on_wait
        self.limiter = AdaptiveLimiter(
            settings.concurrency,
            settings.max_concurrency,
            settings.requests_per_minute,
            backoff_base=settings.backoff_base,
            backoff_max=settings.backoff_max,
            on_wait=on_wait,
        )
        self._shared: dict[Hashable, _Shared] = {}
        self._shared_lock = threading.Lock()
        pool = max(settings.max_concurrency, settings.concurrency) + 4
        self._http = httpx.Client(
            base_url=settings.base_url.rstrip("/"),
            headers={
                "x-api-key": settings.api_key,
                "anthropic-version": ANTHROPIC_VERSION,
                "user-agent": f"anthropic-ingest/{__version__}",
                "accept": "application/json",
            },
            timeout=httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout)),
            limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool),
            follow_redirects=False,
        )

    def shared(self, key: Hashable, read: Callable[[], list[Any]]) -> list[Any]:
        """What `read()` returns, read once by this client (one run) for `key` and given to
        every caller: a list several tables need is requested once. Callers arriving while
        it is read wait for it. A read that fails is not kept: the next caller reads again,
        and meets its own error if the API still refuses."""
        with self._shared_lock:
            entry = self._shared.setdefault(key, _Shared())
        with entry.lock:
            if entry.value is None:
                entry.value = read()
            return entry.value

    def __enter__(self) -> AdminClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get(self, path: str, params: Params = (), headers: Params = ()) -> Any:
        """GET `path` and return its parsed JSON, retrying what is worth retrying."""
        return self._get(path, params, responses.parse_json, headers)

    def get_page(self, path: str, params: Params = (), headers: Params = ()) -> dict[str, Any]:
        """GET one page of a list or report: its cursor fields, and its records as
        `RawRecords` (validated, decoded only when read). Retried like `get`. `headers` are
        extra request headers (an endpoint's `anthropic-beta`)."""
        page: dict[str, Any] = self._get(path, params, responses.parse_page, headers)
        return page

    def _get(
        self,
        path: str,
        params: Params,
        parse: Callable[[httpx.Response], Any],
        headers: Params = (),
    ) -> Any:
        deadline = time.monotonic() + self.settings.retry_budget_seconds
        attempt = failures = 0
        while True:
            attempt += 1
            outcome = self._attempt(path, params, parse, headers)
            if isinstance(outcome, _Success):
                return outcome.body
            if not outcome.rate_limited:
                failures += 1
                outcome.wait = self.limiter.on_failure(outcome.wait, failures)
            final = attempt > self.settings.max_retries
            wait = outcome.wait or 0.0
            if not outcome.retry or final or time.monotonic() + wait > deadline:
                raise outcome.error(attempt)
            self.stats.add(retries=1)
            if self._on_wait is not None and not outcome.rate_limited and wait > 0:
                self._on_wait(wait, outcome.reason)  # the limiter tells of 429 pauses itself
            time.sleep(wait)

    def _attempt(
        self,
        path: str,
        params: Params,
        parse: Callable[[httpx.Response], Any],
        headers: Params = (),
    ) -> _Success | _Failure:
        """One request in a limiter slot. A 429 tells the limiter (which decides the wait);
        any other failure is left to `_get`, which waits on it alone."""
        with self.limiter.slot() as started:
            self.stats.add(requests=1)
            try:
                response = self._http.get(path, params=list(params), headers=dict(headers))
                if response.is_success:
                    body = parse(response)
                    self.limiter.on_success(started)
                    return _Success(body)
            except httpx.TransportError as exc:
                return _Failure(
                    True,
                    None,
                    lambda n, e=exc: self._unreachable(path, e, n),
                    reason=f"no answer ({type(exc).__name__})",
                )
            except errors.ProtocolError as exc:
                return _Failure(True, None, lambda n, e=exc: e, reason="broken response")
        verdict = responses.verdict(response)
        status = response.status_code
        failure = _Failure(
            verdict.retry,
            verdict.wait,
            lambda n: responses.error_for(response, attempts=n),
            reason=f"server error {status}" if status >= 500 else f"HTTP {status}",
        )
        if response.status_code == 429:
            self.stats.add(rate_limited=1)
            if verdict.wait is not None:  # the API said how long: `check` tells users so
                self.stats.add(rate_limited_with_wait=1)
            failure.wait = self.limiter.on_rate_limited(verdict.wait, started)
            failure.rate_limited = True
        return failure

    def _unreachable(self, path: str, exc: httpx.TransportError, attempts: int) -> errors.ApiError:
        kind = type(exc).__name__
        return errors.ApiUnreachableError(
            f"could not get an answer from the Admin API at {self.settings.base_url} for "
            f"{path} after {attempts} attempts ({kind}: {exc}); check base_url, the network, "
            "or raise timeout= in the source URI"
        )


@dataclass(frozen=True)
class _Success:
    body: Any


@dataclass
class _Failure:
    retry: bool
    wait: float | None
    make_error: Any
    rate_limited: bool = False
    reason: str = ""  # why the request is retried, for `on_wait`

    def error(self, attempts: int) -> errors.ApiError:
        result: errors.ApiError = self.make_error(attempts)
        return result
