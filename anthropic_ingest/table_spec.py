"""The shape of a table declaration (`TableSpec`), shared by every module that declares tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from anthropic_ingest.endpoints import Endpoint
from anthropic_ingest.schema import Column, col

Mode = Literal["replace", "window"]


@dataclass(frozen=True)
class TableSpec:
    """A destination table: where its rows come from and how they are loaded."""

    name: str
    description: str
    endpoint: str
    source: Endpoint
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    to_rows: Callable[[dict[str, Any]], list[dict[str, Any]]]
    mode: Mode = "replace"
    cursor: str | None = None
    not_provided: tuple[tuple[str, str], ...] = ()
    # Fields the API documents as always sent: one that goes missing loads as null, with a
    # warning, so a change in the API is noticed instead of silently blanking a column.
    expected_fields: frozenset[str] = frozenset()
    # Window tables: days re-read before the last day or bucket that loaded rows, because the
    # API still adds to them for about that long (the lookback_days source option overrides).
    lookback_days: int = 0
    # Beyond the original product page: a plan or key that does not offer it (403 or 404)
    # makes it "not available" in a sync instead of failing the run.
    optional: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def mode_text(self) -> str:
        if self.mode == "window":
            return (
                f"incremental on {self.cursor}: each run re-loads a window of "
                f"{'buckets' if self.source.paging == 'buckets' else 'days'} and replaces "
                "exactly the rows of that window; a run without an interval resumes "
                f"{self.lookback_days} days before the last {self.cursor} that loaded rows"
                f"{self._history_text}"
            )
        return "replace: every run loads the current state"

    @property
    def _history_text(self) -> str:
        first, days = self.source.data_from, self.source.history_days
        if first is None:
            return ""
        return (
            f"; the API has data from {first.isoformat()} and for the last {days} days only, "
            "so a first run starts at the later of the two"
        )


def one_row(fn: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict[str, Any]], list]:
    def rows(record: dict[str, Any]) -> list[dict[str, Any]]:
        return [fn(record)]

    rows.__doc__ = fn.__doc__
    return rows


EXTRA = col(
    "extra_fields",
    "json",
    "Fields the API sent that this version does not map to a column, as JSON (null when none).",
    "(any unmapped field)",
)
