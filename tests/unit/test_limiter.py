"""The adaptive limiter's decisions, on a fake clock (nothing here waits or times anything)."""

from __future__ import annotations

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
    assert lim.capacity == 4  # the few that would meet a 429 if the limit is the documented one
    succeed(lim, clock, 3)  # 101 accepted within a minute: the limit is higher
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
