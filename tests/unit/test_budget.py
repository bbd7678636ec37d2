"""The byte budget: what fetched pages a run holds at once, and that it never deadlocks."""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from anthropic_ingest.errors import UsageError
from anthropic_ingest.load.budget import MB, ByteBudget, Holding, hold, reserve
from anthropic_ingest.load.fetch import ordered_map
from anthropic_ingest.load.source_uri import parse_source_uri

KEY = "sk-ant-admin01-test"


def _until_waiting(budget: ByteBudget, count: int) -> None:
    """Wait (at most a generous minute, as a safety net) until `count` batches wait for room."""
    deadline = time.monotonic() + 60
    while budget.waiting != count:
        assert time.monotonic() < deadline, "no batch started waiting for room"
        time.sleep(0.001)


def _take_in_thread(holding: Holding, size: int) -> threading.Thread:
    thread = threading.Thread(target=holding.take, args=(size,), daemon=True)
    thread.start()
    return thread


def test_a_page_that_does_not_fit_waits_until_another_batch_gives_back() -> None:
    budget = ByteBudget(100)
    lane = budget.lane()
    first, second = lane.start(), lane.start()
    first.take(80)
    waiting = _take_in_thread(second, 30)
    _until_waiting(budget, 1)
    assert budget.used == 80 and second.size == 0
    first.give_back()
    waiting.join()
    assert budget.used == 30 and second.size == 30 and budget.waiting == 0
    second.give_back()
    assert budget.used == 0


def test_the_oldest_batch_still_fetching_never_waits() -> None:
    """Batches are handed over in order: the head of a lane goes on over the budget (a batch
    larger than the whole budget is fetched alone), and the next one is head once it ends."""
    budget = ByteBudget(100)
    lane = budget.lane()
    first, second, third = lane.start(), lane.start(), lane.start()
    first.take(500)  # alone larger than the budget
    assert budget.used == 500
    first.finish()  # fetched; held until handed over
    second.take(50)  # now the head
    waiting = _take_in_thread(third, 1)
    _until_waiting(budget, 1)
    assert third.size == 0
    second.finish()  # third becomes the head
    waiting.join()
    assert budget.used == 551


def test_lanes_share_the_budget() -> None:
    budget = ByteBudget(100)
    one, other = budget.lane(), budget.lane()
    one.start().take(90)
    blocked_head, behind = other.start(), other.start()
    blocked_head.take(20)  # another lane's head may still go on
    waiting = _take_in_thread(behind, 20)
    _until_waiting(budget, 1)
    blocked_head.give_back()
    assert budget.waiting == 1 and budget.used == 90  # 90 + 20 still does not fit
    one.running[0].give_back()
    waiting.join()
    assert budget.used == 20


def test_no_limit_never_waits_and_hold_outside_a_batch_is_free() -> None:
    budget = ByteBudget(None)
    lane = budget.lane()
    lane.start()
    lane.start().take(10**12)
    assert budget.used == 10**12
    hold(10**12)  # no batch on this thread: not counted
    assert budget.used == 10**12


def test_ordered_map_counts_pages_until_handed_over_and_never_deadlocks() -> None:
    """Every item holds more than the whole budget: they run one after the other, in order,
    and everything is given back."""
    budget = ByteBudget(100)
    most = 0
    lock = threading.Lock()

    def fetch(n: int) -> int:
        nonlocal most
        for _ in range(3):
            hold(60)
        with lock:
            most = max(most, budget.used)
        return n * n

    results = list(ordered_map(fetch, range(12), workers=4, budget=budget))
    assert results == [n * n for n in range(12)]
    assert budget.used == 0 and budget.waiting == 0
    assert most >= 180


def test_ordered_map_gives_back_what_a_failed_run_held() -> None:
    budget = ByteBudget(100)

    def fetch(n: int) -> int:
        hold(40)
        if n == 5:
            raise RuntimeError("boom")
        return n

    with pytest.raises(RuntimeError):
        list(ordered_map(fetch, range(20), workers=3, budget=budget))
    assert budget.used == 0

    # A consumer that stops early gives back too.
    def held(n: int) -> int:
        hold(40)
        return n

    mapped = ordered_map(held, range(20), workers=3, budget=budget)
    assert [next(mapped), next(mapped)] == [0, 1]
    assert isinstance(mapped, Generator)
    mapped.close()
    assert budget.used == 0


def test_a_request_reserves_its_lane_s_largest_page_and_the_answer_replaces_it() -> None:
    budget = ByteBudget(130)
    lane = budget.lane()
    first, second, third = lane.start(), lane.start(), lane.start()
    first.reserve()  # the lane has no page yet: nothing to reserve
    assert budget.used == 0
    first.settle(60)
    assert budget.used == 60 and lane.page_bytes == 60
    second.reserve()  # 60 + 60 fits
    assert budget.used == 120 and second.reserved == 60
    second.settle(20)  # smaller than reserved: the rest goes back
    assert budget.used == 80 and second.size == 20 and second.reserved == 0
    waiting = threading.Thread(target=third.reserve, daemon=True)
    waiting.start()  # 80 + 60 does not fit, and third is not the head
    _until_waiting(budget, 1)
    assert third.size == 0
    first.give_back()
    waiting.join()
    assert third.reserved == 60 and budget.used == 80
    third.settle(0)  # the request brought no page: the reservation goes back
    assert budget.used == 20 and third.size == 0


def test_ordered_map_keeps_answers_in_flight_within_the_budget() -> None:
    """Room is taken before each request: pages of 40 bytes under a budget of 100 are never
    more than the budget, plus the head's two pages (it never waits), plus the batch just
    handed over (counted here a moment after the budget has it back) in memory at once: 260.
    Counted only on arrival, the eight batches the workers start would have 640 in hand."""
    budget = ByteBudget(100)
    lock = threading.Lock()
    in_hand = most = 0

    def fetch(n: int) -> int:
        nonlocal in_hand, most
        for _ in range(2):
            reserve()
            with lock:  # the request is sent: its answer will be in memory
                in_hand += 40
                most = max(most, in_hand)
            time.sleep(0.005)
            hold(40)
        return n

    def handed_over(results: Iterator[int]) -> Iterator[int]:
        nonlocal in_hand
        for n in results:
            with lock:
                in_hand -= 80
            yield n

    mapped = handed_over(ordered_map(fetch, range(16), workers=4, budget=budget))
    assert list(mapped) == list(range(16))
    assert budget.used == 0
    assert most <= 100 + 80 + 80, most


def test_memory_budget_option() -> None:
    default = parse_source_uri(f"anthropic://?api_key={KEY}").budget
    assert default.limit == 128 * MB
    assert parse_source_uri(f"anthropic://?api_key={KEY}&memory_budget_mb=64").budget.limit == (
        64 * MB
    )
    assert parse_source_uri(f"anthropic://?api_key={KEY}&memory_budget_mb=0").budget.limit is None
    with pytest.raises(UsageError, match="memory_budget_mb='-1'"):
        parse_source_uri(f"anthropic://?api_key={KEY}&memory_budget_mb=-1")


def _duckdb_memory_limit(uri: str, tmp_path: Path) -> str:
    """The memory_limit DuckDB runs with when a run loads through the planned destination."""
    import dlt

    from anthropic_ingest import service
    from anthropic_ingest.load.plan import Target
    from anthropic_ingest.tables import get_table

    database = tmp_path / "limit.duckdb"
    plan = service._plan(
        uri, f"duckdb:///{database}", None, [Target(get_table("users"), "users")], None, None, None
    )
    pipeline = dlt.pipeline(
        "memory_limit",
        destination=plan.destination.destination,
        dataset_name="anthropic",
        pipelines_dir=str(tmp_path / "dlt"),
    )
    pipeline.run([{"id": 1}], table_name="t")
    with pipeline.sql_client() as client:
        rows = client.execute_sql("SELECT current_setting('memory_limit')")
    assert rows is not None
    return str(rows[0][0])


def test_a_duckdb_destination_loads_within_the_runs_budget(tmp_path: Path) -> None:
    """DuckDB's own default is most of the machine's memory: a year of a 10,000-user
    organization merged at over 1 GB. A run gives DuckDB its byte budget instead."""
    assert _duckdb_memory_limit(f"anthropic://?api_key={KEY}", tmp_path / "a") == "122.0 MiB"
    assert (
        _duckdb_memory_limit(f"anthropic://?api_key={KEY}&memory_budget_mb=64", tmp_path / "b")
        == "61.0 MiB"
    )
    unlimited = _duckdb_memory_limit(
        f"anthropic://?api_key={KEY}&memory_budget_mb=0", tmp_path / "c"
    )
    assert unlimited not in ("122.0 MiB", "61.0 MiB")


def test_duckdb_gets_a_workable_memory_limit_under_a_small_budget(tmp_path: Path) -> None:
    """A budget under DuckDB's minimum leaves DuckDB its minimum: with memory_budget_mb=1 as
    its limit, a sync of 40 users failed with DuckDB's "Out of Memory Error"."""
    assert _duckdb_memory_limit(
        f"anthropic://?api_key={KEY}&memory_budget_mb=1", tmp_path / "a"
    ) == _duckdb_memory_limit(f"anthropic://?api_key={KEY}&memory_budget_mb=64", tmp_path / "b")


def test_duckdb_out_of_memory_says_which_setting_to_raise(tmp_path: Path) -> None:
    import duckdb

    from anthropic_ingest import service
    from anthropic_ingest.load.plan import Target
    from anthropic_ingest.load.runner import translate_failure
    from anthropic_ingest.tables import get_table

    class StepFailed(Exception):
        step = "load"

    plan = service._plan(
        f"anthropic://?api_key={KEY}",
        f"duckdb:///{tmp_path / 'd.duckdb'}",
        None,
        [Target(get_table("users"), "users")],
        None,
        None,
        None,
    )
    failure = StepFailed("load step failed")
    failure.__cause__ = duckdb.OutOfMemoryException(
        "Out of Memory Error: could not allocate block of size 256.0 KiB (60.3 MiB/61.0 MiB used)"
    )
    message = str(translate_failure(failure, plan))
    assert message.startswith(f"duckdb:///{tmp_path / 'd.duckdb'} ran out of memory while loading")
    assert "raise memory_budget_mb in the source URI" in message
    assert KEY not in message
