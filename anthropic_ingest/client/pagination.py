"""One paginator per Admin API pagination style.

Each paginator has three small steps, as in dlt's REST client: `init_request` (first page's
parameters), `update_state` (read the answer), `update_request` (next page's parameters). A
cursor that repeats, or `has_more` without a cursor, is a broken contract and fails the run
instead of looping or stopping early.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from anthropic_ingest import errors
from anthropic_ingest.client.bodies import RawRecords
from anthropic_ingest.client.http import AdminClient, Params


class Paginator(Protocol):
    has_more: bool

    def init_request(self, params: Params) -> list[tuple[str, str]]: ...

    def update_state(self, path: str, body: dict[str, Any]) -> None: ...

    def update_request(self, params: Params) -> list[tuple[str, str]]: ...


class _CursorGuard:
    def __init__(self) -> None:
        self.has_more = True
        self.cursor: str | None = None
        self._seen: set[str] = set()

    def _advance(self, path: str, has_more: Any, cursor: Any, cursor_field: str) -> None:
        self.has_more = has_more is True
        if not self.has_more:
            return
        if not isinstance(cursor, str) or not cursor:
            raise errors.ProtocolError(
                f"the Admin API said has_more for {path} but sent no {cursor_field}; "
                "stopping rather than loading a partial table"
            )
        if cursor in self._seen:
            raise errors.ProtocolError(
                f"the Admin API sent the same {cursor_field} twice for {path}; stopping "
                "rather than looping or loading duplicates"
            )
        self._seen.add(cursor)
        self.cursor = cursor


class IdCursorPaginator(_CursorGuard):
    """Style A: `limit` + `after_id`, answered with `data`, `has_more`, `last_id`."""

    def __init__(self, limit: int = 1000) -> None:
        super().__init__()
        self.limit = limit

    def init_request(self, params: Params) -> list[tuple[str, str]]:
        return [*params, ("limit", str(self.limit))]

    def update_state(self, path: str, body: dict[str, Any]) -> None:
        self._advance(path, body.get("has_more"), body.get("last_id"), "last_id")

    def update_request(self, params: Params) -> list[tuple[str, str]]:
        assert self.cursor is not None
        return [*self.init_request(params), ("after_id", self.cursor)]


class PageTokenPaginator(_CursorGuard):
    """Style B: `limit` + `page`, answered with `data`, `has_more`, `next_page`."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def init_request(self, params: Params) -> list[tuple[str, str]]:
        return [*params, ("limit", str(self.limit))]

    def update_state(self, path: str, body: dict[str, Any]) -> None:
        self._advance(path, body.get("has_more"), body.get("next_page"), "next_page")

    def update_request(self, params: Params) -> list[tuple[str, str]]:
        assert self.cursor is not None
        return [*self.init_request(params), ("page", self.cursor)]


class NextPagePaginator(_CursorGuard):
    """Style C: `page` (+ `limit` where the endpoint takes one), answered with `data` and
    `next_page`, which is null on the last page (there is no `has_more`)."""

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        self.limit = limit

    def init_request(self, params: Params) -> list[tuple[str, str]]:
        size = [] if self.limit is None else [("limit", str(self.limit))]
        return [*params, *size]

    def update_state(self, path: str, body: dict[str, Any]) -> None:
        cursor = body.get("next_page")
        self._advance(path, cursor is not None, cursor, "next_page")

    def update_request(self, params: Params) -> list[tuple[str, str]]:
        assert self.cursor is not None
        return [*self.init_request(params), ("page", self.cursor)]


def paginate(
    client: AdminClient,
    path: str,
    params: Params,
    paginator: Paginator,
    headers: Params = (),
) -> Iterator[dict[str, Any]]:
    """Yield every page body of `path`, in order, until the API says there is no more.

    A page's `data` is `RawRecords`: decoded when read, so a page waiting to be read costs its
    bytes, not its objects. `headers` go with every request (an endpoint's beta).
    """
    request = paginator.init_request(params)
    while True:
        body = client.get_page(path, request, headers)
        data = body.get("data")
        if not isinstance(data, RawRecords) or not data.is_array():
            raise errors.ProtocolError(
                f"the Admin API answered {path} without a data list; cannot read the page"
            )
        paginator.update_state(path, body)
        yield body
        del body, data  # a page is large: never hold it while the next one is fetched
        if not paginator.has_more:
            return
        request = paginator.update_request(params)
