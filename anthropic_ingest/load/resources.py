"""dlt resources: fetch a table's batches, flatten them to Arrow, and keep the resume point.

Tables that share requests (`claude_code_usage` and its per-model companion) are one resource
that yields to both tables, so a day is fetched once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from anthropic_ingest import errors
from anthropic_ingest.client import AdminClient
from anthropic_ingest.load.arrow import check_stored_days, to_arrow, window_scope
from anthropic_ingest.load.fetch import Batch, earliest_created, fetch
from anthropic_ingest.load.flatten import Prepared, check_unique, prepare
from anthropic_ingest.load.plan import (
    LoadMode,
    LoadPlan,
    TableReport,
    Target,
    load_mode,
    unavailable_reason,
)
from anthropic_ingest.load.resume import ResumeState
from anthropic_ingest.load.windows import (
    DEFAULT_START,
    Interval,
    Window,
    clip_interval,
    floor_to,
    history_limit,
    history_start,
    plan_window,
)
from anthropic_ingest.tables_enterprise import NEEDS_ANALYTICS


def group_targets(targets: list[Target]) -> list[list[Target]]:
    """Group targets that are fetched by the same requests, keeping the user's order."""
    groups: dict[Any, list[Target]] = {}
    for target in targets:
        # Tables of one time-series endpoint (claude_code_usage and its by-model split) share
        # its requests; any other table is fetched on its own.
        key: Any = target.spec.source if target.spec.source.is_window else target.table
        groups.setdefault(key, []).append(target)
    return list(groups.values())


# Column hint marking a window table's cursor (dlt keeps `x-` hints in the schema).
WINDOW_KEY = "x-window-key"


def table_hints(target: Target, mode: LoadMode, primary_key: tuple[str, ...]) -> dict[str, Any]:
    """The dlt hints (write disposition, keys, columns) for one destination table."""
    # JSON columns are the destination's JSON type where it has one (JSON, jsonb).
    columns: dict[str, Any] = {
        c.name: {"data_type": "json"} for c in target.spec.columns if c.type == "json"
    }
    if mode == "window":
        # Each round's last item names the window it replaces (`_scoped`).
        # The cursor is what a load's scoped delete selects on: indexed where we index keys.
        columns[str(target.spec.cursor)] = {"nullable": False, WINDOW_KEY: True}
        return {
            "write_disposition": {"disposition": "merge", "strategy": "delete-insert"},
            "columns": columns,
        }
    if mode == "merge":
        key = primary_key or target.spec.key
        unknown = [k for k in key if k not in target.spec.column_names]
        if unknown:
            raise errors.UsageError(
                f"--primary-key {', '.join(unknown)} is not a column of {target.spec.name}; "
                f"columns: {', '.join(target.spec.column_names)}"
            )
        return {
            "write_disposition": {"disposition": "merge", "strategy": "delete-insert"},
            "primary_key": list(key),
            "columns": columns,
        }
    return {"write_disposition": mode, "columns": columns}


class GroupLoader:
    """Builds the dlt resource for one group of targets and records what it loaded.

    Current-state tables are fetched whole before the load (`prefetch`), so one that fails is
    left out of the load and stays as it was. A window table is loaded in rounds: each round
    hands dlt complete days or buckets and ends after `commit_seconds` of fetching (`more`
    then asks for another round); one that fails stops after its last complete batch, which
    is loaded with the point to go on from.
    """

    def __init__(
        self, group: list[Target], plan: LoadPlan, client: AdminClient, first_day: FirstDay
    ) -> None:
        self.group = group
        self.plan = plan
        self.client = client
        self.first_day = first_day
        self.lead = group[0]
        self.modes = {t.table: load_mode(t.spec, plan) for t in group}
        self.reports = {
            t.table: TableReport(t.table, t.spec.name, self.modes[t.table]) for t in group
        }
        # Keys seen so far: per run for current-state tables, per batch (a day or a report
        # chunk, whose keys include the bucket) for time series.
        self.seen_keys: dict[str, set[tuple[Any, ...]]] = {t.table: set() for t in group}
        self.failure: errors.IngestError | None = None
        # An optional table the organization or key cannot read: why (the run goes on).
        self.unavailable: str | None = None
        self.more = False
        self._fetched_any = False
        self._started = False
        self._skip = "no complete day or bucket in the requested interval"
        self._items_ready: list[Any] | None = None
        self._full: Window | None = None
        self._next_start: datetime | None = None

    @property
    def windowed(self) -> bool:
        return self.lead.spec.mode == "window"

    @property
    def in_rounds(self) -> bool:
        """Whether completed parts can be committed on their own: not when a load replaces
        the whole table."""
        return self.windowed and self.modes[self.lead.table] != "replace"

    def resource(self) -> DltResource:
        lead_hints = table_hints(self.lead, self.modes[self.lead.table], self.plan.primary_key)
        # Column hints go with each item (`_items`): set on the resource, dlt would give them
        # to every table the resource yields, the by-model split included.
        lead_hints.pop("columns", None)

        def generate() -> Iterator[Any]:
            yield from self._generate()

        return dlt.resource(
            generate,
            name=self.lead.table,
            table_name=self.lead.table,
            parallelized=True,
            **lead_hints,
        )

    def prefetch(self) -> None:
        """Fetch a current-state table whole; a failure is kept in `failure`."""
        self._start(None)
        pending = _Pending()
        items: list[Any] = []
        try:
            for prepared in fetch(
                self.lead.spec, self.client, None, self.plan.source, self._prepare
            ):
                for target, table in self._record(prepared):
                    items += self._items(pending.add(target, table))
                self.plan.progress.advance(self.lead.table, prepared.units, prepared.records)
        except errors.IngestError as exc:
            self.failure = self._not_available(exc)
            return
        self._items_ready = items + list(self._items(pending.drain()))
        self._finish()

    def _generate(self) -> Iterator[Any]:
        if not self.windowed:
            items, self._items_ready = self._items_ready or [], None
            yield from items
            return
        resume = ResumeState(dlt.current.resource_state(), self.lookback)
        try:
            yield from self._round(resume)
        except errors.IngestError as exc:
            failure = self._not_available(exc) if not self._fetched_any else exc
            self.more = False
            if failure is None:
                return
            if not self.in_rounds or failure is not exc:
                raise failure from None
            self.failure = failure

    def _not_available(self, exc: errors.IngestError) -> errors.IngestError | None:
        """A 403 or 404 on an optional table: in a sync, None (the table is reported "not
        available" and the run goes on); in `ingest`, an error saying so. Any other failure
        is returned as it is."""
        spec = self.lead.spec
        admin_only = not spec.optional and not self.plan.source.admin_key
        if admin_only:
            # Not an Admin key (an Analytics key): what it cannot read is not available.
            spec = replace(spec, optional=True)
        reason = unavailable_reason(spec, exc)
        if reason is None or not isinstance(exc, errors.ApiError):
            return exc
        if admin_only:
            reason = (
                f"needs an Admin API key (sk-ant-admin...) ({exc.status} on {spec.source.path})"
            )
        if self.plan.strict_tables:
            return type(exc)(
                f"{spec.name} is not available: {reason}",
                status=exc.status,
                error_type=exc.error_type,
                request_id=exc.request_id,
            )
        self._mark_unavailable(reason)
        return None

    def skip_if_unreadable(self) -> None:
        """In a sync with an Admin key, mark the Claude Enterprise engagement tables not
        available without asking: their endpoints need an Analytics key (read:analytics),
        which an Admin key is not, and each refused probe would cost a second of the 60
        requests a minute those endpoints share. `ingest` and `check` still ask."""
        source = self.lead.spec.source
        if self.plan.strict_tables or not self.plan.source.admin_key:
            return
        if source.needs == NEEDS_ANALYTICS:
            self._mark_unavailable(f"{NEEDS_ANALYTICS}; an Admin key cannot read {source.path}")

    def _mark_unavailable(self, reason: str) -> None:
        self.unavailable = reason
        for report in self.reports.values():
            report.skipped = f"not available: {reason}"
        self.plan.progress.note(f"{self.lead.table} is not available: {reason}")
        if self._started:  # a table skipped without asking has no progress to close
            self._finish()

    def _round(self, resume: ResumeState) -> Iterator[Any]:
        """Fetch and hand over one round of a window table, then record its resume point."""
        self._check_grouping(resume)
        if not self.plan.full_refresh:  # a full refresh drops the tables first
            schema, where = dlt.current.source_schema(), self.plan.destination.display
            check_stored_days(self.group, schema, where)
        window = self._round_window(resume)
        if window is None:
            for report in self.reports.values():
                report.skipped = self._skip
            return
        pending = _Pending()
        fetched_to, last_loaded = None, None
        deadline = time.monotonic() + self.plan.source.commit_seconds
        stop = (lambda: time.monotonic() > deadline) if self.in_rounds else (lambda: False)
        failure: errors.IngestError | None = None
        batches = fetch(self.lead.spec, self.client, window, self.plan.source, self._prepare, stop)
        try:
            for prepared in batches:
                for target, table in self._record(prepared):
                    yield from self._items(pending.add(target, table))
                last_loaded = _later(last_loaded, self._lead_last(prepared))
                if prepared.last_covered is not None:
                    fetched_to = prepared.last_covered + window.step
                self.plan.progress.advance(self.lead.table, prepared.units, prepared.records)
        except errors.IngestError as exc:
            # Alone in its run with nothing fetched, a table has nothing to keep: fail the run.
            if not self.in_rounds or (fetched_to is None and len(self.plan.targets) == 1):
                raise
            failure = exc
        yield from self._items(pending.drain())
        if fetched_to is not None:
            self._fetched_any = True
            yield from self._scoped(window.start, fetched_to)
        resume.save(
            fetched_to=fetched_to,
            window_end=window.end,
            advances=window.advances_state,
            last_loaded=last_loaded,
            accumulate=self.in_rounds,
        )
        if failure is not None:
            raise failure
        self.more = fetched_to is not None and fetched_to < window.end
        self._next_start = fetched_to if self.more else None
        if not self.more:
            self._finish()

    def _round_window(self, resume: ResumeState) -> Window | None:
        """The first round plans the whole window; later rounds go on where the last stopped."""
        if self._full is None:
            self._full = self._window(resume)
            self._start(self._full)
        full = self._full
        if full is None or self._next_start is None:
            return full
        return Window(self._next_start, full.end, full.width, full.advances_state)

    def _window(self, resume: ResumeState) -> Window | None:
        spec = self.lead.spec
        width = self.plan.source.bucket_width if spec.source.bucket_width_option else "1d"
        interval, earliest = self._interval()
        if interval is None:
            return None
        resume_from = None
        if interval.start is None:
            if self.modes[self.lead.table] != "replace" and not self.plan.full_refresh:
                resume_from = resume.resume_from()
            if resume_from is None:
                resume_from = earliest or self.first_day()
            elif earliest is not None:
                resume_from = max(resume_from, earliest)
        return plan_window(
            interval,
            width=width,
            now=self.plan.now or datetime.now(UTC),
            resume_from=resume_from,
            include_partial=spec.source.includes_today,
        )

    def _interval(self) -> tuple[Interval | None, datetime | None]:
        """The interval to load and the earliest day the endpoint has data for (None when it
        keeps all its history). An interval reaching before that day is clipped; one that
        ends before it leaves nothing (None), with a note saying why."""
        source, interval = self.lead.spec.source, self.plan.interval
        if source.data_from is None or source.history_days is None:
            return interval, None
        now = self.plan.now or datetime.now(UTC)
        earliest = history_start(source.data_from, source.history_days, now)
        clipped = clip_interval(interval, earliest)
        if clipped is None:
            self._skip = history_limit(source.data_from, source.history_days, earliest)
        return clipped, earliest

    @property
    def lookback(self) -> timedelta:
        days = self.plan.source.lookback_days
        return timedelta(days=self.lead.spec.lookback_days if days is None else days)

    def _check_grouping(self, resume: ResumeState) -> None:
        if self.lead.spec.source.group_by is not None:
            return
        group_by, width = list(self.plan.source.group_by), self.plan.source.bucket_width
        if self.modes[self.lead.table] == "replace" or self.plan.full_refresh:
            resume.remember_grouping(group_by, width)
            return
        loaded_before = (
            resume.has_resume_point or self.lead.table in dlt.current.source_schema().tables
        )
        resume.check_grouping(
            table=self.lead.table,
            where=self.plan.destination.display,
            group_by=group_by,
            width=width,
            loaded_before=loaded_before,
        )

    def _start(self, window: Window | None) -> None:
        total, unit = None, "pages"
        if window is not None:
            by_day = self.lead.spec.source.paging != "buckets"
            total = len(window.days()) if by_day else window.buckets
            unit = "days" if by_day else "buckets"
            for report in self.reports.values():
                report.window_start, report.window_end = window.start, window.end
        self._started = True
        self.plan.progress.table_started(self.lead.table, total, unit)

    def _finish(self) -> None:
        for report in self.reports.values():
            self.plan.progress.table_finished(report.table, report.rows)

    def _prepare(self, batch: Batch) -> Prepared:
        """Flatten a batch for every target of the group (runs on the fetch threads)."""
        return prepare(batch, [(t, self.modes[t.table] == "window") for t in self.group])

    def _lead_last(self, prepared: Prepared) -> datetime | None:
        return next((p.last for p in prepared.parts if p.target is self.lead), None)

    def _record(self, prepared: Prepared) -> Iterator[tuple[Target, pa.Table]]:
        """Record a prepared batch in the reports; its tables, to hand to dlt."""
        for part in prepared.parts:
            target, report = part.target, self.reports[part.target.table]
            for name, count in part.missing.items():
                report.missing_fields[name] = report.missing_fields.get(name, 0) + count
            check_unique(target, part.keys, self.seen_keys[target.table])
            report.rows += part.rows
            if part.table is not None:
                yield target, part.table

    def _scoped(self, start: datetime, end: datetime) -> Iterator[Any]:
        """Close a round: for each window table, an empty item whose hints have dlt delete the
        stored rows of `[start, end)` before inserting the round's rows, so a load replaces
        exactly the days or buckets it fetched, days that are now empty included."""
        capabilities = self.plan.destination.destination.capabilities()
        mysql = self.plan.destination.kind == "mysql"
        for target in self.group:
            if self.modes[target.table] != "window":
                continue
            hints = table_hints(target, "window", ())
            scope = window_scope(target.spec, start, end, capabilities, mysql)
            hints["write_disposition"] = {**hints["write_disposition"], "destination_scope": scope}
            yield dlt.mark.with_hints(
                to_arrow(target.spec, [], windowed=True),
                dlt.mark.make_hints(table_name=target.table, **hints),
                create_table_variant=True,
            )

    def _items(self, tables: list[tuple[Target, pa.Table]]) -> Iterator[Any]:
        """dlt items, each marked with its own table's hints."""
        for target, table in tables:
            hints = table_hints(target, self.modes[target.table], self.plan.primary_key)
            yield dlt.mark.with_hints(
                table,
                dlt.mark.make_hints(table_name=target.table, **hints),
                create_table_variant=True,
            )


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


class FirstDay:
    """Where a first run starts: the day the organization's oldest user, API key or workspace
    was created (no activity is older), and never before the first day of the Admin API's
    reports. Looked up once per run, by the first table that needs it."""

    def __init__(self, client: AdminClient, plan: LoadPlan) -> None:
        self.client, self.plan = client, plan
        self._lock = threading.Lock()
        self._day: datetime | None = None

    def __call__(self) -> datetime:
        with self._lock:
            if self._day is None:
                created = earliest_created(self.client, self.plan.source)
                day = floor_to(created, "1d") if created is not None else DEFAULT_START
                self._day = max(DEFAULT_START, day)
            return self._day


# Rows handed to dlt at once. dlt's work per item (schema checks, a Parquet row group) costs
# about as much as a few thousand rows: a day of a small organization is a few dozen rows,
# so days are handed over together.
ITEM_ROWS = 10_000


@dataclass
class _Pending:
    """Tables waiting to be handed to dlt, per target, until they hold ITEM_ROWS rows."""

    tables: dict[Target, list[pa.Table]] = field(default_factory=dict)

    def add(self, target: Target, table: pa.Table) -> list[tuple[Target, pa.Table]]:
        waiting = self.tables.setdefault(target, [])
        waiting.append(table)
        if sum(t.num_rows for t in waiting) < ITEM_ROWS:
            return []
        return [self._take(target)]

    def drain(self) -> list[tuple[Target, pa.Table]]:
        return [self._take(target) for target in list(self.tables)]

    def _take(self, target: Target) -> tuple[Target, pa.Table]:
        return target, pa.concat_tables(self.tables.pop(target))
