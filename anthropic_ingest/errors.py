"""The exception tree. Every failure a user can cause or meet is one of these.

The CLI maps them to exit codes in one place (`anthropic_ingest.cli.main`). Messages are one
line, say what went wrong and what to do, and never contain the Admin API key.
"""

from __future__ import annotations

from typing import Any


class IngestError(Exception):
    """Base of every error the tool reports to a user."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(IngestError):
    """A flag, URI, table name or interval the user gave is not valid."""

    exit_code = 2


class Interrupted(IngestError):
    """Ctrl-C (SIGINT) stopped a run; the message says what was, or was not, written."""

    exit_code = 130


class ApiError(IngestError):
    """The Admin API answered with an error that retries did not cure."""

    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_type: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.request_id = request_id


class AuthenticationError(ApiError):
    """401: the key was rejected."""


class PermissionDeniedError(ApiError):
    """403: the key is valid but lacks admin permission."""


class InvalidRequestError(ApiError):
    """400: the API refused the request's parameters."""


class NotFoundError(ApiError):
    """404: the path or object does not exist."""


class RateLimitedError(ApiError):
    """429 after every retry."""


class ServerError(ApiError):
    """5xx / 529 after every retry."""


class ApiUnreachableError(ApiError):
    """No HTTP answer at all (DNS, refused connection, timeout) after every retry."""


class ProtocolError(ApiError):
    """The API answered with something that breaks its own contract (bad JSON, a cursor loop)."""


class IncompleteLoadError(IngestError):
    """Some tables of a run failed while the others loaded; `report` says which."""

    def __init__(self, report: Any, failures: list[IngestError]) -> None:
        failed = [t for t in report.tables if t.failed is not None]
        # A skipped table (not available, or no data in the interval) was not loaded either.
        loaded = [t.table for t in report.tables if t.failed is None and t.skipped is None]
        first = failed[0]
        others = f" (and {len(failed) - 1} more table(s))" if len(failed) > 1 else ""
        kept = f"; loaded: {', '.join(loaded)}" if loaded else ""
        super().__init__(
            f"{first.table} was not loaded completely: {first.failed}{others}{kept}. Days "
            "and buckets fetched before a failure are kept, and the next run goes on from "
            "there; a table of the current state is left as it was"
        )
        self.report = report
        self.exit_code = failures[0].exit_code


class DestinationError(IngestError):
    """The destination could not be reached or refused the load."""

    exit_code = 4


class SchemaConflictError(DestinationError):
    """An existing destination table has columns incompatible with what we load."""
