"""Fetch records for a table: the request plan per pagination style, run concurrently.

Each fetcher yields `Batch`es in order: the records of one day, one report chunk, one list
page or one workspace, plus the cursor values (days or buckets) the batch fully covers, which
the loader uses to replace exactly those rows in the destination. A batch's pages are fetched
while the loader reads them, so only one page of API records per worker is alive at a time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from anthropic_ingest import endpoints as api
from anthropic_ingest import errors
from anthropic_ingest.client import AdminClient, IdCursorPaginator, PageTokenPaginator, paginate
from anthropic_ingest.client.bodies import RawRecords
from anthropic_ingest.client.pagination import NextPagePaginator, Paginator
from anthropic_ingest.endpoints import Endpoint
from anthropic_ingest.load.budget import (
    ByteBudget,
    Holding,
    drop_held,
    hold,
    reserve,
    return_freed_pages,
)
from anthropic_ingest.load.columnar import ColumnarPage, cost_tables, usage_tables
from anthropic_ingest.load.source_uri import SourceConfig
from anthropic_ingest.load.windows import BUCKET_SECONDS, MAX_BUCKETS, Window, rfc3339
from anthropic_ingest.tables import TableSpec
from anthropic_ingest.transforms import key_workspace, timestamp

T = TypeVar("T")
R = TypeVar("R")

# The report tables whose pages can be read column-wise (load/columnar.py).
COLUMNAR_REPORTS = {"usage_report": usage_tables, "cost_report": cost_tables}
CLAUDE_CODE_PAGE = 1000
ID_PAGE = 1000
# Analytics rows per page (the per-user sibling of the analytics reports takes 1-1000).
ROWS_PAGE = 1000
# A 410 (stale cursor: the API refreshed its data mid-pagination) restarts a window this
# many times before the run gives up.
MAX_RESTARTS = 3


@dataclass
class ReportPage:
    """A page of report buckets, read when the loader reads it (no more pages are decoded
    at once than the loader allows). Reading it adds its buckets to `covered`."""

    data: list[dict[str, Any]] | RawRecords
    covered: list[datetime]
    spec: TableSpec | None = None  # one of COLUMNAR_REPORTS: read column-wise if the page allows

    def columnar(self) -> ColumnarPage | None:
        """The page's `usage_report` or `cost_report` table read column-wise, or None to
        decode it instead."""
        if self.spec is None or not isinstance(self.data, RawRecords):
            return None
        read = COLUMNAR_REPORTS[self.spec.name](self.data, self.spec)
        if read is None:
            return None
        self.covered.extend(read[0])
        return read[1]

    def decode(self) -> list[dict[str, Any]]:
        """The page's results, each stamped with its bucket's start and end."""
        records: list[dict[str, Any]] = []
        for bucket in read_page(self.data):
            starting_at, ending_at = bucket["starting_at"], bucket["ending_at"]
            self.covered.append(_bucket_start(starting_at))
            for result in bucket.get("results") or []:
                result["starting_at"] = starting_at
                result["ending_at"] = ending_at
                records.append(result)
        return records


@dataclass
class RowsPage:
    """A page of analytics rows, decoded when read; every row must lie in its request's
    range, whose rows the load replaces (a row outside it could never be replaced)."""

    data: RawRecords
    start: datetime
    end: datetime
    path: str

    def decode(self) -> list[dict[str, Any]]:
        records = self.data.decode()
        for record in records:
            bucket = timestamp(record.get("starting_at"))
            if bucket is None or not self.start <= bucket < self.end:
                raise errors.ProtocolError(
                    f"{self.path} returned a row for {record.get('starting_at')} when asked "
                    f"for {rfc3339(self.start)}..{rfc3339(self.end)}; refusing to load it"
                )
        return records


# One page of records: decoded already, raw JSON, or a report page; `read_page` decodes.
Page = list[dict[str, Any]] | RawRecords | ReportPage | RowsPage


def read_page(page: Page) -> list[dict[str, Any]]:
    """The records of a page, decoding them if they are still raw."""
    return page if isinstance(page, list) else page.decode()


@dataclass
class Batch:
    """Records fetched together, and the days/buckets whose rows they completely replace.

    `pages` yields the records page by page and is read once, on the thread that prepares the
    batch; `covered` is complete once `pages` has been read to the end.
    """

    pages: Iterable[Page]
    covered: list[datetime] = field(default_factory=list)

    @property
    def units(self) -> int:
        """Progress units: the days or buckets covered, or one page or workspace."""
        return len(self.covered) or 1


def ordered_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    workers: int,
    stop: Callable[[], bool] = lambda: False,
    budget: ByteBudget | None = None,
) -> Iterator[R]:
    """Like `map`, on a thread pool, keeping order and at most 2×`workers` results in memory.
    Once `stop()` is true no further item is started, and those started are still yielded.
    With a `budget`, the pages each item fetches (`hold`) count against it until its result
    is yielded, so fetching waits while the budget is spent (`_reserving`: before each request).

    The first item runs alone: when the endpoint refuses it (a key without the permission,
    an organization without the product) no other request has been sent, so a table that is
    not available costs one request, not one per day."""
    lane = budget.lane() if budget is not None else None

    def started(item: T) -> tuple[Holding | None, Callable[[], R]]:
        holding = lane.start() if lane is not None else None
        return holding, lambda: _counted(fn, item, holding)

    source = iter(items)
    for first in source:
        holding, call = started(first)
        try:
            result = call()
        finally:
            if holding is not None:
                holding.give_back()
        yield result
        break
    else:
        return
    if stop():
        return
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="fetch")
    pending: deque[tuple[Holding | None, Future[R]]] = deque()

    def submit(item: T) -> None:
        holding, call = started(item)
        pending.append((holding, pool.submit(call)))

    try:
        for item in source:
            submit(item)
            if len(pending) >= 2 * workers:
                break
        while pending:
            holding, future = pending[0]
            result = future.result()
            pending.popleft()
            if holding is not None:
                holding.give_back()
            if not stop():
                for item in source:
                    submit(item)
                    break
            yield result
    finally:
        _give_back(pending)  # lets workers waiting for room finish
        pool.shutdown(wait=True, cancel_futures=True)
        _give_back(pending)  # and what they took meanwhile


def _counted(fn: Callable[[T], R], item: T, holding: Holding | None) -> R:
    if holding is None:
        return fn(item)
    with holding.fetching():
        return fn(item)


def _give_back(pending: Iterable[tuple[Holding | None, Future[Any]]]) -> None:
    for holding, _ in pending:
        if holding is not None:
            holding.finish()
            holding.give_back()


def _held(data: T) -> T:
    """A page's records, counted against the byte budget of the batch being fetched (in place
    of what its request reserved, waiting for room for the rest): raw JSON by its size;
    records already decoded are not counted."""
    hold(len(data.raw_bytes()) if isinstance(data, RawRecords) else 0)
    return data


def _reserving(pages: Iterator[dict[str, Any]], paginator: Paginator) -> Iterator[dict[str, Any]]:
    """`pages` (of `paginate` with `paginator`), taking room in the byte budget before each
    request; each page's `_held` then counts its real size in place of the reservation."""
    while paginator.has_more:
        reserve()
        page = next(pages, None)
        if page is None:
            return
        yield page
        del page


def fetch(
    spec: TableSpec,
    client: AdminClient,
    window: Window | None,
    config: SourceConfig,
    prepare: Callable[[Batch], R],
    stop: Callable[[], bool] = lambda: False,
) -> Iterator[R]:
    """Yield `prepare(batch)` for every batch of `spec`'s records for `window` (None for
    current-state tables). Concurrent fetches run `prepare` on their worker thread, so a
    batch's records are flattened and dropped as soon as they arrive: only prepared results
    wait in the ordered queue, never the API's records. A window's fetch starts no new batch
    once `stop()` is true, so it ends after a whole batch."""
    source, workers = spec.source, client.settings.max_concurrency
    return_freed_pages()
    if source.paging in ("per_day", "date_range", "more"):  # Claude Enterprise styles
        from anthropic_ingest.load.fetch_enterprise import fetch_enterprise

        yield from fetch_enterprise(spec, client, window, config, prepare, stop)
        return
    if source.paging == "single":
        yield prepare(Batch([[client.get(source.path, source.params)]]))
    elif source.parent is not None:
        parents = _ids_of(client, source.parent, config)
        yield from ordered_map(
            lambda parent: prepare(_children(client, source, parent, config)),
            parents,
            workers,
            budget=config.budget,
        )
    elif source.paging == "id":
        pages = _list_pages(client, source, config)
        if source.resolve_key_workspaces:
            pages = _with_key_workspaces(
                pages, lambda: set(_ids_of(client, api.WORKSPACES, config))
            )
        for page in pages:
            yield prepare(Batch([page["data"]]))
    elif source.paging == "next":
        paginator = NextPagePaginator(_cap(config, ID_PAGE))
        for page in paginate(client, source.path, source.params, paginator, source.headers):
            yield prepare(Batch([page["data"]]))
    elif window is None:
        raise ValueError(f"{spec.name} needs a window")
    elif source.paging == "days":
        yield from ordered_map(
            lambda day: prepare(_day(client, source, day, config)),
            window.days(),
            workers,
            stop,
            config.budget,
        )
    elif source.paging == "rows":
        limit = _cap(config, ROWS_PAGE)
        yield from ordered_map(
            lambda chunk: prepare(_rows_chunk(client, source, limit, chunk)),
            window.chunks(),
            workers,
            stop,
            config.budget,
        )
    else:
        params = _report_params(source, window, config)
        limit = _limit(config, window.width)
        columnar = spec if spec.name in COLUMNAR_REPORTS else None
        yield from ordered_map(
            lambda chunk: prepare(
                _report_chunk(client, source.path, params, limit, chunk, columnar)
            ),
            window.chunks(),
            workers,
            stop,
            config.budget,
        )


def _cap(config: SourceConfig, most: int) -> int:
    """The page size to ask for: the endpoint's maximum unless the user asked for less."""
    return min(config.page_size, most) if config.page_size else most


def _limit(config: SourceConfig, width: str) -> int:
    return _cap(config, MAX_BUCKETS[width])


def _ids(config: SourceConfig) -> IdCursorPaginator:
    return IdCursorPaginator(limit=_cap(config, ID_PAGE))


def list_once(
    client: AdminClient,
    endpoint: Endpoint,
    size: int,
    pages: Callable[[], Iterator[dict[str, Any]]],
) -> Iterator[dict[str, Any]]:
    """`pages()`, the page bodies of a list of `size` records a page; for a list several
    tables start from (`Endpoint.shared`), read once per run and shared among them."""
    if not endpoint.shared:
        return pages()
    key = (endpoint.path, endpoint.params, size)
    return iter(client.shared(key, lambda: list(pages())))


def _list_pages(
    client: AdminClient, endpoint: Endpoint, config: SourceConfig
) -> Iterator[dict[str, Any]]:
    """The pages of an ID-paged list (the workspaces: once per run, `list_once`)."""
    paginator = _ids(config)
    return list_once(
        client,
        endpoint,
        paginator.limit,
        lambda: paginate(client, endpoint.path, endpoint.params, paginator),
    )


def _ids_of(client: AdminClient, endpoint: Endpoint, config: SourceConfig) -> Iterator[str]:
    """The IDs an ID-paged list endpoint lists (workspaces, for their members)."""
    for page in _list_pages(client, endpoint, config):
        for record in read_page(page["data"]):
            yield record["id"]


def _with_key_workspaces(
    pages: Iterator[dict[str, Any]], list_workspaces: Callable[[], set[str]]
) -> Iterator[dict[str, Any]]:
    """API key pages whose records all carry `workspace_id`: the newest shape of the API
    sends only `scope`, whose workspace is resolved against the listed workspaces. The
    workspaces are listed once, and only when a key comes without `workspace_id`."""
    listed: set[str] | None = None
    for page in pages:
        records = read_page(page["data"])
        for record in records:
            if "workspace_id" not in record:
                if listed is None:
                    listed = list_workspaces()
                record["workspace_id"] = key_workspace(record, listed)
        yield {**page, "data": records}


def earliest_created(client: AdminClient, config: SourceConfig) -> datetime | None:
    """When the oldest of the organization's users, API keys and workspaces (archived ones
    included) was created: no activity can be older, so a first run starts there."""
    sources = [(api.USERS, "added_at"), (api.API_KEYS, "created_at")]
    sources.append((api.WORKSPACES, "created_at"))
    found = []
    for endpoint, field_name in sources:
        for page in _list_pages(client, endpoint, config):
            found += [timestamp(r.get(field_name)) for r in read_page(page["data"])]
    known = [moment for moment in found if moment is not None]
    return min(known) if known else None


def _children(client: AdminClient, endpoint: Endpoint, parent: str, config: SourceConfig) -> Batch:
    path = endpoint.path.format(id=parent)
    return Batch(_data(paginate(client, path, endpoint.params, _ids(config))))


def _day(client: AdminClient, endpoint: Endpoint, day: date, config: SourceConfig) -> Batch:
    params = (("starting_at", day.isoformat()), *endpoint.params)
    paginator = PageTokenPaginator(limit=_cap(config, CLAUDE_CODE_PAGE))
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    pages = _reserving(paginate(client, endpoint.path, params, paginator), paginator)
    return Batch(_data(pages), [start])


def _data(pages: Iterator[dict[str, Any]]) -> Iterator[Page]:
    """Each page's records, holding no page while the next one is fetched."""
    for page in pages:
        data = _held(page["data"])
        del page
        yield data
        del data


def _report_params(
    endpoint: Endpoint, window: Window, config: SourceConfig
) -> list[tuple[str, str]]:
    dims = config.group_by if endpoint.group_by is None else endpoint.group_by
    return [("bucket_width", window.width), *(("group_by[]", d) for d in dims), *endpoint.params]


def _report_chunk(
    client: AdminClient,
    path: str,
    params: list[tuple[str, str]],
    limit: int,
    chunk: tuple[datetime, datetime],
    columnar: TableSpec | None,
) -> Batch:
    """A chunk's pages, read when the loader reads them; once all are read, `covered`
    holds every bucket's start."""
    start, end = chunk
    width = dict(params)["bucket_width"]
    request = [("starting_at", rfc3339(start)), ("ending_at", rfc3339(end)), *params]
    covered: list[datetime] = []

    def pages() -> Iterator[Page]:
        paginator = PageTokenPaginator(limit=limit)
        for page in _reserving(paginate(client, path, request, paginator), paginator):
            report_page = ReportPage(_held(page["data"]), covered, columnar)
            del page
            yield report_page
            del report_page
        _check_buckets(path, start, end, width, covered)

    return Batch(pages(), covered)


def _bucket_start(value: str) -> datetime:
    parsed = timestamp(value)
    assert parsed is not None
    return parsed


def _check_buckets(
    path: str, start: datetime, end: datetime, width: str, covered: list[datetime]
) -> None:
    wanted = int((end - start).total_seconds()) // BUCKET_SECONDS[width]
    if len(covered) != wanted or len(set(covered)) != len(covered):
        raise errors.ProtocolError(
            f"{path} returned {len(covered)} buckets for {rfc3339(start)}..{rfc3339(end)} "
            f"where {wanted} were expected; refusing to load a partial range"
        )


def _rows_chunk(
    client: AdminClient, endpoint: Endpoint, limit: int, chunk: tuple[datetime, datetime]
) -> Batch:
    """An analytics window of at most 31 days, read whole before the loader sees any of it
    (a stale cursor restarts it from page 1). Its covered days are the days asked for, not
    the days that had rows: the API sends no rows for a day without usage."""
    start, end = chunk
    request = [
        ("starting_at", rfc3339(start)),
        ("ending_at", rfc3339(end)),
        *endpoint.params,
        *(("group_by[]", d) for d in endpoint.group_by or ()),
    ]
    covered: list[datetime] = []

    def pages() -> Iterator[Page]:
        raw = _rows_pages(client, endpoint, request, limit)
        covered.extend(start + timedelta(days=i) for i in range((end - start).days))
        for data in raw:
            yield RowsPage(data, start, end, endpoint.path)

    return Batch(pages(), covered)


def _rows_pages(
    client: AdminClient, endpoint: Endpoint, request: list[tuple[str, str]], limit: int
) -> list[RawRecords]:
    """Every page of one analytics request. A 410 on a request that carried a page cursor
    means the API refreshed its data: the rows read so far are dropped and the window is
    read again from page 1, at most MAX_RESTARTS times."""
    restarts = 0
    while True:
        paginator = PageTokenPaginator(limit=limit)
        pages: list[RawRecords] = []
        try:
            raw = paginate(client, endpoint.path, request, paginator, endpoint.headers)
            for page in _reserving(raw, paginator):
                pages.append(_held(page["data"]))
            return pages
        except errors.ApiError as exc:
            if exc.status != 410 or paginator.cursor is None:
                raise
            del pages
            drop_held()
            if restarts == MAX_RESTARTS:
                raise errors.ApiError(
                    f"{endpoint.path} kept expiring its page cursor (410: the API was "
                    f"refreshing its data) after {MAX_RESTARTS} restarts; try again later",
                    status=410,
                    error_type=exc.error_type,
                    request_id=exc.request_id,
                ) from None
            restarts += 1
