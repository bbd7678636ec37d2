"""Turning exact figures into text for the page: the only place anything is rounded."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Unit = Literal["count", "tokens", "usd", "percent", "lines"]

DASH = "—"
_CENT = Decimal("0.01")
_SMALL = Decimal("0.0001")


def usd(value: Decimal | int) -> str:
    """$1,234.56; amounts under a cent keep four decimals so they do not read as $0.00."""
    amount = Decimal(value)
    if amount and abs(amount) < _CENT:
        return f"${amount.quantize(_SMALL, ROUND_HALF_UP):,}"
    return f"${amount.quantize(_CENT, ROUND_HALF_UP):,}"


def count(value: int | Decimal) -> str:
    """1,234."""
    return f"{int(value):,}"


def compact(value: float | int | Decimal) -> str:
    """1.2k, 3.4M, 5.6B: short numbers for axes and headline cards."""
    number = float(value)
    for limit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(number) >= limit:
            text = f"{number / limit:.1f}".removesuffix(".0")
            return f"{text}{suffix}"
    return f"{number:.2f}".rstrip("0").rstrip(".") if number % 1 else f"{int(number)}"


def percent(value: Decimal | float | None, digits: int = 1) -> str:
    """87.5%, or a dash when there is nothing to divide."""
    if value is None:
        return DASH
    return f"{float(value) * 100:.{digits}f}%"


def value(amount: Decimal | int, unit: Unit) -> str:
    """A figure in full with its unit, e.g. for tooltips and table cells."""
    if unit == "usd":
        return usd(amount)
    if unit == "percent":
        return percent(Decimal(amount))
    if unit == "tokens":
        return f"{count(amount)} tokens"
    return count(amount)


def tick(amount: float, unit: Unit) -> str:
    """An axis label."""
    if unit == "usd":
        return f"${compact(amount)}"
    if unit == "percent":
        return f"{amount * 100:.0f}%"
    return compact(amount)


def day(value: date) -> str:
    """2025-08-01."""
    return value.isoformat()


def short_day(value: date) -> str:
    """Aug 1."""
    return f"{value:%b} {value.day}"


def moment(value: datetime | None) -> str:
    """2025-08-01 14:03 UTC, or a dash."""
    if value is None:
        return DASH
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return f"{value:%Y-%m-%d %H:%M} UTC"
