"""The column-wise Claude Code reader against the record-by-record transforms.

`transforms.py` is the reference. For any page, the columnar reader either declines (the loader
then reads the page record by record) or returns exactly the tables the transforms give; a
page the transforms refuse must never be read column-wise.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anthropic_ingest import errors
from anthropic_ingest.client.bodies import RawRecords, parse_page
from anthropic_ingest.emulator import EmulatorConfig, SyntheticOrg, running_emulator
from anthropic_ingest.load.arrow import to_arrow
from anthropic_ingest.load.columnar import (
    ColumnarPage,
    claude_code_tables,
    cost_tables,
    usage_tables,
)
from anthropic_ingest.load.flatten import count_missing, flatten_rows
from anthropic_ingest.load.plan import Target
from anthropic_ingest.tables import TABLES, TableSpec
from anthropic_ingest.transforms import timestamp
from tests.unit.test_transforms import EXAMPLES, example_records

SPECS = [TABLES["claude_code_usage"], TABLES["claude_code_usage_by_model"]]
NUMBER = "__number__:"
YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def encode(records: list[Any], *, indent: int | None = None) -> str:
    """JSON text of `records`; strings starting with NUMBER become bare JSON numbers."""
    text = json.dumps(records, indent=indent, default=str)
    return re.sub(rf'"{NUMBER}([^"]*)"', r"\1", text)


def raw_page(text: str) -> RawRecords:
    page = parse_page(f'{{"data": {text}, "has_more": false, "next_page": null}}'.encode())
    assert isinstance(page["data"], RawRecords)
    return page["data"]


def reference(records: list[dict[str, Any]]) -> list[pa.Table]:
    """What the record-by-record path makes of the records (raises ProtocolError on refusal)."""
    return [to_arrow(spec, flatten_rows(Target(spec, spec.name), records)) for spec in SPECS]


def check(text: str) -> bool:
    """Assert the property for one page; True when it was read column-wise."""
    page = raw_page(text)
    read = claude_code_tables(page, SPECS)
    try:
        expected = reference(page.decode())
    except errors.ProtocolError:
        assert read is None, "read column-wise a page the transforms refuse"
        return False
    if read is None:
        return False
    assert read.records == len(page.decode())
    for got, want in zip(read.tables, expected, strict=True):
        assert got.schema.types == want.schema.types
        assert got.column_names == want.column_names
        assert got.to_pylist() == want.to_pylist()
    return True


def test_emulated_days_are_read_column_wise_and_match() -> None:
    org = SyntheticOrg(seed=7, users=300, start_date=YEAR[0], end_date=YEAR[1])
    for day in (date(2025, 3, 3), date(2025, 3, 8), date(2025, 6, 1)):
        records = org.claude_code_records(day)
        assert records, "the emulated organization has activity on these days"
        assert check(encode(records)), f"a plain page of {day} was declined"


def test_official_examples_match_or_are_declined() -> None:
    records = example_records("claude_code_usage")
    taken = [check(encode([record])) for record in records]
    assert any(taken), "the documented example shape must be read column-wise"


def test_indented_json_is_read_too() -> None:
    org = SyntheticOrg(seed=3, users=20, start_date=YEAR[0], end_date=YEAR[1])
    assert check(encode(org.claude_code_records(date(2025, 3, 4)), indent=2))


def test_an_empty_page_gives_empty_tables() -> None:
    read = claude_code_tables(raw_page("[]"), SPECS)
    assert read is not None
    assert read.records == 0
    assert [t.num_rows for t in read.tables] == [0, 0]


def base_record() -> dict[str, Any]:
    return {
        "date": "2025-08-08T00:00:00Z",
        "actor": {"type": "user_actor", "email_address": "dev@example.com"},
        "organization_id": "org-1",
        "customer_type": "subscription",
        "subscription_type": "team",
        "terminal_type": "vscode",
        "is_remote": False,
        "core_metrics": {
            "num_sessions": 3,
            "lines_of_code": {"added": 10, "removed": 2},
            "commits_by_claude_code": 1,
            "pull_requests_by_claude_code": 0,
        },
        "tool_actions": {"edit_tool": {"accepted": 4, "rejected": 1}},
        "model_breakdown": [
            {
                "model": "claude-sonnet-4-5",
                "tokens": {"input": 100, "output": 50, "cache_read": 7, "cache_creation": 1},
                "estimated_cost": {"currency": "USD", "amount": f"{NUMBER}12.5"},
            }
        ],
    }


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda r: r.update(new_field=1), "an unknown field must land in extra_fields"),
        (lambda r: r["tool_actions"].update(grep_tool={"accepted": 1}), "an unknown tool"),
        (lambda r: r["tool_actions"]["edit_tool"].update(accepted=None), "a null count"),
        (lambda r: r["tool_actions"]["edit_tool"].pop("rejected"), "a missing count"),
        (lambda r: r.pop("terminal_type"), "a missing documented field is warned about"),
        (lambda r: r.update(customer_type=None), "a null documented field"),
        (lambda r: r["core_metrics"].update(num_sessions="3"), "a number as a string"),
        (lambda r: r["model_breakdown"][0]["tokens"].pop("input"), "a missing token count"),
        (
            lambda r: r["model_breakdown"][0]["estimated_cost"].update(
                amount=f"{NUMBER}0.0000000000001"
            ),
            "more digits than the column keeps",
        ),
    ],
)
def test_declines_pages_it_cannot_read_exactly(change: Any, why: str) -> None:
    plain = base_record()
    assert check(encode([plain])), "the unchanged record is read column-wise"
    changed = base_record()
    change(changed)
    assert not check(encode([plain, changed])), why


def test_api_actor_and_null_email_agree() -> None:
    api = base_record()
    api["actor"] = {"type": "api_actor", "api_key_name": "ci key"}
    null_email = base_record()
    null_email["actor"] = {"type": "api_actor", "email_address": None, "api_key_name": "k2"}
    assert check(encode([api, null_email]))


# --- generated pages: mutations of a plain record ----------------------------------------

PATHS = [
    ("actor", "email_address"),
    ("actor", "api_key_name"),
    ("actor", "type"),
    ("subscription_type",),
    ("is_remote",),
    ("organization_id",),
    ("core_metrics", "num_sessions"),
    ("core_metrics", "lines_of_code"),
    ("core_metrics", "lines_of_code", "added"),
    ("tool_actions", "edit_tool"),
    ("tool_actions", "write_tool"),
    ("tool_actions", "edit_tool", "accepted"),
    ("model_breakdown",),
    ("model_breakdown", 0, "model"),
    ("model_breakdown", 0, "tokens", "output"),
    ("model_breakdown", 0, "estimated_cost"),
    ("model_breakdown", 0, "estimated_cost", "amount"),
    ("model_breakdown", 0, "estimated_cost", "currency"),
    ("date",),
]
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.text(max_size=5),
    st.decimals(allow_nan=False, allow_infinity=False, places=None).map(
        lambda d: f"{NUMBER}{d}" if "E" not in str(d) else str(d)
    ),
    st.just({}),
    st.just([]),
    st.just("2025-08-08T03:00:00+02:00"),
    st.just("2025-08-08"),
)
MUTATION = st.tuples(st.sampled_from(PATHS), st.sampled_from(["drop", "set"]), VALUES)


def mutate(record: dict[str, Any], path: tuple[Any, ...], how: str, value: Any) -> None:
    holder: Any = record
    for step in path[:-1]:
        try:
            holder = holder[step]
        except (KeyError, IndexError, TypeError):
            return
    if not isinstance(holder, dict | list):
        return
    last = path[-1]
    if how == "drop" and isinstance(holder, dict):
        holder.pop(last, None)
    elif isinstance(holder, dict) or (isinstance(last, int) and last < len(holder)):
        holder[last] = value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(MUTATION, max_size=3), min_size=1, max_size=4),
    st.integers(0, 3),
    st.booleans(),
)
def test_generated_pages_match_or_are_declined(
    mutations: list[list[tuple[Any, ...]]], extra_models: int, indent: bool
) -> None:
    records = []
    for changes in mutations:
        record = base_record()
        record["model_breakdown"] += [
            {
                "model": f"model-{i}",
                "tokens": {"input": i, "output": 2 * i, "cache_read": 0, "cache_creation": 3},
                "estimated_cost": {"currency": "USD", "amount": f"{NUMBER}{i}.25"},
            }
            for i in range(extra_models)
        ]
        for path, how, value in changes:
            mutate(record, path, how, value)
        records.append(record)
    TAKEN[check(encode(records, indent=2 if indent else None))] += 1


TAKEN: Counter[bool] = Counter()


def test_generated_pages_went_both_ways() -> None:
    """The generated pages exercised both readers (runs after the property test)."""
    assert TAKEN[True] and TAKEN[False], TAKEN


def test_amounts_stay_exact() -> None:
    record = base_record()
    record["model_breakdown"][0]["estimated_cost"]["amount"] = f"{NUMBER}0.000000000001"
    record["model_breakdown"].append(
        {
            "model": "m2",
            "tokens": {"input": 1, "output": 1, "cache_read": 1, "cache_creation": 1},
            "estimated_cost": {"currency": "USD", "amount": "123.78912"},
        }
    )
    read = claude_code_tables(raw_page(encode([record])), SPECS)
    assert read is not None
    total = read.tables[0].column("total_estimated_cost_cents").to_pylist()
    assert total == [Decimal("123.789120000001")]


# --- usage report pages --------------------------------------------------------------------

USAGE = TABLES["usage_report"]
USAGE_EXAMPLES = EXAMPLES / "usage_report_messages.json"


ReportReader = Callable[[RawRecords, TableSpec], tuple[list[datetime], ColumnarPage] | None]


def report_reference(
    spec: TableSpec, buckets: list[dict[str, Any]]
) -> tuple[list[datetime | None], pa.Table, dict[str, int]]:
    """What the record-by-record path makes of a page of report buckets: starts, rows,
    missing."""
    records, starts = [], []
    for bucket in buckets:
        starts.append(timestamp(bucket["starting_at"]))
        for result in bucket.get("results") or []:
            records.append({**result, "starting_at": bucket["starting_at"]})
            records[-1]["ending_at"] = bucket["ending_at"]
    target = Target(spec, spec.name)
    missing: dict[str, int] = {}
    count_missing(target, records, missing)
    return starts, to_arrow(spec, flatten_rows(target, records)), missing


def check_report(reader: ReportReader, spec: TableSpec, text: str) -> bool:
    """The property for one report page; True when it was read column-wise."""
    page = raw_page(text)
    read = reader(page, spec)
    try:
        starts, want, missing = report_reference(spec, page.decode())
    except (errors.ProtocolError, KeyError, TypeError, ValueError, ArithmeticError):
        assert read is None, "read column-wise a page the transforms refuse"
        return False
    if read is None:
        return False
    covered, got = read
    assert covered == starts
    assert got.records == want.num_rows
    assert got.missing == missing
    assert got.tables[0].column_names == want.column_names
    assert got.tables[0].schema.types == want.schema.types
    assert got.tables[0].to_pylist() == want.to_pylist()
    return True


def check_usage(text: str) -> bool:
    return check_report(usage_tables, USAGE, text)


def emulated_buckets(
    path: str, params: list[tuple[str, str | int | float | bool | None]]
) -> list[dict[str, Any]]:
    """The buckets the emulator answers `path` with, for a year of 60 users."""
    config = EmulatorConfig(seed=5, users=60, start_date=YEAR[0], end_date=YEAR[1])
    with running_emulator(config) as emu:
        answer = httpx.get(
            f"{emu.base_url}{path}",
            params=params,
            headers={"x-api-key": emu.admin_key, "anthropic-version": "2023-06-01"},
        )
    answer.raise_for_status()
    buckets: list[dict[str, Any]] = answer.json()["data"]
    assert sum(len(b["results"]) for b in buckets) > 50
    return buckets


def usage_bucket(
    *results: dict[str, Any], ending_at: str = "2025-08-01T01:00:00Z"
) -> dict[str, Any]:
    return {"starting_at": "2025-08-01T00:00:00Z", "ending_at": ending_at, "results": list(results)}


def cost_bucket(*results: dict[str, Any]) -> dict[str, Any]:
    return usage_bucket(*results, ending_at="2025-08-02T00:00:00Z")


def usage_result(**changes: Any) -> dict[str, Any]:
    result = {
        "uncached_input_tokens": 1500,
        "cache_creation": {"ephemeral_1h_input_tokens": 1000, "ephemeral_5m_input_tokens": 5},
        "cache_read_input_tokens": 200,
        "output_tokens": 500,
        "server_tool_use": {"web_search_requests": 10},
        "api_key_id": "apikey_1",
        "workspace_id": None,
        "model": "claude-opus-4-6",
        "service_tier": "standard",
    }
    result.update(changes)
    return result


@pytest.mark.parametrize(
    "page",
    [
        [usage_bucket(usage_result(new_dimension="x"))],  # must land in extra_fields
        [usage_bucket(usage_result(output_tokens="500"))],
        [usage_bucket(usage_result(cache_creation={"ephemeral_2h_input_tokens": 1}))],
        [{**usage_bucket(usage_result()), "starting_at": None}],
        [{**usage_bucket(usage_result()), "granularity": "1h"}],
    ],
)
def test_usage_declines_pages_it_cannot_read_exactly(page: list[Any]) -> None:
    assert usage_tables(raw_page(json.dumps(page)), USAGE) is None


def edits(fields: list[str], values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Per result of a generated page, up to three fields dropped or set to `values`."""
    edit = st.tuples(st.sampled_from(fields), st.sampled_from(["drop", "set"]), values)
    return st.lists(st.lists(edit, max_size=3), max_size=4)


def generated_page(
    result: Callable[[], dict[str, Any]],
    bucket: Callable[..., dict[str, Any]],
    results: list[list[tuple[str, str, Any]]],
    indent: bool,
) -> str:
    """One bucket of `result()`s, each changed as `results` says, as JSON text."""
    made = []
    for changes in results:
        made.append(result())
        for name, how, value in changes:
            mutate(made[-1], (name,), how, value)
    return encode([bucket(*made)], indent=2 if indent else None)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits(
        [
            "api_key_id",
            "workspace_id",
            "model",
            "output_tokens",
            "cache_creation",
            "server_tool_use",
            "context_window",
        ],
        VALUES,
    ),
    st.booleans(),
)
def test_generated_usage_pages_match_or_are_declined(
    results: list[list[tuple[str, str, Any]]], indent: bool
) -> None:
    USAGE_TAKEN[check_usage(generated_page(usage_result, usage_bucket, results, indent))] += 1


USAGE_TAKEN: Counter[bool] = Counter()


def test_generated_usage_pages_went_both_ways() -> None:
    assert USAGE_TAKEN[True] and USAGE_TAKEN[False], USAGE_TAKEN


def test_days_are_dates_and_other_times_of_day_are_declined() -> None:
    for sent in ("2025-08-08T00:00:00Z", "2025-08-08", "2025-08-08T00:00:00+00:00"):
        record = {**base_record(), "date": sent}
        read = claude_code_tables(raw_page(encode([record])), SPECS)
        assert read is not None, sent
        for table in read.tables:
            assert table.schema.field("date").type == pa.date32()
            assert table.column("date").to_pylist() == [date(2025, 8, 8)]
        assert check(encode([record]))
    # Midnight in Los Angeles, and a time of day: the transforms refuse both, so must this.
    for sent in ("2025-08-08T00:00:00-07:00", "2025-08-08T09:30:00Z"):
        record = {**base_record(), "date": sent}
        assert claude_code_tables(raw_page(encode([base_record(), record])), SPECS) is None
        assert not check(encode([base_record(), record]))


# --- cost report pages ---------------------------------------------------------------------

COST = TABLES["cost_report"]
COST_EXAMPLES = EXAMPLES / "cost_report.json"


def check_cost(text: str) -> bool:
    return check_report(cost_tables, COST, text)


def cost_result(**changes: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "amount": "123.78912",
        "currency": "USD",
        "workspace_id": None,
        "description": "Claude Sonnet 4 Usage - Input Tokens",
        "cost_type": "tokens",
        "context_window": "0-200k",
        "model": "claude-sonnet-4",
        "service_tier": "standard",
        "token_type": "uncached_input_tokens",
        "inference_geo": "global",
    }
    result.update(changes)
    return result


def test_cost_amounts_stay_exact_in_cents_and_dollars() -> None:
    page = [cost_bucket(cost_result(amount="0.000000000001"), cost_result(amount="-1234.5"))]
    assert check_cost(json.dumps(page))
    read = cost_tables(raw_page(json.dumps(page)), COST)
    assert read is not None
    table = read[1].tables[0]
    assert table.column("amount_cents").to_pylist() == [Decimal("1E-12"), Decimal("-1234.5")]
    assert table.column("amount_usd").to_pylist() == [Decimal("1E-14"), Decimal("-12.345")]


@pytest.mark.parametrize(
    ("reader", "spec", "result", "bucket", "absent"),
    [
        (usage_tables, USAGE, usage_result, usage_bucket, ("workspace_id", "model")),
        (cost_tables, COST, cost_result, cost_bucket, ("workspace_id", "description")),
    ],
    ids=["usage_report", "cost_report"],
)
def test_reports_count_absent_fields_like_the_transforms(
    reader: ReportReader,
    spec: TableSpec,
    result: Callable[[], dict[str, Any]],
    bucket: Callable[..., dict[str, Any]],
    absent: tuple[str, ...],
) -> None:
    lacking = result()
    for name in absent:
        del lacking[name]
    page = [bucket(result(), lacking), bucket()]
    assert check_report(reader, spec, json.dumps(page))
    read = reader(raw_page(json.dumps(page)), spec)
    assert read is not None
    assert read[1].missing == dict.fromkeys(absent, 1)


@pytest.mark.parametrize(
    "page",
    [
        [cost_bucket(cost_result(list_amount="1.0"))],  # must land in extra_fields
        [cost_bucket(cost_result(amount="1.0000000000001"))],  # 13 decimals: refused
        [cost_bucket(cost_result(amount="1e3"))],
        [cost_bucket(cost_result(amount=" 1"))],
        [cost_bucket(cost_result(amount="NaN"))],
        [cost_bucket(cost_result(amount=""))],
        [{**cost_bucket(cost_result()), "ending_at": None}],
    ],
)
def test_cost_declines_pages_it_cannot_read_exactly(page: list[Any]) -> None:
    assert cost_tables(raw_page(json.dumps(page)), COST) is None


def test_cost_amount_as_a_json_number_is_declined() -> None:
    assert (
        cost_tables(raw_page(encode([cost_bucket(cost_result(amount=f"{NUMBER}1.5"))])), COST)
        is None
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits(
        ["amount", "workspace_id", "description", "currency", "model", "inference_geo"],
        st.one_of(
            VALUES,
            st.decimals(allow_nan=False, allow_infinity=False, places=14).map(str),
            st.from_regex(r"-?[0-9]{1,28}(\.[0-9]{1,13})?", fullmatch=True),
        ),
    ),
    st.booleans(),
)
def test_generated_cost_pages_match_or_are_declined(
    results: list[list[tuple[str, str, Any]]], indent: bool
) -> None:
    COST_TAKEN[check_cost(generated_page(cost_result, cost_bucket, results, indent))] += 1


COST_TAKEN: Counter[bool] = Counter()


def test_generated_cost_pages_went_both_ways() -> None:
    assert COST_TAKEN[True] and COST_TAKEN[False], COST_TAKEN


REPORTS = [
    pytest.param(
        check_usage,
        "/v1/organizations/usage_report/messages",
        [
            ("starting_at", "2025-03-03T00:00:00Z"),
            ("ending_at", "2025-03-05T00:00:00Z"),
            ("bucket_width", "1h"),
            *(("group_by[]", d) for d in ("api_key_id", "workspace_id", "model", "service_tier")),
        ],
        USAGE_EXAMPLES,
        id="usage_report",
    ),
    pytest.param(
        check_cost,
        "/v1/organizations/cost_report",
        [
            ("starting_at", "2025-03-01T00:00:00Z"),
            ("ending_at", "2025-03-08T00:00:00Z"),
            *(("group_by[]", d) for d in ("workspace_id", "description")),
        ],
        COST_EXAMPLES,
        id="cost_report",
    ),
]


@pytest.mark.parametrize(("check", "path", "params", "examples"), REPORTS)
def test_emulated_report_pages_are_read_column_wise_and_match(
    check: Callable[[str], bool],
    path: str,
    params: list[tuple[str, str | int | float | bool | None]],
    examples: Path,
) -> None:
    buckets = emulated_buckets(path, params)
    assert check(json.dumps(buckets))
    assert check(json.dumps(buckets, indent=1))


@pytest.mark.parametrize(("check", "path", "params", "examples"), REPORTS)
def test_official_report_examples_match_or_are_declined(
    check: Callable[[str], bool],
    path: str,
    params: list[tuple[str, str | int | float | bool | None]],
    examples: Path,
) -> None:
    taken = [
        check(json.dumps(e["response"]["data"]))
        for e in json.loads(examples.read_text())["examples"]
    ]
    assert any(taken), "the documented shape must be read column-wise"
