"""Strict reading of query parameters: every malformed value becomes a 400, never a guess.

Arrays use bracket notation (`group_by[]=model`); bare repeated names (`group_by=model`) are
accepted too. Parameters nobody asks for (`beta=true`, ...) are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from anthropic_ingest.emulator.errors import invalid_request
from anthropic_ingest.emulator.timeutil import parse_day, parse_rfc3339

_INT = re.compile(r"^[0-9]+$")


class Query:
    """The query string of one request as (name, value) pairs, with validating accessors."""

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        self.pairs = list(pairs)

    def value(self, name: str) -> str | None:
        """The last value given for `name`, or None."""
        found = None
        for key, val in self.pairs:
            if key == name:
                found = val
        return found

    def values(self, name: str) -> list[str]:
        """Every value of array parameter `name` (`name[]=...` or `name=...`), deduplicated."""
        out: list[str] = []
        for key, val in self.pairs:
            if key in (f"{name}[]", name) and val not in out:
                out.append(val)
        return out

    def limit(self, default: int, maximum: int) -> int:
        """`limit` as an int in [1, maximum], or `default` when absent."""
        raw = self.value("limit")
        if raw is None:
            return default
        if not _INT.match(raw) or not 1 <= int(raw) <= maximum:
            raise invalid_request(f"limit: must be an integer between 1 and {maximum}")
        return int(raw)

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean parameter spelled `true` or `false`."""
        raw = self.value(name)
        if raw is None:
            return default
        if raw.lower() not in ("true", "false"):
            raise invalid_request(f"{name}: must be true or false, got {raw!r}")
        return raw.lower() == "true"

    def choice(self, name: str, allowed: Iterable[str], default: str | None = None) -> str | None:
        """A single enum value, or `default` when absent."""
        raw = self.value(name)
        if raw is None:
            return default
        options = tuple(allowed)
        if raw not in options:
            raise invalid_request(f"{name}: {raw!r} is not one of {', '.join(options)}")
        return raw

    def choices(self, name: str, allowed: Iterable[str]) -> list[str]:
        """An array of enum values; any unknown value is an error."""
        options = tuple(allowed)
        chosen = self.values(name)
        for raw in chosen:
            if raw not in options:
                raise invalid_request(f"{name}[]: {raw!r} is not one of {', '.join(options)}")
        return chosen

    def moment(self, name: str, *, required: bool) -> datetime | None:
        """An RFC 3339 date-time with a time zone."""
        raw = self.value(name)
        if raw is None:
            if required:
                raise invalid_request(f"{name}: field required")
            return None
        try:
            return parse_rfc3339(raw)
        except ValueError:
            raise invalid_request(
                f"{name}: {raw!r} is not an RFC 3339 date-time such as 2025-01-01T00:00:00Z"
            ) from None

    def day(self, name: str) -> date:
        """A required `YYYY-MM-DD` date (a date-time is rejected)."""
        raw = self.value(name)
        if raw is None:
            raise invalid_request(f"{name}: field required")
        try:
            return parse_day(raw)
        except ValueError:
            raise invalid_request(f"{name}: {raw!r} is not a date in YYYY-MM-DD form") from None

    def exclusive(self, *names: str) -> None:
        """Reject a request that sets more than one of `names`."""
        given = [n for n in names if self.value(n) is not None]
        if len(given) > 1:
            raise invalid_request(f"{' and '.join(given)} cannot be used together")
