"""Messages API usage: streams of requests, generated per day as minute-stamped events.

A stream is one combination of report dimensions (key, workspace, model, tier, ...). For each
day, an RNG seeded from (seed, day) decides stream by stream whether it was active and emits
its events at given minutes.
Minute, hour and day buckets are all sums of the same events, so a 1d bucket equals the sum of
its 1h buckets, and an hour the sum of its minutes. Only a bounded number of days is cached.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from anthropic_ingest.emulator import catalog as cat
from anthropic_ingest.emulator.directory import Directory
from anthropic_ingest.emulator.hashing import Hasher, between
from anthropic_ingest.emulator.timeutil import WIDTHS

DIMENSIONS = (
    "api_key_id",
    "workspace_id",
    "model",
    "service_tier",
    "context_window",
    "inference_geo",
    "speed",
    "account_id",
    "service_account_id",
)
# uncached, cache 1h, cache 5m, cache read, output, web searches, requests (the last one is
# served only by the analytics endpoints; the legacy report has no request count)
Metrics = tuple[int, int, int, int, int, int, int]
Bucket = dict[int, Metrics]  # stream index -> metrics
_HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 8, 9, 10, 10, 9, 7, 5, 4, 3, 2, 2, 1)
_HOUR_CUMULATIVE = tuple(itertools.accumulate(_HOUR_WEIGHTS))
_Callers = tuple[str | None, str | None, str | None, str | None]  # key, workspace, account, svac


@dataclass(frozen=True)
class Stream:
    """One combination of dimension values that receives traffic."""

    dims: tuple[str | None, ...]  # as shown in reports, in DIMENSIONS order
    workspace: str  # the real workspace ID (the Default Workspace's too)
    since: date  # no usage before this day
    activity: float  # chance of any usage on a weekday
    volume: int  # upper bound of events on a busy day


def _add(a: Metrics, b: Metrics) -> Metrics:
    return (
        a[0] + b[0],
        a[1] + b[1],
        a[2] + b[2],
        a[3] + b[3],
        a[4] + b[4],
        a[5] + b[5],
        a[6] + b[6],
    )


def _merge(target: dict[Any, Metrics], key: Any, metrics: Metrics) -> None:
    prior = target.get(key)
    target[key] = metrics if prior is None else _add(prior, metrics)


@dataclass
class DayUsage:
    """All usage of one day, by minute of the day; hours and the day total derived lazily."""

    minutes: dict[int, Bucket]
    _hours: dict[int, Bucket] | None = field(default=None, repr=False)
    _total: Bucket | None = field(default=None, repr=False)

    def total(self) -> Bucket:
        if self._total is None:
            total: Bucket = {}
            for bucket in self.minutes.values():
                for stream, metrics in bucket.items():
                    _merge(total, stream, metrics)
            self._total = total
        return self._total

    def hour(self, hour: int) -> Bucket:
        if self._hours is None:
            hours: dict[int, Bucket] = {}
            for minute, bucket in self.minutes.items():
                target = hours.setdefault(minute // 60, {})
                for stream, metrics in bucket.items():
                    _merge(target, stream, metrics)
            self._hours = hours
        return self._hours.get(hour, {})

    def minute(self, minute: int) -> Bucket:
        return self.minutes.get(minute, {})


EMPTY_DAY = DayUsage({})


def build_streams(h: Hasher, directory: Directory) -> tuple[Stream, ...]:
    """Every dimension combination the org's traffic can take."""
    geo_of = {
        ws["id"]: ws["data_residency"]["default_inference_geo"] for ws in directory.workspaces
    }
    default_id = directory.default_workspace["id"]
    geo_of[default_id] = directory.default_workspace["data_residency"]["default_inference_geo"]
    streams: list[Stream] = []
    for key in sorted(directory.keys, key=lambda k: k.record["id"]):
        activity = 0.8 if key.record["status"] == "active" else 0.3
        shown = key.record["workspace_id"]
        base = (key.record["id"], shown, None, None)
        _model_streams(
            h, streams, base, key.workspace, geo_of[key.workspace], key.created, activity
        )
    first = directory.default_workspace["created_at"]
    start = datetime.fromisoformat(first)
    _model_streams(h, streams, (None, None, None, None), default_id, geo_of[default_id], start, 0.5)
    coders = [p for p in directory.people if p.claude_code][:8]
    for person in sorted(coders, key=lambda p: p.record["id"]):
        oauth: _Callers = (None, None, person.record["id"], None)
        _model_streams(h, streams, oauth, default_id, geo_of[default_id], person.added, 0.6)
    live = [ws for ws in directory.workspaces if ws["archived_at"] is None]
    for i, svac in enumerate(directory.service_accounts):
        ws = live[h.below(len(live), "svac-ws", i)]
        federated: _Callers = (None, ws["id"], None, svac)
        _model_streams(h, streams, federated, ws["id"], geo_of[ws["id"]], start, 0.7)
    return tuple(streams)


def _model_streams(
    h: Hasher,
    out: list[Stream],
    ids: _Callers,
    workspace: str,
    geo: str,
    since: datetime,
    activity: float,
) -> None:
    """Append the streams of one caller: 1-3 models, with a few tier/context/speed variants."""
    key_id, shown_ws, account, svac = ids
    rng = h.rng("streams", key_id, account, svac)
    models = set(rng.choices(cat.MODELS, cat.MODEL_WEIGHTS, k=1 + rng.randrange(3)))
    day = since.date() + timedelta(days=1)
    for model in sorted(models, key=lambda m: m.id):
        variants = [("standard", "0-200k", "standard")]
        if rng.random() < 0.2:
            variants.append(("batch", "0-200k", "standard"))
        if rng.random() < 0.06:
            variants.append(("priority", "0-200k", "standard"))
        if model.id.startswith("claude-sonnet-4-5") and rng.random() < 0.3:
            variants.append(("standard", "200k-1M", "standard"))
        if model.id.startswith("claude-opus") and rng.random() < 0.3:
            variants.append(("standard", "0-200k", "fast"))
        model_geo = geo if model.geo_aware else "not_available"
        for tier, window, speed in variants:
            dims = (key_id, shown_ws, model.id, tier, window, model_geo, speed, account, svac)
            volume = 4 + rng.randrange(20)
            out.append(Stream(dims, workspace, day, activity, volume))


def _event_metrics(rand: Callable[[], float], long_context: bool) -> Metrics:
    uncached = between(rand, 200_000, 600_000) if long_context else between(rand, 200, 40_000)
    cache_1h = 0 if rand() < 0.9 else between(rand, 500, 10_000)
    cache_5m = 0 if rand() < 0.6 else between(rand, 500, 20_000)
    cache_read = 0 if rand() < 0.4 else between(rand, 1_000, 120_000)
    output = between(rand, 50, 8_000)
    searches = 0 if rand() < 0.85 else between(rand, 1, 6)
    return (uncached, cache_1h, cache_5m, cache_read, output, searches, 1)


def generate_day(h: Hasher, streams: tuple[Stream, ...], day: date) -> DayUsage:
    """The usage of one day; depends only on the seed, the streams and the day."""
    weekday = day.weekday() < 5
    minutes: dict[int, Bucket] = {}
    # One generator per day, drawn in stream order: the streams are fixed per (seed, users).
    rand = h.rng("usage", day.toordinal()).random
    for index, stream in enumerate(streams):
        if day < stream.since:
            continue
        if rand() >= stream.activity * (1.0 if weekday else 0.35):
            continue
        busy = stream.volume if weekday else max(1, stream.volume // 3)
        long_context = stream.dims[4] == "200k-1M"
        for _ in range(1 + int(rand() * busy)):
            hour = bisect.bisect(_HOUR_CUMULATIVE, rand() * _HOUR_CUMULATIVE[-1])
            minute = hour * 60 + int(rand() * 60)
            _merge(minutes.setdefault(minute, {}), index, _event_metrics(rand, long_context))
    return DayUsage(minutes)


class UsageModel:
    """Usage of the org on demand, with a small cache of recently used days."""

    def __init__(self, h: Hasher, directory: Directory, first: date, last: date) -> None:
        self.streams = build_streams(h, directory)
        self.first, self.last = first, last
        self._h = h
        # Fewer cached days for bigger orgs: about 3,000 stream-days in all.
        self.cached_days = max(4, min(64, 3_000 // len(self.streams)))
        self.day = lru_cache(maxsize=self.cached_days)(self._day)
        self.grouping = lru_cache(maxsize=256)(self._grouping)

    def _grouping(self, group_by: tuple[str, ...], speed: bool) -> Grouping:
        return Grouping.build(self.streams, group_by, speed)

    def _day(self, day: date) -> DayUsage:
        if not self.first <= day <= self.last:
            return EMPTY_DAY
        return generate_day(self._h, self.streams, day)

    def bucket(self, start: datetime, width: str) -> Bucket:
        """Per-stream metrics of the bucket of `width` starting at `start`."""
        usage = self.day(start.date())
        if width == "1d":
            return usage.total()
        if width == "1h":
            return usage.hour(start.hour)
        if width == "1m":
            return usage.minute(start.hour * 60 + start.minute)
        raise ValueError(f"unknown bucket width {width!r}")

    def allowed(self, filters: Mapping[str, Iterable[str]]) -> frozenset[int] | None:
        """Indices of the streams passing every filter (None when there is no filter)."""
        if not filters:
            return None
        keep = []
        for index, stream in enumerate(self.streams):
            if all(_passes(stream, dim, set(values)) for dim, values in filters.items()):
                keep.append(index)
        return frozenset(keep)


def _passes(stream: Stream, dimension: str, values: set[str]) -> bool:
    if dimension == "workspace_id" and stream.workspace in values:
        return True  # the Default Workspace can be named by its real ID
    return stream.dims[DIMENSIONS.index(dimension)] in values


@dataclass(frozen=True)
class Grouping:
    """How streams fold into rows for one `group_by`: a rank per stream, a row label per rank.

    Ranks follow the row order within a bucket (nulls first, then by value), so a bucket's
    rows come out sorted without comparing strings again.
    """

    rank_of_stream: tuple[int, ...]
    labels: tuple[dict[str, str | None], ...]  # every dimension, null unless grouped

    @classmethod
    def build(cls, streams: tuple[Stream, ...], group_by: tuple[str, ...], speed: bool) -> Grouping:
        positions = [DIMENSIONS.index(d) for d in group_by]
        keys = [tuple(s.dims[p] for p in positions) for s in streams]
        ordered = sorted(set(keys), key=lambda k: tuple((v is not None, v or "") for v in k))
        rank = {key: i for i, key in enumerate(ordered)}
        shown = [d for d in DIMENSIONS if d != "speed" or speed]
        labels = tuple(
            {d: dict(zip(group_by, key, strict=True)).get(d) for d in shown} for key in ordered
        )
        return cls(tuple(rank[k] for k in keys), labels)


def usage_rows(
    bucket: Bucket, grouping: Grouping, allowed: frozenset[int] | None
) -> list[dict[str, Any]]:
    """Report rows of one bucket: one per distinct combination of the grouped dimensions."""
    ranks = grouping.rank_of_stream
    sums: dict[int, Metrics] = {}
    for index, metrics in bucket.items():
        if allowed is None or index in allowed:
            _merge(sums, ranks[index], metrics)
    return [_row(sums[rank], grouping.labels[rank]) for rank in sorted(sums)]


def _row(m: Metrics, labels: dict[str, str | None]) -> dict[str, Any]:
    return {
        "uncached_input_tokens": m[0],
        "cache_creation": {"ephemeral_1h_input_tokens": m[1], "ephemeral_5m_input_tokens": m[2]},
        "cache_read_input_tokens": m[3],
        "output_tokens": m[4],
        "server_tool_use": {"web_search_requests": m[5]},
        **labels,
    }


def bucket_starts(first: datetime, end: datetime, width: str) -> list[datetime]:
    """Starts of every bucket of `width` in [first, end)."""
    step = WIDTHS[width]
    starts, moment = [], first
    while moment < end:
        starts.append(moment)
        moment += step
    return starts
