"""Claude Enterprise tables: transforms on hand-written records (section 5.1 of the API notes),
the not-ready rule of the engagement endpoints, their paging, pacing and key detection."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from anthropic_ingest import errors
from anthropic_ingest.check_enterprise import enterprise_params, families_text
from anthropic_ingest.client.limiter import AdaptiveLimiter
from anthropic_ingest.load.arrow import to_arrow
from anthropic_ingest.load.fetch_enterprise import Horizon, MorePaginator, not_ready_latest
from anthropic_ingest.load.plan import unavailable_reason
from anthropic_ingest.load.source_uri import parse_source_uri
from anthropic_ingest.tables import TABLES
from anthropic_ingest.tables_enterprise import ENTERPRISE_TABLES
from anthropic_ingest.transforms_enterprise import flat_row, unmapped, value_at
from tests.unit import enterprise_rows as rows


def row_of(table: str, record: dict[str, Any]) -> dict[str, Any]:
    spec = TABLES[table]
    [row] = spec.to_rows(record)
    assert list(row) == spec.column_names
    to_arrow(spec, [row])  # every value fits its declared type exactly
    return row


def test_every_enterprise_table_is_registered_optional_and_keyed_by_day() -> None:
    for spec in ENTERPRISE_TABLES:
        assert TABLES[spec.name] is spec and spec.optional
        if spec.mode == "window":
            assert spec.cursor == "date" and spec.key[0] == "date"
            assert next(c for c in spec.columns if c.name == "date").type == "date"
            assert "data_refreshed_at" in spec.column_names
        assert spec.column_names[-1] == "extra_fields"
    replaced = {s.name for s in ENTERPRISE_TABLES if s.mode == "replace"}
    assert replaced == {"rbac_groups", "rbac_group_members", "spend_limits_effective"}


def test_user_activity_flattens_nested_metrics_with_underscores() -> None:
    row = row_of("enterprise_user_activity", rows.USER_ACTIVITY)
    assert row["date"] == date(2026, 11, 20)
    assert row["user_id"] == "user_01Abc"
    assert row["user_email_address"] == "ana@example.com"
    assert row["claude_code_metrics_core_metrics_commit_count"] == 4
    assert row["claude_code_metrics_core_metrics_lines_of_code_added"] == 120
    assert row["claude_code_metrics_tool_actions_edit_tool_rejected"] == 2
    assert row["claude_code_metrics_tool_actions_multi_edit_tool_accepted"] is None
    assert row["chat_metrics_message_count"] == 42
    assert row["cowork_metrics_action_count"] == 9
    assert json.loads(row["office_metrics"]) == {"excel": {"message_count": 1}}
    assert row["last_activity_date"] == date(2026, 11, 20)
    assert row["extra_fields"] is None
    assert row["data_refreshed_at"] is None


def test_unknown_fields_go_to_extra_fields_by_path() -> None:
    record = {
        **rows.USER_ACTIVITY,
        "new_top": 1,
        "chat_metrics": {**rows.USER_ACTIVITY["chat_metrics"], "voice_minutes": 3},
        "claude_code_metrics": {**rows.USER_ACTIVITY["claude_code_metrics"], "extra": None},
        "data_refreshed_at": "2026-11-21T04:00:00Z",
    }
    row = row_of("enterprise_user_activity", record)
    assert json.loads(row["extra_fields"]) == {"chat_metrics.voice_minutes": 3, "new_top": 1}
    assert row["data_refreshed_at"] == datetime(2026, 11, 21, 4, tzinfo=UTC)


def test_summaries_day_comes_from_starting_at_and_rates_are_doubles() -> None:
    row = row_of("enterprise_summaries", rows.SUMMARY)
    assert row["date"] == date(2026, 11, 20)
    assert row["ending_at"] == datetime(2026, 11, 21, tzinfo=UTC)
    assert row["daily_active_user_count"] == 18
    assert row["daily_adoption_rate"] == 72.5 and row["monthly_adoption_rate"] == 100.0
    assert row["claude_code_daily_active_user_count"] is None  # omitted: not enabled


def test_skill_money_is_exact_cents() -> None:
    row = row_of("enterprise_skills", rows.SKILL)
    assert row["estimated_overage_spend_cents"] == Decimal("1250.125")
    assert row["attributed_list_price_cents"] == Decimal("4310.5")
    assert row["currency"] == "USD"
    assert json.loads(row["chat_metrics"]) == {"distinct_conversation_count": 3}


def test_connectors_plugins_projects_and_artifacts() -> None:
    connector = row_of("enterprise_connectors", rows.CONNECTOR)
    assert (connector["connector_name"], connector["read_call_count"]) == ("github", 40)
    plugin = row_of("enterprise_plugins", rows.PLUGIN)
    assert plugin["plugin_id"] == "serena@claude-plugins-official"
    project = row_of("enterprise_projects", rows.PROJECT)
    assert project["created_by_id"] == "user_01Abc"
    assert project["created_at"] == datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
    artifact = row_of("enterprise_artifacts", rows.ARTIFACT)
    assert (artifact["artifact_type"], artifact["is_shared"]) == ("text/markdown", True)


def test_rbac_rows_follow_the_official_examples() -> None:
    group = row_of("rbac_groups", rows.RBAC_GROUP)
    assert json.loads(group["roles"]) == ["rbac_role_016J8xVtKpDq3Wy9ZmN2hR4s"]
    member = row_of("rbac_group_members", rows.RBAC_MEMBER)
    assert (member["group_id"], member["user_id"]) == (
        "rbac_group_012rppKaSVsmTo6NqRDXQXNF",
        "user_01WCz1FkmYMm4gnmykNKUu3Q",
    )


def test_spend_limit_amounts_exact_and_member_from_scope_when_actor_has_none() -> None:
    row = row_of("spend_limits_effective", rows.SPEND_LIMIT)
    assert row["amount_cents"] == Decimal("50000")
    assert row["period_to_date_spend_cents"] == Decimal("1234.567")
    assert (row["user_id"], row["period"], row["actor_deleted"]) == ("user_01Abc", "monthly", False)
    assert json.loads(row["source"]) == {"seat_tier": "premium", "type": "seat_tier"}
    no_id = {**rows.SPEND_LIMIT, "actor": {"type": "user_actor"}, "amount": None}
    row = row_of("spend_limits_effective", no_id)
    assert row["user_id"] == "user_01Abc" and row["amount_cents"] is None


def test_mistyped_value_is_refused_not_guessed() -> None:
    spec = TABLES["enterprise_summaries"]
    with pytest.raises(TypeError):
        flat_row({**rows.SUMMARY, "daily_adoption_rate": {"x": 1}}, spec.columns)
    with pytest.raises(ValueError):  # a day that is not a UTC midnight
        flat_row({**rows.SUMMARY, "starting_at": "2026-11-20T05:00:00Z"}, spec.columns)


def test_value_at_and_unmapped_walk_only_declared_objects() -> None:
    record = {"a": {"b": {"c": 1}, "d": 2}, "e": "x", "f": None}
    assert value_at(record, "a.b.c") == 1 and value_at(record, "e.z") is None
    assert json.loads(unmapped(record, frozenset({"a.b"})) or "") == {"a.d": 2, "e": "x"}
    assert unmapped(record, frozenset({"a", "e"})) is None


def api_error(status: int, message: str) -> errors.ApiError:
    return errors.ApiError(message, status=status)


def test_a_too_recent_day_names_the_latest_available_one() -> None:
    day, today = date(2026, 11, 29), date(2026, 11, 30)
    said = "date 2026-11-29 is not available yet; the latest available date is 2026-11-27"
    assert not_ready_latest(api_error(400, said), day, today) == date(2026, 11, 27)
    # No day named, but one of the last few days: the day before it is the latest.
    assert not_ready_latest(api_error(400, "not ready"), day, today) == date(2026, 11, 28)
    # Anything else is a real failure.
    assert not_ready_latest(api_error(400, "bad filter"), date(2026, 5, 1), today) is None
    assert not_ready_latest(api_error(404, said), day, today) is None
    early = "date must be on or after 2026-01-01"
    assert not_ready_latest(api_error(400, early), date(2025, 12, 31), today) is None


def test_horizon_keeps_the_earliest_latest_day() -> None:
    horizon = Horizon()
    assert horizon.ready(date(2026, 11, 29))
    horizon.learn(date(2026, 11, 28))
    horizon.learn(date(2026, 11, 29))
    assert horizon.ready(date(2026, 11, 28)) and not horizon.ready(date(2026, 11, 29))


def test_more_paging_stops_on_has_more_false_even_with_a_cursor() -> None:
    paginator = MorePaginator(100)
    paginator.update_state("/x", {"data": [], "has_more": False, "next_page": "abc"})
    assert not paginator.has_more
    paginator = MorePaginator(100)
    paginator.update_state("/x", {"data": [], "next_page": "abc"})
    assert paginator.has_more and paginator.update_request([]) == [
        ("limit", "100"),
        ("page", "abc"),
    ]
    paginator.update_state("/x", {"data": [], "next_page": None})
    assert not paginator.has_more


def test_more_paging_refuses_has_more_without_a_cursor_or_with_a_repeated_one() -> None:
    with pytest.raises(errors.ProtocolError, match="said has_more for /x but sent no next_page"):
        MorePaginator(100).update_state("/x", {"data": [], "has_more": True, "next_page": None})
    paginator = MorePaginator(100)
    paginator.update_state("/x", {"data": [], "has_more": True, "next_page": "abc"})
    with pytest.raises(errors.ProtocolError, match="sent the same next_page twice for /x"):
        paginator.update_state("/x", {"data": [], "has_more": True, "next_page": "abc"})


def test_unavailable_reason_says_what_the_key_needs() -> None:
    spec = TABLES["enterprise_user_activity"]
    reason = unavailable_reason(spec, api_error(404, "not found"))
    assert reason is not None
    assert reason.startswith("needs an Analytics API key with read:analytics (Claude Enterprise)")


def test_analytics_key_is_told_apart_without_a_wrong_warning() -> None:
    admin = parse_source_uri("anthropic://?api_key=sk-ant-admin01-x")
    assert admin.admin_key and not admin.warnings
    analytics = parse_source_uri("anthropic://?api_key=sk-ant-api01-analytics-x")
    assert not analytics.admin_key
    [warning] = analytics.warnings
    assert "Analytics API key" in warning and "not available" in warning


def test_pace_shared_spaces_requests_of_the_family_only() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = AdaptiveLimiter(clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.pace_shared("enterprise", 60)
    assert len(slept) == 2 and all(1.0 < s < 1.05 for s in slept)
    limiter.pace_shared("other", 60)  # another family does not wait for this one
    assert len(slept) == 2


def test_check_asks_a_ready_day_and_names_the_families() -> None:
    users = TABLES["enterprise_user_activity"].source
    assert enterprise_params(users, date(2026, 11, 29)) == [("date", "2026-11-27"), ("limit", "1")]
    summaries = TABLES["enterprise_summaries"].source
    assert enterprise_params(summaries, date(2026, 1, 1)) == [
        ("starting_date", "2026-01-01"),
        ("ending_date", "2026-01-02"),
    ]

    class Access:
        def __init__(self, readable: bool) -> None:
            self.readable = readable

    tables = {name: Access(name.startswith(("enterprise_", "analytics_"))) for name in TABLES}
    text = families_text(tables)
    assert text.startswith("reads: Usage and Cost Analytics, Claude Enterprise analytics; not:")
    assert "Admin API directory" in text.split("not:")[1]
