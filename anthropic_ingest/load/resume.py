"""Where a window table's next run starts, kept in the destination with each completed load.

The state lives in dlt's resource state, which dlt stores with every completed load and
restores from the destination, so a run on another machine resumes where the last one
stopped and a crashed run never leaves it ahead of the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from anthropic_ingest import errors
from anthropic_ingest.load.windows import rfc3339
from anthropic_ingest.transforms import USAGE_DIMENSIONS, timestamp

COVERED = "covered_through"  # end of the last window fetched up to the present
LAST_LOADED = "last_loaded"  # start of the latest day or bucket that loaded rows
CONTINUE = "continue_from"  # a backfill stopped part-way: where it goes on
GROUP_BY = "group_by"  # usage_report: the dimensions its rows are grouped by
WIDTH = "bucket_width"  # usage_report: the width of its buckets
# A table that has never loaded a row re-reads this much before where the last run stopped:
# enough for data that arrives late, without re-reading from the first run's start every day.
NEVER_LOADED_REREAD = timedelta(days=31)
# Versions before the five-dimension grouping grouped usage_report by every dimension.
LEGACY_GROUP_BY = USAGE_DIMENSIONS


@dataclass
class ResumeState:
    """One window table's resume points: read at the start of a run, written as it loads."""

    state: dict[str, Any]
    lookback: timedelta

    def resume_from(self) -> datetime | None:
        """Where a run without an interval start begins: where an unfinished backfill stopped;
        else the lookback before the last day or bucket that loaded rows, never the end of the
        last window (a day fetched while still empty must be fetched again once its data
        arrives); None on a first run."""
        went_on = timestamp(self.state.get(CONTINUE))
        if went_on is not None:
            return went_on
        last = timestamp(self.state.get(LAST_LOADED))
        if last is not None:
            return last - self.lookback
        covered = timestamp(self.state.get(COVERED))
        if covered is not None:
            return covered - max(self.lookback, NEVER_LOADED_REREAD)
        return None

    def save(
        self,
        *,
        fetched_to: datetime | None,
        window_end: datetime,
        advances: bool,
        last_loaded: datetime | None,
        accumulate: bool,
    ) -> None:
        """Record a load: the rows it loaded up to `last_loaded` and, for a run to the present
        (`advances`), how far it fetched. A run that stopped before `window_end` leaves where
        to go on from; `accumulate` is false when the load replaced the whole table."""
        if advances and fetched_to is not None:
            self.state[COVERED] = rfc3339(fetched_to)
            if fetched_to < window_end:
                self.state[CONTINUE] = rfc3339(fetched_to)
            else:
                self.state.pop(CONTINUE, None)
        before = timestamp(self.state.get(LAST_LOADED))
        if accumulate and before is not None:
            last_loaded = before if last_loaded is None else max(last_loaded, before)
        if last_loaded is None:
            self.state.pop(LAST_LOADED, None)
        else:
            self.state[LAST_LOADED] = rfc3339(last_loaded)

    def check_grouping(
        self, *, table: str, where: str, group_by: list[str], width: str, loaded_before: bool
    ) -> None:
        """Refuse to add rows of one usage_report grouping (or bucket width) to a table of
        another: summed together they would count the same tokens twice."""
        stored = self.state.get(GROUP_BY)
        if stored is None and loaded_before:
            stored = list(LEGACY_GROUP_BY)
        if stored is not None and stored != group_by:
            raise errors.UsageError(
                f"{table} in {where} holds usage grouped by {','.join(stored)}, and this run "
                f"groups by {','.join(group_by)}; rows of two groupings must not be mixed: "
                f"reload it with --full-refresh, or keep group_by={','.join(stored)} in the "
                "source URI"
            )
        stored_width = self.state.get(WIDTH)
        if stored_width is not None and stored_width != width:
            raise errors.UsageError(
                f"{table} in {where} holds {stored_width} buckets, and this run asks for "
                f"{width}; buckets of two widths must not be mixed: reload it with "
                f"--full-refresh, or keep bucket_width={stored_width}"
            )
        self.remember_grouping(group_by, width)

    def remember_grouping(self, group_by: list[str], width: str) -> None:
        self.state[GROUP_BY] = group_by
        self.state[WIDTH] = width

    @property
    def has_resume_point(self) -> bool:
        return any(name in self.state for name in (COVERED, LAST_LOADED, CONTINUE))
