"""JSON bodies as bytes, with Decimal numbers written exactly (never through a float).

The C encoder cannot emit raw number text, so each Decimal is first written as a marked
string and the marks are then replaced by the number's exact decimal digits. Generated data
never contains the NUL character the mark starts with, so nothing else can match.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

_MARK = "\x00dec:"
_MARKED = re.compile(r'"\\u0000dec:(-?[0-9]+(?:\.[0-9]+)?)"')


def _default(value: object) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot encode {value} as a JSON number")
        return _MARK + format(value.normalize(), "f")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def encode(payload: Any) -> bytes:
    """Compact UTF-8 JSON; Decimals become exact JSON numbers."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_default)
    if "\\u0000dec:" in text:
        text = _MARKED.sub(r"\1", text)
    return text.encode("utf-8")
