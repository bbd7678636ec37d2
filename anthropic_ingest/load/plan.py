"""What a load run is asked to do, and what it reports back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from anthropic_ingest import errors
from anthropic_ingest.errors import UsageError
from anthropic_ingest.load.destinations import DestinationConfig
from anthropic_ingest.load.progress import NullProgress, ProgressSink
from anthropic_ingest.load.source_uri import SourceConfig
from anthropic_ingest.load.windows import Interval
from anthropic_ingest.tables import TableSpec

Strategy = Literal["replace", "append", "merge", "delete+insert"]
STRATEGIES: tuple[str, ...] = ("replace", "append", "merge", "delete+insert")
# How rows reach the destination: "window" replaces exactly the fetched days/buckets.
LoadMode = Literal["window", "replace", "append", "merge"]


@dataclass(frozen=True)
class Target:
    """One source table loaded into one destination table."""

    spec: TableSpec
    table: str


@dataclass
class LoadPlan:
    """Everything one run needs: source, destination, tables, interval and strategy."""

    source: SourceConfig
    destination: DestinationConfig
    dataset: str
    targets: list[Target]
    interval: Interval = field(default_factory=Interval)
    strategy: Strategy | None = None
    primary_key: tuple[str, ...] = ()
    full_refresh: bool = False
    progress: ProgressSink = field(default_factory=NullProgress)
    now: datetime | None = None
    lock_timeout: float = 1800.0
    # `ingest` (a table asked for by name): a table that is not available, or an interval
    # outside the days a table has data for, fails the run instead of being skipped.
    strict_tables: bool = False


@dataclass
class TableReport:
    """What was loaded into one table."""

    table: str
    source_table: str
    mode: LoadMode
    rows: int = 0
    window_start: datetime | None = None
    window_end: datetime | None = None
    skipped: str | None = None
    failed: str | None = None  # why the table was not (completely) loaded
    missing_fields: dict[str, int] = field(default_factory=dict)


@dataclass
class LoadReport:
    """The run's summary."""

    destination: str
    dataset: str
    tables: list[TableReport]
    requests: int
    retries: int
    rate_limited: int
    seconds: float
    views: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def load_mode(spec: TableSpec, plan: LoadPlan) -> LoadMode:
    """Resolve the user's --incremental-strategy for one table into how it is written."""
    strategy = plan.strategy
    windowed = spec.mode == "window"
    if strategy is None:
        mode: LoadMode = "window" if windowed else "replace"
    elif strategy == "replace":
        mode = "replace"
    elif strategy == "append":
        mode = "append"
    elif strategy == "merge":
        mode = "merge" if plan.primary_key or not windowed else "window"
    elif windowed:
        mode = "window"
    else:
        raise UsageError(
            f"--incremental-strategy delete+insert needs a time column; {spec.name} has none "
            "(use replace or merge)"
        )
    if mode in ("window", "merge") and not plan.destination.supports_merge:
        return "replace"
    return mode


def unavailable_reason(spec: TableSpec, error: errors.IngestError) -> str | None:
    """Why an optional table is not available to this organization or key (a 403 or a 404
    on its endpoint), in a few words; None for any other failure, and for every table of
    the original product page."""
    if not spec.optional or not isinstance(error, errors.ApiError):
        return None
    path = spec.source.path
    if spec.source.needs and error.status in (403, 404):
        return f"{spec.source.needs} ({error.status} on {path})"
    if error.status == 403:
        return (
            f"permission denied (403 on {path}): the key lacks it, or the organization's "
            "plan does not include it"
        )
    if error.status == 404:
        return f"not offered to this organization (404 on {path})"
    return None
