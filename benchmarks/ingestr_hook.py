"""Send ingestr's Anthropic requests to the emulator instead of api.anthropic.com.

ingestr 0.14.155 hard-codes `https://api.anthropic.com/v1` in its Anthropic helpers. The
benchmark copies this module into ingestr's own virtual environment together with a `.pth`
line that imports it at interpreter start. When `INGESTR_ANTHROPIC_BASE_URL` is set, it
rewrites that prefix in every URL `requests` sends (at the transport adapter, below ingestr's
and dlt's sessions), so ingestr's own client code, retries and pagination run unchanged.
"""

from __future__ import annotations

import os
from typing import Any

REAL_API = "https://api.anthropic.com"


def install(base_url: str) -> None:
    """Patch `requests`' HTTP adapter to rewrite the real API root to `base_url`."""
    from requests.adapters import HTTPAdapter

    original = HTTPAdapter.send
    target = base_url.rstrip("/")

    def send(self: HTTPAdapter, request: Any, *args: Any, **kwargs: Any) -> Any:
        url = request.url
        if isinstance(url, str) and url.startswith(REAL_API):
            request.url = target + url[len(REAL_API) :]
        return original(self, request, *args, **kwargs)

    HTTPAdapter.send = send  # type: ignore[method-assign]


_BASE_URL = os.environ.get("INGESTR_ANTHROPIC_BASE_URL")
if _BASE_URL:
    install(_BASE_URL)
