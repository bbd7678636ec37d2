"""One shared, adaptive limiter per run: it bounds requests in flight, paces their rate and
decides how long a refused request waits.

Concurrency. Until the first 429 it grows by one per clean answer (it doubles per round of
requests in flight, like TCP's slow start), so a run reaches full speed within a few dozen
requests. A 429 halves it, once per episode: the 429s of requests already in flight when it
halved do not halve it again. After that it grows by one a round while the run is unpaced,
and by one per clean answer again once a rate is paced (the pace bounds the rate then).

Rate. The request rate is free until the API says 429. Until then the documented limit (100
requests a minute) is a soft ceiling: as the trailing minute approaches it, fewer requests
are let into flight, down to one, so if the organization's limit is the documented one a
single request meets it, and that first 429 teaches the rate (what the trailing minute
accepted). A higher limit costs one request sent alone: once the trailing minute accepted more
than the documented 100, the ceiling is gone.
A first 429 that comes earlier teaches nothing: the organization's limit is shared by every
client of the organization, so it says the quota was used elsewhere, not at what rate it
refills. The rate is then measured between 429s: what the API accepted since the last one
that taught a rate, over the time since (less the pauses the run sat out while paced: the
capacity that refilled then went unused). Requests are paced just under it. While answers stay
clean for a minute and the pace is what holds the run back, the pace probes upward (10 %, then
a bigger step each clean minute), so a rate learned while a neighbour used the quota does not
stay low; a 429 after a raise goes back under the last pace that stayed clean. When the user
states the limit (`requests_per_minute=`), requests are paced just under it from the first one
and it never changes.

Waits. A 429 pauses every request: for its `retry-after`, or, without one (often the case on
the real API), for a jittered wait of its own that starts at 1-2 s and doubles with each 429
episode that follows another without a clean answer between them. A server error (5xx), a
dropped connection or a broken body says nothing about the rate limit: it changes nothing
shared, and only its own request waits, with jittered exponential backoff.

Shared limits. A family of endpoints with an organization-wide limit of its own (the Claude
Enterprise analytics endpoints: 60 requests a minute) is paced by `pace_shared` at that rate,
or at the user's stated `requests_per_minute`, whatever the rest of the run does.
"""

from __future__ import annotations

import random
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
# A first 429 after fewer acceptances than this (in the trailing minute) says the quota is
# used elsewhere: only a run that met the documented limit by itself learns from it.
FIRST_429_TEACHES_FROM = 90
# Between two 429s, a rate is measured only from this many acceptances.
MIN_REQUESTS_TO_LEARN = 5
DOCUMENTED_PER_MINUTE = 100
PROBE_CONCURRENCY = 1  # requests in flight past the documented limit, before the first 429
PROBE_SECONDS = 60.0  # a clean minute raises the pace
PROBE_STEP = 0.1  # the first raise; each further clean minute doubles it, up to 2x
OVERSHOOT_BACK_OFF = 0.9  # after a raise met a 429: this share of the pace before it
BUSY_SHARE = 0.8  # the pace held the run back if the API accepted this share of it
OWN_WAIT_FACTOR = 4.0  # a 429 without retry-after: the first wait is 2-4 x backoff_base
RATE_LIMITED = "rate limited"  # the reason given to `on_wait` for the pause after a 429

Uniform = Callable[[float, float], float]
# Told when requests start to wait: (seconds, reason), so a run can say why it stands still.
WaitHook = Callable[[float, str], None]


class AdaptiveLimiter:
    """Thread-safe concurrency bound, request pacing and retry waits for every worker of a run."""

    def __init__(
        self,
        concurrency: int = 4,
        max_concurrency: int = 16,
        requests_per_minute: float | None = None,
        *,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        uniform: Uniform = random.uniform,
        on_wait: WaitHook | None = None,
    ) -> None:
        self._cond = threading.Condition()
        self._on_wait = on_wait
        self._clock, self._sleep, self._uniform = clock, sleep, uniform
        self._backoff_base, self._backoff_max = backoff_base, backoff_max
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
        self._streak = 0  # 429 episodes since the last clean answer
        self._mark: float | None = None  # the 429 that last taught a rate (or the first one)
        self._since_mark = 0
        self._raised_at = 0.0  # when the pace last rose (or was learned)
        self._since_raise = 0
        self._raises = 0  # clean intervals in a row that raised the pace
        self._clean_rate: float | None = None  # the pace before the last raise
        self._paced_pause = 0.0  # seconds paused while paced, since the mark
        self._shared_next: dict[str, float] = {}  # `pace_shared`: next start per shared limit

    @property
    def concurrency(self) -> int:
        return int(self._limit)

    @property
    def requests_per_minute(self) -> float | None:
        return self._rate * 60.0 if self._rate else None

    @property
    def paused_until(self) -> float:
        """The clock time before which no request starts (0 when never paused)."""
        return self._pause_until

    @contextmanager
    def slot(self) -> Iterator[float]:
        """Hold one request slot (wait for capacity, any pause and the pace); yields the
        request's start time, to pass to `on_success`, `on_rate_limited` or `on_failure`."""
        start = self._acquire()
        try:
            yield start
        finally:
            with self._cond:
                self._in_flight -= 1
                self._cond.notify_all()

    @property
    def capacity(self) -> int:
        """Requests allowed in flight now: the concurrency, or, before a rate is known, no more
        than the documented limit leaves in the trailing minute (but at least a few)."""
        limit = int(self._limit)
        if not self._probing:
            return limit
        room = DOCUMENTED_PER_MINUTE - len(self._starts)
        return max(min(limit, PROBE_CONCURRENCY), min(limit, room))

    def _acquire(self) -> float:
        while True:
            with self._cond:
                now = self._clock()
                _trim(self._starts, now)
                if now < self._pause_until:
                    pause = self._pause_until - now
                elif self._in_flight >= self.capacity:
                    self._cond.wait()
                    continue
                else:
                    start = self._take(now)
                    break
            # Outside the lock: the injected sleep, so a fake clock can stand in for time.
            self._sleep(pause)
        delay = start - self._clock()
        if delay > 0:
            self._sleep(delay)
        return start

    def _take(self, now: float) -> float:
        """Count a request in flight and give it its start time on the pace."""
        self._in_flight += 1
        start = now
        if self._rate:
            start = max(now, self._next_start)
            self._next_start = start + 1.0 / self._rate
        self._starts.append(start)
        return start

    def on_success(self, started: float | None = None) -> None:
        """A clean answer: grow concurrency, end a streak of 429s, maybe raise the pace."""
        with self._cond:
            now = self._clock()
            self._accepted.append(now)
            _trim(self._accepted, now)
            self._since_mark += 1
            self._since_raise += 1
            if started is None or started >= self._last_decrease:
                self._streak = 0
            if self._probing and len(self._accepted) > DOCUMENTED_PER_MINUTE:
                self._probing = False
            unknown_limit = self._last_decrease > float("-inf") and self._rate is None
            step = 1.0 / self._limit if unknown_limit else 1.0
            self._limit = min(self._max, self._limit + step)
            self._maybe_raise(now)
            self._cond.notify_all()

    def _maybe_raise(self, now: float) -> None:
        """Probe upward after a clean interval in which the pace held the run back."""
        if self._rate is None or self._rate_is_user_set:
            return
        elapsed = now - self._raised_at
        if elapsed < PROBE_SECONDS:
            return
        if self._since_raise >= BUSY_SHARE * self._rate * elapsed:
            self._raises += 1
            self._clean_rate = self._rate
            self._rate *= 1.0 + min(1.0, PROBE_STEP * 2 ** (self._raises - 1))
        else:
            self._raises = 0  # the run was slower than its pace: no sign the pace is too low
        self._raised_at, self._since_raise = now, 0

    def on_rate_limited(self, retry_after: float | None, started: float | None = None) -> float:
        """A 429: halve concurrency and maybe learn the rate (once per episode), pause every
        request; returns the seconds this request waits before it is sent again."""
        with self._cond:
            now = self._clock()
            new_episode = started is None or started >= self._last_decrease
            if new_episode:
                self._limit = max(1.0, self._limit / 2.0)
                self._streak += 1
                self._learn(now)
                self._last_decrease = now
                self._raised_at, self._since_raise, self._raises = now, 0, 0
            if retry_after is not None:
                wait = retry_after
            elif new_episode:
                wait = self._own_wait()
            else:
                wait = max(0.0, self._pause_until - now)
            if self._rate:
                self._paced_pause += max(0.0, now + wait - max(self._pause_until, now))
            # Only a pause that grows is news: the other 429s of an episode fall within it.
            longer = now + wait > max(self._pause_until, now)
            self._pause_until = max(self._pause_until, now + wait)
            if self._rate:
                self._next_start = max(self._next_start, self._pause_until)
            self._cond.notify_all()
        if longer and self._on_wait is not None:
            self._on_wait(wait, RATE_LIMITED)  # outside the lock: the hook may write output
        return wait

    def _learn(self, now: float) -> None:
        """Pace at the rate the API accepted: in the trailing minute at a first 429 the run
        met by itself, else since the 429 that last taught a rate."""
        if self._rate_is_user_set:
            return
        if self._clean_rate is not None:
            # The raise overshot: under the last clean pace, so what it sent too much drains.
            self._rate, self._clean_rate = self._clean_rate * OVERSHOOT_BACK_OFF, None
            self._restart_count(now)
            return
        if self._mark is None:
            self._restart_count(now)
            _trim(self._accepted, now)
            if len(self._accepted) >= FIRST_429_TEACHES_FROM:
                self._set_rate(len(self._accepted) / WINDOW_SECONDS)
            return
        elapsed = now - self._mark - self._paced_pause
        if self._since_mark < MIN_REQUESTS_TO_LEARN or elapsed <= 0:
            return  # too few answers yet: keep counting from the same 429
        self._set_rate(self._since_mark / elapsed)
        self._restart_count(now)

    def _restart_count(self, now: float) -> None:
        self._mark, self._since_mark, self._paced_pause = now, 0, 0.0

    def _set_rate(self, accepted_per_second: float) -> None:
        self._rate = accepted_per_second * LEARNED_RATE_MARGIN
        self._probing = False

    def _own_wait(self) -> float:
        """The shared pause after a 429 that named no wait: doubling per 429 episode in a row."""
        ceiling = OWN_WAIT_FACTOR * self._backoff_base * 2 ** (self._streak - 1)
        ceiling = min(self._backoff_max, ceiling)
        return self._uniform(ceiling / 2, ceiling)

    def on_failure(self, retry_after: float | None, failures: int) -> float:
        """A server error, dropped connection or broken body: nothing shared changes; returns
        this request's wait, `retry-after` if given, else jittered exponential backoff on its
        `failures` so far."""
        if retry_after is not None:
            return retry_after
        ceiling = min(self._backoff_max, self._backoff_base * 2 ** (max(1, failures) - 1))
        return self._uniform(ceiling / 2, ceiling)

    def pace_shared(self, name: str, requests_per_minute: float) -> None:
        """Wait for a request's turn under a limit shared by one family of endpoints (the
        Claude Enterprise analytics and spend-limit endpoints: 60 a minute per organization):
        their requests are spaced evenly just under that rate, on top of the run's own pace,
        concurrency and pauses (taken afterwards, in `slot`). Call it before each request."""
        with self._cond:
            now = self._clock()
            start = max(now, self._shared_next.get(name, 0.0))
            spacing = 60.0 / (requests_per_minute * STATED_RATE_MARGIN)
            self._shared_next[name] = start + spacing
        if start > now:
            self._sleep(start - now)


def _trim(times: deque[float], now: float) -> None:
    """Drop the times that left the trailing minute."""
    while times and times[0] <= now - WINDOW_SECONDS:
        times.popleft()
