"""`anthropic-ingest check`: what a key can read, told before the first load."""

from __future__ import annotations

import sys
import textwrap

import typer

from anthropic_ingest import errors, secrets
from anthropic_ingest.check import KEY_REJECTED, ORIGINAL_TABLES, CheckReport, check
from anthropic_ingest.cli import options

HELP = f"""Find out what your key can read, before loading anything.

Sends one small request per table family (the organization, users, invites, workspaces,
one workspace's members, API keys, and one day of the Claude Code, usage and cost reports),
retrying each at most twice, then prints a line per table ("readable", or "not available"
and why), what the answers say about the organization, and the API version and rate-limit
behaviour seen. The key is never printed.

Exit status: 0 when every table of the original product page is readable
({", ".join(ORIGINAL_TABLES)}); 3 otherwise.

Example:

\b
  anthropic-ingest check --source-uri "anthropic://?api_key=sk-ant-admin..."
"""

WIDTH = 80
TABLE_COLUMN = 28
LABEL_COLUMN = 19
COVERAGE = "docs/coverage.md"


def check_command(source_uri: str = options.source_uri()) -> None:
    report = check(source_uri)
    for warning in report.warnings:
        print(secrets.redact(f"warning: {warning}"), file=sys.stderr)
    for line in report_lines(report):
        print(secrets.redact(line))
    if report.key_rejected:
        raise errors.AuthenticationError(
            f"the Admin API rejected the key (401), so no table is readable. {KEY_REJECTED}",
            status=401,
        )
    if report.missing:
        raise errors.ApiError(
            f"{len(report.missing)} of the {len(ORIGINAL_TABLES)} tables of the original "
            f"product page are not available to this key: {', '.join(report.missing)} (see "
            f"the lines above and {COVERAGE})"
        )


def report_lines(report: CheckReport) -> list[str]:
    """The report as lines of at most 80 characters."""
    lines = [f"Admin API at {report.api_root}", "", f"{'table':<{TABLE_COLUMN}}access"]
    for name, access in report.tables.items():
        text = "readable" if access.readable else f"not available: {access.reason}"
        if access.readable and access.reason:
            text += f" ({access.reason})"
        lines += _wrapped(name, text, TABLE_COLUMN)
    lines.append("")
    for label, value in _facts(report):
        lines += _wrapped(label, value, LABEL_COLUMN)
    lines += ["", f"Which organizations get which tables, and why: {COVERAGE}"]
    return lines


def _facts(report: CheckReport) -> list[tuple[str, str]]:
    version = (
        f"anthropic-version {report.api_version}, pinned: the SDKs' newer 2026-10-21 renames "
        f"Admin fields not yet confirmed one by one ({COVERAGE})"
    )
    key = f"rejected (401). {KEY_REJECTED}" if report.key_rejected else "accepted"
    if report.organization_id:
        org = f"{report.organization_name or '(no name)'} (id {report.organization_id})"
    else:
        org = "unknown: /v1/organizations/me did not answer"
    return [
        ("API version sent", version),
        ("key", key),
        ("organization", org),
        ("kind", _kind(report)),
        ("families", report.families),
        ("Default workspace", report.default_workspace_keys),
        ("requests", _requests(report)),
    ]


def _kind(report: CheckReport) -> str:
    if report.console_reports:
        return "Console organization (Admin API): the usage and cost reports answer"
    if report.key_rejected:
        return "unknown: the key was rejected"
    return (
        "not confirmed as a Console organization: the usage and cost reports did not "
        "answer (Claude Enterprise, Team and Claude Platform on AWS organizations do not "
        f"get them, see {COVERAGE})"
    )


def _requests(report: CheckReport) -> str:
    text = f"{report.requests} sent, {report.retries} retried; "
    if not report.rate_limited:
        return text + "no 429 (rate-limited) answer"
    with_wait = report.rate_limited_with_wait
    said = (
        "all with retry-after"
        if with_wait == report.rate_limited
        else f"{with_wait} with retry-after"
        if with_wait
        else "none with retry-after, so the client chose its own waits"
    )
    return text + f"{report.rate_limited} answered 429 ({said})"


def _wrapped(label: str, text: str, column: int) -> list[str]:
    """`label` padded to `column`, then `text` wrapped under itself within 80 columns."""
    parts = textwrap.wrap(text, WIDTH - column, break_on_hyphens=False) or [""]
    head = [label] if len(label) >= column else []
    first = "" if head else label
    return head + [f"{first if i == 0 else '':<{column}}{p}" for i, p in enumerate(parts)]


def register(app: typer.Typer) -> None:
    app.command("check", help=HELP)(check_command)
