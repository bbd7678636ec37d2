"""What a key can read: one cheap request per table family, before any load.

`check` asks each endpoint family once (the smallest page it offers, retried at most twice),
and turns the answers into a verdict per table plus what they say about the organization:
its name and id, whether it is a Console organization (the usage and cost reports answer),
whether keys of the Default workspace exist, and how the API behaved (retries, 429s).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from anthropic_ingest import endpoints as api
from anthropic_ingest import errors
from anthropic_ingest.check_enterprise import (
    ENTERPRISE_ANALYTICS,
    engagement_answer,
    enterprise_params,
    families_text,
    is_engagement,
)
from anthropic_ingest.endpoints import Endpoint
from anthropic_ingest.load.windows import rfc3339
from anthropic_ingest.tables import TABLES, TableSpec

if TYPE_CHECKING:
    from anthropic_ingest.client import AdminClient
    from anthropic_ingest.load.source_uri import SourceConfig

# The tables of the original product page: `check` succeeds only when all of them are readable;
# the others (TableSpec.optional) are listed as readable or not, and why.
ORIGINAL_TABLES = (
    "claude_code_usage",
    "usage_report",
    "cost_report",
    "organization",
    "users",
    "invites",
    "workspaces",
    "workspace_members",
    "api_keys",
)
MAX_RETRIES = 2
RETRY_BUDGET_SECONDS = 60.0
# One page answers "which workspaces are listed" and "is any key in the Default workspace"
# for nearly every organization, still in one request each.
DIRECTORY_PAGE = 1000
KEY_REJECTED = (
    "The Admin API takes an Admin key (sk-ant-admin...) or a personal or service-account "
    "key that is not scoped to a workspace; workspace API keys do not work."
)


@dataclass(frozen=True)
class Access:
    """Whether a table can be loaded with this key, and why not (or a note when it can)."""

    readable: bool
    reason: str = ""
    status: int | None = None


@dataclass
class CheckReport:
    """Everything `check` found out; nothing in it holds the key."""

    api_root: str
    api_version: str
    tables: dict[str, Access]
    key_rejected: bool
    organization_name: str | None
    organization_id: str | None
    console_reports: bool
    default_workspace_keys: str
    requests: int
    retries: int
    rate_limited: int
    rate_limited_with_wait: int
    warnings: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """Tables of the original product page this key cannot read; for a key that reads
        the Claude Enterprise analytics instead (an Analytics key), those it cannot read."""
        original = [name for name in ORIGINAL_TABLES if not self.tables[name].readable]
        enterprise = [n for n in ENTERPRISE_ANALYTICS if not self.tables[n].readable]
        if len(original) == len(ORIGINAL_TABLES) and len(enterprise) < len(ENTERPRISE_ANALYTICS):
            return enterprise
        return original

    @property
    def families(self) -> str:
        """Which families of tables the key reads, in words."""
        return families_text(self.tables)


@dataclass(frozen=True)
class _Answer:
    body: Any = None
    error: errors.ApiError | None = None
    # Why no request was made for this family (its answer is another family's).
    borrowed: str = ""


def check(source_uri: str | None, *, today: date | None = None) -> CheckReport:
    """Ask every table family once with the key of `source_uri`; report what is readable."""
    # The HTTP client (httpx) is imported here: the CLI reads ORIGINAL_TABLES for its help.
    from anthropic_ingest.client import AdminClient
    from anthropic_ingest.client.http import ANTHROPIC_VERSION
    from anthropic_ingest.load.source_uri import parse_source_uri

    config = parse_source_uri(source_uri)
    settings = replace(
        config.client,
        max_retries=min(config.client.max_retries, MAX_RETRIES),
        retry_budget_seconds=min(config.client.retry_budget_seconds, RETRY_BUDGET_SECONDS),
    )
    day = (today or datetime.now(UTC).date()) - timedelta(days=1)
    with AdminClient(settings) as client:
        answers = _ask_all(client, config, day)
        stats = client.stats
    me = answers[api.ME].body if isinstance(answers[api.ME].body, dict) else {}
    rejected = any(a.error is not None and a.error.status == 401 for a in answers.values())
    return CheckReport(
        api_root=_api_root(settings.base_url),
        api_version=ANTHROPIC_VERSION,
        tables={name: _access(spec, answers) for name, spec in TABLES.items()},
        key_rejected=rejected,
        organization_name=_text(me.get("name")),
        organization_id=_text(me.get("id")),
        console_reports=all(answers[e].error is None for e in (api.USAGE_MESSAGES, api.COST)),
        default_workspace_keys=_default_workspace_keys(
            answers[api.WORKSPACES], answers[api.API_KEYS]
        ),
        requests=stats.requests,
        retries=stats.retries,
        rate_limited=stats.rate_limited,
        rate_limited_with_wait=stats.rate_limited_with_wait,
        warnings=list(config.warnings),
    )


def _plan(config: SourceConfig, day: date) -> list[tuple[Endpoint, list[tuple[str, str]]]]:
    """Each endpoint the tables read, with the query of its one request: the organization
    first (a rejected key stops there), lists before the lists under them, then reports.
    Reports ask for one day (yesterday), grouped as a load groups them, so a grouping the API
    refuses shows here too."""
    endpoints = list(dict.fromkeys(spec.source for spec in TABLES.values()))
    order = {"single": 0, "id": 1, "next": 2, "more": 2, "days": 3, "buckets": 4, "rows": 5}
    order |= {"per_day": 6, "date_range": 6}
    endpoints.sort(key=lambda e: order.get(e.paging, len(order)) + (e.parent is not None))
    directories = {e.parent for e in endpoints} | {api.API_KEYS}
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    plan = []
    for endpoint in endpoints:
        if endpoint.paging == "single":
            params: list[tuple[str, str]] = []
        elif endpoint.paging == "id":
            size = DIRECTORY_PAGE if endpoint in directories else 1
            params = [("limit", str(size))]
        elif endpoint.paging == "next":
            params = [("limit", "1")]
        elif endpoint.paging == "days":
            params = [("starting_at", str(day)), ("limit", "1")]
        elif endpoint.paging == "rows":
            params = _rows_params(endpoint, start)
        elif endpoint.paging in ("more", "per_day", "date_range"):
            params = enterprise_params(endpoint, day)
        else:
            dims = config.group_by if endpoint.group_by is None else endpoint.group_by
            params = [
                ("starting_at", rfc3339(start)),
                ("ending_at", rfc3339(start + timedelta(days=1))),
                ("bucket_width", "1d"),
                ("limit", "1"),
                *(("group_by[]", d) for d in dims),
            ]
        plan.append((endpoint, [*params, *endpoint.params]))
    return plan


def _rows_params(endpoint: Endpoint, start: datetime) -> list[tuple[str, str]]:
    """One day of an analytics report, grouped as a load groups it (never before its first
    day of data, which the API refuses)."""
    if endpoint.data_from is not None:
        first = endpoint.data_from
        start = max(start, datetime(first.year, first.month, first.day, tzinfo=UTC))
    return [
        ("starting_at", rfc3339(start)),
        ("ending_at", rfc3339(start + timedelta(days=1))),
        ("limit", "1"),
        *(("group_by[]", d) for d in endpoint.group_by or ()),
    ]


def _ask_all(client: AdminClient, config: SourceConfig, day: date) -> dict[Endpoint, _Answer]:
    """One request per endpoint, in order; once the key is rejected nothing more is asked."""
    answers: dict[Endpoint, _Answer] = {}
    for endpoint, params in _plan(config, day):
        me = answers.get(api.ME)
        if me is not None and me.error is not None and me.error.status == 401:
            answers[endpoint] = replace(me, borrowed="not asked once the key was rejected")
        elif endpoint.parent is not None:
            answers[endpoint] = _ask_children(client, endpoint, answers[endpoint.parent], params)
        elif (family := engagement_answer(answers)) is not None and is_engagement(endpoint):
            answers[endpoint] = family  # one key scope (read:analytics) for the whole family
        else:
            answers[endpoint] = _ask(client, endpoint.path, params, endpoint.headers)
    return answers


def _ask(
    client: AdminClient,
    path: str,
    params: list[tuple[str, str]],
    headers: tuple[tuple[str, str], ...] = (),
) -> _Answer:
    try:
        return _Answer(body=client.get(path, params, headers))
    except errors.ApiError as exc:
        return _Answer(error=exc)


def _ask_children(
    client: AdminClient, endpoint: Endpoint, parents: _Answer, params: list[tuple[str, str]]
) -> _Answer:
    """The list under the first listed parent (a workspace's members); no request when no
    parent can be listed."""
    if parents.error is not None:
        return replace(parents, borrowed="no workspace could be listed to ask about")
    listed = [w["id"] for w in _records(parents.body) if isinstance(w.get("id"), str)]
    if not listed:
        return _Answer(body={"data": []}, borrowed="no workspace is listed, so none has members")
    return _ask(client, endpoint.path.format(id=listed[0]), params)


def _access(spec: TableSpec, answers: dict[Endpoint, _Answer]) -> Access:
    answer = answers.get(spec.source)
    if answer is None:
        return Access(False, "not checked by this version of check")
    if answer.error is None:
        return Access(True, answer.borrowed)
    reason = _reason(answer.error)
    if spec.source.needs and answer.error.status in (403, 404):
        return Access(False, f"{spec.source.needs} ({answer.error.status})", answer.error.status)
    if answer.borrowed and answer.error.status != 401:
        reason = f"{answer.borrowed}: {reason}"
    return Access(False, reason, answer.error.status)


def _reason(error: errors.ApiError) -> str:
    """Why a family is not readable, in a few words (details are in the error's message)."""
    status = error.status
    if status == 401:
        return "the key was rejected (401)"
    if status == 403:
        return "permission denied (403): the key lacks it, or the plan does not include it"
    if status == 404:
        return "not offered to this organization (404)"
    if isinstance(error, errors.RateLimitedError):
        return f"still rate-limited (429) after {MAX_RETRIES} retries"
    if isinstance(error, errors.ApiUnreachableError):
        return "no answer from the API (check base_url and the network)"
    return error.message


def _default_workspace_keys(workspaces: _Answer, api_keys: _Answer) -> str:
    """Whether any key read is in the Default workspace, which is never listed: such a key
    has a null `workspace_id`, or (newest shape) a scope naming an unlisted workspace."""
    if api_keys.error is not None:
        return "unknown: the API keys could not be read"
    keys = _records(api_keys.body)
    listed = None if workspaces.error else {w.get("id") for w in _records(workspaces.body)}
    if listed is not None and _more(workspaces.body):
        listed = None
    verdicts = [_in_default(key, listed) for key in keys]
    read = f"of the {len(keys)} API key{'s' if len(keys) != 1 else ''} read"
    if _more(api_keys.body):
        read += " (the first page only)"
    if not keys:
        return "no API keys are listed"
    found = verdicts.count(True)
    if found:
        return f"keys exist: {found} {read}"
    if None in verdicts:
        return f"unknown: the workspaces could not all be listed to tell ({read[3:]})"
    return f"no keys: none {read}"


def _in_default(key: dict[str, Any], listed: set[Any] | None) -> bool | None:
    """True for a key of the Default workspace; None when the workspaces are not all known.
    An organization-scoped key belongs to no workspace (its `workspace_id` is null too)."""
    scope = key.get("scope")
    if isinstance(scope, dict) and scope.get("type") == "organization":
        return False
    if "workspace_id" in key:
        return key["workspace_id"] is None
    if not isinstance(scope, dict) or scope.get("type") != "workspace":
        return False
    if listed is None:
        return None
    return scope.get("workspace_id") not in listed


def _records(body: Any) -> list[dict[str, Any]]:
    data = body.get("data") if isinstance(body, dict) else None
    return [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []


def _more(body: Any) -> bool:
    return isinstance(body, dict) and body.get("has_more") is True


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _api_root(base_url: str) -> str:
    """scheme://host[:port] of the API, without any credentials a proxy URL may carry."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}"
