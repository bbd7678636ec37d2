"""One shared, adaptive limiter per run: it bounds requests in flight and paces their rate.

Until the first 429, concurrency grows by one per clean answer (it doubles per round of
requests in flight, like TCP's slow start), so a run reaches full speed within a few dozen
requests; from the first 429 on it grows additively while answers are clean and halves on a
429 (AIMD), once per episode: the 429s of requests already in flight when it halved do not
halve it again. Every request waits out the `retry-after` the API asked for.

The request rate is free until the API first says 429; from then on requests are paced just
under the rate the API accepted over the last minute, so a long backfill settles at the
organization's limit with only the requests in flight at that first 429 refused. Until that
first 429, the documented limit (100 requests a minute) is treated as a soft ceiling: as the
trailing minute approaches it, fewer requests are let into flight, down to four, so if the
organization's limit is the documented one only those few meet it; once the API has accepted
more than that within a minute, the ceiling is gone. When the user states the limit
(`requests_per_minute=`), requests are paced just under it from the first one and the API
never has to say 429.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

WINDOW_SECONDS = 60.0
LEARNED_RATE_MARGIN = 0.95
# Requests are spaced evenly, but they reach the API with jitter: pacing a stated limit 2%
# under it keeps every trailing minute below it.
STATED_RATE_MARGIN = 0.98
# A 429 after only a few requests says the quota is used elsewhere, not what our rate should
# be: pace only once a minute's window holds enough accepted requests to measure it.
MIN_REQUESTS_TO_LEARN = 10
DOCUMENTED_PER_MINUTE = 100
PROBE_CONCURRENCY = 4  # requests in flight past the documented limit, before the first 429


class AdaptiveLimiter:
    """Thread-safe concurrency bound plus request pacing shared by every worker of a run."""

    def __init__(
        self,
        concurrency: int = 4,
        max_concurrency: int = 16,
        requests_per_minute: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._cond = threading.Condition()
        self._clock, self._sleep = clock, sleep
        self._limit = float(max(1, concurrency))
        self._max = float(max(concurrency, max_concurrency))
        self._in_flight = 0
        self._pause_until = 0.0
        self._rate = (
            requests_per_minute * STATED_RATE_MARGIN / 60.0 if requests_per_minute else None
        )
        self._rate_is_user_set = requests_per_minute is not None
        self._probing = requests_per_minute is None
        self._next_start = 0.0
        self._last_decrease = float("-inf")
        self._starts: deque[float] = deque()
        self._accepted: deque[float] = deque()

    @property
    def concurrency(self) -> int:
        return int(self._limit)

    @property
    def requests_per_minute(self) -> float | None:
        return self._rate * 60.0 if self._rate else None

    @contextmanager
    def slot(self) -> Iterator[float]:
        """Hold one request slot (wait for capacity, any server-requested pause and the pace);
        yields the request's start time, to pass to `on_success` or `on_rate_limited`."""
        start = self._acquire()
        try:
            yield start
        finally:
            with self._cond:
                self._in_flight -= 1
                self._cond.notify_all()

    @property
    def capacity(self) -> int:
        """Requests allowed in flight now: the concurrency, or, before the first 429, no more
        than the documented limit leaves in the trailing minute (but at least a few)."""
        limit = int(self._limit)
        if not self._probing:
            return limit
        room = DOCUMENTED_PER_MINUTE - len(self._starts)
        return max(min(limit, PROBE_CONCURRENCY), min(limit, room))

    def _acquire(self) -> float:
        with self._cond:
            while True:
                now = self._clock()
                _trim(self._starts, now)
                if now < self._pause_until:
                    self._cond.wait(self._pause_until - now)
                elif self._in_flight >= self.capacity:
                    self._cond.wait()
                else:
                    break
            self._in_flight += 1
            start = now
            if self._rate:
                start = max(now, self._next_start)
                self._next_start = start + 1.0 / self._rate
            self._starts.append(start)
        delay = start - self._clock()
        if delay > 0:
            self._sleep(delay)
        return start

    def on_success(self, started: float | None = None) -> None:
        """A clean answer: grow concurrency by one (before any 429) or by one per window of
        successes (after)."""
        with self._cond:
            now = self._clock()
            self._accepted.append(now)
            _trim(self._accepted, now)
            if self._probing and len(self._accepted) > DOCUMENTED_PER_MINUTE:
                self._probing = False
            slow_start = self._last_decrease == float("-inf")
            step = 1.0 if slow_start else 1.0 / self._limit
            self._limit = min(self._max, self._limit + step)
            self._cond.notify_all()

    def on_rate_limited(self, retry_after: float | None, started: float | None = None) -> None:
        """A 429: halve concurrency (once per episode), pause everyone for `retry_after`, and
        pace at the rate the API accepted over the last minute."""
        with self._cond:
            now = self._clock()
            if started is None or started >= self._last_decrease:
                self._limit = max(1.0, self._limit / 2.0)
                self._last_decrease = now
            if retry_after is not None:
                self._pause_until = max(self._pause_until, now + retry_after)
            _trim(self._accepted, now)
            accepted = len(self._accepted)
            if not self._rate_is_user_set and accepted >= MIN_REQUESTS_TO_LEARN:
                learned = accepted / WINDOW_SECONDS * LEARNED_RATE_MARGIN
                self._rate = min(self._rate, learned) if self._rate else learned
                self._next_start = max(self._next_start, self._pause_until)
                self._probing = False
            self._cond.notify_all()


def _trim(times: deque[float], now: float) -> None:
    """Drop the times that left the trailing minute."""
    while times and times[0] <= now - WINDOW_SECONDS:
        times.popleft()
