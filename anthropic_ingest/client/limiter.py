"""One shared, adaptive limiter per run: it bounds requests in flight and paces their rate.

Concurrency grows additively while answers are clean and halves on a 429 (AIMD). The request
rate is unbounded until the API first says 429; from then on requests are paced just under the
rate the API accepted in the last minute, so a long backfill settles at the organization's
limit with only a handful of 429s. When the user states the limit (`requests_per_minute=`),
requests are paced at it from the first one and the API never has to say 429.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

WINDOW_SECONDS = 60.0
LEARNED_RATE_MARGIN = 0.95
# A 429 after only a few requests says the quota is used elsewhere, not what our rate should
# be: pace only once a minute's window holds enough requests to measure it.
MIN_REQUESTS_TO_LEARN = 10


class AdaptiveLimiter:
    """Thread-safe concurrency bound plus request pacing shared by every worker of a run."""

    def __init__(
        self,
        concurrency: int = 4,
        max_concurrency: int = 16,
        requests_per_minute: float | None = None,
    ) -> None:
        self._cond = threading.Condition()
        self._limit = float(max(1, concurrency))
        self._max = float(max(concurrency, max_concurrency))
        self._in_flight = 0
        self._pause_until = 0.0
        self._rate = requests_per_minute / 60.0 if requests_per_minute else None
        self._rate_is_user_set = requests_per_minute is not None
        self._next_start = 0.0
        self._recent: deque[float] = deque()

    @property
    def concurrency(self) -> int:
        return int(self._limit)

    @property
    def requests_per_minute(self) -> float | None:
        return self._rate * 60.0 if self._rate else None

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one request slot: wait for capacity, any server-requested pause, and the pace."""
        self._acquire()
        try:
            yield
        finally:
            with self._cond:
                self._in_flight -= 1
                self._cond.notify_all()

    def _acquire(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                if now < self._pause_until:
                    self._cond.wait(self._pause_until - now)
                elif self._in_flight >= int(self._limit):
                    self._cond.wait()
                else:
                    break
            self._in_flight += 1
            start = now
            if self._rate:
                start = max(now, self._next_start)
                self._next_start = start + 1.0 / self._rate
            self._recent.append(start)
        delay = start - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def on_success(self) -> None:
        """A clean answer: grow concurrency by one per window of successes."""
        with self._cond:
            self._limit = min(self._max, self._limit + 1.0 / self._limit)
            self._cond.notify_all()

    def on_rate_limited(self, retry_after: float | None) -> None:
        """A 429: halve concurrency, pause everyone, and learn the rate the API accepts."""
        with self._cond:
            now = time.monotonic()
            self._limit = max(1.0, self._limit / 2.0)
            if retry_after is not None:
                self._pause_until = max(self._pause_until, now + retry_after)
            while self._recent and self._recent[0] < now - WINDOW_SECONDS:
                self._recent.popleft()
            accepted = len(self._recent) - 1
            if not self._rate_is_user_set and accepted >= MIN_REQUESTS_TO_LEARN:
                learned = accepted / WINDOW_SECONDS * LEARNED_RATE_MARGIN
                self._rate = min(self._rate, learned) if self._rate else learned
                self._next_start = max(self._next_start, self._pause_until)
            self._cond.notify_all()
