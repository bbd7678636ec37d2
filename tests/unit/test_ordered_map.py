"""`ordered_map`, the concurrent fetch of days, chunks and children."""

from __future__ import annotations

import threading

import pytest

from anthropic_ingest.load.fetch import ordered_map


def test_results_keep_their_order() -> None:
    assert list(ordered_map(lambda n: n * n, range(20), workers=4)) == [n * n for n in range(20)]


def test_a_refused_first_item_sends_no_other_request() -> None:
    """A table the key cannot read costs one request, not one per day."""
    called: list[int] = []
    lock = threading.Lock()

    def fetch(day: int) -> int:
        with lock:
            called.append(day)
        if day == 0:
            raise PermissionError("403")
        return day

    with pytest.raises(PermissionError):
        list(ordered_map(fetch, range(14), workers=4))
    assert called == [0]


def test_stop_after_the_first_item_starts_no_other() -> None:
    called: list[int] = []

    def fetch(n: int) -> int:
        called.append(n)
        return n

    assert list(ordered_map(fetch, range(5), 4, lambda: True)) == [0]
    assert called == [0]


def test_no_items() -> None:
    assert list(ordered_map(lambda n: n, [], workers=2)) == []
