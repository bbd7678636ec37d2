"""dlt resources: fetch a table's batches, flatten them to Arrow, and keep the resume point.

Tables that share requests (`claude_code_usage` and its per-model companion) are one resource
that yields to both tables, so a day is fetched once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from anthropic_ingest import errors
from anthropic_ingest.client import AdminClient
from anthropic_ingest.load.arrow import WINDOW_MARKER
from anthropic_ingest.load.fetch import Batch, fetch
from anthropic_ingest.load.flatten import Prepared, check_unique, prepare
from anthropic_ingest.load.plan import LoadMode, LoadPlan, TableReport, Target, load_mode
from anthropic_ingest.load.windows import Window, plan_window, rfc3339
from anthropic_ingest.transforms import USAGE_DIMENSIONS, timestamp

# Resource state, stored in the destination with each completed load:
STATE_COVERED = "covered_through"  # end of the last window fetched up to the present
STATE_LAST_LOADED = "last_loaded"  # start of the latest day or bucket that loaded rows
STATE_GROUP_BY = "group_by"  # usage_report: the dimensions its rows are grouped by
STATE_WIDTH = "bucket_width"  # usage_report: the width of its buckets
# A table that has never loaded a row re-reads this much before where the last run stopped:
# enough for data that arrives late, without re-reading from the first run's start every day.
NEVER_LOADED_REREAD = timedelta(days=31)
# Versions before the five-dimension grouping grouped usage_report by every dimension.
LEGACY_GROUP_BY = USAGE_DIMENSIONS


def group_targets(targets: list[Target]) -> list[list[Target]]:
    """Group targets that are fetched by the same requests, keeping the user's order."""
    groups: dict[str, list[Target]] = {}
    for target in targets:
        key = "claude_code" if target.spec.fetch == "claude_code" else target.table
        groups.setdefault(key, []).append(target)
    return list(groups.values())


def table_hints(target: Target, mode: LoadMode, primary_key: tuple[str, ...]) -> dict[str, Any]:
    """The dlt hints (write disposition, keys, columns) for one destination table."""
    if mode == "window":
        return {
            "write_disposition": {"disposition": "merge", "strategy": "delete-insert"},
            "merge_key": target.spec.cursor,
            "columns": {WINDOW_MARKER: {"hard_delete": True}},
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
        }
    return {"write_disposition": mode}


class GroupLoader:
    """Builds the dlt resource for one group of targets and records what it loaded."""

    def __init__(self, group: list[Target], plan: LoadPlan, client: AdminClient) -> None:
        self.group = group
        self.plan = plan
        self.client = client
        self.lead = group[0]
        self.modes = {t.table: load_mode(t.spec, plan) for t in group}
        self.reports = {
            t.table: TableReport(t.table, t.spec.name, self.modes[t.table]) for t in group
        }
        # Keys seen so far: per run for current-state tables, per batch (a day or a report
        # chunk, whose keys include the bucket) for time series.
        self.seen_keys: dict[str, set[tuple[Any, ...]]] = {t.table: set() for t in group}
        self.last_loaded: datetime | None = None

    def resource(self) -> DltResource:
        lead_hints = table_hints(self.lead, self.modes[self.lead.table], self.plan.primary_key)

        def generate() -> Iterator[Any]:
            yield from self._generate()

        return dlt.resource(
            generate,
            name=self.lead.table,
            table_name=self.lead.table,
            parallelized=True,
            **lead_hints,
        )

    def _generate(self) -> Iterator[Any]:
        state = dlt.current.resource_state()
        self._check_grouping(state)
        window = self._window(state)
        if self.lead.spec.mode == "window" and window is None:
            for report in self.reports.values():
                report.skipped = "no complete day or bucket in the requested interval"
            return
        self._start(window)
        pending = _Pending()
        for prepared in fetch(self.lead.spec, self.client, window, self.plan.source, self._prepare):
            for target, table in self._record(prepared):
                yield from self._items(pending.add(target, table))
            self.plan.progress.advance(self.lead.table, prepared.units, prepared.records)
        yield from self._items(pending.drain())
        for report in self.reports.values():
            self.plan.progress.table_finished(report.table, report.rows)
        if window is not None:
            self._save_resume_point(state, window)

    def _window(self, state: dict[str, Any]) -> Window | None:
        spec = self.lead.spec
        if spec.mode != "window":
            return None
        width = self.plan.source.bucket_width if spec.fetch == "messages_report" else "1d"
        resume = self.modes[self.lead.table] != "replace" and not self.plan.full_refresh
        return plan_window(
            self.plan.interval,
            width=width,
            now=self.plan.now or datetime.now(UTC),
            resume_from=self._resume_from(state) if resume else None,
            include_partial=spec.fetch == "claude_code",
        )

    @property
    def lookback(self) -> timedelta:
        days = self.plan.source.lookback_days
        return timedelta(days=self.lead.spec.lookback_days if days is None else days)

    def _resume_from(self, state: dict[str, Any]) -> datetime | None:
        """Where a run without an interval start begins: the lookback before the last day or
        bucket that loaded rows, never the end of the last window (a day fetched while still
        empty must be fetched again once its data arrives)."""
        last = timestamp(state.get(STATE_LAST_LOADED))
        if last is not None:
            return last - self.lookback
        covered = timestamp(state.get(STATE_COVERED))
        if covered is not None:
            return covered - max(self.lookback, NEVER_LOADED_REREAD)
        return None

    def _save_resume_point(self, state: dict[str, Any], window: Window) -> None:
        if window.advances_state:
            state[STATE_COVERED] = rfc3339(window.end)
        before = timestamp(state.get(STATE_LAST_LOADED))
        last = self.last_loaded
        if self.modes[self.lead.table] != "replace" and before is not None:
            last = before if last is None else max(last, before)
        if last is None:
            state.pop(STATE_LAST_LOADED, None)
        else:
            state[STATE_LAST_LOADED] = rfc3339(last)

    def _loaded_before(self, state: dict[str, Any]) -> bool:
        """Whether the destination holds this table from an earlier load (its schema, restored
        from the destination, knows the table; or a resume point was kept)."""
        if STATE_COVERED in state or STATE_LAST_LOADED in state:
            return True
        return self.lead.table in dlt.current.source_schema().tables

    def _check_grouping(self, state: dict[str, Any]) -> None:
        """Refuse to add rows of one usage_report grouping to a table of another: summed
        together they would count the same tokens twice."""
        if self.lead.spec.fetch != "messages_report":
            return
        wanted = list(self.plan.source.group_by)
        stored = state.get(STATE_GROUP_BY)
        if stored is None and self._loaded_before(state):
            stored = list(LEGACY_GROUP_BY)
        replacing = self.modes[self.lead.table] == "replace" or self.plan.full_refresh
        if stored is not None and stored != wanted and not replacing:
            raise errors.UsageError(
                f"{self.lead.table} in {self.plan.destination.display} holds usage grouped by "
                f"{','.join(stored)}, and this run groups by {','.join(wanted)}; rows of two "
                "groupings must not be mixed: reload it with --full-refresh, or keep "
                f"group_by={','.join(stored)} in the source URI"
            )
        state[STATE_GROUP_BY] = wanted
        width, stored_width = self.plan.source.bucket_width, state.get(STATE_WIDTH)
        if stored_width is not None and stored_width != width and not replacing:
            raise errors.UsageError(
                f"{self.lead.table} in {self.plan.destination.display} holds {stored_width} "
                f"buckets, and this run asks for {width}; buckets of two widths must not be "
                f"mixed: reload it with --full-refresh, or keep bucket_width={stored_width}"
            )
        state[STATE_WIDTH] = width

    def _start(self, window: Window | None) -> None:
        total, unit = None, "pages"
        if window is not None:
            total = len(window.days()) if self.lead.spec.fetch == "claude_code" else window.buckets
            unit = "days" if self.lead.spec.fetch == "claude_code" else "buckets"
            for report in self.reports.values():
                report.window_start, report.window_end = window.start, window.end
        self.plan.progress.table_started(self.lead.table, total, unit)

    def _prepare(self, batch: Batch) -> Prepared:
        """Flatten a batch for every target of the group (runs on the fetch threads)."""
        return prepare(batch, [(t, self.modes[t.table] == "window") for t in self.group])

    def _record(self, prepared: Prepared) -> Iterator[tuple[Target, pa.Table]]:
        """Record a prepared batch in the reports; its tables, to hand to dlt."""
        for part in prepared.parts:
            target, report = part.target, self.reports[part.target.table]
            for name, count in part.missing.items():
                report.missing_fields[name] = report.missing_fields.get(name, 0) + count
            check_unique(target, part.keys, self.seen_keys[target.table])
            report.rows += part.rows
            if target is self.lead and part.last is not None:
                self.last_loaded = max(part.last, self.last_loaded or part.last)
            if part.table is not None:
                yield target, part.table

    def _items(self, tables: list[tuple[Target, pa.Table]]) -> Iterator[Any]:
        """dlt items: the lead table as it is, the others marked with their table's hints."""
        for target, table in tables:
            if target is self.lead:
                yield table
            else:
                hints = table_hints(target, self.modes[target.table], self.plan.primary_key)
                yield dlt.mark.with_hints(
                    table,
                    dlt.mark.make_hints(table_name=target.table, **hints),
                    create_table_variant=True,
                )


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
