"""Record transforms, on the official example responses in ../shared/api-examples."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import dlt
import pyarrow as pa
import pytest

from anthropic_ingest import errors
from anthropic_ingest.load.arrow import to_arrow, window_scope
from anthropic_ingest.load.flatten import check_unique_rows, flatten_rows
from anthropic_ingest.load.plan import Target
from anthropic_ingest.tables import TABLES
from anthropic_ingest.transforms import key_workspace
from tests.unit.analytics_rows import DOCUMENTED
from tests.unit.enterprise_rows import ENTERPRISE_EXAMPLES

# The official example responses, vendored from ../shared/api-examples so a clone is complete.
EXAMPLES = Path(__file__).resolve().parents[1] / "emulator" / "examples"
# Which example file feeds which table, and how to get records out of a response.
SOURCES = {
    "claude_code_usage": ("usage_report_claude_code.json", "records"),
    "claude_code_usage_by_model": ("usage_report_claude_code.json", "records"),
    "usage_report": ("usage_report_messages.json", "buckets"),
    "cost_report": ("cost_report.json", "buckets"),
    "organization": ("organizations_me.json", "single"),
    "workspaces": ("workspaces_list.json", "records"),
    "api_keys": ("api_keys_list.json", "records"),
    "invites": ("invites_list.json", "records"),
    "users": ("users_list.json", "records"),
    "workspace_members": ("workspace_members_list.json", "records"),
    "analytics_cost": ("analytics_cost.json", "records"),
    "analytics_usage": ("analytics_usage.json", "records"),
    "service_accounts": ("service_accounts_list.json", "records"),
    "rate_limits": ("rate_limits_list.json", "records"),
    # Claude Enterprise: hand-written records of the documented fields (enterprise_rows).
    **{table: ("enterprise_rows.py", "enterprise") for table in ENTERPRISE_EXAMPLES},
}


def example_records(table: str) -> list[dict]:
    name, shape = SOURCES[table]
    if shape == "enterprise":
        return [
            json.loads(json.dumps(r, default=str), parse_float=Decimal)
            for r in ENTERPRISE_EXAMPLES[table]
        ]
    doc = json.loads((EXAMPLES / name).read_text(), parse_float=Decimal)
    records: list[dict] = []
    for example in doc["examples"]:
        body = example["response"]
        if shape == "single":
            records.append(body)
        elif shape == "records":
            records.extend(body["data"])
        else:
            for bucket in body["data"]:
                for result in bucket["results"]:
                    records.append(
                        {
                            **result,
                            "starting_at": bucket["starting_at"],
                            "ending_at": bucket["ending_at"],
                        }
                    )
    # The analytics reports have no official example yet: their documented row stands in.
    return records or [dict(r) for r in DOCUMENTED.get(name, [])]


def test_every_table_has_an_example_source() -> None:
    assert set(SOURCES) == set(TABLES)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_examples_flatten_to_declared_columns_and_arrow(table: str) -> None:
    spec = TABLES[table]
    records = example_records(table)
    assert records, f"no example records for {table}"
    rows = [row for record in records for row in spec.to_rows(record)]
    assert rows
    for row in rows:
        assert list(row) == spec.column_names
    arrow = to_arrow(spec, rows)
    assert arrow.num_rows == len(rows)
    assert arrow.schema.names == spec.column_names


def test_claude_code_totals_and_tools() -> None:
    record = example_records("claude_code_usage")[0]
    row = TABLES["claude_code_usage"].to_rows(record)[0]
    assert row["date"] == date(2025, 8, 8)
    assert row["actor_id"] == "user@emaildomain.com"
    assert row["total_input_tokens"] == 45230 + 23100
    assert row["total_cache_creation_tokens"] == 2340 + 890
    assert row["total_estimated_cost_cents"] == Decimal(228)
    assert row["models_used"] == "claude-opus-4-8,claude-sonnet-5"
    assert row["is_remote"] is False
    assert row["notebook_edit_tool_accepted"] == 5


def test_absent_tools_are_zero_and_unknown_tools_kept() -> None:
    record = example_records("claude_code_usage")[0]
    record = {
        **record,
        "tool_actions": {
            "edit_tool": {"accepted": 1, "rejected": 2},
            "new_tool": {"accepted": 3, "rejected": 0},
        },
    }
    row = TABLES["claude_code_usage"].to_rows(record)[0]
    assert row["write_tool_accepted"] == 0
    assert row["multi_edit_tool_rejected"] == 0
    assert json.loads(row["other_tool_actions"]) == {"new_tool": {"accepted": 3, "rejected": 0}}


def test_api_actor_uses_key_name_and_fractional_cost_stays_exact() -> None:
    record = example_records("claude_code_usage")[0]
    breakdown = [
        {
            **record["model_breakdown"][0],
            "estimated_cost": {"currency": "USD", "amount": Decimal("186.125")},
        }
    ]
    record = {
        **record,
        "actor": {"type": "api_actor", "api_key_name": "ci-key"},
        "model_breakdown": breakdown,
    }
    row = TABLES["claude_code_usage"].to_rows(record)[0]
    assert (row["actor_type"], row["actor_id"]) == ("api_actor", "ci-key")
    assert row["total_estimated_cost_cents"] == Decimal("186.125")
    by_model = TABLES["claude_code_usage_by_model"].to_rows(record)
    assert [r["estimated_cost_cents"] for r in by_model] == [Decimal("186.125")]


def test_cost_amount_is_exact_cents_and_dollars() -> None:
    row = TABLES["cost_report"].to_rows(example_records("cost_report")[0])[0]
    assert row["amount_cents"] == Decimal("123.78912")
    assert row["amount_usd"] == Decimal("1.2378912")
    arrow = to_arrow(TABLES["cost_report"], [row])
    assert arrow.column("amount_cents").to_pylist() == [Decimal("123.789120000000")]
    assert str(arrow.schema.field("amount_usd").type) == "decimal128(38, 14)"


def test_too_many_fraction_digits_is_refused_not_rounded() -> None:
    row = TABLES["cost_report"].to_rows(
        {**example_records("cost_report")[0], "amount": "1.0000000000001"}
    )[0]
    with pytest.raises(errors.ProtocolError, match="amount_cents"):
        to_arrow(TABLES["cost_report"], [row])


def test_usage_maps_seed_names() -> None:
    row = TABLES["usage_report"].to_rows(example_records("usage_report")[0])[0]
    assert row["input_tokens"] == 1500
    assert row["input_cached_tokens"] == 200
    assert row["cache_creation_ephemeral_1h_input_tokens"] == 1000
    assert row["server_tool_search_count"] == 10
    assert row["bucket"] == datetime(2025, 8, 1, tzinfo=UTC)
    assert row["account_id"] == "user_01WCz1FkmYMm4gnmykNKUu3Q"


def test_api_key_creator_only_when_user() -> None:
    record = example_records("api_keys")[0]
    row = TABLES["api_keys"].to_rows(record)[0]
    assert row["created_by_user_id"] == "user_01WCz1FkmYMm4gnmykNKUu3Q"
    service = {**record, "created_by": {"id": "svac_01", "type": "service_account"}}
    row = TABLES["api_keys"].to_rows(service)[0]
    assert row["created_by_user_id"] is None
    assert row["created_by_id"] == "svac_01"
    assert TABLES["api_keys"].to_rows({**record, "created_by": None})[0]["created_by_type"] is None


def test_unknown_fields_are_kept_as_json() -> None:
    record = {**example_records("users")[0], "last_seen_region": "eu"}
    row = TABLES["users"].to_rows(record)[0]
    assert json.loads(row["extra_fields"]) == {"last_seen_region": "eu"}


def test_window_scope_selects_exactly_the_window_in_utc() -> None:
    caps = dlt.destinations.duckdb().capabilities()
    start, end = datetime(2025, 8, 2, tzinfo=UTC), datetime(2025, 8, 5, tzinfo=UTC)
    scope = window_scope(TABLES["cost_report"], start, end, caps, mysql=False)
    assert scope == (
        "\"bucket\" >= '2025-08-02 00:00:00+00:00' AND \"bucket\" < '2025-08-05 00:00:00+00:00'"
    )
    mysql = window_scope(
        TABLES["cost_report"], start, end, dlt.destinations.sqlalchemy().capabilities(), mysql=True
    )
    assert "'2025-08-02 00:00:00'" in mysql and "+00:00" not in mysql
    days = window_scope(TABLES["claude_code_usage"], start, end, caps, mysql=False)
    assert days == "\"date\" >= '2025-08-02' AND \"date\" < '2025-08-05'"


def test_api_key_principal_in_the_august_and_the_union_forms() -> None:
    august = example_records("api_keys")[0]
    assert august["principal"] == {"id": august["principal"]["id"], "type": "user"}
    row = TABLES["api_keys"].to_rows(august)[0]
    assert (row["principal_type"], row["principal_id"]) == ("user", august["principal"]["id"])
    for principal, want in [
        ({"type": "user_actor", "user_id": "user_1"}, ("user", "user_1")),
        (
            {"type": "service_account_actor", "service_account_id": "svac_1"},
            ("service_account", "svac_1"),
        ),
        ({"id": "svac_2", "type": "service_account"}, ("service_account", "svac_2")),
        (None, (None, None)),
    ]:
        row = TABLES["api_keys"].to_rows({**august, "principal": principal})[0]
        assert (row["principal_type"], row["principal_id"]) == want
        assert row["extra_fields"] is None


def test_api_key_workspace_from_the_field_or_else_the_scope() -> None:
    base = {k: v for k, v in example_records("api_keys")[0].items() if k != "workspace_id"}
    listed = {"wrkspc_listed"}
    scoped = {**base, "scope": {"type": "workspace", "workspace_id": "wrkspc_listed"}}
    default = {**base, "scope": {"type": "workspace", "workspace_id": "wrkspc_default"}}
    org_wide = {**base, "scope": {"type": "organization"}}
    assert key_workspace(scoped, listed) == "wrkspc_listed"
    assert key_workspace(default, listed) is None, "the Default workspace is null, as in reports"
    assert key_workspace(org_wide, listed) is None
    # While the API still sends workspace_id, it is what counts (null: the Default workspace).
    assert key_workspace({**default, "workspace_id": None}, listed) is None
    assert key_workspace({**default, "workspace_id": "wrkspc_x"}, set()) == "wrkspc_x"
    row = TABLES["api_keys"].to_rows({**default, "workspace_id": None})[0]
    assert (row["workspace_id"], row["scope_type"], row["scope_workspace_id"]) == (
        None,
        "workspace",
        "wrkspc_default",
    )


def test_a_claude_code_day_is_a_date_whatever_form_the_api_sends() -> None:
    record = example_records("claude_code_usage")[0]
    for sent in ("2025-09-01T00:00:00Z", "2025-09-01", "2025-09-01T00:00:00.000+00:00"):
        for table in ("claude_code_usage", "claude_code_usage_by_model"):
            rows = TABLES[table].to_rows({**record, "date": sent})
            assert {type(r["date"]) for r in rows} == {date}, (table, sent)
            assert {r["date"] for r in rows} == {date(2025, 9, 1)}, (table, sent)
    arrow = to_arrow(TABLES["claude_code_usage"], TABLES["claude_code_usage"].to_rows(record))
    assert arrow.schema.field("date").type == pa.date32()


def test_a_day_at_another_time_than_utc_midnight_is_refused() -> None:
    record = example_records("claude_code_usage")[0]
    target = Target(TABLES["claude_code_usage"], "claude_code_usage")
    # Midnight in Los Angeles is 08:00 UTC: cut to its date it would pass for the wrong day.
    for sent in ("2025-09-01T00:00:00-08:00", "2025-09-01T05:00:00Z"):
        with pytest.raises(errors.ProtocolError, match="not a UTC day"):
            flatten_rows(target, [{**record, "date": sent}])


def test_a_window_of_days_starts_at_midnight() -> None:
    caps = dlt.destinations.duckdb().capabilities()
    late = datetime(2025, 9, 1, 7, tzinfo=UTC)
    with pytest.raises(ValueError, match="starts at a UTC midnight"):
        window_scope(TABLES["claude_code_usage"], late, late, caps, mysql=False)
    table = to_arrow(TABLES["claude_code_usage"], [], windowed=True)
    assert table.schema.field("date").type == pa.date32()
    assert not table.schema.field("date").nullable


def _cost_rows(*descriptions_and_amounts: tuple[str, str]) -> pa.Table:
    spec = TABLES["cost_report"]
    day = datetime(2025, 1, 1, tzinfo=UTC)
    rows = [
        {
            **{c.name: None for c in spec.columns},
            "bucket": day,
            "workspace_id": "wrkspc_1",
            "description": description,
            "amount_cents": Decimal(amount),
            "amount_usd": Decimal(amount) / 100,
            "currency": "USD",
        }
        for description, amount in descriptions_and_amounts
    ]
    return to_arrow(spec, rows, windowed=True)


def test_a_window_batch_with_the_same_row_twice_is_refused() -> None:
    target = Target(TABLES["cost_report"], "cost_report")
    check_unique_rows(target, _cost_rows(("Claude Sonnet 4 Usage", "1.5"), ("Web Search", "2")))
    with pytest.raises(errors.ProtocolError, match="same cost_report record twice"):
        check_unique_rows(target, _cost_rows(("Web Search", "2"), ("Web Search", "2")))


def test_rows_sharing_their_key_but_not_their_values_are_kept() -> None:
    """The API may split what the documented key does not show: such rows are not the same
    record, and the key-first check falls back to comparing every value."""
    target = Target(TABLES["cost_report"], "cost_report")
    check_unique_rows(target, _cost_rows(("Web Search", "2"), ("Web Search", "3")))
