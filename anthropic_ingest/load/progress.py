"""How a load reports progress. The CLI supplies a Rich or plain-log implementation."""

from __future__ import annotations

from typing import Protocol


class ProgressSink(Protocol):
    """Receives progress events; implementations must be thread-safe."""

    def table_started(self, table: str, total_units: int | None, unit: str) -> None: ...

    def advance(self, table: str, units: int, rows: int) -> None: ...

    def table_finished(self, table: str, rows: int) -> None: ...

    def note(self, message: str) -> None: ...


class NullProgress:
    """Reports nothing."""

    def table_started(self, table: str, total_units: int | None, unit: str) -> None:
        return None

    def advance(self, table: str, units: int, rows: int) -> None:
        return None

    def table_finished(self, table: str, rows: int) -> None:
        return None

    def note(self, message: str) -> None:
        return None
