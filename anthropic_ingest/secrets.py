"""Keep the Admin API key out of every output: messages, logs, tracebacks and files.

Every key the tool learns is registered here; `redact` replaces it wherever it appears, and
`install_log_filter` makes the root logger (and so dlt's logger) do the same.
"""

from __future__ import annotations

import logging
import threading

_lock = threading.Lock()
_secrets: set[str] = set()
MASK = "sk-ant-***"


def register(secret: str | None) -> None:
    """Remember a secret so that `redact` hides it from now on."""
    if secret and len(secret) >= 6:
        with _lock:
            _secrets.add(secret)


def redact(text: str) -> str:
    """Return `text` with every registered secret replaced by a mask."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that formats the record and masks secrets in the result."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _secrets:
            record.msg = redact(record.getMessage())
            record.args = None
        return True


_filter = RedactingFilter()


def install_log_filter() -> None:
    """Attach the redacting filter to every handler of the root and dlt loggers."""
    for name in ("", "dlt", "httpx", "httpcore"):
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)
        for handler in logger.handlers:
            if _filter not in handler.filters:
                handler.addFilter(_filter)
