"""Misbehaviour on demand: scripted faults, random faults and the requests-per-minute limit."""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from anthropic_ingest.emulator import cursors
from anthropic_ingest.emulator.errors import ApiError
from anthropic_ingest.emulator.pagination import bucket_token, record_token
from anthropic_ingest.emulator.params import Query
from anthropic_ingest.emulator.responses import Outcome, error_outcome
from anthropic_ingest.emulator.timeutil import parse_day, parse_rfc3339

# Kinds that replace the response outright, and kinds that alter a normally served one.
REPLACING = ("status", "drop", "html", "non_json", "stale_cursor")
ALTERING = ("pass", "slow", "truncate", "repeat_cursor", "has_more_no_cursor")
KINDS = REPLACING + ALTERING


@dataclass(frozen=True)
class Fault:
    """One scripted response. Only the fields of its kind matter."""

    kind: str
    status: int | None = None  # status, html (default 502), non_json (default 200)
    retry_after: str | None = None  # `retry-after` header value
    retry_after_ms: str | None = None  # `retry-after-ms` header value
    should_retry: bool | None = None  # `x-should-retry` header
    error_type: str | None = None  # overrides the type that goes with the status
    message: str | None = None
    ms: int = 1000  # slow: delay before answering

    @classmethod
    def parse(cls, spec: Mapping[str, Any]) -> Fault:
        """Validate a fault given as a mapping (the JSON form of the control API)."""
        kind = spec.get("kind")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        unknown = set(spec) - {f for f in cls.__dataclass_fields__} - {"count"}
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(sorted(unknown))}")
        status = spec.get("status")
        if kind == "status" and status is None:
            raise ValueError("a status fault needs a status")
        if status is not None and not (isinstance(status, int) and 100 <= status <= 599):
            raise ValueError(f"status must be an HTTP status code, got {status!r}")
        retry_after, retry_after_ms = spec.get("retry_after"), spec.get("retry_after_ms")
        ms = spec.get("ms", 1000)
        if not isinstance(ms, int) or ms < 0:
            raise ValueError(f"ms must be a non-negative integer, got {ms!r}")
        should_retry = spec.get("should_retry")
        if should_retry is not None and not isinstance(should_retry, bool):
            raise ValueError("should_retry must be true or false")
        return cls(
            kind=kind,
            status=status,
            retry_after=None if retry_after is None else str(retry_after),
            retry_after_ms=None if retry_after_ms is None else str(retry_after_ms),
            should_retry=should_retry,
            error_type=spec.get("error_type"),
            message=spec.get("message"),
            ms=ms,
        )

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def error(self) -> ApiError:
        """The API error a status fault answers with, headers included."""
        headers = []
        if self.retry_after is not None:
            headers.append(("retry-after", self.retry_after))
        if self.retry_after_ms is not None:
            headers.append(("retry-after-ms", self.retry_after_ms))
        if self.should_retry is not None:
            headers.append(("x-should-retry", "true" if self.should_retry else "false"))
        status = self.status or 500
        return ApiError(status, self.message, error_type=self.error_type, headers=headers)


def expand(specs: list[Mapping[str, Any]]) -> list[Fault]:
    """Parse fault specs; a spec with `count: N` stands for N identical faults."""
    faults = []
    for spec in specs:
        count = spec.get("count", 1)
        if not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be a positive integer, got {count!r}")
        faults.extend([Fault.parse(spec)] * count)
    return faults


class ScriptBook:
    """Queues of faults for the next calls to a path (exact) or to any path under a prefix."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[tuple[str, bool], deque[Fault]] = {}

    def add(self, path: str, faults: list[Fault], prefix: bool = False) -> None:
        with self._lock:
            self._queues.setdefault((path, prefix), deque()).extend(faults)

    def take(self, path: str, accept: Callable[[Fault], bool]) -> Fault | None:
        """Pop the fault for a call to `path`: exact scripts first, then the longest prefix.

        A fault the caller does not `accept` for this call stays queued for a later one.
        """
        with self._lock:
            prefixes = [k for k in self._queues if k[1] and path.startswith(k[0])]
            prefixes.sort(key=lambda k: len(k[0]), reverse=True)
            candidates = [(path, False), *prefixes]
            for key in candidates:
                queue = self._queues.get(key)
                if queue and accept(queue[0]):
                    fault = queue.popleft()
                    if not queue:
                        del self._queues[key]
                    return fault
            return None

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {"path": path, "prefix": prefix, "responses": [f.to_dict() for f in queue]}
                for (path, prefix), queue in self._queues.items()
            ]

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()


class RateLimiter:
    """A sliding 60-second window of admitted requests."""

    def __init__(self, per_minute: int | None, clock: Callable[[], float] = time.monotonic):
        self.per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._times: deque[float] = deque()

    def admit(self) -> int | None:
        """None if the request may proceed (and count it), else whole seconds to wait."""
        if self.per_minute is None:
            return None
        with self._lock:
            now = self._clock()
            while self._times and self._times[0] <= now - 60.0:
                self._times.popleft()
            if len(self._times) < self.per_minute:
                self._times.append(now)
                return None
            wait = self._times[0] + 60.0 - now
            return max(1, int(wait + 0.999))

    def clear(self) -> None:
        with self._lock:
            self._times.clear()


class RandomFaults:
    """Answers a share of requests with a 500 or a 529, drawn from a seeded RNG."""

    def __init__(self, rate: float, seed: int) -> None:
        self.rate, self._seed = rate, seed
        self._lock = threading.Lock()
        self._rng = random.Random(seed)

    def roll(self) -> ApiError | None:
        if self.rate <= 0:
            return None
        with self._lock:
            hit, pick = self._rng.random() < self.rate, self._rng.random()
        if not hit:
            return None
        return ApiError(500 if pick < 0.5 else 529, fault="random")

    def reset(self) -> None:
        with self._lock:
            self._rng = random.Random(self._seed)


_HTML_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
_GARBAGE = b"upstream connect error or disconnect/reset before headers. reset reason: overflow"


def replacement(fault: Fault, request_id: str) -> Outcome:
    """The outcome of a fault that replaces the response (a REPLACING kind)."""
    if fault.kind == "status":
        outcome = error_outcome(fault.error(), request_id)
    elif fault.kind == "drop":
        outcome = Outcome(0, action="drop")
    elif fault.kind == "html":
        outcome = Outcome(fault.status or 502, _HTML_PAGE, content_type="text/html")
    elif fault.kind == "stale_cursor":
        outcome = error_outcome(ApiError(410, fault.message), request_id)
    else:  # non_json: says JSON, is not
        outcome = Outcome(fault.status or 200, _GARBAGE)
    outcome.fault = fault.kind
    return outcome


def applies(fault: Fault, paging: str | None, query: Query) -> bool:
    """Whether `fault` is spent on this call; a first page has no cursor to repeat or expire."""
    cursor = any(query.value(name) is not None for name in ("page", "after_id", "before_id"))
    if fault.kind == "stale_cursor":
        return cursor
    if fault.kind == "repeat_cursor" and paging == "id":
        return query.value("after_id") is not None or query.value("before_id") is not None
    return True


def alter_page(
    fault: Fault, paging: str | None, page: dict[str, Any], query: Query, path: str
) -> None:
    """Apply a repeat_cursor / has_more_no_cursor fault to a page, in place."""
    if paging is None or fault.kind not in ("repeat_cursor", "has_more_no_cursor"):
        return
    if paging in ("list", "engagement"):  # `next_page` is the cursor
        if "has_more" in page:  # the RBAC and spend-limit lists also say has_more
            page["has_more"] = True
            if fault.kind == "has_more_no_cursor":
                page["next_page"] = None
                return
        if fault.kind == "repeat_cursor":
            page["next_page"] = query.value("page") or cursors.issue(query, path, {"o": 0})
        return
    page["has_more"] = True
    if fault.kind == "has_more_no_cursor":
        page["last_id" if paging == "id" else "next_page"] = None
    elif paging == "id":
        after = query.value("after_id")
        page["last_id" if after is not None else "first_id"] = after or query.value("before_id")
    else:
        page["next_page"] = query.value("page") or _first_page_token(paging, page, query, path)


def _first_page_token(paging: str, page: dict[str, Any], query: Query, path: str) -> str:
    """A token that points at the page just served (for a request that sent none)."""
    if paging == "analytics":  # an empty position restarts the sequence
        return cursors.issue(query, path, {})
    if paging == "bucket":
        return bucket_token(parse_rfc3339(page["data"][0]["starting_at"]))
    return record_token(parse_day(query.value("starting_at") or ""), 0)
