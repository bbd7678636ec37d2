"""The adaptive limiter's decisions, on a fake clock (nothing here waits or times anything)."""

from __future__ import annotations

import pytest

from anthropic_ingest.client.limiter import AdaptiveLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def limiter(clock: FakeClock, **kwargs: object) -> AdaptiveLimiter:
    return AdaptiveLimiter(clock=clock, sleep=clock.sleep, **kwargs)  # type: ignore[arg-type]


def succeed(lim: AdaptiveLimiter, clock: FakeClock, count: int, gap: float = 0.01) -> None:
    for _ in range(count):
        with lim.slot() as started:
            clock.now += gap
            lim.on_success(started)


def test_learns_the_rate_the_api_accepted_not_the_requests_sent() -> None:
    clock = FakeClock()
    lim = limiter(clock, concurrency=16, max_concurrency=16)
    succeed(lim, clock, 100)
    lim.on_rate_limited(59.0, started=clock.now)
    # 100 accepted in the trailing minute: paced 5% under 100 a minute.
    assert lim.requests_per_minute == 95.0


def test_few_acceptances_teach_no_rate() -> None:
    clock = FakeClock()
    lim = limiter(clock)
    succeed(lim, clock, 3)
    lim.on_rate_limited(1.0, started=clock.now)
    assert lim.requests_per_minute is None


def test_halves_once_for_the_requests_already_in_flight() -> None:
    clock = FakeClock()
    lim = limiter(clock, concurrency=16, max_concurrency=16)
    in_flight = clock.now
    clock.now += 0.05
    lim.on_rate_limited(None, started=in_flight)
    assert lim.concurrency == 8
    for _ in range(10):
        lim.on_rate_limited(None, started=in_flight)
    assert lim.concurrency == 8
    lim.on_rate_limited(None, started=clock.now + 1)
    assert lim.concurrency == 4


def test_a_stated_limit_is_paced_just_under_it_from_the_first_request() -> None:
    clock = FakeClock()
    lim = limiter(clock, requests_per_minute=100)
    starts = []
    for _ in range(101):
        with lim.slot() as started:
            starts.append(started)
            lim.on_success(started)
    assert lim.requests_per_minute == 98.0
    # Never 101 starts within a minute, so the API never has to refuse one.
    assert starts[100] - starts[0] > 60.0
    assert lim.capacity == lim.concurrency  # no soft ceiling when the limit is known


def test_approaches_the_documented_limit_with_few_requests_in_flight() -> None:
    clock = FakeClock()
    lim = limiter(clock, concurrency=16, max_concurrency=16)
    succeed(lim, clock, 84)
    assert lim.capacity == 16
    succeed(lim, clock, 6)
    assert lim.capacity == 10  # never more in flight than the documented 100 leave
    succeed(lim, clock, 8)
    assert lim.capacity == 2
    succeed(lim, clock, 2)
    assert lim.capacity == 1  # the one that meets a 429 if the limit is the documented one
    succeed(lim, clock, 1)  # 101 accepted within a minute: the limit is higher
    assert lim.capacity == 16


def test_the_soft_ceiling_ends_once_a_rate_is_learned() -> None:
    clock = FakeClock()
    lim = limiter(clock, concurrency=16, max_concurrency=16)
    succeed(lim, clock, 100)
    lim.on_rate_limited(59.0, started=clock.now)
    clock.now += 61.0
    succeed(lim, clock, 95, gap=0.6)
    assert lim.capacity == lim.concurrency


def test_grows_by_one_per_answer_until_the_first_429() -> None:
    clock = FakeClock()
    lim = limiter(clock, concurrency=4, max_concurrency=16)
    succeed(lim, clock, 5)
    assert lim.concurrency == 9
    succeed(lim, clock, 20)
    assert lim.concurrency == 16  # never past the most allowed


def test_grows_additively_after_a_429() -> None:
    clock = FakeClock()
    lim = limiter(clock, concurrency=8, max_concurrency=16)
    with lim.slot() as started:
        lim.on_rate_limited(None, started)
    assert lim.concurrency == 4
    succeed(lim, clock, 5)  # about one more per window of answers
    assert lim.concurrency == 5
    succeed(lim, clock, 6)
    assert lim.concurrency == 6


def top(low: float, high: float) -> float:
    """A jitter that always draws the highest wait it may."""
    return high


def test_a_server_error_shrinks_nothing_and_pauses_no_one() -> None:
    clock = FakeClock()
    lim = limiter(clock, concurrency=8, max_concurrency=16, uniform=top)
    succeed(lim, clock, 100)
    lim.on_rate_limited(0.0, started=clock.now)  # the documented limit: a rate is learned
    succeed(lim, clock, 8)
    concurrency, rate = lim.concurrency, lim.requests_per_minute
    assert (concurrency, rate) == (16, 95.0)
    waits = [lim.on_failure(None, failures) for failures in range(1, 9)]
    # Its own request backs off, doubling and capped; nothing shared changes.
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert lim.on_failure(3.0, 1) == 3.0  # a retry-after on a 503 is honoured
    assert (lim.concurrency, lim.requests_per_minute) == (concurrency, rate)
    assert lim.paused_until <= clock.now
    waited_from = clock.now
    with lim.slot() as started:
        assert started - waited_from < 1.0  # the pace's spacing, no pause
        lim.on_success(started)


def test_a_429_without_retry_after_pauses_everyone_and_waits_longer_each_episode() -> None:
    clock = FakeClock()
    drawn: list[tuple[float, float]] = []

    def jitter(low: float, high: float) -> float:
        drawn.append((low, high))
        return high

    lim = limiter(clock, concurrency=4, max_concurrency=16, uniform=jitter)
    waits = []
    for _ in range(6):
        with lim.slot() as started:
            waits.append(lim.on_rate_limited(None, started))
            paused_from = clock.now
    assert waits == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0]  # capped at backoff_max
    assert drawn[0] == (1.0, 2.0)  # jittered: the first wait is 1-2 s
    assert lim.paused_until == paused_from + 30.0
    # Every other request waits the pause out too.
    with lim.slot() as started:
        assert started >= paused_from + 30.0
        lim.on_success(started)
    # A clean answer ends the streak: the next episode waits 1-2 s again.
    with lim.slot() as started:
        assert lim.on_rate_limited(None, started) == 2.0


def test_the_429s_of_one_episode_share_one_pause() -> None:
    clock = FakeClock()
    lim = limiter(clock, concurrency=8, max_concurrency=8, uniform=top)
    in_flight = clock.now
    clock.now += 0.1
    assert lim.on_rate_limited(None, started=in_flight) == 2.0
    clock.now += 0.5
    assert lim.on_rate_limited(None, started=in_flight) == 1.5  # what is left of it
    assert lim.concurrency == 4


def test_a_429_with_retry_after_is_honoured() -> None:
    clock = FakeClock()
    lim = limiter(clock, uniform=lambda low, high: 1 / 0)  # no wait of its own is drawn
    with lim.slot() as started:
        assert lim.on_rate_limited(7.0, started) == 7.0
        paused_from = clock.now
    assert lim.paused_until == paused_from + 7.0
    with lim.slot() as started:
        assert started >= paused_from + 7.0


def test_a_429_after_a_neighbour_used_the_quota_teaches_the_refill_not_a_collapse() -> None:
    clock = FakeClock()
    lim = limiter(clock, concurrency=4, max_concurrency=16, uniform=top)
    succeed(lim, clock, 12, gap=0.1)  # what the other clients of the org left this minute
    with lim.slot() as started:
        lim.on_rate_limited(None, started)
    assert lim.requests_per_minute is None  # not 12 a minute
    # The pause (2 s) over, the API accepts what it refilled meanwhile at 5 a second.
    succeed(lim, clock, 10, gap=0.01)
    with lim.slot() as started:
        lim.on_rate_limited(None, started)
    rate = lim.requests_per_minute
    assert rate is not None and 250 < rate < 300


def test_the_pace_climbs_back_after_clean_answers() -> None:
    clock = FakeClock()
    lim = limiter(clock, concurrency=16, max_concurrency=16, uniform=top)
    succeed(lim, clock, 100)
    lim.on_rate_limited(0.0, started=clock.now)  # a neighbour had most of the quota
    assert (lim.concurrency, lim.requests_per_minute) == (8, 95.0)
    succeed(lim, clock, 8, gap=0.0)
    assert lim.concurrency == 16  # paced: concurrency is back within a round
    began = clock.now
    while clock.now - began < 61.0:  # the neighbour is gone: a clean minute at the pace
        succeed(lim, clock, 1, gap=0.0)
    assert lim.requests_per_minute == pytest.approx(95.0 * 1.1)
    while clock.now - began < 245.0:  # each further clean minute raises it more
        succeed(lim, clock, 1, gap=0.0)
    rate = lim.requests_per_minute
    assert rate is not None and rate > 3 * 95.0


def test_a_429_after_a_raise_goes_back_under_the_pace_that_stayed_clean() -> None:
    clock = FakeClock()
    lim = limiter(clock, concurrency=16, max_concurrency=16, uniform=top)
    succeed(lim, clock, 100)
    lim.on_rate_limited(0.0, started=clock.now)
    began = clock.now
    while clock.now - began < 121.0:
        succeed(lim, clock, 1, gap=0.0)
    assert lim.requests_per_minute == pytest.approx(95.0 * 1.1 * 1.2)
    with lim.slot() as started:
        lim.on_rate_limited(1.0, started)
    assert lim.requests_per_minute == pytest.approx(95.0 * 1.1 * 0.9)


def test_the_pace_does_not_rise_while_the_run_is_slower_than_it() -> None:
    clock = FakeClock()
    lim = limiter(clock, concurrency=16, max_concurrency=16, uniform=top)
    succeed(lim, clock, 100)
    lim.on_rate_limited(0.0, started=clock.now)
    succeed(lim, clock, 20, gap=5.0)  # 12 a minute, against a pace of 95
    assert lim.requests_per_minute == 95.0


def test_a_stated_limit_never_moves() -> None:
    clock = FakeClock()
    lim = limiter(clock, requests_per_minute=300, uniform=top)
    succeed(lim, clock, 30, gap=0.0)
    with lim.slot() as started:
        lim.on_rate_limited(None, started)
    succeed(lim, clock, 400, gap=0.0)
    assert lim.requests_per_minute == 294.0
