"""Source and destination URIs: accepted forms, and one-line errors showing the expected form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from anthropic_ingest import secrets
from anthropic_ingest.errors import UsageError
from anthropic_ingest.load.destinations import parse_destination_uri
from anthropic_ingest.load.source_uri import parse_source_uri

KEY = "sk-ant-admin01-unit-test-key-0123456789"


def test_source_uri_options() -> None:
    config = parse_source_uri(
        f"anthropic://?api_key={KEY}&base_url=http://127.0.0.1:9/&bucket_width=1h"
        "&group_by=model,workspace_id&lookback_days=7&concurrency=2&requests_per_minute=90"
    )
    assert config.client.api_key == KEY
    assert config.client.base_url == "http://127.0.0.1:9"
    assert (config.bucket_width, config.group_by, config.lookback_days) == (
        "1h",
        ("model", "workspace_id"),
        7,
    )
    assert config.client.concurrency == 2 and config.client.requests_per_minute == 90
    assert config.warnings == []
    assert KEY not in secrets.redact(f"error with {KEY}")


def test_default_grouping_is_the_five_dimensions_the_api_accepts() -> None:
    config = parse_source_uri(f"anthropic://?api_key={KEY}")
    assert config.group_by == (
        "api_key_id",
        "workspace_id",
        "model",
        "service_tier",
        "context_window",
    )
    assert config.lookback_days is None  # each table's own


def test_group_by_repeats_count_once() -> None:
    config = parse_source_uri(f"anthropic://?api_key={KEY}&group_by=model,model,workspace_id")
    assert config.group_by == ("model", "workspace_id")


def test_key_from_environment_and_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ANTHROPIC_ADMIN_API_KEY", KEY)
    assert parse_source_uri("anthropic://").client.api_key == KEY
    monkeypatch.delenv("ANTHROPIC_ADMIN_API_KEY")
    key_file = tmp_path / "key"
    key_file.write_text(KEY + "\n")
    assert parse_source_uri(f"anthropic://?api_key_file={key_file}").client.api_key == KEY


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        (None, "no --source-uri given: expected anthropic://"),
        ("https://api.anthropic.com", "the source URI must start with anthropic://"),
        ("anthropic://", "no Admin API key: add api_key="),
        (f"anthropic://?api_key={KEY}&colour=red", "unknown source URI option"),
        (f"anthropic://?api_key={KEY}&bucket_width=2d", "bucket_width='2d': use one of 1d, 1h, 1m"),
        (f"anthropic://?api_key={KEY}&group_by=region", "group_by='region': use comma-separated"),
        (
            f"anthropic://?api_key={KEY}&group_by=api_key_id,workspace_id,model,service_tier,"
            "context_window,inference_geo",
            "names 6 dimensions; the Admin API accepts at most 5",
        ),
        (
            f"anthropic://?api_key={KEY}&lookback_days=-1",
            "lookback_days='-1': expected a whole number of at least 0",
        ),
        (
            f"anthropic://?api_key={KEY}&concurrency=lots",
            "concurrency='lots': expected a whole number",
        ),
        (f"anthropic://?api_key={KEY}&base_url=ftp://x", "base_url='ftp://x' must be an http"),
    ],
)
def test_bad_source_uris(uri: str | None, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_ADMIN_API_KEY", raising=False)
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace("?", r"\?")) as info:
        parse_source_uri(uri)
    assert KEY not in str(info.value)


def test_non_admin_key_warns_but_works() -> None:
    config = parse_source_uri("anthropic://?api_key=sk-ant-api03-regular")
    assert config.warnings and "sk-ant-admin" in config.warnings[0]


def test_destination_forms() -> None:
    duck = parse_destination_uri("duckdb:///anthropic_data.db")
    assert (duck.kind, duck.display) == ("duckdb", "duckdb:///anthropic_data.db")
    assert parse_destination_uri(None).display == "duckdb:///anthropic.duckdb"
    pg = parse_destination_uri("postgresql://user:s3cret@localhost:5432/analytics")
    assert pg.kind == "postgresql" and "s3cret" not in pg.display
    assert "s3cret" not in secrets.redact("password s3cret")
    assert parse_destination_uri("mysql://root:@127.0.0.1:3306/test").kind == "mysql"
    files = parse_destination_uri("parquet:///tmp/out")
    assert files.kind == "parquet" and not files.supports_merge


def test_bigquery_and_snowflake_translation(tmp_path: Path) -> None:
    seed_form = parse_destination_uri("bigquery://project-id.dataset")
    assert seed_form.dataset == "dataset" and seed_form.details["project_id"] == "project-id"
    creds = tmp_path / "key.json"
    pem = "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n"
    info = {
        "type": "service_account",
        "project_id": "proj",
        "private_key": pem,
        "client_email": "a@proj.iam.gserviceaccount.com",
    }
    creds.write_text(json.dumps(info))
    bq = parse_destination_uri(f"bigquery://proj?credentials_path={creds}&location=EU")
    assert bq.details == {"project_id": "proj", "location": "EU", "credentials_path": str(creds)}
    assert bq.dataset is None
    snow = parse_destination_uri("snowflake://me:pw@acct-1/analytics?warehouse=WH&role=R")
    assert snow.details == {
        "account": "acct-1",
        "database": "analytics",
        "warehouse": "WH",
        "role": "R",
    }
    assert "pw" not in snow.display


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("oracle://x", "unsupported destination URI scheme 'oracle://'; expected one of"),
        (
            "postgresql://localhost",
            "postgresql URI needs a host and a database; expected postgresql://user:password@host:5432/database",
        ),
        ("duckdb://", "duckdb URI has no file path"),
        ("postgresql://u@h:notaport/db", "malformed destination URI"),
        ("bigquery://?location=EU", "bigquery URI has no project"),
    ],
)
def test_bad_destination_uris(uri: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace("?", r"\?")):
        parse_destination_uri(uri)
