"""Read response bodies: exact decimals, and pages whose records are decoded only when used.

A page of 1,000 Claude Code records is about 1 MB of JSON and, decoded, some 4 MB of Python
objects. The client decodes only a page's envelope (`has_more`, `next_page`, `last_id`) and
validates the whole body; the records stay as raw JSON (`RawRecords`) until the loader reads
them, so a page waiting its turn costs its bytes, not its objects.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import msgspec


class _Envelope(msgspec.Struct):
    data: msgspec.Raw = msgspec.Raw(b"null")
    has_more: Any = None
    next_page: Any = None
    last_id: Any = None


_ENVELOPE = msgspec.json.Decoder(_Envelope)
# Non-integer numbers become Decimal, exactly as written: money is never a float.
_VALUES = msgspec.json.Decoder(float_hook=Decimal)


class RawRecords:
    """A page's `data` array, kept as raw JSON until `decode` is called."""

    __slots__ = ("_raw",)

    def __init__(self, raw: msgspec.Raw) -> None:
        self._raw = raw

    def is_array(self) -> bool:
        return bytes(memoryview(self._raw)[:1]) == b"["  # msgspec strips leading whitespace

    def raw_bytes(self) -> memoryview:
        """The array's JSON text, as sent."""
        return memoryview(self._raw)

    def decode(self) -> list[dict[str, Any]]:
        with collector_paused():
            records: list[dict[str, Any]] = _VALUES.decode(self._raw)
        return records


def parse_page(content: bytes) -> dict[str, Any]:
    """Parse a list or report page: its cursor fields, and its records as `RawRecords`.

    Raises ValueError (msgspec's DecodeError) for a body that is not complete JSON; JSON that
    is not an object comes back without `data`, for the paginator to refuse.
    """
    try:
        envelope = _ENVELOPE.decode(content)
    except msgspec.ValidationError:
        _VALUES.decode(content)  # still raises if the body is not JSON at all
        return {"data": None, "has_more": None, "next_page": None, "last_id": None}
    return {
        "data": RawRecords(envelope.data),
        "has_more": envelope.has_more,
        "next_page": envelope.next_page,
        "last_id": envelope.last_id,
    }


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while records are decoded and flattened.

    A page of 1,000 Claude Code records is some 6,000 container objects. Decoding it triggers
    collections that traverse every page still alive on other threads, and promotes them so
    that full collections follow: in a profile of a 270,000-record backfill, collections cost
    more than the parsing itself. Decoding and flattening create no reference cycles, so
    nothing is lost by waiting until they end. A collector the host application switched off
    stays off.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
