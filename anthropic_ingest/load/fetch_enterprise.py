"""Fetch routines of the Claude Enterprise paging styles (`Endpoint.paging`):

* "per_day": the engagement endpoints, one request chain per day (`date=YYYY-MM-DD`, `page`
  <- `next_page`, envelope `{data, next_page}`). Their data lags: a day the API says is not
  ready yet (400 naming the latest available day) ends the window without failing; later days
  are not asked for.
* "date_range": summaries, one request per range (`starting_date`, exclusive `ending_date`),
  answered in one page.
* "more": the RBAC group lists (fanned out over the groups for their members) and effective
  spend limits: `page` <- `next_page` until `has_more` is false or `next_page` is null.

Endpoints that share an organization-wide limit (`Endpoint.per_minute`) are paced through the
run's limiter. Pages are read whole (`client.get`), so `data_refreshed_at` is kept where sent.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from anthropic_ingest import errors
from anthropic_ingest.client import AdminClient
from anthropic_ingest.client.pagination import NextPagePaginator
from anthropic_ingest.endpoints import Endpoint
from anthropic_ingest.load.fetch import Batch, list_once, ordered_map
from anthropic_ingest.load.source_uri import SourceConfig
from anthropic_ingest.load.windows import Window
from anthropic_ingest.table_spec import TableSpec

R = TypeVar("R")

ENGAGEMENT_PAGE = 1000  # the engagement endpoints take 1-1000
MORE_PAGE = 100
# The engagement data is 1-3 days late: a 400 for one of the last few days that names no
# earlier day still says "not ready".
LAG_DAYS = 3
_ISO_DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
SHARED_LIMIT = "Claude Enterprise organization limit"


class MorePaginator(NextPagePaginator):
    """`page` <- `next_page`; the last page says `has_more: false` or sends no `next_page`
    (the RBAC lists send a `next_page` even on their last page)."""

    def update_state(self, path: str, body: dict[str, Any]) -> None:
        has_more = body.get("has_more")
        if has_more is False:
            self.has_more = False
            return
        if has_more is True:  # more pages: a missing or repeated next_page fails the run
            self._advance(path, True, body.get("next_page"), "next_page")
            return
        super().update_state(path, body)


class Horizon:
    """The latest day an endpoint has data for, once a request has learned it (thread-safe):
    days after it are not asked for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.latest: date | None = None

    def ready(self, day: date) -> bool:
        with self._lock:
            return self.latest is None or day <= self.latest

    def learn(self, latest: date) -> None:
        with self._lock:
            self.latest = latest if self.latest is None else min(self.latest, latest)


def not_ready_latest(error: errors.ApiError, day: date, today: date) -> date | None:
    """The latest available day when `error` says `day` is not ready yet: a 400 naming an
    earlier day, or a 400 for one of the last LAG_DAYS days. None for any other error."""
    if error.status != 400:
        return None
    named = []
    for text in _ISO_DAY.findall(error.message):
        try:
            named.append(date.fromisoformat(text))
        except ValueError:
            continue
    earlier = [d for d in named if d < day]
    if earlier:
        return max(earlier)
    if day >= today - timedelta(days=LAG_DAYS):
        return day - timedelta(days=1)
    return None


def fetch_enterprise(
    spec: TableSpec,
    client: AdminClient,
    window: Window | None,
    config: SourceConfig,
    prepare: Callable[[Batch], R],
    stop: Callable[[], bool],
) -> Iterator[R]:
    """Yield `prepare(batch)` for every batch of an Enterprise table, as `load.fetch.fetch`."""
    source, workers = spec.source, client.settings.max_concurrency
    if source.paging == "more":
        if source.parent is None:
            bodies = _list(client, source, config)
            yield prepare(Batch(_stamped(body) for body in bodies))
            return
        groups = list(_ids(client, source.parent, config))
        yield from ordered_map(
            lambda group: prepare(_children(client, source, group, config)), groups, workers
        )
        return
    if window is None:
        raise ValueError(f"{spec.name} needs a window")
    if source.paging == "per_day":
        horizon, size = Horizon(), _size(config, ENGAGEMENT_PAGE)
        yield from ordered_map(
            lambda day: prepare(_day(client, source, day, size, horizon)),
            window.days(),
            workers,
            stop,
        )
    else:
        yield from ordered_map(
            lambda chunk: prepare(_range(client, source, chunk)), window.chunks(), workers, stop
        )


def _size(config: SourceConfig, most: int = MORE_PAGE) -> int:
    return min(config.page_size, most) if config.page_size else most


def _pace(client: AdminClient, endpoint: Endpoint) -> None:
    """Wait for this request's turn under the organization-wide limit the endpoint shares:
    its documented rate, or the user's requests_per_minute when stated."""
    if endpoint.per_minute is None:
        return
    stated = client.settings.requests_per_minute
    client.limiter.pace_shared(SHARED_LIMIT, stated or endpoint.per_minute)


def _pages(
    client: AdminClient, endpoint: Endpoint, path: str, params: list[tuple[str, str]], size: int
) -> Iterator[dict[str, Any]]:
    """Every page body of one request chain, in order."""
    paginator = MorePaginator(size)
    request = paginator.init_request(params)
    while True:
        _pace(client, endpoint)
        body = client.get(path, request, endpoint.headers)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise errors.ProtocolError(
                f"the API answered {path} without a data list; cannot read the page"
            )
        paginator.update_state(path, body)
        yield body
        if not paginator.has_more:
            return
        request = paginator.update_request(params)


def _stamped(body: dict[str, Any], **fields: Any) -> list[dict[str, Any]]:
    """A page's records, each given the page's `data_refreshed_at` (when sent) and `fields`
    it does not carry itself."""
    refreshed = body.get("data_refreshed_at")
    records = [r for r in body["data"] if isinstance(r, dict)]
    if len(records) != len(body["data"]):
        raise errors.ProtocolError("the API sent a record that is not an object")
    for record in records:
        if refreshed is not None:
            record.setdefault("data_refreshed_at", refreshed)
        for name, value in fields.items():
            record.setdefault(name, value)
    return records


def _records(
    client: AdminClient,
    endpoint: Endpoint,
    path: str,
    params: list[tuple[str, str]],
    size: int,
    **fields: Any,
) -> Iterator[list[dict[str, Any]]]:
    for body in _pages(client, endpoint, path, params, size):
        yield _stamped(body, **fields)


def _list(
    client: AdminClient, endpoint: Endpoint, config: SourceConfig
) -> Iterator[dict[str, Any]]:
    """The page bodies of a list without a parent (the RBAC groups: once per run)."""
    size = _size(config)
    return list_once(
        client, endpoint, size, lambda: _pages(client, endpoint, endpoint.path, [], size)
    )


def _ids(client: AdminClient, endpoint: Endpoint, config: SourceConfig) -> Iterator[str]:
    for body in _list(client, endpoint, config):
        yield from (str(r["id"]) for r in _stamped(body))


def _children(client: AdminClient, endpoint: Endpoint, parent: str, config: SourceConfig) -> Batch:
    """The members of one group, each naming its group."""
    path = endpoint.path.format(id=parent)
    return Batch(_records(client, endpoint, path, [], _size(config), group_id=parent))


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _day(client: AdminClient, endpoint: Endpoint, day: date, size: int, horizon: Horizon) -> Batch:
    """One day's rows, each stamped with the day. A day not ready yet has no rows and teaches
    the horizon; it still counts as covered, so the window ends cleanly at it: the resume
    point is the last day that loaded rows, less the lookback, so it is asked for again."""

    def pages() -> Iterator[list[dict[str, Any]]]:
        if not horizon.ready(day):
            return
        params, sent = [("date", day.isoformat())], False
        try:
            for records in _records(client, endpoint, endpoint.path, params, size, date=str(day)):
                sent = True
                yield records
        except errors.ApiError as exc:
            latest = not_ready_latest(exc, day, datetime.now(UTC).date())
            if sent or latest is None:
                raise
            horizon.learn(latest)

    return Batch(pages(), [_midnight(day)])


def _range(client: AdminClient, endpoint: Endpoint, chunk: tuple[datetime, datetime]) -> Batch:
    """Summaries of `[start, end)`: one row per day, in one page. A range whose last days are
    not ready is asked for again up to the latest day the API names."""
    start, end = chunk[0].date(), chunk[1].date()
    covered = [_midnight(start + timedelta(days=i)) for i in range((end - start).days)]

    def pages() -> Iterator[list[dict[str, Any]]]:
        last, sent = end, False
        while last > start:
            params = [("starting_date", str(start)), ("ending_date", str(last))]
            try:
                for records in _records(client, endpoint, endpoint.path, params, ENGAGEMENT_PAGE):
                    _check_days(endpoint.path, records, start, last)
                    sent = True
                    yield records
                return
            except errors.ApiError as exc:
                latest = not_ready_latest(exc, last - timedelta(days=1), datetime.now(UTC).date())
                if sent or latest is None or latest + timedelta(days=1) >= last:
                    raise
                last = latest + timedelta(days=1)

    return Batch(pages(), covered)


def _check_days(path: str, records: list[dict[str, Any]], start: date, end: date) -> None:
    """Every row must lie in the range asked for, whose rows the load replaces."""
    for record in records:
        text = str(record.get("starting_at", ""))[:10]
        if not start.isoformat() <= text < end.isoformat():
            raise errors.ProtocolError(
                f"{path} returned a row for {record.get('starting_at')} when asked for "
                f"{start}..{end}; refusing to load it"
            )
