"""JSON bodies as bytes, with Decimal numbers written exactly (never through a float).

The C encoder cannot emit raw number text, so each Decimal is first written as a marked
string and the marks are then replaced by the number's exact decimal digits. Already-encoded
`Fragment`s (cached report results) are spliced in the same way. Generated data never
contains the NUL character the marks start with, so nothing else can match.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

_DECIMAL = "\x00dec:"
_DECIMALS = re.compile(r'"\\u0000dec:(-?[0-9]+(?:\.[0-9]+)?)"')
_FRAGMENT = "\x00frag:"
_FRAGMENTS = re.compile(r'"\\u0000frag:([0-9]+)"')


class Fragment:
    """JSON text encoded once and spliced verbatim into every document that holds it."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _dumps(payload: Any, fragments: list[str]) -> str:
    def default(value: object) -> str:
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError(f"cannot encode {value} as a JSON number")
            return _DECIMAL + format(value.normalize(), "f")
        if isinstance(value, Fragment):
            fragments.append(value.text)
            return f"{_FRAGMENT}{len(fragments) - 1}"
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=default)
    if "\\u0000dec:" in text:
        text = _DECIMALS.sub(r"\1", text)
    return text


def fragment(payload: Any) -> Fragment:
    """Encode `payload` once, for reuse inside larger documents."""
    return Fragment(_dumps(payload, []))


def encode(payload: Any) -> bytes:
    """Compact UTF-8 JSON; Decimals become exact JSON numbers, Fragments are spliced in."""
    fragments: list[str] = []
    text = _dumps(payload, fragments)
    if fragments:
        text = _FRAGMENTS.sub(lambda m: fragments[int(m.group(1))], text)
    return text.encode("utf-8")
