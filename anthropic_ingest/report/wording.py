"""Names and one-sentence explanations of the figures that are easy to confuse.

Billed spend and the Claude Code estimate are both dollars and both "cost", but only one is
a bill: every place showing either says which it is, with the same words.
"""

from __future__ import annotations

from datetime import date, timedelta

BILLED = "Billed API spend"
BILLED_WHY = (
    "What the organization is invoiced for API usage, from Anthropic's cost report (cost_report)."
)
ESTIMATE = "Claude Code estimated cost"
ESTIMATE_WHY = (
    "A list-price estimate from the Claude Code report, not a bill: subscription seats "
    "are not billed per token."
)
PARTIAL_WEEKS = (
    "Hatched: a week only partly inside the report's range ({weeks}); it counts only its "
    "days inside the range, so it is drawn lighter rather than compared with full weeks."
)


def partial_weeks(mondays: list[date], first: date, last: date) -> list[date]:
    """The ISO weeks (by Monday) that begin before `first` or end after `last`."""
    return [m for m in mondays if m < first or m + timedelta(days=6) > last]


def describe_partial(mondays: list[date], first: date, last: date) -> str:
    """'week of Jul 28: 5 of 7 days; …' for the partial weeks."""
    parts = []
    for monday in mondays:
        inside = min(last, monday + timedelta(days=6)) - max(first, monday)
        days = inside.days + 1
        parts.append(f"week of {monday:%b} {monday.day}, {monday.year}: {days} of 7 days")
    return "; ".join(parts)
