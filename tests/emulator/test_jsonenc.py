"""Exact JSON numbers from Decimals, and cached fragments spliced in verbatim."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from anthropic_ingest.emulator.jsonenc import encode, fragment


def test_decimals_are_written_exactly() -> None:
    payload = {
        "a": Decimal("186.25"),
        "b": [Decimal("42.00"), Decimal("0.1")],
        "c": Decimal("123456789012345678.000000001"),
        "d": "Zoë O'Brien",
    }
    text = encode(payload).decode("utf-8")
    assert text == ('{"a":186.25,"b":[42,0.1],"c":123456789012345678.000000001,"d":"Zoë O\'Brien"}')
    assert json.loads(text, parse_float=Decimal)["c"] == payload["c"]


def test_fragments_are_spliced() -> None:
    inner = fragment([{"amount": Decimal("0.5"), "name": "x"}])
    assert encode({"data": [inner, inner], "n": 1}) == (
        b'{"data":[[{"amount":0.5,"name":"x"}],[{"amount":0.5,"name":"x"}]],"n":1}'
    )


def test_unencodable_values_are_refused() -> None:
    with pytest.raises(ValueError, match="NaN"):
        encode({"x": Decimal("NaN")})
    with pytest.raises(TypeError, match="set"):
        encode({"x": {1}})
