"""The Admin API client: HTTP session with retries, error mapping, pagination, rate limiting."""

from anthropic_ingest.client.http import AdminClient, ClientSettings, RequestStats
from anthropic_ingest.client.pagination import IdCursorPaginator, PageTokenPaginator, paginate

__all__ = [
    "AdminClient",
    "ClientSettings",
    "IdCursorPaginator",
    "PageTokenPaginator",
    "RequestStats",
    "paginate",
]
