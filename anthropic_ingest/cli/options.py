"""Flags shared by `ingest` and `sync`, declared once with ingestr's names and variables."""

from __future__ import annotations

from typing import Any

import typer

from anthropic_ingest.load.destinations import DEFAULT_DEST_URI

PROGRESS_MODES = ("interactive", "log")


def _env(name: str) -> list[str]:
    return [name, f"INGESTR_{name}"]


def source_uri() -> Any:
    return typer.Option(
        None,
        "--source-uri",
        envvar=_env("SOURCE_URI"),
        help="anthropic://?api_key=sk-ant-admin...[&base_url=...] (the key may also come "
        "from ANTHROPIC_ADMIN_API_KEY).",
    )


def dest_uri() -> Any:
    return typer.Option(
        DEFAULT_DEST_URI,
        "--dest-uri",
        envvar=_env("DESTINATION_URI"),
        help="duckdb:///file.duckdb (default duckdb:///anthropic.duckdb), postgresql://..., "
        "mysql://user:pw@host:3306/db (tables go in db, named <dataset>__<table>), "
        "bigquery://..., snowflake://..., parquet:///folder.",
    )


def interval_start() -> Any:
    return typer.Option(
        None,
        "--interval-start",
        envvar=_env("INTERVAL_START"),
        help="First day (YYYY-MM-DD) or ISO 8601 timestamp, inclusive.",
    )


def interval_end() -> Any:
    return typer.Option(
        None,
        "--interval-end",
        envvar=_env("INTERVAL_END"),
        help="Last day (YYYY-MM-DD) or ISO 8601 timestamp, inclusive.",
    )


def yes() -> Any:
    return typer.Option(
        False,
        "--yes",
        "-y",
        envvar=_env("SKIP_CONFIRMATION"),
        help="Do not ask for confirmation (never asked when input is not a terminal).",
    )


def progress() -> Any:
    return typer.Option(
        "interactive",
        "--progress",
        envvar=_env("PROGRESS"),
        help="interactive (bars on a terminal) or log (timestamped lines).",
    )
