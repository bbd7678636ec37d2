"""Resume points that catch late data, and a usage_report that keeps one grouping."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import dlt
import pytest

from anthropic_ingest import service
from anthropic_ingest.emulator import EmulatorConfig, running_emulator
from anthropic_ingest.errors import UsageError
from anthropic_ingest.load.runner import pipeline_name
from tests.conftest import Destination, source_uri
from tests.integration import expected


def _org(end: date) -> EmulatorConfig:
    return EmulatorConfig(seed=5, users=8, start_date=date(2025, 1, 1), end_date=end)


def _claude_code_rows(duck: Destination) -> list[tuple[Any, ...]]:
    return sorted(
        duck.query(
            "select date::date, actor_id, terminal_type, is_remote, num_sessions "
            "from {ds}.claude_code_usage"
        ),
        key=repr,
    )


def test_days_filled_in_after_the_lookback_are_fetched_again(duck: Destination) -> None:
    """A run on the 25th finds no data after the 20th (the API is late); the next run, on
    March 2nd, is more than the lookback after the last window's end, yet it reads those days
    again because it resumes from the last day that loaded rows."""
    table = f"{duck.dataset}.claude_code_usage"
    with running_emulator(_org(date(2025, 2, 20))) as late:
        service.ingest(
            source_uri(late),
            "claude_code_usage",
            duck.uri,
            table,
            interval_start="2025-02-01",
            now=datetime(2025, 2, 25, 12, tzinfo=UTC),
        )
    with running_emulator(_org(date(2025, 2, 28))) as settled:
        service.ingest(
            source_uri(settled),
            "claude_code_usage",
            duck.uri,
            table,
            now=datetime(2025, 3, 2, 12, tzinfo=UTC),
        )
        served = expected.claude_code(settled.org, date(2025, 2, 1), date(2025, 2, 28))
    assert {r["date"][:10] for r in served} >= {"2025-02-21", "2025-02-24"}
    want = sorted(
        (
            date.fromisoformat(r["date"][:10]),
            r["actor"].get("email_address") or r["actor"].get("api_key_name"),
            r["terminal_type"],
            r.get("is_remote"),
            r["core_metrics"]["num_sessions"],
        )
        for r in served
    )
    assert _claude_code_rows(duck) == sorted(want, key=repr)


@pytest.mark.parametrize(("table", "lookback"), [("usage_report", 3), ("cost_report", 7)])
def test_reports_resume_from_the_last_loaded_bucket(
    table: str, lookback: int, duck: Destination
) -> None:
    dest = f"{duck.dataset}.{table}"
    with running_emulator(_org(date(2025, 2, 20))) as late:
        uri = source_uri(late)
        service.ingest(
            uri,
            table,
            duck.uri,
            dest,
            interval_start="2025-02-01",
            now=datetime(2025, 2, 27, 12, tzinfo=UTC),
        )
        late.clear_requests()
        service.ingest(uri, table, duck.uri, dest, now=datetime(2025, 3, 2, 12, tzinfo=UTC))
        starts = [
            value
            for entry in late.requests()
            for key, value in entry["query"]
            if key == "starting_at"
        ]
    [(last,)] = duck.query(f"select max(bucket) from {{ds}}.{table}")
    assert last.date() == date(2025, 2, 20)
    assert starts == [f"2025-02-{20 - lookback}T00:00:00Z"]


def test_lookback_days_overrides_every_table(emu: Any, duck: Destination) -> None:
    dest = f"{duck.dataset}.cost_report"
    service.ingest(
        source_uri(emu),
        "cost_report",
        duck.uri,
        dest,
        interval_start="2025-01-10",
        now=datetime(2025, 1, 20, 12, tzinfo=UTC),
    )
    emu.clear_requests()
    service.ingest(
        source_uri(emu, lookback_days=1),
        "cost_report",
        duck.uri,
        dest,
        now=datetime(2025, 1, 25, 12, tzinfo=UTC),
    )
    [entry] = [e for e in emu.requests() if e["path"].endswith("/cost_report")]
    assert ("starting_at", "2025-01-18T00:00:00Z") in [tuple(p) for p in entry["query"]]


def _usage(emu: Any, duck: Destination, **options: Any) -> None:
    service.ingest(
        source_uri(emu, **options),
        "usage_report",
        duck.uri,
        f"{duck.dataset}.usage_report",
        interval_start="2025-01-05",
        interval_end="2025-01-06",
        full_refresh=bool(options.pop("full_refresh", False)),
    )


def test_usage_report_sends_five_dimensions(emu: Any, duck: Destination) -> None:
    _usage(emu, duck)
    [entry] = [e for e in emu.requests() if e["path"].endswith("/messages")]
    dims = [value for key, value in entry["query"] if key == "group_by[]"]
    assert dims == ["api_key_id", "workspace_id", "model", "service_tier", "context_window"]
    [(nulls,)] = duck.query(
        "select count(*) from {ds}.usage_report "
        "where inference_geo is null and account_id is null and service_account_id is null"
    )
    assert nulls == duck.query("select count(*) from {ds}.usage_report")[0][0] > 0


def test_a_table_keeps_its_grouping(emu: Any, duck: Destination) -> None:
    _usage(emu, duck)
    with pytest.raises(UsageError, match="--full-refresh") as info:
        _usage(emu, duck, group_by="model,workspace_id")
    assert "grouped by api_key_id,workspace_id,model,service_tier,context_window" in str(info.value)
    assert "\n" not in str(info.value)
    with pytest.raises(UsageError, match="bucket_width=1d"):
        _usage(emu, duck, bucket_width="1h")
    service.ingest(
        source_uri(emu, group_by="model,workspace_id"),
        "usage_report",
        duck.uri,
        f"{duck.dataset}.usage_report",
        interval_start="2025-01-05",
        interval_end="2025-01-06",
        full_refresh=True,
    )
    [(keys,)] = duck.query("select count(*) from {ds}.usage_report where api_key_id is not null")
    assert keys == 0
    _usage(emu, duck, group_by="model,workspace_id")  # the new grouping is remembered


@pytest.fixture
def legacy_usage_report(duck: Destination) -> Iterator[None]:
    """A destination loaded by a version that grouped usage_report by eight dimensions: its
    table and a resume point, without any record of the grouping."""
    with tempfile.TemporaryDirectory() as workdir:
        pipeline = dlt.pipeline(
            pipeline_name=pipeline_name(duck.dataset),
            destination=dlt.destinations.duckdb(str(duck.path)),
            dataset_name=duck.dataset,
            pipelines_dir=workdir,
        )

        def old_rows() -> Iterator[dict[str, Any]]:
            dlt.current.resource_state()["covered_through"] = "2025-01-07T00:00:00Z"
            yield {"bucket": datetime(2025, 1, 5, tzinfo=UTC), "inference_geo": "us"}

        pipeline.run(dlt.resource(old_rows, name="usage_report", table_name="usage_report"))
    yield


def test_a_table_of_the_eight_dimension_grouping_is_refused(
    emu: Any, duck: Destination, legacy_usage_report: None
) -> None:
    with pytest.raises(UsageError, match="--full-refresh") as info:
        _usage(emu, duck)
    assert "inference_geo" in str(info.value)
    assert duck.query("select count(*) from {ds}.usage_report") == [(1,)]
    service.ingest(
        source_uri(emu),
        "usage_report",
        duck.uri,
        f"{duck.dataset}.usage_report",
        interval_start="2025-01-05",
        interval_end="2025-01-06",
        full_refresh=True,
    )
    [(geo,)] = duck.query("select count(*) from {ds}.usage_report where inference_geo = 'us'")
    assert geo == 0
