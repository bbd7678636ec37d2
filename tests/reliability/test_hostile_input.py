"""Mistaken and hostile input: every value either works or gets a one-line error showing the
expected form; values from the API that are hostile to a database load byte-exact."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anthropic_ingest.errors import UsageError
from anthropic_ingest.load.destinations import parse_destination_uri
from anthropic_ingest.load.source_uri import OPTION_HELP, parse_source_uri
from anthropic_ingest.load.windows import parse_interval
from anthropic_ingest.schema import Column
from anthropic_ingest.service import split_dest_table
from anthropic_ingest.table_spec import TableSpec
from tests.conftest import Destination, run_cli
from tests.reliability import figures
from tests.reliability.enterprise import (
    ENTERPRISE,
    spec_for_path,
    sync_args,
)
from tests.reliability.proxy import mutating_proxy, replace_text

NOW = datetime(2025, 6, 1, tzinfo=UTC)
KEY = "sk-ant-admin01-fuzz-key-abcdefghijklmnop"
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HINTS = ("expected", "use ", "must", "add api_key", "Tables:", "is in the future", "is before")


def check_error(exc: UsageError) -> None:
    message = str(exc)
    assert "\n" not in message
    assert any(hint in message for hint in HINTS), message
    assert KEY not in message


def attempt(fn: Any, *args: Any) -> None:
    figures.add("inputs fuzzed")
    try:
        fn(*args)
    except UsageError as exc:
        check_error(exc)


uri_like = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda s, r: f"{s}://{r}",
        st.sampled_from(
            [
                "duckdb",
                "postgresql",
                "postgres",
                "mysql",
                "bigquery",
                "snowflake",
                "parquet",
                "csv",
                "http",
                "",
            ]
        ),
        st.text(max_size=60),
    ),
)


@FUZZ
@given(uri_like)
def test_destination_uris(text: str) -> None:
    attempt(parse_destination_uri, text)


@FUZZ
@given(
    st.dictionaries(
        st.one_of(st.sampled_from(sorted(OPTION_HELP)), st.text(max_size=12)),
        st.text(max_size=30),
        max_size=5,
    )
)
def test_source_uri_options(options: dict[str, str]) -> None:
    query = urlencode(
        {"api_key": KEY, **options, "base_url": options.get("base_url", "http://127.0.0.1:1")}
    )
    attempt(parse_source_uri, f"anthropic://?{query}")


@FUZZ
@given(st.text(max_size=80))
def test_source_uri_text(text: str) -> None:
    attempt(parse_source_uri, text)


@FUZZ
@given(st.text(max_size=70))
def test_dest_table(text: str) -> None:
    attempt(split_dest_table, text, "users")


date_like = st.one_of(
    st.text(max_size=30),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat()),
    st.none(),
)


@FUZZ
@given(date_like, date_like)
def test_intervals(start: str | None, end: str | None) -> None:
    attempt(lambda a, b: parse_interval(a, b, now=NOW), start, end)


@pytest.mark.parametrize(
    "args",
    [
        [
            "ingest",
            "--source-uri",
            f"anthropic://?api_key={KEY}&base_url=http://127.0.0.1:1",
            "--source-table",
            "users'; drop table users; --",
        ],
        [
            "ingest",
            "--source-uri",
            f"anthropic://?api_key={KEY}",
            "--source-table",
            "users",
            "--dest-table",
            "a.b.c",
        ],
        [
            "ingest",
            "--source-uri",
            f"anthropic://?api_key={KEY}",
            "--source-table",
            "users",
            "--dest-table",
            "bad-name",
        ],
        [
            "ingest",
            "--source-uri",
            f"anthropic://?api_key={KEY}&lookback_days=\u00bd",
            "--source-table",
            "users",
        ],
        [
            "ingest",
            "--source-uri",
            f"anthropic://?api_key={KEY}",
            "--source-table",
            "users",
            "--interval-start",
            "\u0661\u0669\u0669\u0660-01-01",
        ],
        [
            "ingest",
            "--source-uri",
            f"anthropic://?api_key={KEY}",
            "--source-table",
            "users",
            "--incremental-strategy",
            "upsert",
        ],
        ["sync", "--source-uri", f"anthropic://?api_key={KEY}", "--dataset", "x;drop"],
    ],
)
def test_cli_rejects_with_one_line(args: list[str]) -> None:
    result = run_cli(*args)
    figures.add("inputs fuzzed")
    assert result.code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in result.output and KEY not in result.output


HOSTILE = [
    'O\'Brien "the" `tick`',
    "'); DROP TABLE users; --",
    "Robert'); DELETE FROM anthropic.users WHERE ('1'='1",
    "emoji 🧪🚀 and RTL \u202eevil\u202c and combining e\u0301",
    "tab\tnew\nline\\backslash %s %% {}",
    "x" * 5000,
]


def test_hostile_values_load_byte_exact(emu: Any, destination: Destination) -> None:
    users = {u["id"]: u for u in emu.org.users}
    chosen = sorted(users)[: len(HOSTILE)]
    names = dict(zip(chosen, HOSTILE, strict=True))

    def mutate(path: str, record: dict[str, Any]) -> None:
        if path.endswith("/users") and record.get("id") in names:
            record["name"] = names[record["id"]]
            record["email"] = names[record["id"]][:40] + "@example.com"

    with mutating_proxy(emu.base_url, mutate) as proxy:
        result = run_cli(
            "ingest",
            "--source-uri",
            f"anthropic://?api_key={emu.admin_key}&base_url={proxy}",
            "--source-table",
            "users",
            "--dest-uri",
            destination.uri,
            "--dest-table",
            f"{destination.dataset}.users",
        )
    assert result.code == 0, result.output
    loaded = dict(destination.query("select id, name from {ds}.users"))
    for user_id, name in names.items():
        assert loaded[user_id] == name
    emails = dict(destination.query("select id, email from {ds}.users"))
    assert all(emails[i] == n[:40] + "@example.com" for i, n in names.items())
    figures.add("hostile values loaded byte-exact", len(names) * 2)


def hostile_columns(spec: TableSpec) -> list[Column]:
    """The text columns a hostile value can go into: every one outside the table's key."""
    return [c for c in spec.columns if c.type == "text" and c.name not in spec.key]


def test_hostile_values_in_enterprise_tables_load_byte_exact(
    ent: Any, destination: Destination
) -> None:
    """Every text field the Enterprise tables load (keys aside) carries hostile values. (The
    summaries and artifacts carry no text outside their keys.)"""
    turn = itertools.count()
    given: dict[str, set[str]] = {}  # table -> columns that were given hostile values

    def mutate(path: str, record: dict[str, Any]) -> None:
        spec = spec_for_path(path)
        if spec is None:
            return
        for column in hostile_columns(spec):
            if replace_text(record, column.source, HOSTILE[next(turn) % len(HOSTILE)]):
                given.setdefault(spec.name, set()).add(column.name)

    with mutating_proxy(ent.base_url, mutate) as proxy:
        result = run_cli(*sync_args(ent, proxy, destination.uri, "--dataset", destination.dataset))
    assert result.code == 0, result.output
    assert set(given) <= set(ENTERPRISE) and len(given) > len(ENTERPRISE) // 2, given
    loaded: set[str] = set()
    for table, columns in sorted(given.items()):
        for column in sorted(columns):
            values = {v for (v,) in destination.query(f"select {column} from {{ds}}.{table}")}
            values.discard(None)
            assert values and values <= set(HOSTILE), (table, column, values - set(HOSTILE))
            loaded |= values
    assert loaded == set(HOSTILE)
    figures.add("hostile values loaded byte-exact", sum(len(c) for c in given.values()))
