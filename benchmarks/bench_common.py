"""What the benchmark scenarios share: the emulated organization, request logs, the minimum."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import measure

from anthropic_ingest.emulator import EmulatorConfig, RemoteEmulator, SyntheticOrg

SEED = 42
YEAR = ("2025-01-01", "2025-12-31")
DATA_RANGE = (date(2025, 1, 1), date(2025, 12, 31))
CLAUDE_CODE_PAGE = 1000  # the API's largest page of Claude Code records
LIST_PAGE = 1000  # the API's largest page of a list endpoint
ORG = "/v1/organizations"


@dataclass
class Section:
    """One scenario's part of RESULTS.md."""

    title: str
    lines: list[str] = field(default_factory=list)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def table(self, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        self.lines.append("| " + " | ".join(header) + " |")
        self.lines.append("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            self.lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
        self.lines.append("")


def emulator_config(users: int, latency_ms: int = 0, rpm: int | None = None) -> EmulatorConfig:
    """The emulated organization of every scenario: seed 42, data for all of 2025."""
    return EmulatorConfig(
        seed=SEED,
        users=users,
        start_date=DATA_RANGE[0],
        end_date=DATA_RANGE[1],
        latency_ms=latency_ms,
        rate_limit_rpm=rpm,
    )


def days(interval: tuple[str, str]) -> list[date]:
    """Every day of an inclusive interval."""
    first, last = date.fromisoformat(interval[0]), date.fromisoformat(interval[1])
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def statuses(log: list[dict[str, Any]]) -> Counter[int | None]:
    """How many logged requests got each status."""
    return Counter(entry["status"] for entry in log)


def pages(count: int, page: int) -> int:
    """Requests to list `count` items `page` at a time (an empty list still takes one)."""
    return max(1, math.ceil(count / page))


def claude_code_minimum(org: SyntheticOrg, interval: tuple[str, str]) -> tuple[int, int]:
    """(records, fewest requests) for Claude Code usage over `interval`: a chain per day."""
    counts = [len(org.claude_code_records(day)) for day in days(interval)]
    return sum(counts), sum(pages(n, CLAUDE_CODE_PAGE) for n in counts)


def seconds(value: float) -> str:
    return f"{value:,.1f} s" if value < 600 else f"{value / 60:,.1f} min"


def shown(command: Sequence[str], emu: RemoteEmulator, scratch: Path) -> str:
    """A command line for RESULTS.md: key, emulator address and scratch folder as names."""
    text = measure.shown(command, emu.admin_key)
    return text.replace(emu.base_url, "$EMULATOR").replace(str(scratch), "$TMP")
